"""Foresight workshops: the domain (models and one function per use case).

- :mod:`~trajectoires.foresight.kinds`: the workshop kinds, each a manifest in one
  module, discovered (open debate, Imaginer 2030, Construire 2030);
- :mod:`~trajectoires.foresight.workshops`: creation, join codes, phases, listing;
- :mod:`~trajectoires.foresight.access`: who sees and runs a workshop (drafts);
- :mod:`~trajectoires.foresight.participation`: joining, the debate's statements and board;
- :mod:`~trajectoires.foresight.contributions`: the generic contribution store of every kind;
- :mod:`~trajectoires.foresight.moderation`: hide and restore with a reason, merge duplicates;
- :mod:`~trajectoires.foresight.facilitation`: lock, timer, tables, per-workshop settings;
- :mod:`~trajectoires.foresight.priorities`: dot voting and its ranking;
- :mod:`~trajectoires.foresight.voting`: the debate's agree / disagree / pass votes;
- :mod:`~trajectoires.foresight.demo`: one example workshop of each kind;
- :mod:`~trajectoires.foresight.facilitators`: accounts, password check, demo account.

The debate's opinion groups and Pol.is export live with its kind
(:mod:`trajectoires.foresight.kinds.debate.opinions`).

Every service takes a SQLAlchemy session with no transaction in progress, owns its
transaction, and returns a frozen dataclass or raises a
:class:`~trajectoires.foresight.errors.ForesightError` with a French message.
"""

from trajectoires.foresight.errors import (
    ConflictError,
    ForesightError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
    TooManyAttemptsError,
)

__all__ = [
    "ConflictError",
    "ForesightError",
    "InvalidInputError",
    "NotAllowedError",
    "NotFoundError",
    "TooManyAttemptsError",
]
