"""Domain errors of the foresight services, each with a French message from the catalogue.

An error carries a ``code`` (a key of :data:`trajectoires.foresight.messages.MESSAGES`)
and the values its message needs; the web layer maps the error's class to an HTTP status.

Examples
--------
>>> str(InvalidInputError("statement_too_long", limit=280, length=301))
'La proposition dépasse 280 caractères (301 reçus).'

"""

from __future__ import annotations

from trajectoires.foresight.messages import MESSAGES

__all__ = [
    "ConflictError",
    "ForesightError",
    "InvalidInputError",
    "NotAllowedError",
    "NotFoundError",
    "TooManyAttemptsError",
]


class ForesightError(Exception):
    """Base class of the domain errors: a message code and its parameters."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The French message shown to the user."""
        return MESSAGES[self.code].format(**self.params)


class NotFoundError(ForesightError):
    """The workshop, statement or participant does not exist (or is not visible)."""


class InvalidInputError(ForesightError):
    """A field has a value that cannot be used."""


class ConflictError(ForesightError):
    """The request clashes with the current state (duplicate pseudonym, closed workshop)."""


class NotAllowedError(ForesightError):
    """The caller may not do this (wrong facilitator, not a participant, bad password)."""


class TooManyAttemptsError(ForesightError):
    """Too many failed attempts in a short time; try again later."""
