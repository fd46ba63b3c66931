"""Workshop kind manifests: phases, contribution types with their fields, exports, demo.

A :class:`WorkshopKind` is the manifest of a kind of workshop, in the spirit of
Decidim's component manifest. It declares:

- its **phases**, in order, each saying whether participants may join, which
  contribution types may be posted, whether statements are voted on (agree /
  disagree / pass) or points are spread (dot voting), and which views it shows;
- its **contribution types**, each with typed :class:`Field` declarations: the generic
  store (:mod:`trajectoires.foresight.contributions`) validates every payload against
  them and then calls the type's ``check`` hook for rules across fields or rows;
- its **permissions** (who may post a type), **exports** and **demo content**;
- its **productions** (:class:`Production`): what a published workshop shows on its
  public page and compte rendu — lists of contribution types, and views its web module
  draws (the timeline, the roadmap, the debate's groups and consensus).

Every kind starts in the ``draft`` phase (:data:`DRAFT`) and ends in ``closed``
(:data:`CLOSED`); phases are checked against the manifest, never by the database.

Examples
--------
>>> phase = Phase("vision", "Vision", contribution_types=("headline",), shows=("wall",))
>>> phase.accepts_contributions, phase.accepts_votes
(True, False)
>>> Field("title", "Titre", "text", max_length=10).clean("  Un   titre ")
'Un titre'

"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trajectoires.foresight.errors import InvalidInputError
from trajectoires.foresight.kinds._fields import FIELD_KINDS, Field, month_date
from trajectoires.foresight.kinds._production import Production

if TYPE_CHECKING:
    from trajectoires.foresight.contributions import CheckContext

__all__ = [
    "CLOSED",
    "DRAFT",
    "FIELD_KINDS",
    "ContributionType",
    "Export",
    "Field",
    "Phase",
    "Production",
    "WorkshopKind",
    "month_date",
]

CheckHook = Callable[["CheckContext", dict[str, Any]], None]
AfterPostHook = Callable[["CheckContext", Any], None]


@dataclass(frozen=True)
class Phase:
    """A phase of a workshop: what participants may do during it and what it shows.

    ``contribution_types`` lists the types participants may post in this phase;
    ``votes`` enables agree / disagree / pass votes, ``points`` the dot voting;
    ``shows`` names the views the pages display (``wall``, ``timeline``, ``targets``,
    ``ranking``, ``roadmap``, ``opinions``…); ``prompt`` is the question put to
    participants during the phase.
    """

    key: str
    label: str
    accepts_participants: bool = True
    contribution_types: tuple[str, ...] = ()
    votes: bool = False
    points: bool = False
    shows: tuple[str, ...] = ()
    prompt: str = ""

    @property
    def accepts_contributions(self) -> bool:
        """Whether participants may post some type of contribution now."""
        return bool(self.contribution_types)

    @property
    def accepts_votes(self) -> bool:
        """Whether statements may be voted on (agree / disagree / pass) now."""
        return self.votes


DRAFT = Phase("draft", "En préparation", accepts_participants=False)
"""The first phase of every kind: seen by its facilitator only, not joinable."""
CLOSED = Phase("closed", "Clos", accepts_participants=False, shows=("wall",))
"""The last phase of every kind: read-only."""


@dataclass(frozen=True)
class ContributionType:
    """A type of contribution: its typed fields and the rules the store applies.

    ``title_field`` names the field stored as the contribution's text (searched and
    shown in lists); ``posted_by`` who may post it (``participant`` and/or
    ``facilitator``); ``votable`` allows agree / disagree / pass votes on it,
    ``prioritizable`` the dot voting; ``check`` is called with the cleaned payload
    for rules across fields or rows and raises :class:`InvalidInputError`;
    ``after_post`` runs in the same transaction once the new row has its id.
    """

    key: str
    label: str
    fields: tuple[Field, ...]
    title_field: str
    plural: str = ""
    votable: bool = False
    prioritizable: bool = False
    posted_by: tuple[str, ...] = ("participant", "facilitator")
    check: CheckHook | None = None
    after_post: AfterPostHook | None = None

    def __post_init__(self) -> None:
        if self.title_field not in {f.name for f in self.fields}:
            raise ValueError(f"{self.key}: title_field {self.title_field!r} is not a field")

    @property
    def max_length(self) -> int:
        """The length limit of the title field."""
        return self.field(self.title_field).max_length

    def field(self, name: str) -> Field:
        """Return the field ``name`` (``KeyError`` if it is not declared)."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def clean(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Check every declared field of ``payload``; refuse undeclared ones.

        >>> t = ContributionType("note", "Note", (Field("text", "Texte", required=True),), "text")
        >>> t.clean({"text": " Bonjour "})
        {'text': 'Bonjour'}
        """
        if not isinstance(payload, Mapping):
            raise InvalidInputError("payload_not_object")
        unknown = sorted(set(payload) - {f.name for f in self.fields})
        if unknown:
            raise InvalidInputError("unknown_fields", fields=", ".join(unknown)[:200])
        return {spec.name: spec.clean(payload.get(spec.name)) for spec in self.fields}


@dataclass(frozen=True)
class Export:
    """A download a kind offers for a workshop: ``path`` under ``/ateliers/{slug}/export/``."""

    key: str
    label: str
    path: str
    media_type: str


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


DemoBuilder = Callable[..., Any]
SettingsCleaner = Callable[[Mapping[str, Any]], dict[str, Any]]

COMMON_SETTINGS: Mapping[str, Any] = {"private": False, "enrichment_email": False}
"""Options of every kind, added to each manifest's ``settings``. ``private``: the join
code is shown to the facilitator only (facilitation page, projection), never given by the
API, and visitors of the workshop's page get no join link. ``enrichment_email``: once
published, visitors who enrich the workshop confirm an e-mail address first
(:mod:`trajectoires.foresight.enrichment`)."""
_YES, _NO = {"1", "true", "oui", "on", "yes"}, {"0", "false", "non", "off", "no", ""}


def _clean_common(name: str, value: Any) -> Any:  # noqa: ANN401 (JSON values)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES | _NO:
        return text in _YES
    raise InvalidInputError("bad_flag_setting", name=name, value=str(value)[:20])


@dataclass(frozen=True)
class WorkshopKind:
    """Manifest of one kind of workshop.

    ``settings`` are the kind's defaults for per-workshop options (e.g. the horizon
    or the points each participant spreads), ``clean_settings`` checks new values of
    them; ``demo`` builds the kind's example workshop; ``order`` sorts kinds in lists;
    ``productions`` what a published workshop shows (default: one list per
    contribution type, see :attr:`published_productions`).
    """

    key: str
    label: str
    description: str
    phases: tuple[Phase, ...]
    contribution_types: tuple[ContributionType, ...]
    exports: tuple[Export, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    demo: DemoBuilder | None = None
    clean_settings: SettingsCleaner | None = None
    order: int = 100
    productions: tuple[Production, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", {**self.settings, **COMMON_SETTINGS})
        keys = [p.key for p in self.phases]
        if keys[0] != DRAFT.key or keys[-1] != CLOSED.key or len(set(keys)) != len(keys):
            raise ValueError(f"{self.key}: phases must run from 'draft' to 'closed', once each")
        types = {t.key for t in self.contribution_types}
        for phase in self.phases:
            if set(phase.contribution_types) - types:
                raise ValueError(f"{self.key}: phase {phase.key!r} names an undeclared type")
        for production in self.productions:
            if set(production.types) - types:
                raise ValueError(f"{self.key}: production {production.key!r} names an "
                                 "undeclared type")

    @property
    def published_productions(self) -> tuple[Production, ...]:
        """What a published workshop of this kind shows, in order.

        The declared :attr:`productions`, else one list per contribution type.

        >>> kind = WorkshopKind("k", "K", "", (DRAFT, CLOSED),
        ...     (ContributionType("note", "Note", (Field("t", "T"),), "t", plural="notes"),))
        >>> [(p.key, p.label, p.types) for p in kind.published_productions]
        [('note', 'Notes', ('note',))]
        """
        if self.productions:
            return self.productions
        return tuple(Production(t.key, _capitalised(t.plural or t.label), types=(t.key,))
                     for t in self.contribution_types)

    def phase(self, key: str) -> Phase:
        """Return the phase named ``key``; raise :class:`InvalidInputError` if unknown."""
        for phase in self.phases:
            if phase.key == key:
                return phase
        allowed = ", ".join(p.key for p in self.phases)
        raise InvalidInputError("unknown_status", status=key, allowed=allowed)

    def contribution_type(self, key: str) -> ContributionType:
        """Return the contribution type ``key``; raise :class:`InvalidInputError` if unknown."""
        for kind in self.contribution_types:
            if kind.key == key:
                return kind
        allowed = ", ".join(t.key for t in self.contribution_types)
        raise InvalidInputError("unknown_contribution_type", type=key[:40], allowed=allowed)

    def check_settings(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Return ``changes`` checked: the common options here, the kind's by its cleaner.

        Raises
        ------
        InvalidInputError
            A setting the kind does not have, or a value it refuses.

        """
        unknown = sorted(set(changes) - set(self.settings))
        if unknown:
            raise InvalidInputError("unknown_setting", names=", ".join(unknown)[:120])
        own = {k: v for k, v in changes.items() if k not in COMMON_SETTINGS}
        if self.clean_settings is not None and own:
            own = self.clean_settings(own)
        common = {k: _clean_common(k, v) for k, v in changes.items() if k in COMMON_SETTINGS}
        return {**own, **common}

    @property
    def initial_phase(self) -> Phase:
        """The phase a new workshop starts in."""
        return self.phases[0]

    def next_phase(self, key: str) -> Phase | None:
        """Return the phase after ``key``, or ``None`` after the last one."""
        keys = [p.key for p in self.phases]
        index = keys.index(self.phase(key).key)
        return self.phases[index + 1] if index + 1 < len(keys) else None

    def setting(self, settings: Mapping[str, Any] | None, name: str) -> Any:  # noqa: ANN401
        """Return a workshop's option ``name``, else this kind's default."""
        if settings and name in settings:
            return settings[name]
        return self.settings.get(name)
