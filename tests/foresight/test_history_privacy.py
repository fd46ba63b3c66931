"""History of versions, personal data and enrichment: the services, on a real database.

One database per module (the scenes are independent workshops in it), both SQLite and
PostgreSQL (``TRAJECTOIRES_TEST_DATABASE_URL``).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.conftest import fresh_database_url
from tests.foresight import factories as f
from trajectoires.db import create_database, migrate
from trajectoires.foresight import enrichment, history, privacy
from trajectoires.foresight.contributions import Author, edit_contribution
from trajectoires.foresight.errors import (
    ConflictError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
)
from trajectoires.foresight.events import EventInput, create_event
from trajectoires.foresight.events.models import Event
from trajectoires.foresight.facilitation import update_settings
from trajectoires.foresight.history_models import ContributionVersion
from trajectoires.foresight.kinds.debate.opinions import analyse_debate, load_debate
from trajectoires.foresight.logins import open_login
from trajectoires.foresight.models import Facilitator, FacilitatorLogin, Participant, Vote, Workshop
from trajectoires.foresight.moderation import merge_contributions, set_visibility
from trajectoires.foresight.participation import (
    count_votes,
    join_workshop,
    participant_for_token,
)
from trajectoires.foresight.publication import publish_workshop
from trajectoires.foresight.voting import vote
from trajectoires.foresight.workshops import set_phase

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    with fresh_database_url(tmp_path_factory.mktemp("history")) as url:
        database = create_database(url)
        migrate(database)
        yield database
        database.engine.dispose()


@pytest.fixture(scope="module")
def owner(db):
    return f.facilitator(db, "anne@example.org")


def _history(db, contribution_id):
    with f.session(db) as s:
        return history.contribution_history(s, contribution_id)


# -- versions --------------------------------------------------------------------------------
def test_post_edit_hide_show_are_versions_with_who_and_what(db, owner):
    ws = f.imaginer(db, owner)
    lea = f.join(db, ws, "Léa").participant
    posted = f.contribute(db, lea, "headline", {"title": "Une maison numérique"})
    with f.session(db) as s:
        edit_contribution(s, posted.id, Author(participant_id=lea.id, workshop_id=ws.id),
                          {"title": "Deux maisons numériques"})
    with f.session(db) as s:  # the same text again: nothing changed, no version
        edit_contribution(s, posted.id, Author(participant_id=lea.id, workshop_id=ws.id),
                          {"title": "Deux maisons numériques"})
    with f.session(db) as s:
        set_visibility(s, owner.id, posted.id, hidden=True, reason="Hors sujet")
    with f.session(db) as s:
        set_visibility(s, owner.id, posted.id, hidden=False)
    versions = _history(db, posted.id)
    assert [(v.number, v.action, v.author) for v in versions] == [
        (1, "created", "Léa"), (2, "edited", "Léa"), (3, "hidden", "Animation"),
        (4, "shown", "Animation")]
    assert versions[0].changes == ()
    assert [(c.field, c.before, c.after) for c in versions[1].changes] == [
        ("title", "Une maison numérique", "Deux maisons numériques")]
    assert {(c.field, c.after) for c in versions[2].changes} == {
        ("status", "hidden"), ("reason", "Hors sujet")}
    assert versions[3].status == "visible" and versions[3].reason is None


def test_merge_records_the_duplicates_the_kept_one_and_moved_references(db, owner):
    ws = f.imaginer(db, owner)
    max_ = f.join(db, ws, "Max").participant
    keep = f.contribute(db, max_, "headline", {"title": "Un campus ouvert"})
    twin = f.contribute(db, max_, "headline", {"title": "Un campus ouvert à tous"})
    with f.session(db) as s:
        set_phase(s, owner.id, ws.slug, "rebours")
    step = f.contribute(db, max_, "milestone", {
        "title": "Le conseil vote le campus", "date": f.months_from_now(12),
        "leads_to": [twin.id]})
    with f.session(db) as s:
        merge_contributions(s, owner.id, keep.id, [twin.id])
    assert [v.action for v in _history(db, twin.id)] == ["created", "merged"]
    assert _history(db, twin.id)[-1].detail == {"into": keep.id}
    assert _history(db, twin.id)[-1].changes[0].field == "status"
    kept = _history(db, keep.id)[-1]
    assert (kept.action, kept.detail, kept.author) == ("absorbed", {"merged": [twin.id]},
                                                       "Animation")
    moved = _history(db, step.id)[-1]
    assert moved.action == "repointed"
    assert [(c.field, c.before, c.after) for c in moved.changes] == [
        ("leads_to", [twin.id], [keep.id])]


def test_a_refused_change_leaves_no_version(db, owner):
    ws = f.imaginer(db, owner)
    lea = f.join(db, ws, "Léa").participant
    posted = f.contribute(db, lea, "headline", {"title": "Des bornes"})
    with f.session(db) as s, pytest.raises(InvalidInputError):
        edit_contribution(s, posted.id, Author(participant_id=lea.id, workshop_id=ws.id),
                          {"title": ""})
    with f.session(db) as s, pytest.raises(InvalidInputError):
        set_visibility(s, owner.id, posted.id, hidden=True, reason="x" * 281)
    assert [v.action for v in _history(db, posted.id)] == ["created"]
    with f.session(db) as s, pytest.raises(NotFoundError):
        history.contribution_history(s, 2**31 - 1)


# -- personal data ---------------------------------------------------------------------------
def test_download_holds_exactly_the_participants_data(db, owner):
    ws = f.workshop(db, owner)
    with f.session(db) as s:
        noe = join_workshop(s, ws.join_code, "Noé", organisation="Mairie de Brest",
                            role="agent").participant
    zoe = f.join(db, ws, "Zoé-Secrète").participant
    mine = f.post(db, noe, "Une permanence au marché")
    theirs = f.post(db, zoe, "Un bus numérique")
    with f.session(db) as s:
        vote(s, noe, theirs.id, -1)
    with f.session(db) as s:
        vote(s, zoe, mine.id, 1)
    with f.session(db) as s:
        data = privacy.participant_data(s, noe.id)
    text = json.dumps(data, ensure_ascii=False)
    assert data["pseudonym"] == "Noé" and data["organisation"] == "Mairie de Brest"
    assert data["role"] == "agent"
    assert [c["text"] for c in data["contributions"]] == ["Une permanence au marché"]
    assert [v["by"] for v in data["contributions"][0]["versions"]] == ["Noé"]
    assert data["votes"] == [{"contribution_id": theirs.id, "text": "Un bus numérique",
                              "value": -1, "at": data["votes"][0]["at"]}]
    assert "Zoé-Secrète" not in text  # nobody else's data: not the author voted on
    assert {v["contribution_id"] for v in data["votes"]} == {theirs.id}  # not Zoé's vote


def test_erasing_keeps_contributions_votes_and_opinion_groups(db, owner):
    debate = f.debate_with_blocs(db, per_bloc=5, n_statements=6, owner=owner)
    key = b"test-key"
    with f.session(db) as s:
        before = analyse_debate(load_debate(s, debate.workshop.id), key=key)
    with f.session(db) as s:
        counts_before = count_votes(s, None, debate.workshop.id)
    leaving = debate.blocs[0][0]
    with f.session(db) as s:
        privacy.erase_participant(s, debate.author.id)
    with f.session(db) as s:
        privacy.erase_participant(s, leaving.id)
    with f.session(db) as s:
        after = analyse_debate(load_debate(s, debate.workshop.id), key=key)
        counts_after = count_votes(s, None, debate.workshop.id)
        row = s.get(Participant, debate.author.id)
        assert (row.pseudonym, row.organisation, row.role) == (history.ANONYMOUS, None, None)
        assert row.erased_at is not None
        names = set(s.scalars(select(Participant.pseudonym).where(
            Participant.workshop_id == debate.workshop.id)))
    assert counts_after == counts_before
    assert after.data == before.data  # same positions, same groups, same consensus
    assert "Autrice" not in names and "Bloc0-0" not in names
    assert _history(db, debate.statements[0])[0].author == history.ANONYMOUS
    with f.session(db) as s, pytest.raises(NotFoundError):
        privacy.participant_data(s, leaving.id)
    with f.session(db) as s, pytest.raises(NotFoundError):
        privacy.erase_participant(s, leaving.id)
    # Voting again is impossible (the session ended); the vote stays unique and counted.
    with f.session(db) as s:
        assert s.scalar(select(func.count()).select_from(Vote).where(
            Vote.participant_id == leaving.id)) == 6
    with f.session(db) as s, pytest.raises(InvalidInputError, match="réservé"):
        join_workshop(s, debate.workshop.join_code, "participant·E anonyme")


def test_facilitator_deletion_refused_while_running_then_keeps_closed_workshops(db):
    bruno = f.facilitator(db, "bruno@example.org")
    running = f.workshop(db, bruno)
    draft = f.workshop(db, bruno, "draft")
    with f.session(db) as s, pytest.raises(NotAllowedError, match="Mot de passe incorrect"):
        privacy.erase_facilitator(s, bruno.id, "pas le bon")
    with f.session(db) as s, pytest.raises(ConflictError, match="est en cours"):
        privacy.erase_facilitator(s, bruno.id, f.PASSWORD)
    with f.session(db) as s:
        set_phase(s, bruno.id, running.slug, "closed")
    with f.session(db) as s:
        event = create_event(s, bruno.id, f.FINISTERE, EventInput(
            "Journée du numérique", "2027-03-14T09:00", "2027-03-14T17:30"))
    with f.session(db) as s:
        data = privacy.facilitator_data(s, bruno.id)
    assert data["email"] == "bruno@example.org"
    assert {w["slug"] for w in data["workshops"]} == {running.slug, draft.slug}
    assert [e["slug"] for e in data["events"]] == [event.slug]
    with f.session(db) as s:
        open_login(s, bruno.id)
    with f.session(db) as s:
        assert privacy.erase_facilitator(s, bruno.id, f.PASSWORD) == [draft.slug]
    with f.session(db) as s:
        row = s.get(Facilitator, bruno.id)
        assert "bruno" not in row.email and row.display_name == "Compte supprimé"
        assert s.scalar(select(Workshop.id).where(Workshop.slug == draft.slug)) is None
        assert s.scalar(select(Workshop.id).where(Workshop.slug == running.slug)) is not None
        assert s.scalar(select(Event.id).where(Event.slug == event.slug)) is not None
        assert s.scalar(select(func.count()).select_from(FacilitatorLogin).where(
            FacilitatorLogin.facilitator_id == bruno.id)) == 0


# -- enrichment ------------------------------------------------------------------------------
def _published(db, owner, **settings):
    ws = f.imaginer(db, owner, settings=settings or None)
    lea = f.join(db, ws, "Léa").participant
    headline = f.contribute(db, lea, "headline", {"title": "Le bourg a sa maison numérique"})
    with f.session(db) as s:
        set_phase(s, owner.id, ws.slug, "closed")
    with f.session(db) as s:
        publish_workshop(s, owner.id, ws.slug)
    return ws, headline


def test_enrichment_after_publication_with_email_confirmation(db, owner):
    ws, headline = _published(db, owner, enrichment_email=True)
    with f.session(db) as s, pytest.raises(InvalidInputError, match="adresse e-mail"):
        enrichment.join_as_visitor(s, ws.id, "Visiteuse")
    with f.session(db) as s, pytest.raises(ConflictError, match="déjà pris"):
        enrichment.join_as_visitor(s, ws.id, "léa", email="lea@example.org")
    with f.session(db) as s:
        joined = enrichment.join_as_visitor(s, ws.id, "Visiteuse", email=" Vi@Example.org ")
    assert joined.email == "vi@example.org" and joined.confirmation
    with f.session(db) as s, pytest.raises(NotAllowedError, match="Confirmez"):
        enrichment.add_comment(s, joined.participant, headline.id, "Et à Morlaix ?")
    with f.session(db) as s:
        assert enrichment.confirm_email(s, joined.confirmation) == (ws.slug,
                                                                    joined.participant.id)
    with f.session(db) as s, pytest.raises(NotFoundError):  # a link works once
        enrichment.confirm_email(s, joined.confirmation)
    with f.session(db) as s:
        comment = enrichment.add_comment(s, joined.participant, headline.id, " Et à  Morlaix ?")
    assert (comment.text, comment.author, comment.status) == ("Et à Morlaix ?", "Visiteuse",
                                                              "visible")
    with f.session(db) as s:
        added = enrichment.add_contribution(s, joined.participant, "headline",
                                            {"title": "Une fibre dans chaque hameau"})
    assert added.status == "visible"
    assert [(v.action, v.author) for v in _history(db, added.id)] == [("created", "Visiteuse")]
    with f.session(db) as s:
        enrichment.moderate_comment(s, owner.id, comment.id, hidden=True, reason="Doublon")
    with f.session(db) as s:
        assert enrichment.comments_of(s, ws.id) == {}
        assert enrichment.comments_of(s, ws.id, include_hidden=True)[headline.id][0].reason \
            == "Doublon"
        data = privacy.participant_data(s, joined.participant.id)
    assert data["email"] == "vi@example.org" and data["visitor"] is True
    assert [c["after_session"] for c in data["contributions"]] == [True]


def test_enrichment_refused_before_publication_and_without_facilitator(db, owner):
    ws = f.imaginer(db, owner)
    with f.session(db) as s, pytest.raises(ConflictError, match="pas publié"):
        enrichment.join_as_visitor(s, ws.id, "Visiteur")
    camille = f.facilitator(db, "camille@example.org")
    published, headline = _published(db, camille)
    with f.session(db) as s:
        joined = enrichment.join_as_visitor(s, published.id, "Visiteur")
    with f.session(db) as s, pytest.raises(ConflictError, match="On ne vote pas"):
        enrichment.vote_after(s, joined.participant, headline.id, 1)  # headlines: not votable
    with f.session(db) as s:
        update_settings(s, camille.id, published.id, {"premoderation": True})
    with f.session(db) as s:
        pending = enrichment.add_comment(s, joined.participant, headline.id, "À valider")
    assert pending.status == "pending"
    with f.session(db) as s:
        assert enrichment.comments_of(s, published.id) == {}
        assert enrichment.comments_of(s, published.id, viewer_id=joined.participant.id)
    with f.session(db) as s:
        privacy.erase_facilitator(s, camille.id, f.PASSWORD)
    with f.session(db) as s, pytest.raises(ConflictError, match="plus d'animation"):
        enrichment.add_comment(s, joined.participant, headline.id, "Encore ?")


def test_votes_after_publication_on_a_debate(db, owner):
    debate = f.debate_with_blocs(db, per_bloc=2, n_statements=2, owner=owner)
    with f.session(db) as s:
        set_phase(s, owner.id, debate.workshop.slug, "closed")
    with f.session(db) as s:
        publish_workshop(s, owner.id, debate.workshop.slug)
    with f.session(db) as s:
        joined = enrichment.join_as_visitor(s, debate.workshop.id, "Passant")
    with f.session(db) as s:
        outcome = enrichment.vote_after(s, joined.participant, debate.statements[0], -1)
    with f.session(db) as s:
        again = enrichment.vote_after(s, joined.participant, debate.statements[0], 1)
    assert outcome.counts.disagree == 1 and again.counts.agree == 5
    assert again.counts.disagree == 0
    with f.session(db) as s, pytest.raises(InvalidInputError):
        enrichment.vote_after(s, joined.participant, debate.statements[0], 2)
    with f.session(db) as s:
        versions = s.scalar(select(func.count()).select_from(ContributionVersion).where(
            ContributionVersion.workshop_id == debate.workshop.id))
    assert versions == 2  # votes are not versions of a statement


def test_the_migration_gives_every_existing_contribution_a_first_version(database):
    """Contributions written before ``0008_history_personal_data`` get version 1, their author's."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from trajectoires.db.engine import alembic_config

    config = alembic_config(database)
    before = ScriptDirectory.from_config(config).get_revision(
        "0008_history_personal_data").down_revision
    command.downgrade(config, before)
    with database.engine.begin() as conn:
        conn.execute(text("insert into facilitator (id, email, display_name, password_hash,"
                          " created_at) values (1, 'a@b.fr', 'A', 'x', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "insert into workshop (id, slug, join_code, title, question, territory_kind,"
            " territory_code, territory_name, kind, status, facilitator_id, created_at, settings,"
            " locked, example, licence) values (1, 'w', 'ABCDEF', 'T', 'Q', 'departement', '29',"
            " 'Finistère', 'debate', 'open', 1, CURRENT_TIMESTAMP, '{}', false, false,"
            " 'etalab-2.0')"))
        conn.execute(text(
            "insert into participant (id, workshop_id, pseudonym, pseudonym_key, token_hash,"
            " created_at) values (4, 1, 'Léa', 'léa', 'h', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "insert into contribution (id, workshop_id, participant_id, type, text, payload,"
            " status, on_paper, created_at, updated_at) values (7, 1, 4, 'statement', 'Un lieu',"
            " '{\"text\": \"Un lieu\"}', 'hidden', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    migrate(database)
    with f.session(database) as s:
        versions = history.contribution_history(s, 7)
    assert [(v.number, v.action, v.author, v.status, v.payload) for v in versions] == [
        (1, "created", "Léa", "hidden", {"text": "Un lieu"})]


def test_an_unconfirmed_visitor_frees_their_pseudonym_after_a_day(db, owner):
    from datetime import timedelta

    from trajectoires.foresight.history_models import VisitorEmail

    ws, _headline = _published(db, owner, enrichment_email=True)
    with f.session(db) as s:
        first = enrichment.join_as_visitor(s, ws.id, "Maëlle", email="m@example.org")
    with f.session(db) as s, pytest.raises(ConflictError, match="déjà pris"):
        enrichment.join_as_visitor(s, ws.id, "maëlle", email="m@example.org")
    with f.session(db) as s, s.begin():
        s.get(VisitorEmail, first.participant.id).sent_at -= timedelta(hours=25)
    with f.session(db) as s:
        again = enrichment.join_as_visitor(s, ws.id, "Maëlle", email="m@example.org")
    with f.session(db) as s:
        assert participant_for_token(s, ws.id, first.token) is None  # that visitor is gone
    with f.session(db) as s:
        assert enrichment.confirm_email(s, again.confirmation)[1] == again.participant.id
    with f.session(db) as s, pytest.raises(NotFoundError):
        enrichment.confirm_email(s, first.confirmation)  # the old link died with its visitor
    with f.session(db) as s, s.begin():  # a confirmed visitor keeps the pseudonym for good
        s.get(VisitorEmail, again.participant.id).sent_at -= timedelta(hours=25)
    with f.session(db) as s, pytest.raises(ConflictError, match="déjà pris"):
        enrichment.join_as_visitor(s, ws.id, "Maëlle", email="x@example.org")


def test_search_follows_enrichment_and_moderation(db, owner):
    from trajectoires.foresight.search import search_documents

    ws, _headline = _published(db, owner)
    with f.session(db) as s:
        joined = enrichment.join_as_visitor(s, ws.id, "Chercheuse")
    with f.session(db) as s:
        added = enrichment.add_contribution(s, joined.participant, "headline",
                                            {"title": "Des hydroliennes connectées à Ouessant"})

    def found() -> set[str]:
        with f.session(db) as s, s.begin():
            return {hit.key for hit in search_documents(s, "hydroliennes").hits}

    assert ws.slug in found()
    with f.session(db) as s:
        set_visibility(s, owner.id, added.id, hidden=True, reason="Hors sujet")
    assert ws.slug not in found()  # hidden text leaves the search at once
    with f.session(db) as s:
        set_visibility(s, owner.id, added.id, hidden=False)
    assert ws.slug in found()
