"""Dependencies shared by the workshop pages and API: session, facilitator, participant, hub.

They only read what ``create_app`` built on ``app.state`` (the composition root).
Domain errors are not caught here: one handler (:mod:`trajectoires.web.errors`)
turns them into the French page or JSON with their status.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import Depends, Path, Request, Response
from sqlalchemy.orm import Session

from trajectoires.db import Database
from trajectoires.foresight.errors import InvalidInputError
from trajectoires.foresight.participation import ParticipantView, participant_for_token
from trajectoires.foresight.workshops import TerritoryLike, WorkshopView
from trajectoires.territory import AmbiguousTerritoryError, Reference, TerritoryNotFoundError
from trajectoires.web.territory.deps import reference_or_503
from trajectoires.web.workshops.live import LiveHub

__all__ = [
    "DbSession",
    "FacilitatorId",
    "Hub",
    "Resolver",
    "StatementId",
    "PARTICIPANT_COOKIE_AGE",
    "TerritoryResolver",
    "current_participant",
    "db_session",
    "facilitator_id",
    "participant_tokens",
    "live_hub",
    "participant_cookie",
    "secure_cookies",
    "set_participant_cookie",
    "territory_reference",
    "territory_resolver",
]

PARTICIPANT_COOKIE_AGE = 30 * 24 * 3600
MAX_ID = 2**31 - 1
"""Largest row id (a 32-bit INTEGER column): larger ids get a 422, not a database error."""
PARTICIPANT_COOKIE_PREFIX = "trajectoires_participant_"
TerritoryResolver = Callable[[str], TerritoryLike]


def database(request: Request) -> Database:
    """Return the application's database."""
    return request.app.state.db


async def db_session(request: Request) -> AsyncIterator[Session]:
    """Yield a session with no transaction begun: each service call owns its own.

    Creating and closing a session does no I/O once the services have committed,
    so this runs on the event loop (no worker-thread hop per request).
    """
    with database(request).sessionmaker() as session:
        yield session


async def facilitator_id(request: Request) -> int | None:
    """Return the id of the facilitator logged in on this browser session, if any."""
    value = request.session.get("facilitator_id")
    return int(value) if value is not None else None


def participant_cookie(workshop: WorkshopView) -> str:
    """Name of the cookie holding a participant's token for ``workshop``."""
    return f"{PARTICIPANT_COOKIE_PREFIX}{workshop.id}"


def secure_cookies(request: Request) -> bool:
    """Whether cookies get ``Secure`` (the ``public_url`` setting is an https:// address)."""
    return request.app.state.settings.secure_cookies


def set_participant_cookie(
    response: Response, workshop: WorkshopView, token: str, *, secure: bool = False
) -> None:
    """Store the participant token: HttpOnly, SameSite=Lax, 30 days, ``Secure`` if asked."""
    response.set_cookie(
        participant_cookie(workshop), token, max_age=PARTICIPANT_COOKIE_AGE, httponly=True,
        samesite="lax", path="/", secure=secure,
    )


def current_participant(
    request: Request, session: Session, workshop: WorkshopView
) -> ParticipantView | None:
    """Return the participant of ``workshop`` this browser joined as, if any."""
    token = request.cookies.get(participant_cookie(workshop))
    return participant_for_token(session, workshop.id, token)


def participant_tokens(request: Request) -> list[str]:
    """Return the tokens of every participant cookie this browser holds."""
    return [v for k, v in request.cookies.items() if k.startswith(PARTICIPANT_COOKIE_PREFIX)]


async def live_hub(request: Request) -> LiveHub:
    """Return the application's live hub (started by the application's lifespan)."""
    return request.app.state.live


def territory_reference(request: Request) -> Reference:
    """Return the app's territory reference, or a French 503 when it is unavailable."""
    return reference_or_503(request)


def territory_resolver(
    reference: Annotated[Reference, Depends(territory_reference)],
) -> TerritoryResolver:
    """Return ``resolve(query) -> unit`` backed by the territory reference.

    The reference's lookup errors become :class:`InvalidInputError` with its French message.
    """

    def resolve(query: str) -> TerritoryLike:
        try:
            return reference.resolve(query)
        except (TerritoryNotFoundError, AmbiguousTerritoryError) as error:
            raise InvalidInputError("territory_error", detail=str(error)) from error

    return resolve


DbSession = Annotated[Session, Depends(db_session)]
FacilitatorId = Annotated[int | None, Depends(facilitator_id)]
Hub = Annotated[LiveHub, Depends(live_hub)]
Resolver = Annotated[TerritoryResolver, Depends(territory_resolver)]
StatementId = Annotated[int, Path(ge=1, le=MAX_ID)]
