"""Enrichment of a published workshop: visitors comment, add contributions and vote.

Once a workshop is published (:func:`trajectoires.foresight.publication.is_published`),
anyone may enrich it under a pseudonym (:func:`join_as_visitor`): a visitor becomes a
participant of the workshop marked ``visitor``, recognised by a cookie like the
participants of the session (who may enrich it as well). When the facilitator chose it
(the workshop's option ``enrichment_email``), a visitor also gives an e-mail address
and confirms it by the link sent to it (:func:`confirm_email`) before writing anything.

What an enricher may do, while the workshop stays published and its facilitator's
account exists (someone must moderate):

- add a contribution of any type participants post in this kind of workshop
  (:func:`add_contribution`): it is marked ``after_session`` (« ajouté après
  l'atelier »), waits for approval when the workshop is pre-moderated, and gets its
  first version in the history;
- comment a visible contribution (:func:`add_comment`), pre-moderated likewise;
- vote agree / disagree / pass on a visible contribution of a votable type
  (:func:`vote_after`), in the same table as the session's votes (the latest wins).

The facilitator moderates as during the session: contributions with
:mod:`trajectoires.foresight.moderation` (each change recorded in the history),
comments with :func:`moderate_comment`.

Examples
--------
>>> clean_comment("  Très   juste,  et à Brest ? ")
'Très juste, et à Brest ?'

"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight._queries import STATEMENT_COUNTS, UPSERT_VOTE
from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight._text import refuse_control_characters
from trajectoires.foresight.contributions import (
    Author,
    ContributionView,
    Lookups,
    post_contribution,
)
from trajectoires.foresight.errors import (
    ConflictError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
)
from trajectoires.foresight.facilitators import normalize_email
from trajectoires.foresight.history import ANONYMOUS
from trajectoires.foresight.history_models import COMMENT_MAX_LENGTH, Comment, VisitorEmail
from trajectoires.foresight.kinds import ContributionType, WorkshopKind, get_kind
from trajectoires.foresight.models import (
    HIDDEN,
    PENDING,
    VISIBLE,
    Contribution,
    Facilitator,
    Participant,
    Workshop,
    utcnow,
)
from trajectoires.foresight.moderation import clean_reason
from trajectoires.foresight.participation import (
    Counts,
    ParticipantView,
    VoteOutcome,
    check_pseudonym,
    hash_token,
    profile,
)
from trajectoires.foresight.publication import is_published, reindex_workshop
from trajectoires.foresight.voting import parse_vote_value

if TYPE_CHECKING:
    from trajectoires.territory import Reference

__all__ = [
    "CommentView",
    "VisitorJoined",
    "add_comment",
    "add_contribution",
    "clean_comment",
    "comments_of",
    "confirm_email",
    "email_required",
    "enricher_state",
    "forget_visitor",
    "join_as_visitor",
    "moderate_comment",
    "vote_after",
]

EMAIL_SETTING = "enrichment_email"
UNCONFIRMED_KEPT = timedelta(hours=24)
"""How long an unconfirmed visitor keeps their pseudonym (then anyone may take it again)."""


@dataclass(frozen=True)
class VisitorJoined:
    """Outcome of :func:`join_as_visitor`: the participant and their cookie's token.

    When an e-mail must be confirmed: the address and the token its link carries.
    """

    participant: ParticipantView
    token: str
    email: str | None = None
    confirmation: str | None = None


@dataclass(frozen=True)
class CommentView:
    """A comment as pages and the API show it (``author``: pseudonym or anonymous)."""

    id: int
    contribution_id: int
    participant_id: int
    author: str
    text: str
    status: str
    reason: str | None
    created_at: datetime


def clean_comment(text: str) -> str:
    """Return the comment's text, spaces collapsed; refuse it empty or too long."""
    cleaned = " ".join(refuse_control_characters(text or "", "Commentaire").split())
    if not cleaned:
        raise InvalidInputError("comment_empty")
    if len(cleaned) > COMMENT_MAX_LENGTH:
        raise InvalidInputError("comment_too_long", limit=COMMENT_MAX_LENGTH,
                                length=len(cleaned))
    return cleaned


def email_required(workshop: Any) -> bool:  # noqa: ANN401 (a Workshop row or a WorkshopView)
    """Whether visitors of this workshop must confirm an e-mail address."""
    return bool(get_kind(workshop.kind).setting(workshop.settings, EMAIL_SETTING))


def _open_workshop(session: Session, workshop_id: int) -> Workshop:
    """Return the workshop if it takes enrichment now; raise otherwise."""
    row = session.get(Workshop, workshop_id)
    if row is None:
        raise NotFoundError("workshop_not_found")
    if not is_published(row):
        raise ConflictError("enrichment_closed")
    facilitator = session.get(Facilitator, row.facilitator_id)
    if facilitator is None or facilitator.erased_at is not None:
        raise ConflictError("enrichment_unmoderated")
    return row


