"""The form of a quantified effect, one per effect type, and its reading into the plan format.

The form is plain HTML (no script needed): the type is chosen first (a link per type),
then the type's fields. What is typed is turned into the JSON of the plan format as it
is — a number that does not read as one is passed on as text — so that the projection
engine's reader (:func:`trajectoires.pathways.read_plan`) is the only validator and its
refusal names the field (:func:`trajectoires.foresight.kinds._construire_effects.field_of`).

Examples
--------
>>> effect_from_form("ftth", {"communes": "29019, 29232", "share": "92,5", "year": "2028",
...                           "assumption": "Plan France THD"})
{'type': 'ftth', 'communes': ['29019', '29232'], 'share': 92.5, 'year': 2028, 'assumption': 'Plan France THD'}
>>> form_values({"type": "ftth", "communes": ["29019"], "share": 92.5, "year": 2028})["share"]
'92,5'

"""  # noqa: E501

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trajectoires.foresight.kinds._construire_effects import EFFECT_LABELS, FIELD_LABELS

__all__ = ["FORMS", "EffectField", "effect_from_form", "form_values", "indicator_choices",
           "network_choices", "summary"]

_SPLIT = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class EffectField:
    """One field of an effect's form: its plan key, input kind, and help."""

    name: str
    kind: str = "text"  # text, longtext, number, integer, codes, network, indicator, mode
    required: bool = False
    help: str = ""

    @property
    def label(self) -> str:
        """The French label (the same the errors name)."""
        return FIELD_LABELS[self.name]


_YEAR = EffectField("year", "integer", True, "L'année où l'effet commence (au plus l'horizon).")
_ASSUMPTION = EffectField("assumption", "longtext", True,
                          "L'hypothèse dite en clair : d'où vient le chiffre, qui le garantit.")
_COMMUNES = EffectField("communes", "codes", False,
                        "Codes INSEE des communes, séparés par des virgules (ex. 29019, 29232).")
FORMS: dict[str, tuple[EffectField, ...]] = {
    "open-place": (
        EffectField("network", "network", True),
        EffectField("commune", help="Code INSEE de la commune (ex. 29019). Sans coordonnées, "
                                    "le lieu est placé au point de référence de la commune."),
        EffectField("name", help="Facultatif."),
        EffectField("address", help="Facultatif : l'adresse, pour mémoire."),
        EffectField("lat", "number", help="Facultatif, en degrés décimaux (ex. 48,39)."),
        EffectField("lon", "number", help="Facultatif, en degrés décimaux (ex. -4,49)."),
        _YEAR, _ASSUMPTION),
    "close-place": (
        EffectField("network", "network", True),
        EffectField("commune", help="Code INSEE : ferme les lieux du réseau dans la commune."),
        EffectField("place", help="Facultatif : l'identifiant d'un lieu précis."),
        _YEAR, _ASSUMPTION),
    "ftth": (
        EffectField("communes", "codes", True, _COMMUNES.help),
        EffectField("share", "number", True, "Part des locaux raccordables, de 0 à 100."),
        _YEAR, _ASSUMPTION),
    "reach": (
        EffectField("people", "number", True, "Personnes accompagnées chaque année."),
        _COMMUNES,
        EffectField("epci", help="Ou le code SIREN d'un EPCI (pas les deux)."),
        _YEAR, _ASSUMPTION),
    "indicator": (
        EffectField("indicator", "indicator", True),
        EffectField("mode", "mode", True),
        EffectField("change", "number", True, "En unités de l'indicateur (absolu) ou en % "
                                              "de sa valeur (relatif) ; négatif pour baisser."),
        EffectField("communes", "codes", False, "Facultatif : toutes les communes sinon. "
                                                + _COMMUNES.help),
        _YEAR, _ASSUMPTION),
}
"""The fields of each effect type's form, in the order shown."""
MODES = (("absolute", "Absolu : ajouter la valeur"), ("relative", "Relatif : ajouter ce %"))


def network_choices() -> tuple[tuple[str, str], ...]:
    """Return the networks a place belongs to: ``(key, French label)``."""
    from trajectoires.pathways import NETWORKS

    return tuple(NETWORKS.items())


