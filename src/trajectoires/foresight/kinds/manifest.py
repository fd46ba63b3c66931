"""Workshop kind manifests and their registry (see :mod:`trajectoires.foresight.kinds`)."""

from __future__ import annotations

from dataclasses import dataclass

from trajectoires.foresight.errors import InvalidInputError

__all__ = ["ContributionType", "Phase", "WorkshopKind", "get_kind", "kinds", "register"]


@dataclass(frozen=True)
class Phase:
    """A phase of a workshop and what participants may do during it."""

    key: str
    label: str
    accepts_participants: bool
    accepts_contributions: bool
    accepts_votes: bool


@dataclass(frozen=True)
class ContributionType:
    """A type of contribution participants post (e.g. a statement of the open debate)."""

    key: str
    label: str
    max_length: int
    votable: bool


@dataclass(frozen=True)
class WorkshopKind:
    """Manifest of one kind of workshop."""

    key: str
    label: str
    description: str
    phases: tuple[Phase, ...]
    contribution_types: tuple[ContributionType, ...]

    def phase(self, key: str) -> Phase:
        """Return the phase named ``key``; raise :class:`InvalidInputError` if unknown."""
        for phase in self.phases:
            if phase.key == key:
                return phase
        allowed = ", ".join(p.key for p in self.phases)
        raise InvalidInputError("unknown_status", status=key, allowed=allowed)

    @property
    def initial_phase(self) -> Phase:
        """The phase a new workshop starts in."""
        return self.phases[0]


_REGISTRY: dict[str, WorkshopKind] = {}


def register(kind: WorkshopKind) -> WorkshopKind:
    """Add ``kind`` to the registry (idempotent for the same manifest) and return it."""
    existing = _REGISTRY.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"workshop kind {kind.key!r} is already registered")
    _REGISTRY[kind.key] = kind
    return kind


def kinds() -> tuple[WorkshopKind, ...]:
    """Every registered kind, in registration order."""
    return tuple(_REGISTRY.values())


def get_kind(key: str) -> WorkshopKind:
    """Return the kind named ``key``; raise :class:`InvalidInputError` if unknown."""
    try:
        return _REGISTRY[key]
    except KeyError:
        raise InvalidInputError("unknown_kind", kind=key) from None

