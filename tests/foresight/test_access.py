"""Access rules: drafts are not discoverable, only the facilitator runs a workshop."""

from __future__ import annotations

import pytest

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight import access
from trajectoires.foresight.errors import NotAllowedError, NotFoundError
from trajectoires.foresight.workshops import set_phase


def test_a_draft_is_visible_to_its_facilitator_only(database: Database) -> None:
    owner = f.facilitator(database)
    other = f.facilitator(database, "autre@example.org")
    draft = f.workshop(database, owner, status="draft")
    with f.session(database) as s:
        assert access.visible_workshop(s, draft.slug, owner.id).id == draft.id
        for someone in (other.id, None):
            with pytest.raises(NotFoundError) as refused:
                access.visible_workshop(s, draft.slug, someone)
            assert refused.value.message == "Atelier introuvable."
        with pytest.raises(NotFoundError):
            access.visible_workshop(s, "inconnu-000000", owner.id)


def test_an_open_workshop_is_visible_to_anyone(database: Database) -> None:
    workshop = f.workshop(database)
    with f.session(database) as s:
        assert access.visible_workshop(s, workshop.slug, None).id == workshop.id


def test_a_kind_only_sees_its_own_workshops(database: Database) -> None:
    workshop = f.workshop(database)
    with f.session(database) as s:
        assert access.visible_workshop(s, workshop.slug, None, kind=workshop.kind).id == workshop.id
        with pytest.raises(NotFoundError):
            access.visible_workshop(s, workshop.slug, None, kind="another-kind")


def test_only_the_facilitator_runs_a_workshop(database: Database) -> None:
    owner = f.facilitator(database)
    other = f.facilitator(database, "autre@example.org")
    workshop = f.workshop(database, owner)
    draft = f.workshop(database, owner, status="draft")
    with f.session(database) as s:
        assert access.own_workshop(s, workshop.slug, owner.id).id == workshop.id
        assert access.own_workshop(s, draft.slug, owner.id).id == draft.id
        with pytest.raises(NotAllowedError) as refused:
            access.own_workshop(s, workshop.slug, other.id)
        assert "Seul l'animateur" in refused.value.message
        with pytest.raises(NotFoundError):  # another's draft: as if unknown
            access.own_workshop(s, draft.slug, other.id)


def test_drafts_hidden_turns_a_refusal_on_a_draft_into_not_found(database: Database) -> None:
    owner = f.facilitator(database)
    other = f.facilitator(database, "autre@example.org")
    workshop = f.workshop(database, owner)
    draft = f.workshop(database, owner, status="draft")
    with f.session(database) as s:
        with pytest.raises(NotFoundError), access.drafts_hidden(s, draft.slug, other.id):
            set_phase(s, other.id, draft.slug, "open")
        with pytest.raises(NotAllowedError), access.drafts_hidden(s, workshop.slug, other.id):
            set_phase(s, other.id, workshop.slug, "closed")
        with access.drafts_hidden(s, draft.slug, owner.id):
            assert set_phase(s, owner.id, draft.slug, "open").status == "open"


def test_participant_of_needs_a_participant_token(database: Database) -> None:
    workshop = f.workshop(database)
    joined = f.join(database, workshop, "Alice")
    with f.session(database) as s:
        found, me = access.participant_of(s, workshop.slug, ["autre", joined.token])
        assert (found.id, me) == (workshop.id, joined.participant)
        with pytest.raises(NotAllowedError) as refused:
            access.participant_of(s, workshop.slug, ["inconnu"])
        assert refused.value.message == "Rejoignez l'atelier pour participer."
        with pytest.raises(NotFoundError):
            access.participant_of(s, "inconnu-000000", [joined.token])


def test_participant_of_a_draft_of_another_is_not_found(database: Database) -> None:
    owner = f.facilitator(database)
    draft = f.workshop(database, owner, status="draft")
    with f.session(database) as s:
        with pytest.raises(NotFoundError):
            access.participant_of(s, draft.slug, [], facilitator_id=None)
        with pytest.raises(NotAllowedError):  # its facilitator sees it, but has not joined
            access.participant_of(s, draft.slug, [], facilitator_id=owner.id)


def test_awaiting_opening_only_for_drafts(database: Database) -> None:
    owner = f.facilitator(database)
    draft = f.workshop(database, owner, status="draft")
    workshop = f.workshop(database, owner)
    with f.session(database) as s:
        assert access.awaiting_opening(s, draft.join_code.lower())
        assert not access.awaiting_opening(s, workshop.join_code)
        assert not access.awaiting_opening(s, "0O1I")  # malformed: join_workshop explains
        assert not access.awaiting_opening(s, "ZZZZZZ")  # unknown