def indicator_choices() -> tuple[tuple[str, str], ...]:
    """Return the catalogue indicators an ``indicator`` effect may move: ``(key, label)``."""
    from trajectoires.indicators.catalogue import INDICATORS
    from trajectoires.pathways import PROJECTED

    return tuple((key, INDICATORS[key].label) for key, spec in PROJECTED.items()
                 if spec.editable and key in INDICATORS)


def _number(text: str, integer: bool) -> Any:  # noqa: ANN401 (a number, or the text as typed)
    cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        return int(cleaned) if integer else float(cleaned)
    except ValueError:
        return text


def effect_from_form(effect_type: str, form: Mapping[str, Any]) -> dict[str, Any]:
    """Turn the typed fields of the form of ``effect_type`` into an effect of the plan format.

    Empty fields are left out; numbers read with a comma or a point; codes split on
    commas, semicolons or spaces. Nothing is refused here: the engine's reader does it.
    """
    effect: dict[str, Any] = {"type": effect_type}
    for spec in FORMS.get(effect_type, ()):
        text = str(form.get(spec.name) or "").strip()
        if not text:
            continue
        if spec.kind in ("number", "integer"):
            effect[spec.name] = _number(text, spec.kind == "integer")
        elif spec.kind == "codes":
            effect[spec.name] = [code for code in _SPLIT.split(text) if code]
        else:
            effect[spec.name] = text
    return effect


def _shown(value: Any) -> str:  # noqa: ANN401 (a JSON value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return "" if value is None else str(value)


def _said(value: Any) -> str:  # noqa: ANN401 (a JSON number)
    """Write a number for a sentence, French style: « 1 200 », « 2,5 », « −2 » (minus sign).

    >>> _said(1200).replace("\u202f", " "), _said(-2), _said(2.5), _said(None)
    ('1 200', '−2', '2,5', '')
    """
    from trajectoires.render._french import format_number

    if not isinstance(value, int | float) or isinstance(value, bool):
        return _shown(value)
    decimals = next((d for d in range(4) if round(value, d) == value), 4)
    return format_number(value, decimals).replace("-", "\u2212")


def form_values(effect: Mapping[str, Any]) -> dict[str, str]:
    """Return a stored effect as the texts of its form's fields."""
    return {name: _shown(value) for name, value in effect.items() if name != "key"}


def summary(effect: Mapping[str, Any]) -> str:
    """Say an effect in a few French words (for lists).

    >>> summary({"type": "ftth", "share": 95, "communes": ["29232"], "year": 2028})
    "Fibre pour 95\u202f% des locaux (29232), d'ici 2028"
    >>> summary({"type": "reach", "people": 1200, "communes": ["29024"], "year": 2027})
    '1\u202f200 personnes accompagnées par an (29024), dès 2027'
    >>> summary({"type": "indicator", "indicator": "share_65_plus", "change": -2,
    ...          "year": 2028})
    '« Part des 65 ans et plus » : −2, dès 2028'
    >>> summary({"type": "open-place", "network": "france-services", "commune": "29162",
    ...          "year": 2027})
    'Ouvrir un lieu du réseau « France Services » (29162), dès 2027'
    """
    kind = str(effect.get("type"))
    where = effect.get("commune") or ", ".join(effect.get("communes") or ()) \
        or effect.get("epci") or ""
    network = dict(network_choices()).get(str(effect.get("network")), effect.get("network"))
    indicator = dict(indicator_choices()).get(str(effect.get("indicator")),
                                              effect.get("indicator"))
    change = _said(effect.get("change"))
    what = {
        "open-place": f"ouvrir un lieu du réseau « {network} »",
        "close-place": f"fermer un lieu du réseau « {network} »",
        "ftth": f"fibre pour {_said(effect.get('share'))}\u202f% des locaux",
        "reach": f"{_said(effect.get('people'))} personnes accompagnées par an",
        "indicator": f"« {indicator} » : {'+' if not change.startswith('−') else ''}{change}"
                     f"{' %' if effect.get('mode') == 'relative' else ''}",
    }.get(kind, EFFECT_LABELS.get(kind, kind))
    place = f" ({where})" if where else ""
    when = "d'ici" if kind == "ftth" else "dès"
    return f"{what[:1].upper()}{what[1:]}{place}, {when} {effect.get('year')}"