def enricher_state(session: Session, workshop: Workshop, participant_id: int | None) -> None:
    """Refuse a write by this participant on the workshop (in the caller's transaction).

    The participant must be of this workshop and, for a visitor of a workshop asking
    for one, have confirmed their e-mail.
    """
    participant = session.get(Participant, participant_id) if participant_id else None
    if participant is None or participant.workshop_id != workshop.id:
        raise NotAllowedError("enrichment_not_visitor")
    if participant.visitor and email_required(workshop):
        email = session.get(VisitorEmail, participant.id)
        if email is None:
            raise NotAllowedError("enrichment_email_required")
        if email.confirmed_at is None:
            raise NotAllowedError("enrichment_email_unconfirmed", email=email.email)


def _stale(session: Session, participant: Participant) -> bool:
    """Whether a visitor never confirmed the e-mail sent more than :data:`UNCONFIRMED_KEPT` ago."""
    if not participant.visitor:
        return False
    email = session.get(VisitorEmail, participant.id)
    return (email is not None and email.confirmed_at is None
            and email.sent_at < utcnow() - UNCONFIRMED_KEPT)


@retry_when_locked
def join_as_visitor(session: Session, workshop_id: int, pseudonym: str, *,
                    email: str | None = None, organisation: str | None = None) -> VisitorJoined:
    """Join a published workshop to enrich it, under a pseudonym unique in the workshop.

    A pseudonym held by a visitor who did not confirm their e-mail within 24 hours is
    free again (that visitor, who could write nothing, is deleted).

    Raises
    ------
    InvalidInputError
        Empty, over-long or reserved pseudonym; malformed e-mail; a workshop asking for an
        e-mail given none.
    ConflictError
        The workshop is not published, has no facilitator any more, or the pseudonym is
        taken (by a participant of the session or another visitor).

    """
    name = " ".join(refuse_control_characters(pseudonym or "", "Pseudonyme").split())
    check_pseudonym(name)
    org, _role = profile(organisation, None)
    token = secrets.token_urlsafe(32)
    with session.begin():
        row = _open_workshop(session, workshop_id)
        wanted = email_required(row)
        address = normalize_email(email) if wanted and (email or "").strip() else None
        if wanted and address is None:
            raise InvalidInputError("enrichment_email_required")
        taken = session.scalar(select(Participant).where(
            Participant.workshop_id == row.id, Participant.pseudonym_key == name.casefold()))
        if taken is not None and not _stale(session, taken):
            raise ConflictError("duplicate_pseudonym", pseudonym=name)
        if taken is not None:  # a visitor who never confirmed: they could write nothing
            session.delete(taken)
            session.flush()
        participant = Participant(workshop_id=row.id, pseudonym=name,
                                  pseudonym_key=name.casefold(), token_hash=hash_token(token),
                                  organisation=org, visitor=True, created_at=utcnow())
        session.add(participant)
        session.flush()
        confirmation = None
        if address is not None:
            confirmation = secrets.token_urlsafe(32)
            session.add(VisitorEmail(participant_id=participant.id, email=address,
                                     token_hash=hash_token(confirmation), sent_at=utcnow()))
        joined = ParticipantView(participant.id, row.id, name)
    return VisitorJoined(joined, token, address, confirmation)


@retry_when_locked
def forget_visitor(session: Session, participant_id: int) -> None:
    """Delete a visitor who never wrote anything (their confirmation e-mail could not go)."""
    with session.begin():
        row = session.get(Participant, participant_id)
        if row is not None and row.visitor:
            session.delete(row)


@retry_when_locked
def confirm_email(session: Session, token: str) -> tuple[str, int]:
    """Confirm the e-mail whose link carries ``token``; return the workshop's slug and the id.

    Raises
    ------
    NotFoundError
        Unknown or already used token.

    """
    if not token or len(token) > 100:
        raise NotFoundError("enrichment_bad_token")
    with session.begin():
        row = session.scalar(select(VisitorEmail).where(
            VisitorEmail.token_hash == hash_token(token), VisitorEmail.confirmed_at.is_(None)))
        if row is None:
            raise NotFoundError("enrichment_bad_token")
        row.confirmed_at = utcnow()
        row.token_hash = hash_token(secrets.token_urlsafe(32))  # the link works once
        participant = session.get(Participant, row.participant_id)
        workshop = session.get(Workshop, participant.workshop_id)
        return workshop.slug, participant.id


def add_contribution(  # noqa: PLR0913 (one use case, its keyword options)
    session: Session, participant: ParticipantView, type_key: str,
    payload: Mapping[str, Any], *, lookups: Lookups | None = None,
    reference: Reference | None = None,
) -> ContributionView:
    """Add a contribution « ajouté après l'atelier » to a published workshop.

    Raises
    ------
    InvalidInputError, NotAllowedError, ConflictError
        As :func:`~trajectoires.foresight.contributions.post_contribution`; also a
        workshop not open to enrichment, a visitor without a confirmed e-mail, or a
        type participants do not post.

    """

    def authorize(row: Workshop, _kind: WorkshopKind, ctype: ContributionType,
                  author: Author) -> None:
        _open_workshop(session, row.id)
        enricher_state(session, row, author.participant_id)
        if "participant" not in ctype.posted_by:
            raise NotAllowedError("type_facilitator_only", type=ctype.label)

    author = Author(participant_id=participant.id, workshop_id=participant.workshop_id)
    added = post_contribution(session, participant.workshop_id, author, type_key, payload,
                              lookups=lookups or Lookups(), authorize=authorize)
    with session.begin():  # the search finds what the archive shows (derived data)
        reindex_workshop(session, session.get(Workshop, added.workshop_id), reference)
    return added


