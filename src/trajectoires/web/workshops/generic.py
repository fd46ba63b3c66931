"""What the shared workshop pages show for every kind, built from the kind's manifest.

:func:`board` reads, once per page, the workshop's contributions, its live state
(lock, timer, tables), the viewer's table and points; the templates
(``workshops/_contribution*.html``, ``_field.html``, ``_session.html``) ask the
:class:`Board` for the forms of the types the phase accepts, the lists, the choices of
reference fields and how to show each value. :func:`form_values` turns a submitted
form into the payload the contribution services clean and check.

Types that are voted on (the debate's statements) keep their own board and are left
to the kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trajectoires.foresight import _web_support
from trajectoires.foresight.contributions import ContributionView, list_contributions
from trajectoires.foresight.facilitation import SessionState, session_state
from trajectoires.foresight.kinds import ContributionType, Field, Phase, WorkshopKind
from trajectoires.foresight.kinds._imaginer_checks import french_month, french_number
from trajectoires.foresight.models import MERGED, PENDING, VISIBLE
from trajectoires.foresight.participation import ParticipantView
from trajectoires.foresight.priorities import DEFAULT_BUDGET, my_points
from trajectoires.foresight.turnout import Turnout, turnout
from trajectoires.foresight.workshops import WorkshopView

__all__ = ["Board", "FailedForm", "board", "form_values", "payload_values"]

MULTIPLE = ("choices", "refs")


@dataclass(frozen=True)
class FailedForm:
    """A form refused by a service: where it was, what was typed, the French message."""

    prefix: str
    type_key: str
    values: Mapping[str, Any]
    message: str
    field_label: str | None = None

    def matches(self, prefix: str, type_key: str) -> bool:
        """Whether this is the form ``prefix`` of the type ``type_key``."""
        return (self.prefix, self.type_key) == (prefix, type_key)


def form_values(ctype: ContributionType, form: FormData) -> dict[str, Any]:
    """Return the payload of ``ctype`` typed in ``form`` (computed fields left out).

    Several values (checkboxes) become lists; empty ones are dropped.
    """
    values: dict[str, Any] = {}
    for spec in ctype.fields:
        if spec.computed:
            continue
        if spec.kind in MULTIPLE:
            values[spec.name] = [str(v) for v in form.getlist(spec.name) if str(v).strip()]
        else:
            raw = form.get(spec.name, "")
            values[spec.name] = raw if isinstance(raw, str) else ""
    return values


def _as_text(value: Any) -> Any:  # noqa: ANN401 (payload values are JSON)
    if value is None:
        return ""
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def payload_values(ctype: ContributionType, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return a stored payload as a form shows it (strings, lists of strings)."""
    return {spec.name: _as_text(payload.get(spec.name)) for spec in ctype.fields
            if not spec.computed}


