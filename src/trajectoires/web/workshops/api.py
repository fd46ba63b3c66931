"""Workshop JSON API under ``/api/v1/workshops`` (documented in the OpenAPI schema).

Reading is public, except drafts, which only their facilitator sees (others get
the 404 of an unknown workshop). Writing needs the participant cookie set when joining
(``POST /rejoindre``) and the session's CSRF token in the ``X-CSRF-Token`` header;
statements and votes are throttled (:mod:`trajectoires.web.workshops.throttle`).
Errors are ``{"detail": "<message en français>"}`` with the matching status.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from trajectoires.foresight import access
from trajectoires.foresight.participation import (
    BoardStatement,
    ParticipantView,
    post_statement,
    workshop_board,
)
from trajectoires.foresight.voting import vote_as
from trajectoires.web.workshops.csrf import require_csrf_header
from trajectoires.web.workshops.deps import (
    DbSession,
    FacilitatorId,
    Hub,
    StatementId,
    current_participant,
    participant_tokens,
)
from trajectoires.web.workshops.events import counts_payload, publish_statement, publish_vote
from trajectoires.web.workshops.throttle import throttle_writes

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/workshops", tags=["ateliers"])
ERRORS = {
    403: {"description": "Non participant, ou jeton CSRF absent"},
    404: {"description": "Atelier ou proposition introuvable"},
    409: {"description": "Phase ou proposition qui refuse l'action"},
    422: {"description": "Donnée invalide (message en français)"},
    429: {"description": "Trop d'écritures en peu de temps (en-tête Retry-After)"},
}


class TerritoryOut(BaseModel):
    """The territory a workshop is about."""

    kind: str = Field(examples=["departement"])
    code: str = Field(examples=["29"])
    name: str = Field(examples=["Finistère"])


class WorkshopOut(BaseModel):
    """Public information on a workshop."""

    slug: str
    join_code: str | None = Field(
        description="Code à 6 caractères pour rejoindre l'atelier : donné à son animateur, et "
        "aux autres tant que l'atelier accueille des participants et n'est pas privé ; "
        "sinon null")
    title: str
    question: str
    kind: str = Field(examples=["debate"])
    status: str = Field(description="Phase : draft, open ou closed")
    phase_label: str
    territory: TerritoryOut
    created_at: datetime


class CountsOut(BaseModel):
    """Votes on a statement."""

    agree: int
    disagree: int
    pass_: int = Field(alias="pass", serialization_alias="pass")


class StatementOut(BaseModel):
    """A statement with its vote counts; ``my_vote`` is the caller's vote (if joined)."""

    id: int
    participant_id: int
    author: str
    text: str
    created_at: datetime
    counts: CountsOut
    mine: bool = False
    my_vote: int | None = None


class StatementIn(BaseModel):
    """A new statement (at most 280 characters once stripped)."""

    text: str = Field(max_length=2000, examples=["Un lieu de médiation numérique par canton"])


VOTE_VALUES = [1, -1, 0]
"""The values a vote takes, documented in the schema (the service says « Vote invalide »)."""


class VoteIn(BaseModel):
    """A vote: 1 agree, -1 disagree, 0 pass. A new vote replaces the previous one."""

    value: int = Field(examples=[1], json_schema_extra={"enum": VOTE_VALUES},
                       description="1 pour, -1 contre, 0 passe")


class VoteOut(BaseModel):
    """The recorded vote and the statement's counts just after it."""

    statement_id: int
    value: int = Field(json_schema_extra={"enum": VOTE_VALUES})
    counts: CountsOut


def _statement_out(
    s: BoardStatement, me: ParticipantView | None, my_vote: int | None
) -> StatementOut:
    return StatementOut(
        id=s.id, participant_id=s.participant_id, author=s.author, text=s.text,
        created_at=s.created_at, counts=CountsOut.model_validate(counts_payload(s.counts)),
        mine=me is not None and me.id == s.participant_id, my_vote=my_vote,
    )


@router.get("/{slug}", response_model=WorkshopOut, responses={404: ERRORS[404]})
def read_workshop(slug: str, session: DbSession, facilitator: FacilitatorId) -> WorkshopOut:
    """Public information on a workshop (a draft: for its facilitator only)."""
    w = access.visible_workshop(session, slug, facilitator)
    return WorkshopOut(
        slug=w.slug, join_code=access.shown_join_code(w, facilitator), title=w.title,
        question=w.question, kind=w.kind,
        status=w.status, phase_label=w.phase_label, created_at=w.created_at,
        territory=TerritoryOut(kind=w.territory_kind, code=w.territory_code, name=w.territory_name),
    )


@router.get("/{slug}/statements", response_model=list[StatementOut], responses={404: ERRORS[404]})
def read_statements(
    slug: str, request: Request, session: DbSession, facilitator: FacilitatorId
) -> list[StatementOut]:
    """Visible statements of the workshop with their counts, oldest first."""
    workshop = access.visible_workshop(session, slug, facilitator)
    me = current_participant(request, session, workshop)
    board = workshop_board(session, workshop, viewer=me)
    return [_statement_out(s, me, board.my_votes.get(s.id)) for s in board.statements]


@router.post(
    "/{slug}/statements",
    status_code=201,
    response_model=StatementOut,
    dependencies=[Depends(require_csrf_header), Depends(throttle_writes)],
    responses={k: ERRORS[k] for k in (403, 404, 409, 422, 429)},
)
def create_statement(
    slug: str,
    body: StatementIn,
    *,
    request: Request,
    session: DbSession,
    hub: Hub,
    facilitator: FacilitatorId,
) -> StatementOut:
    """Post a statement as the participant of this browser (cookie)."""
    _workshop, me = access.participant_of(session, slug, participant_tokens(request), facilitator)
    statement = post_statement(session, me, body.text)
    publish_statement(hub, statement)
    return _statement_out(statement, me, None)


@router.post(
    "/{slug}/statements/{statement_id}/vote",
    response_model=VoteOut,
    dependencies=[Depends(require_csrf_header), Depends(throttle_writes)],
    responses={k: ERRORS[k] for k in (403, 404, 409, 422, 429)},
)
def create_vote(
    slug: str,
    statement_id: StatementId,
    body: VoteIn,
    *,
    request: Request,
    session: DbSession,
    hub: Hub,
    facilitator: FacilitatorId,
) -> VoteOut:
    """Vote on a statement; the latest vote of a participant wins."""
    with access.drafts_hidden(session, slug, facilitator):  # not joined: 403, or 404 for a draft
        outcome = vote_as(session, slug, participant_tokens(request), statement_id, body.value)
    publish_vote(hub, outcome)
    return VoteOut(
        statement_id=outcome.statement_id, value=outcome.value,
        counts=CountsOut.model_validate(counts_payload(outcome.counts)),
    )