def _comment_view(row: Comment, author: str | None) -> CommentView:
    return CommentView(row.id, row.contribution_id, row.participant_id, author or ANONYMOUS,
                       row.text, row.status, row.reason, row.created_at)


@retry_when_locked
def add_comment(session: Session, participant: ParticipantView, contribution_id: int,
                text: str) -> CommentView:
    """Comment a visible contribution of a published workshop.

    Raises
    ------
    InvalidInputError
        Empty or too long comment.
    NotFoundError, ConflictError, NotAllowedError
        Unknown contribution, not visible, workshop not open to enrichment, visitor
        without a confirmed e-mail.

    """
    cleaned = clean_comment(text)
    with session.begin():
        row = _open_workshop(session, participant.workshop_id)
        enricher_state(session, row, participant.id)
        target = session.get(Contribution, contribution_id)
        if target is None or target.workshop_id != row.id:
            raise NotFoundError("contribution_not_found")
        if target.status != VISIBLE:
            raise ConflictError("comment_target_hidden")
        premoderated = bool(get_kind(row.kind).setting(row.settings, "premoderation"))
        comment = Comment(workshop_id=row.id, contribution_id=target.id,
                          participant_id=participant.id, text=cleaned,
                          status=PENDING if premoderated else VISIBLE, created_at=utcnow())
        session.add(comment)
        session.flush()
        return _comment_view(comment, session.get(Participant, participant.id).pseudonym)


@retry_when_locked
def vote_after(session: Session, participant: ParticipantView, contribution_id: int,
               value: object) -> VoteOutcome:
    """Vote on a visible, votable contribution of a published workshop (the latest wins).

    Raises
    ------
    InvalidInputError
        ``value`` is not 1, -1 or 0.
    NotFoundError, ConflictError, NotAllowedError
        Unknown contribution, hidden, one's own, a type not voted on, workshop not open to
        enrichment, visitor without a confirmed e-mail.

    """
    number = parse_vote_value(value)
    with session.begin():
        row = _open_workshop(session, participant.workshop_id)
        enricher_state(session, row, participant.id)
        target = session.get(Contribution, contribution_id)
        if target is None or target.workshop_id != row.id:
            raise NotFoundError("contribution_not_found")
        if target.status != VISIBLE:
            raise ConflictError("statement_hidden")
        if target.participant_id == participant.id:
            raise ConflictError("own_statement")
        if not get_kind(row.kind).contribution_type(target.type).votable:
            raise ConflictError("enrichment_type_not_votable")
        connection = session.connection()
        connection.execute(UPSERT_VOTE[connection.dialect.name], {
            "p_participant": participant.id, "p_statement": target.id, "p_value": number,
            "p_updated": utcnow()})
        tally = dict(connection.execute(STATEMENT_COUNTS, {"statement_id": target.id}).all())
    counts = Counts(tally.get(1, 0), tally.get(-1, 0), tally.get(0, 0))
    return VoteOutcome(contribution_id, participant.workshop_id, number, counts)


def comments_of(session: Session, workshop_id: int, *, include_hidden: bool = False,
                viewer_id: int | None = None) -> dict[int, list[CommentView]]:
    """Comments of a workshop by contribution, oldest first.

    Hidden and pending ones are left out unless ``include_hidden`` (the facilitator);
    the participant ``viewer_id`` also sees their own pending ones.
    """
    query = (select(Comment, Participant.pseudonym)
             .join(Participant, Participant.id == Comment.participant_id)
             .where(Comment.workshop_id == workshop_id).order_by(Comment.id))
    found: dict[int, list[CommentView]] = {}
    with session.begin():
        for row, name in session.execute(query):
            shown = (include_hidden or row.status == VISIBLE
                     or (row.status == PENDING and viewer_id == row.participant_id))
            if shown:
                found.setdefault(row.contribution_id, []).append(_comment_view(row, name))
    return found


@retry_when_locked
def moderate_comment(session: Session, facilitator_id: int, comment_id: int, *,
                     hidden: bool, reason: str | None = None) -> CommentView:
    """Hide a comment (with an optional reason) or show it (approve it when pending).

    Raises
    ------
    NotFoundError, NotAllowedError, InvalidInputError
        Unknown comment, not the workshop's facilitator, a reason over 280 characters.

    """
    cleaned = clean_reason(reason)
    with session.begin():
        row = session.get(Comment, comment_id)
        if row is None:
            raise NotFoundError("comment_not_found")
        workshop = session.get(Workshop, row.workshop_id)
        if workshop.facilitator_id != facilitator_id:
            raise NotAllowedError("not_owner")
        row.status = HIDDEN if hidden else VISIBLE
        row.reason = cleaned if hidden else None
        return _comment_view(row, session.get(Participant, row.participant_id).pseudonym)
