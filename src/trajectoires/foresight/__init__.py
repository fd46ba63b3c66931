"""Foresight workshops: the domain (models and one function per use case).

- :mod:`~trajectoires.foresight.facilitators`: accounts, password check, demo account;
- :mod:`~trajectoires.foresight.workshops`: creation, join codes, phases, listing;
- :mod:`~trajectoires.foresight.participation`: joining, statements, votes, moderation, board;
- :mod:`~trajectoires.foresight.opinions`: opinion groups of a debate (votes read from the
  database, analysed by :mod:`trajectoires.collective`), Pol.is export;
- :mod:`~trajectoires.foresight.kinds`: the registry of workshop kinds (open debate, …).

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
