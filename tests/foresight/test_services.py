"""Foresight services on a real database (SQLite, and PostgreSQL in ``make test``)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight import (
    ConflictError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
    facilitators,
    participation,
    voting,
    workshops,
)


def test_facilitator_password_is_hashed_and_checked(database: Database) -> None:
    created = f.facilitator(database)
    with database.sessionmaker() as s:
        assert facilitators.authenticate(s, " ANNE@example.org", f.PASSWORD).id == created.id
    with database.sessionmaker() as s, pytest.raises(NotAllowedError) as error:
        facilitators.authenticate(s, "anne@example.org", "mauvais")
    assert error.value.message == "Adresse e-mail ou mot de passe incorrect."
    with database.engine.connect() as conn:
        stored = conn.exec_driver_sql("select password_hash from facilitator").scalar()
    assert stored.startswith("$argon2id$") and f.PASSWORD not in stored


def test_duplicate_facilitator_and_weak_password(database: Database) -> None:
    f.facilitator(database)
    with database.sessionmaker() as s, pytest.raises(ConflictError):
        facilitators.create_facilitator(s, "anne@example.org", "Autre", f.PASSWORD)
    with database.sessionmaker() as s, pytest.raises(InvalidInputError, match="10 caractères"):
        facilitators.create_facilitator(s, "b@example.org", "B", "court")


def test_demo_facilitator_is_idempotent(database: Database) -> None:
    with database.sessionmaker() as s:
        email, password = facilitators.ensure_demo_facilitator(s)
        assert facilitators.ensure_demo_facilitator(s) == (email, password)
        assert facilitators.authenticate(s, email, password).email == email


def test_create_workshop_draws_code_and_slug(database: Database) -> None:
    ws = f.workshop(database, status="draft")
    assert len(ws.join_code) == 6
    assert not set(ws.join_code) & set("0O1I")
    assert ws.slug.startswith("le-numerique-en-2030-")
    assert (ws.territory_code, ws.territory_name, ws.kind) == ("29", "Finistère", "debate")
    with database.sessionmaker() as s:
        assert workshops.find_by_join_code(s, ws.join_code.lower()).id == ws.id


def test_create_workshop_refuses_empty_question(database: Database) -> None:
    owner = f.facilitator(database)
    with database.sessionmaker() as s, pytest.raises(InvalidInputError, match="question est vide"):
        workshops.create_workshop(s, owner.id, f.FINISTERE, "Titre", "   ")


def test_only_owner_changes_phase(database: Database) -> None:
    ws = f.workshop(database)
    other = f.facilitator(database, "autre@example.org")
    with database.sessionmaker() as s, pytest.raises(NotAllowedError):
        workshops.set_phase(s, other.id, ws.slug, "closed")
    with database.sessionmaker() as s, pytest.raises(InvalidInputError, match="Phase inconnue"):
        workshops.set_phase(s, ws.facilitator_id, ws.slug, "archived")


def test_join_errors(database: Database) -> None:
    ws = f.workshop(database)
    f.join(database, ws, "Camille")
    with database.sessionmaker() as s:
        with pytest.raises(InvalidInputError, match="Code d'atelier invalide"):
            participation.join_workshop(s, "0OI1", "Lou")
        with pytest.raises(NotFoundError, match="Aucun atelier"):
            unknown = "ZZZZZZ" if ws.join_code != "ZZZZZZ" else "YYYYYY"
            participation.join_workshop(s, unknown, "Lou")
        with pytest.raises(ConflictError, match="déjà pris"):
            participation.join_workshop(s, ws.join_code, "  camille ")
        with pytest.raises(InvalidInputError, match="pseudonyme est vide"):
            participation.join_workshop(s, ws.join_code, " ")


def test_statement_length_is_checked(database: Database) -> None:
    ws = f.workshop(database)
    who = f.join(database, ws, "Camille").participant
    with database.sessionmaker() as s:
        with pytest.raises(InvalidInputError, match="« Proposition » est vide"):
            participation.post_statement(s, who, " \n ")
        with pytest.raises(InvalidInputError) as error:
            participation.post_statement(s, who, "x" * 281)
    assert error.value.message == "« Proposition » dépasse 280 caractères (281 reçus)."
    assert f.post(database, who, "  " + "x" * 280 + " ").text == "x" * 280


def test_latest_vote_wins_and_counts(database: Database) -> None:
    ws = f.workshop(database)
    alice = f.join(database, ws, "Alice").participant
    bob = f.join(database, ws, "Bob").participant
    chloe = f.join(database, ws, "Chloé").participant
    statement = f.post(database, alice, "Un lieu de médiation dans chaque commune")
    with database.sessionmaker() as s:
        voting.vote(s, bob, statement.id, 1)
        voting.vote(s, bob, statement.id, "-1")
        outcome = voting.vote(s, chloe, statement.id, 0)
        board = participation.workshop_board(s, ws, viewer=bob)
    assert outcome.counts == participation.Counts(agree=0, disagree=1, passed=1)
    assert board.statements[0].counts == outcome.counts
    assert board.statements[0].author == "Alice"
    assert board.my_votes == {statement.id: -1}


def test_vote_errors(database: Database) -> None:
    ws = f.workshop(database)
    other_ws = f.workshop(database, f.facilitator(database, "b@example.org"))
    alice = f.join(database, ws, "Alice").participant
    bob = f.join(database, ws, "Bob").participant
    stranger = f.join(database, other_ws, "Zoé").participant
    statement = f.post(database, alice, "Former les aidants numériques")
    with database.sessionmaker() as s:
        with pytest.raises(InvalidInputError, match="Vote invalide : « 2 »"):
            voting.vote(s, bob, statement.id, 2)
        with pytest.raises(NotFoundError, match="introuvable"):
            voting.vote(s, stranger, statement.id, 1)
        with pytest.raises(ConflictError, match="propre proposition"):
            voting.vote(s, alice, statement.id, 1)
        participation.hide_statement(s, ws.facilitator_id, statement.id)
        with pytest.raises(ConflictError, match="masquée"):
            voting.vote(s, bob, statement.id, 1)
        assert participation.workshop_board(s, ws).statements == []
        assert len(participation.workshop_board(s, ws, include_hidden=True).statements) == 1


def test_closed_workshop_refuses_statements_and_participants(database: Database) -> None:
    ws = f.workshop(database)
    alice = f.join(database, ws, "Alice").participant
    with database.sessionmaker() as s:
        workshops.set_phase(s, ws.facilitator_id, ws.slug, "closed")
        with pytest.raises(ConflictError, match="atelier est clos"):
            participation.post_statement(s, alice, "Trop tard")
        with pytest.raises(ConflictError, match="clos"):
            participation.join_workshop(s, ws.join_code, "Retardataire")


def test_participant_token_is_stored_hashed(database: Database) -> None:
    ws = f.workshop(database)
    joined = f.join(database, ws, "Alice")
    with database.sessionmaker() as s:
        found = participation.participant_for_token(s, ws.id, joined.token)
        assert found == joined.participant
        assert participation.participant_for_token(s, ws.id, "autre") is None
    with database.engine.connect() as conn:
        stored = conn.exec_driver_sql("select token_hash from participant").scalar()
    assert stored == participation.hash_token(joined.token) != joined.token


def test_locked_sqlite_write_is_retried(database: Database) -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from trajectoires.foresight._retry import retry_when_locked

    calls = []

    @retry_when_locked
    def flaky(session) -> str:
        calls.append(1)
        if len(calls) < 3 and database.is_sqlite:
            raise OperationalError("insert", {}, sqlite3.OperationalError("database is locked"))
        return "ok"

    @retry_when_locked
    def broken(session) -> None:
        raise OperationalError("insert", {}, sqlite3.OperationalError("no such table: vote"))

    with database.sessionmaker() as s:
        assert flaky(s) == "ok"
        assert len(calls) == (3 if database.is_sqlite else 1)
        with pytest.raises(OperationalError):
            broken(s)


def test_vote_as_identifies_and_votes_in_one_call(database: Database) -> None:
    ws = f.workshop(database)
    alice = f.join(database, ws, "Alice")
    bob = f.join(database, ws, "Bob")
    statement = f.post(database, alice.participant, "Des bornes d'accès en mairie")
    with database.sessionmaker() as s:
        outcome = voting.vote_as(s, ws.slug, ["autre", bob.token], statement.id, "1")
        assert outcome.counts.agree == 1
        with pytest.raises(NotAllowedError, match="Rejoignez"):
            voting.vote_as(s, ws.slug, ["inconnu"], statement.id, 1)
        with pytest.raises(NotFoundError, match="Atelier introuvable"):
            voting.vote_as(s, "pas-un-atelier", [bob.token], statement.id, 1)


def test_a_vote_takes_two_statements_on_postgresql(database: Database) -> None:
    """A vote was four statements (participant, statement, upsert, counts) in its transaction.

    Each is a round trip to PostgreSQL: the participant and the statement voted on are
    now read together, the counts come back from the upsert (three on SQLite, in process).
    Every check keeps its French refusal (the statement unknown, hidden, one's own).
    """
    ws = f.workshop(database)
    alice, bob = f.join(database, ws, "Alice"), f.join(database, ws, "Bob")
    statement = f.post(database, alice.participant, "Un guichet unique itinérant")
    other = f.post(database, bob.participant, "Des ateliers numériques en mairie")
    with database.sessionmaker() as s:
        voting.vote_as(s, ws.slug, [alice.token], other.id, -1)
    executed: list[str] = []

    def count(_conn, _cursor, statement_text, *_args) -> None:
        if not statement_text.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
            executed.append(statement_text)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        with database.sessionmaker() as s:
            outcome = voting.vote_as(s, ws.slug, [bob.token], statement.id, "1")
            again = voting.vote_as(s, ws.slug, [bob.token], statement.id, "0")
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert (outcome.counts.agree, again.counts.agree, again.counts.passed) == (1, 0, 1)
    postgres = database.engine.dialect.name == "postgresql"
    assert len(executed) == 2 * (2 if postgres else 3), executed
    with database.sessionmaker() as s:
        with pytest.raises(NotFoundError, match="introuvable"):
            voting.vote_as(s, ws.slug, [bob.token], 10_000, 1)
        with pytest.raises(ConflictError):
            voting.vote_as(s, ws.slug, [bob.token], other.id, 1)
        with pytest.raises(NotAllowedError, match="Rejoignez"):
            voting.vote_as(s, ws.slug, ["inconnu"], statement.id, 1)
        assert voting.vote_counts(s, [statement.id])[statement.id].agree == 0
        mine = voting.vote_as(s, ws.slug, [alice.token], other.id, 1)
        assert (mine.counts.agree, mine.counts.disagree) == (1, 0)


def test_a_browser_that_joined_many_workshops_is_still_known(database: Database) -> None:
    """Only the first 20 participant cookies were read: the 21st workshop refused its own."""
    ws = f.workshop(database)
    alice, bob = f.join(database, ws, "Alice"), f.join(database, ws, "Bob")
    statement = f.post(database, alice.participant, "Un numéro unique d'aide")
    others = [f"jeton-d-un-autre-atelier-{i}" for i in range(45)]
    with database.sessionmaker() as s:
        outcome = voting.vote_as(s, ws.slug, [*others, bob.token], statement.id, "1")
        assert outcome.counts.agree == 1


def test_a_draft_workshop_cannot_be_joined_yet(database: Database) -> None:
    ws = f.workshop(database, status="draft")
    with database.sessionmaker() as s, pytest.raises(ConflictError, match="pas encore ouvert"):
        participation.join_workshop(s, ws.join_code, "Lou")
    with database.sessionmaker() as s:
        workshops.set_phase(s, ws.facilitator_id, ws.slug, "open")
        assert participation.join_workshop(s, ws.join_code, "Lou").participant.pseudonym == "Lou"


@pytest.mark.parametrize("where", ["pseudonym", "organisation", "title", "statement"])
def test_control_characters_are_refused_the_same_on_both_databases(
    database: Database, where: str
) -> None:
    """A NUL byte was stored by SQLite and refused by PostgreSQL with a generic 422."""
    ws = f.workshop(database)
    text = "Lou\x00 et \x1b[31m"
    with database.sessionmaker() as s, pytest.raises(InvalidInputError, match="U\\+0000"):
        if where == "pseudonym":
            participation.join_workshop(s, ws.join_code, text)
        elif where == "organisation":
            participation.join_workshop(s, ws.join_code, "Lou", organisation=text)
        elif where == "title":
            workshops.create_workshop(s, ws.facilitator_id, f.FINISTERE, text, "Question ?")
        else:
            participation.post_statement(s, f.join(database, ws, "Lou").participant, text)


def test_a_pseudonym_whose_folded_form_is_longer_is_accepted(database: Database) -> None:
    """« ß » × 21 is 21 characters, its case-insensitive key 42: refused on PostgreSQL only."""
    ws = f.workshop(database)
    joined = f.join(database, ws, "ß" * 21)
    assert joined.participant.pseudonym == "ß" * 21
    with database.sessionmaker() as s, pytest.raises(ConflictError, match="déjà pris"):
        participation.join_workshop(s, ws.join_code, "ẞ" * 21)  # capital sharp s


def test_a_statement_already_posted_is_refused_naming_it(database: Database) -> None:
    """An exact duplicate was accepted; case, accents, spaces and punctuation do not count."""
    ws = f.workshop(database)
    first = f.join(database, ws, "Lou").participant
    second = f.join(database, ws, "Max").participant
    with database.sessionmaker() as s:
        participation.post_statement(s, first, "Un lieu de médiation par canton.")
    with database.sessionmaker() as s, pytest.raises(ConflictError) as refused:
        participation.post_statement(s, second, "  un LIEU de mediation, par canton !")
    assert "existe déjà : « Un lieu de médiation par canton. »" in str(refused.value)
    with database.sessionmaker() as s:
        participation.post_statement(s, second, "Un lieu de médiation par commune")


def test_statement_keys_are_not_folded_again_on_each_post(database: Database, monkeypatch) -> None:
    """Each post compared its key with every visible statement's, folding each text again (#14)."""
    from trajectoires.foresight.kinds import debate

    ws = f.workshop(database)
    lea = f.join(database, ws, "Léa").participant
    for i in range(5):
        f.post(database, lea, f"Proposition numéro {i} sur la médiation")
    folded = []
    real = debate.unicodedata.normalize

    def counting(form: str, text: str) -> str:
        folded.append(text)
        return real(form, text)

    monkeypatch.setattr(debate.unicodedata, "normalize", counting)
    f.post(database, lea, "Une proposition toute neuve")
    assert len(folded) <= 1  # the new text only (fails before: 6)
    with database.sessionmaker() as s, pytest.raises(ConflictError, match="existe déjà"):
        participation.post_statement(s, lea, "PROPOSITION numero 3 sur la mediation !")
