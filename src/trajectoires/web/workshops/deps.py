"""Dependencies shared by the workshop pages and API: session, facilitator, participant, hub.

Domain errors become HTTP errors here (:func:`http_error`), with the domain's French
message and the status of the error's class.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, Response
from sqlalchemy.orm import Session

from trajectoires.db import Database
from trajectoires.foresight.errors import (
    ConflictError,
    ForesightError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
    TooManyAttemptsError,
)
from trajectoires.foresight.participation import ParticipantView, participant_for_token
from trajectoires.foresight.voting import participant_in_workshop, vote_counts
from trajectoires.foresight.workshops import TerritoryLike, WorkshopView, get_visible_workshop
from trajectoires.territory import AmbiguousTerritoryError, Reference, TerritoryNotFoundError
from trajectoires.web.territory.deps import reference_or_503
from trajectoires.web.workshops.live import LiveHub
from trajectoires.web.workshops.live_pg import PostgresBus
from trajectoires.web.workshops.opinions import OpinionService

__all__ = [
    "DbSession",
    "FacilitatorId",
    "Hub",
    "Opinions",
    "Resolver",
    "StatementId",
    "PARTICIPANT_COOKIE_AGE",
    "TerritoryResolver",
    "current_participant",
    "db_session",
    "facilitator_id",
    "http_error",
    "identify",
    "participant_tokens",
    "live_hub",
    "opinion_service",
    "participant_cookie",
    "secure_cookies",
    "set_participant_cookie",
    "visible_workshop",
    "territory_reference",
    "territory_resolver",
]

PARTICIPANT_COOKIE_AGE = 30 * 24 * 3600
MAX_ID = 2**31 - 1
"""Largest row id (a 32-bit INTEGER column): larger ids get a 422, not a database error."""
PARTICIPANT_COOKIE_PREFIX = "trajectoires_participant_"
STATUS_OF = {
    NotFoundError: 404,
    InvalidInputError: 422,
    ConflictError: 409,
    NotAllowedError: 403,
    TooManyAttemptsError: 429,
}
TerritoryResolver = Callable[[str], TerritoryLike]


def http_error(error: ForesightError) -> HTTPException:
    """Return the HTTP error carrying ``error``'s French message."""
    return HTTPException(STATUS_OF.get(type(error), 400), error.message)


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


def visible_workshop(session: Session, slug: str, me: int | None) -> WorkshopView:
    """Return the workshop ``slug`` if facilitator ``me`` (or anyone) may see it, else 404.

    Drafts are shown to their facilitator only: others get the 404 of an unknown workshop.
    """
    try:
        return get_visible_workshop(session, slug, me)
    except ForesightError as error:
        raise http_error(error) from error


def current_participant(
    request: Request, session: Session, workshop: WorkshopView
) -> ParticipantView | None:
    """Return the participant of ``workshop`` this browser joined as, if any."""
    token = request.cookies.get(participant_cookie(workshop))
    return participant_for_token(session, workshop.id, token)


def participant_tokens(request: Request) -> list[str]:
    """Return the tokens of every participant cookie this browser holds."""
    return [v for k, v in request.cookies.items() if k.startswith(PARTICIPANT_COOKIE_PREFIX)]


def identify(
    request: Request, session: Session, slug: str
) -> tuple[WorkshopView, ParticipantView | None]:
    """Return the workshop ``slug`` and this browser's participant in it (one query).

    The participant cookie is named after the workshop id, which the slug gives:
    every ``trajectoires_participant_*`` cookie is tried in the same query.
    """
    try:
        return participant_in_workshop(session, slug, participant_tokens(request))
    except ForesightError as error:
        raise http_error(error) from error


async def live_hub(request: Request) -> LiveHub:
    """Return the live hub, bound to the running loop and to this app's database."""
    hub: LiveHub = request.app.state.live
    db = database(request)

    def load_counts(ids: list[int]) -> dict[int, dict[str, int]]:
        with db.sessionmaker() as session:
            counts = vote_counts(session, ids)
        return {
            sid: {"agree": c.agree, "disagree": c.disagree, "pass": c.passed}
            for sid, c in counts.items()
        }

    hub.attach(load_counts, None if db.is_sqlite else lambda: PostgresBus(db.engine.url))
    return hub


async def opinion_service(request: Request) -> OpinionService:
    """Return the app's opinion service (created at first use), listening to the live hub."""
    from trajectoires.web.workshops.opinion_pages import install_opinions

    hub = await live_hub(request)
    service = getattr(request.app.state, "opinions", None)
    if service is None:
        service = install_opinions(request.app)
    service.attach(hub)
    return service


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
Opinions = Annotated[OpinionService, Depends(opinion_service)]
Resolver = Annotated[TerritoryResolver, Depends(territory_resolver)]
StatementId = Annotated[int, Path(ge=1, le=MAX_ID)]
