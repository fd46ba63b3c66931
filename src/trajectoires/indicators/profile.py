"""A territory's loaded indicators beside those of its parents (EPCI, département, région, France).

The territory pages and the API show, for each headline indicator the store
holds, the value of the territory and of every territory containing it,
aggregated from the communes by the catalogue's rule (sums for counts, ratio of
sums for shares with counts, population-weighted mean otherwise). The commune
values are read once per state of the store; a territory's values are
aggregated from its own communes on first use (all of France once), then kept.

Examples
--------
>>> import tempfile, pathlib
>>> import pandas as pd
>>> from trajectoires.territory import FIXTURE_DIR, load_reference
>>> ref = load_reference(pathlib.Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
>>> values = pd.DataFrame({
...     "commune_code": ["29232", "29019"], "indicator": "france_services_sites",
...     "period": "2024-08-01", "value": [2.0, 3.0]})
>>> profile = IndicatorProfile(ref, values)
>>> rows = profile.rows(ref.resolve("29232"))
>>> [(v["name"], v["value"]) for v in rows[0]["values"]][:2]
[('Quimper', 2.0), ("Communauté d'agglomération Quimper Bretagne Occidentale", 2.0)]
>>> rows[0]["values"][2]["name"], rows[0]["values"][2]["value"]
('Finistère', 5.0)

"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pandas as pd

from trajectoires.indicators.aggregation import aggregate
from trajectoires.indicators.catalogue import DATASETS, INDICATORS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from trajectoires.territory import Reference, Unit

__all__ = ["HEADLINE", "IndicatorProfile", "load_profile"]

_CACHED_UNITS = 512

HEADLINE: tuple[str, ...] = (
    "arcep_taux_thd30",
    "arcep_taux_inel_hd",
    "ftth_taux",
    "insee_part_65p",
    "dfg_part_65p_sur_15p",
    "insee_part_peu_diplomes",
    "dfg_part_peu_diplomes",
    "insee_part_men_seul",
    "dfg_part_men_seul",
    "insee_part_men_fammono",
    "dfg_part_men_fammono",
    "insee_taux_chomage",
    "insee_taux_pauvrete",
    "ircom_part_foyers_rfr_12000",
    "france_services_sites",
    "mediation_lieux",
    "bibliotheques",
)
"""Indicators a territory page compares with the parents, in this order, when loaded.

Stand-ins (``dfg_…``, ``ircom_…``) carry their own label and note saying what
they are; a page shows them only when they are what the store holds."""


class IndicatorProfile:
    """Headline indicators of any territory and its parents, from commune values.

    Parameters
    ----------
    reference : trajectoires.territory.Reference
        The reference of places (hierarchy and populations).
    values : pandas.DataFrame
        Long commune values (``commune_code``, ``indicator``, ``period``,
        ``value``), ratio components included (``store.indicator_values``).

    """

    def __init__(self, reference: Reference, values: pd.DataFrame) -> None:
        self.reference = reference
        self.values = values
        present = set(values["indicator"])
        self.indicators = [i for i in HEADLINE if i in present]
        self.periods = values.groupby("indicator")["period"].first().to_dict()
        self._communes = reference.communes_of(reference.france)
        self._units: dict[str, pd.Series] = {}
        self._lock = threading.Lock()

    def _unit_values(self, unit: Unit) -> pd.Series:
        """Values of ``unit`` by indicator, aggregated from its communes only (cached)."""
        with self._lock:
            if unit.ref not in self._units:
                reference = self.reference
                if unit.kind.value == "pays":
                    subset = self.values
                else:
                    members = reference.communes_of(unit).index
                    subset = self.values[self.values["commune_code"].isin(members)]
                table = aggregate(subset, reference, unit.kind.value, communes=self._communes)
                table = table[table["unit_code"] == unit.code]
                if len(self._units) >= _CACHED_UNITS:
                    self._units.pop(next(iter(self._units)))
                self._units[unit.ref] = table.set_index("indicator")["value"]
            return self._units[unit.ref]

    def rows(self, unit: Unit) -> list[dict]:
        """One row per loaded headline indicator: its description and the chain's values.

        Each row has ``id``, ``label``, ``unit``, ``period``, ``source``,
        ``licence``, ``note`` and ``values``: a list of ``kind``, ``code``,
        ``name``, ``territory`` (the :class:`Unit`) and ``value`` (None when
        unknown) for ``unit`` then each parent.
        """
        chain = [unit, *self.reference.parents(unit)]
        tables = {member.ref: self._unit_values(member) for member in chain}
        rows = []
        for indicator_id in self.indicators:
            indicator = INDICATORS[indicator_id]
            dataset = DATASETS[indicator.dataset]
            values = []
            for member in chain:
                value = tables[member.ref].get(indicator_id)
                values.append({"kind": member.kind.value, "kind_label": member.kind.label,
                               "code": member.code, "name": member.name, "territory": member,
                               "value": None if value is None else float(value)})
            rows.append({"id": indicator_id, "label": indicator.label, "unit": indicator.unit,
                         "period": self.periods.get(indicator_id), "source": dataset.label,
                         "licence": dataset.licence, "note": indicator.note, "values": values})
        return rows


def load_profile(session: Session, reference: Reference) -> IndicatorProfile:
    """Read the store's commune values of :data:`HEADLINE` into an :class:`IndicatorProfile`."""
    from trajectoires.indicators.store import indicator_values

    known = [i for i in HEADLINE if i in INDICATORS]
    return IndicatorProfile(reference, indicator_values(session, known))
