"""Registry of workshop kinds: each kind declares itself in one module, found by discovery.

A kind is a module of this package (``debate``, ``imaginer_2030``, ``construire_2030``…)
that defines ``KIND``, a :class:`WorkshopKind` manifest. Modules are discovered when
the registry is first read; nothing lists them by hand. Another package may add a kind
with :func:`register`.

Examples
--------
>>> kind = get_kind("debate")
>>> [phase.key for phase in kind.phases]
['draft', 'open', 'closed']
>>> kind.phase("open").accepts_contributions
True
>>> "imaginer-2030" in [k.key for k in kinds()]
True

"""

from __future__ import annotations

import importlib
import pkgutil
import threading

from trajectoires.foresight.errors import InvalidInputError
from trajectoires.foresight.kinds.manifest import (
    CLOSED,
    DRAFT,
    ContributionType,
    Export,
    Field,
    Phase,
    WorkshopKind,
)

__all__ = [
    "CLOSED",
    "DRAFT",
    "ContributionType",
    "Export",
    "Field",
    "Phase",
    "WorkshopKind",
    "get_kind",
    "kinds",
    "register",
]

_REGISTRY: dict[str, WorkshopKind] = {}
_DISCOVERED = threading.Event()
_DISCOVERY_LOCK = threading.Lock()
_NOT_KINDS = {"manifest"}


def register(kind: WorkshopKind) -> WorkshopKind:
    """Add ``kind`` to the registry (idempotent for the same manifest) and return it."""
    existing = _REGISTRY.get(kind.key)
    if existing is not None and existing is not kind and existing != kind:
        raise ValueError(f"workshop kind {kind.key!r} is already registered")
    _REGISTRY[kind.key] = kind
    return kind


def _discover() -> None:
    """Import every kind module of this package once and register its ``KIND``."""
    if _DISCOVERED.is_set():
        return
    with _DISCOVERY_LOCK:
        if _DISCOVERED.is_set():
            return
        for module in pkgutil.iter_modules(__path__):
            if module.name.startswith("_") or module.name in _NOT_KINDS:
                continue
            imported = importlib.import_module(f"{__name__}.{module.name}")
            kind = getattr(imported, "KIND", None)
            if not isinstance(kind, WorkshopKind):
                raise TypeError(f"{imported.__name__} defines no KIND manifest")
            register(kind)
        _DISCOVERED.set()


def kinds() -> tuple[WorkshopKind, ...]:
    """Every registered kind, by ``order`` then key."""
    _discover()
    return tuple(sorted(_REGISTRY.values(), key=lambda k: (k.order, k.key)))


def get_kind(key: str) -> WorkshopKind:
    """Return the kind named ``key``; raise :class:`InvalidInputError` if unknown."""
    _discover()
    try:
        return _REGISTRY[key]
    except KeyError:
        raise InvalidInputError("unknown_kind", kind=str(key)[:40]) from None