@dataclass
class Board:
    """The generic part of a workshop page, for one viewer (participant, visitor, facilitator)."""

    workshop: WorkshopView
    state: SessionState
    contributions: list[ContributionView]
    viewer_id: int | None = None
    my_table: int | None = None
    points: dict[int, int] = field(default_factory=dict)
    facilitator: bool = False
    seats: list[_web_support.Seat] = field(default_factory=list)
    turnout: Turnout | None = None

    @property
    def kind(self) -> WorkshopKind:
        """The manifest of the workshop's kind."""
        return self.workshop.manifest

    @property
    def phase(self) -> Phase:
        """The current phase."""
        return self.kind.phase(self.workshop.status)

    @property
    def generic_types(self) -> tuple[ContributionType, ...]:
        """The kind's types these pages handle (not the debate's voted statements)."""
        return tuple(t for t in self.kind.contribution_types if not t.votable)

    @property
    def form_types(self) -> tuple[ContributionType, ...]:
        """Types a participant may post in this phase."""
        return tuple(t for t in self.generic_types if t.key in self.phase.contribution_types
                     and "participant" in t.posted_by)

    @property
    def paper_types(self) -> tuple[ContributionType, ...]:
        """Types the facilitator may enter on behalf of a table (the phase's first)."""
        ours = [t for t in self.generic_types if "facilitator" in t.posted_by]
        return tuple(sorted(ours, key=lambda t: t.key not in self.phase.contribution_types))

    @property
    def list_types(self) -> tuple[ContributionType, ...]:
        """Types listed on the page: the phase's, those given points, any with content."""
        shown = set(self.phase.contribution_types)
        if self.phase.points:
            shown |= {t.key for t in self.generic_types if t.prioritizable}
        if self.facilitator:
            shown |= {c.type for c in self.contributions}
        return tuple(t for t in self.generic_types if t.key in shown)

    @property
    def budget(self) -> int:
        """Points each participant spreads."""
        return int(self.workshop.setting("points") or DEFAULT_BUDGET)

    @property
    def points_left(self) -> int:
        """Points the viewer may still spread."""
        return self.budget - sum(self.points.values())

    @property
    def accepts_posts(self) -> bool:
        """Whether a participant may post now (the phase takes some type, not locked)."""
        return bool(self.form_types) and not self.state.locked

    def of_type(self, key: str) -> list[ContributionView]:
        """Contributions of the type ``key``, oldest first."""
        return [c for c in self.contributions if c.type == key]

    def options(self, spec: Field) -> list[tuple[str, str]]:
        """Return a field's choices: its declared ones, or the visible contributions it may name."""
        if spec.kind not in ("ref", "refs"):
            return list(spec.choices)
        named = len(spec.ref_types) > 1
        return [(str(c.id), self._ref_label(c, named=named)) for c in self.contributions
                if c.type in spec.ref_types and c.status == VISIBLE]

    def _ref_label(self, c: ContributionView, *, named: bool) -> str:
        if not named:
            return c.text
        return f"{c.text} ({self.kind.contribution_type(c.type).label.lower()})"

    def title(self, contribution_id: int) -> str:
        """Return the title of a contribution of the workshop (« n° id » if not shown here)."""
        found = next((c for c in self.contributions if c.id == contribution_id), None)
        return found.text if found is not None else f"n° {contribution_id}"

    def shown_value(self, spec: Field, value: Any) -> str:  # noqa: ANN401 (a JSON value)
        """Return a payload value as a page shows it: choice labels, titles, French months."""
        values = value if isinstance(value, list) else [value]
        if spec.kind in ("choice", "choices"):
            return ", ".join(spec.choice_label(v) for v in values)
        if spec.kind in ("ref", "refs"):
            return ", ".join(f"« {self.title(v)} »" for v in values)
        if spec.kind == "month":
            return french_month(str(value))
        if spec.kind in ("integer", "number") and isinstance(value, int | float):
            return french_number(value)
        return str(value)

    def details(self, c: ContributionView) -> list[tuple[str, str]]:
        """Return the fields of a contribution besides its title, as (label, shown value)."""
        ctype = self.kind.contribution_type(c.type)
        return [(spec.label, self.shown_value(spec, c.payload[spec.name]))
                for spec in ctype.fields
                if spec.name != ctype.title_field
                and c.payload.get(spec.name) not in (None, "", [])]

    def table_name(self, table_id: int | None) -> str | None:
        """Return the name of a table of the workshop."""
        return next((t.name for t in self.state.tables if t.id == table_id), None)

    def author(self, c: ContributionView) -> str:
        """Who wrote it: a pseudonym, or « Table X — saisi sur papier »."""
        if c.on_paper:
            return f"{self.table_name(c.table_id) or 'Animation'} — saisi sur papier"
        return c.author

    def mine(self, c: ContributionView) -> bool:
        """Whether the viewer wrote it."""
        return self.viewer_id is not None and c.participant_id == self.viewer_id

    def pending(self, c: ContributionView) -> bool:
        """Whether it waits for the facilitator's approval."""
        return c.status == PENDING

    def editable(self, c: ContributionView) -> bool:
        """Whether the viewer may edit it now (their own, the phase takes its type, unlocked)."""
        return (self.mine(c) and c.status != MERGED and not self.state.locked
                and c.type in self.phase.contribution_types)

    def prioritizable(self, c: ContributionView) -> bool:
        """Whether the viewer may put points on it now."""
        return (self.phase.points and self.viewer_id is not None and c.status == VISIBLE
                and self.kind.contribution_type(c.type).prioritizable)

    def values(self, c: ContributionView) -> dict[str, Any]:
        """Return the payload of ``c`` as its edit form shows it."""
        return payload_values(self.kind.contribution_type(c.type), c.payload)

    @property
    def votes_board(self) -> bool:
        """Whether the kind has voted types, shown by the debate's own board."""
        return any(t.votable for t in self.kind.contribution_types)

    def merge_targets(self, c: ContributionView) -> list[ContributionView]:
        """Contributions ``c`` may be merged into (same type, not merged, not itself)."""
        return [o for o in self.of_type(c.type) if o.id != c.id and o.status != MERGED]

    def seated_at(self, table_id: int | None) -> list[str]:
        """Pseudonyms of the participants at a table (``None``: the plenary)."""
        return [s.pseudonym for s in self.seats if s.table_id == table_id]


def board(session: Session, workshop: WorkshopView, viewer: ParticipantView | None = None,
          *, facilitator: bool = False) -> Board:
    """Read what the generic part of a page shows, for ``viewer`` or the facilitator."""
    viewer_id = viewer.id if viewer is not None else None
    contributions = list_contributions(session, workshop.id, viewer_id=viewer_id,
                                       include_hidden=facilitator)
    state = session_state(session, workshop.id)
    result = Board(workshop, state, contributions, viewer_id, facilitator=facilitator)
    if viewer is not None:
        result.my_table = _web_support.table_of(session, viewer.id)
        result.points = my_points(session, viewer.id)
    if facilitator:
        result.seats = _web_support.seating(session, workshop.id)
        result.turnout = turnout(session, workshop.id)
    return result
