"""Security review of the web layer: bad input never gives a 500, and the access rules hold."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.foresight import factories as f
from tests.web.test_workshops_live import server  # noqa: F401  (fixture: a live uvicorn)
from trajectoires.db import Database

HUGE_ID = 10**30


def _participant(app: FastAPI, workshop, joined) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    client.cookies.set(f"trajectoires_participant_{workshop.id}", joined.token)
    client.headers["X-CSRF-Token"] = f.csrf(client)
    return client


def _facilitator(app: FastAPI, email: str = "anne@example.org") -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    assert f.login(client, email).status_code == 303
    client.headers["X-CSRF-Token"] = f.csrf(client, "/ateliers/nouveau")
    return client


def test_vote_api_on_huge_statement_id_is_not_a_500(app: FastAPI, database: Database) -> None:
    workshop = f.workshop(database)
    alice = _participant(app, workshop, f.join(database, workshop, "Alice"))
    response = alice.post(
        f"/api/v1/workshops/{workshop.slug}/statements/{HUGE_ID}/vote", json={"value": 1}
    )
    assert response.status_code in (404, 422), response.text


def test_vote_form_on_huge_statement_id_is_not_a_500(app: FastAPI, database: Database) -> None:
    workshop = f.workshop(database)
    alice = _participant(app, workshop, f.join(database, workshop, "Alice"))
    response = alice.post(
        f"/ateliers/{workshop.slug}/votes",
        data={"statement_id": str(HUGE_ID), "value": "1",
              "csrf_token": alice.headers["X-CSRF-Token"]},
        follow_redirects=False,
    )
    assert response.status_code in (404, 422), response.text


def test_moderate_huge_statement_id_is_not_a_500(app: FastAPI, database: Database) -> None:
    owner = f.facilitator(database)
    workshop = f.workshop(database, owner)
    anne = _facilitator(app)
    response = anne.post(
        f"/ateliers/{workshop.slug}/propositions/{HUGE_ID}/visibilite",
        data={"hidden": "1", "csrf_token": anne.headers["X-CSRF-Token"]},
        follow_redirects=False,
    )
    assert response.status_code in (404, 422), response.text


def test_stream_with_overlong_last_event_id_is_not_a_500(
    server: tuple[str, FastAPI], database: Database  # noqa: F811
) -> None:
    base, _app = server
    workshop = f.workshop(database)
    headers = {"Last-Event-ID": "9" * 5000}
    with httpx.Client(base_url=base, timeout=5) as client, client.stream(
        "GET", f"/ateliers/{workshop.slug}/flux", headers=headers
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")


def test_other_facilitator_cannot_run_someone_elses_workshop(
    app: FastAPI, database: Database
) -> None:
    owner = f.facilitator(database)
    workshop = f.workshop(database, owner)
    alice = f.join(database, workshop, "Alice")
    statement = f.post(database, alice.participant, "Une proposition")
    f.facilitator(database, "bruno@example.org")
    bruno = _facilitator(app, "bruno@example.org")
    token = bruno.headers["X-CSRF-Token"]
    phase = bruno.post(f"/ateliers/{workshop.slug}/phase",
                       data={"phase": "closed", "csrf_token": token}, follow_redirects=False)
    hide = bruno.post(f"/ateliers/{workshop.slug}/propositions/{statement.id}/visibilite",
                      data={"hidden": "1", "csrf_token": token}, follow_redirects=False)
    assert (phase.status_code, hide.status_code) == (403, 403)
    assert bruno.get(f"/ateliers/{workshop.slug}/animer").status_code == 403
    assert bruno.get(f"/ateliers/{workshop.slug}/export/polis.zip").status_code == 403


def test_participant_cannot_vote_on_another_workshops_statement(
    app: FastAPI, database: Database
) -> None:
    owner = f.facilitator(database)
    first, second = f.workshop(database, owner), f.workshop(database, owner)
    author = f.join(database, second, "Auteur")
    statement = f.post(database, author.participant, "Ailleurs")
    alice = _participant(app, first, f.join(database, first, "Alice"))
    across = alice.post(f"/api/v1/workshops/{first.slug}/statements/{statement.id}/vote",
                        json={"value": 1})
    other = alice.post(f"/api/v1/workshops/{second.slug}/statements/{statement.id}/vote",
                       json={"value": 1})
    assert (across.status_code, other.status_code) == (404, 403)


def test_json_posts_need_the_csrf_header(app: FastAPI, database: Database) -> None:
    workshop = f.workshop(database)
    alice = _participant(app, workshop, f.join(database, workshop, "Alice"))
    del alice.headers["X-CSRF-Token"]
    response = alice.post(f"/api/v1/workshops/{workshop.slug}/statements", json={"text": "x"})
    assert response.status_code == 403


def test_user_text_is_escaped_on_every_page(app: FastAPI, database: Database) -> None:
    owner = f.facilitator(database)
    workshop = f.workshop(database, owner)
    evil = '<img src=x onerror="alert(1)">'
    author = f.join(database, workshop, "<b>x</b>")
    statement = f.post(database, author.participant, evil)
    reader = _participant(app, workshop, f.join(database, workshop, "Lecteur"))
    anne = _facilitator(app)
    pages = [reader.get(f"/ateliers/{workshop.slug}").text,
             anne.get(f"/ateliers/{workshop.slug}/animer").text]
    for html in pages:
        assert f'id="statement-{statement.id}"' in html
        assert evil not in html and "<b>x</b>" not in html
        assert "&lt;img src=x" in html


def test_hidden_statement_leaves_the_opinions_section(app: FastAPI, database: Database) -> None:
    debate = f.debate_with_blocs(database)
    hidden_id = debate.statements[1]
    anne = _facilitator(app)
    with TestClient(app) as reader:
        api = f"/api/v1/workshops/{debate.workshop.slug}/opinions"
        assert "Proposition numéro 1" in reader.get(api).text
        response = anne.post(
            f"/ateliers/{debate.workshop.slug}/propositions/{hidden_id}/visibilite",
            data={"hidden": "1", "csrf_token": anne.headers["X-CSRF-Token"]},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert "Proposition numéro 1" not in reader.get(api).text
        assert "Proposition numéro 1" not in reader.get(f"/ateliers/{debate.workshop.slug}").text


def test_nul_bytes_in_input_are_not_a_500(app: FastAPI, database: Database) -> None:
    """PostgreSQL refuses NUL in text: run with TRAJECTOIRES_TEST_DATABASE_URL to see it."""
    workshop = f.workshop(database)
    alice = _participant(app, workshop, f.join(database, workshop, "Alice"))
    stranger = TestClient(app, raise_server_exceptions=False)
    responses = [
        alice.get("/api/v1/workshops/a%00b"),
        alice.get(f"/ateliers/{workshop.slug}%00"),
        alice.post(f"/api/v1/workshops/{workshop.slug}/statements", json={"text": "a\x00b"}),
        stranger.post("/rejoindre", data={
            "code": workshop.join_code, "pseudonym": "b\x00c", "csrf_token": f.csrf(stranger)}),
    ]
    assert [r.status_code for r in responses if r.status_code >= 500] == []
