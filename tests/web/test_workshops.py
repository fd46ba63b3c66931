"""The workshop flow through the pages and the API, on a real database."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.foresight import factories as f
from trajectoires.db import Database


@pytest.fixture
def facilitator_client(app: FastAPI, database: Database) -> TestClient:
    f.facilitator(database)
    client = TestClient(app)
    assert f.login(client).status_code == 303
    return client


def _join_code(client: TestClient, slug: str) -> str:
    html = client.get(f"/ateliers/{slug}/animer").text
    return re.search(r'id="join-code"[^>]*>([A-Z0-9]{6})<', html).group(1)


def test_whole_flow(app: FastAPI, facilitator_client: TestClient) -> None:
    slug = f.create_via_web(facilitator_client)
    code = _join_code(facilitator_client, slug)
    alice = f.join_via_web(app, code.lower(), "Alice")
    bob = f.join_via_web(app, code, "Bob")

    page = alice.get(f"/ateliers/{slug}")
    assert "Vous participez sous le pseudonyme" in page.text
    posted = alice.post(f"/api/v1/workshops/{slug}/statements", json={"text": "Un tiers-lieu"})
    assert posted.status_code == 201, posted.text
    statement = posted.json()
    assert statement["mine"] is True and statement["author"] == "Alice"

    url = f"/api/v1/workshops/{slug}/statements/{statement['id']}/vote"
    assert bob.post(url, json={"value": 1}).json()["counts"] == {
        "agree": 1, "disagree": 0, "pass": 0}
    latest = bob.post(url, json={"value": -1}).json()
    assert latest["counts"] == {"agree": 0, "disagree": 1, "pass": 0}

    listed = bob.get(f"/api/v1/workshops/{slug}/statements").json()
    assert listed[0]["my_vote"] == -1 and listed[0]["mine"] is False
    html = bob.get(f"/ateliers/{slug}").text
    assert f'data-statement-id="{statement["id"]}"' in html
    assert re.search(r'value="-1" class="vote vote-disagree"\s+aria-pressed="true"', html)
    own = alice.get(f"/ateliers/{slug}").text
    item = own.split(f'data-statement-id="{statement["id"]}"')[1].split("</li>")[0]
    assert "own" in own.split(f'id="statement-{statement["id"]}"')[1][:200]
    assert "vote-form" not in item  # no vote buttons on one's own statement


def test_forms_work_without_javascript(app: FastAPI, facilitator_client: TestClient) -> None:
    slug = f.create_via_web(facilitator_client)
    code = _join_code(facilitator_client, slug)
    alice = f.join_via_web(app, code, "Alice")
    bob = f.join_via_web(app, code, "Bob")
    token = alice.headers["X-CSRF-Token"]
    response = alice.post(
        f"/ateliers/{slug}/propositions", data={"text": "Former des aidants", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    statement_id = bob.get(f"/api/v1/workshops/{slug}/statements").json()[0]["id"]
    response = bob.post(
        f"/ateliers/{slug}/votes",
        data={"statement_id": statement_id, "value": "0",
              "csrf_token": bob.headers["X-CSRF-Token"]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert bob.get(f"/api/v1/workshops/{slug}/statements").json()[0]["counts"]["pass"] == 1


def test_bad_input_messages(app: FastAPI, facilitator_client: TestClient) -> None:
    slug = f.create_via_web(facilitator_client)
    code = _join_code(facilitator_client, slug)
    visitor = TestClient(app)
    token = f.csrf(visitor)
    page = visitor.post("/rejoindre", data={"code": "0O1I", "pseudonym": "X", "csrf_token": token})
    assert page.status_code == 422
    assert "Code d&#39;atelier invalide" in page.text and "Traceback" not in page.text
    # a well-formed code of no workshop: the form again with the French message, not a 404
    unknown = visitor.post("/rejoindre", data={"code": "ZZZZ22", "pseudonym": "Xavier",
                                               "csrf_token": token})
    assert unknown.status_code == 422
    assert "Aucun atelier ouvert ne correspond au code « ZZZZ22 »" in unknown.text
    assert 'name="code"' in unknown.text and 'value="Xavier"' in unknown.text

    alice = f.join_via_web(app, code, "Alice")
    api = f"/api/v1/workshops/{slug}/statements"
    empty = alice.post(api, json={"text": "   "})
    assert (empty.status_code, empty.json()) == (422, {"detail": "« Proposition » est vide."})
    long = alice.post(api, json={"text": "é" * 300})
    assert long.status_code == 422
    assert long.json()["detail"] == "« Proposition » dépasse 280 caractères (300 reçus)."
    form = alice.post(
        f"/ateliers/{slug}/propositions", data={"text": "x" * 281, "csrf_token": token}
    )
    assert form.status_code in (403, 422)

    duplicate = TestClient(app)
    token = f.csrf(duplicate)
    page = duplicate.post(
        "/rejoindre", data={"code": code, "pseudonym": "alice", "csrf_token": token}
    )
    assert page.status_code == 409 and "déjà pris" in page.text


def test_vote_on_hidden_statement_is_refused(
    app: FastAPI, facilitator_client: TestClient
) -> None:
    slug = f.create_via_web(facilitator_client)
    code = _join_code(facilitator_client, slug)
    alice = f.join_via_web(app, code, "Alice")
    bob = f.join_via_web(app, code, "Bob")
    statement = alice.post(
        f"/api/v1/workshops/{slug}/statements", json={"text": "À masquer"}
    ).json()
    token = f.csrf(facilitator_client, f"/ateliers/{slug}/animer")
    hide = facilitator_client.post(
        f"/ateliers/{slug}/propositions/{statement['id']}/visibilite",
        data={"hidden": "1", "csrf_token": token}, follow_redirects=False,
    )
    assert hide.status_code == 303
    refused = bob.post(
        f"/api/v1/workshops/{slug}/statements/{statement['id']}/vote", json={"value": 1}
    )
    assert refused.status_code == 409
    assert "masquée" in refused.json()["detail"]
    assert bob.get(f"/api/v1/workshops/{slug}/statements").json() == []
    unknown = bob.post(f"/api/v1/workshops/{slug}/statements/999999/vote", json={"value": 1})
    assert unknown.status_code == 404
    invalid = bob.post(
        f"/api/v1/workshops/{slug}/statements/{statement['id']}/vote", json={"value": 5}
    )
    assert invalid.status_code == 422 and "Vote invalide" in invalid.json()["detail"]


def test_write_api_needs_participant_and_csrf_header(
    app: FastAPI, facilitator_client: TestClient
) -> None:
    slug = f.create_via_web(facilitator_client)
    code = _join_code(facilitator_client, slug)
    alice = f.join_via_web(app, code, "Alice")
    api = f"/api/v1/workshops/{slug}/statements"
    no_header = alice.post(api, json={"text": "Bonjour"}, headers={"X-CSRF-Token": ""})
    assert no_header.status_code == 403
    stranger = TestClient(app)
    stranger.headers["X-CSRF-Token"] = f.csrf(stranger)
    refused = stranger.post(api, json={"text": "Bonjour"})
    assert refused.status_code == 403 and "Rejoignez" in refused.json()["detail"]


def test_user_text_is_escaped(app: FastAPI, facilitator_client: TestClient) -> None:
    slug = f.create_via_web(facilitator_client)
    code = _join_code(facilitator_client, slug)
    alice = f.join_via_web(app, code, "<b>Alice</b>")
    alice.post(f"/api/v1/workshops/{slug}/statements", json={"text": "<script>alert(1)</script>"})
    html = TestClient(app).get(f"/ateliers/{slug}").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Alice&lt;/b&gt;" in html


def test_security_headers_and_cookie_flags(app: FastAPI, facilitator_client: TestClient) -> None:
    slug = f.create_via_web(facilitator_client)
    code = _join_code(facilitator_client, slug)
    client = TestClient(app)
    token = f.csrf(client)
    response = client.post(
        "/rejoindre", data={"code": code, "pseudonym": "Alice", "csrf_token": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = client.get(f"/ateliers/{slug}")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in page.text and " style=" not in page.text


def test_pages_expose_stable_hooks(app: FastAPI, facilitator_client: TestClient) -> None:
    slug = f.create_via_web(facilitator_client)
    facilitation = facilitator_client.get(f"/ateliers/{slug}/animer").text
    assert 'id="join-code"' in facilitation and 'id="join-link"' in facilitation
    join = TestClient(app).get("/rejoindre").text
    for label in ("Code de l'atelier</label>", "Pseudonyme</label>", ">Rejoindre</button>"):
        assert label in join
    alice = f.join_via_web(app, _join_code(facilitator_client, slug), "Alice")
    page = alice.get(f"/ateliers/{slug}").text
    assert '<ol id="statements"' in page and 'aria-live="polite"' in page
    assert "Votre proposition</label>" in page and ">Publier</button>" in page


def test_new_workshop_requires_login_and_valid_territory(
    app: FastAPI, facilitator_client: TestClient
) -> None:
    anonymous = TestClient(app).get("/ateliers/nouveau", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/connexion")
    token = f.csrf(facilitator_client, "/ateliers/nouveau")
    page = facilitator_client.post(
        "/ateliers/nouveau",
        data={"territory": "Atlantide", "title": "T", "question": "Q", "csrf_token": token},
    )
    assert page.status_code == 422 and "Atlantide" in page.text
    listing = facilitator_client.get("/ateliers").text
    assert "Aucun atelier" in listing


def test_closing_stops_participation(app: FastAPI, facilitator_client: TestClient) -> None:
    slug = f.create_via_web(facilitator_client)
    code = _join_code(facilitator_client, slug)
    alice = f.join_via_web(app, code, "Alice")
    token = f.csrf(facilitator_client, f"/ateliers/{slug}/animer")
    facilitator_client.post(
        f"/ateliers/{slug}/phase", data={"phase": "closed", "csrf_token": token}
    )
    refused = alice.post(f"/api/v1/workshops/{slug}/statements", json={"text": "Trop tard"})
    assert refused.status_code == 409
    assert TestClient(app).get(f"/api/v1/workshops/{slug}").json()["status"] == "closed"


def _create(client: TestClient, **extra: str) -> str:
    token = f.csrf(client, "/ateliers/nouveau")
    response = client.post("/ateliers/nouveau", data={
        "territory": "29", "title": "Atelier des élus", "question": "Que voulons-nous ?",
        "csrf_token": token, **extra}, follow_redirects=False)
    assert response.status_code == 303, response.text
    slug = response.headers["location"].split("/")[2]
    client.post(f"/ateliers/{slug}/phase", data={"phase": "open", "csrf_token": token})
    return slug


def test_a_private_workshop_shows_its_code_to_its_facilitator_only(
    app: FastAPI, facilitator_client: TestClient, database: Database
) -> None:
    """The API gave any workshop's join code to whoever knew its slug."""
    public, private = _create(facilitator_client), _create(facilitator_client,
                                                           **{"setting-private": "1"})
    visitor = TestClient(app)
    code = _join_code(facilitator_client, private)
    assert visitor.get(f"/api/v1/workshops/{public}").json()["join_code"]
    assert visitor.get(f"/api/v1/workshops/{private}").json()["join_code"] is None
    assert facilitator_client.get(f"/api/v1/workshops/{private}").json()["join_code"] == code
    page = visitor.get(f"/ateliers/{private}").text
    assert code not in page and "code donné par l'animation" in page
    assert code in facilitator_client.get(f"/ateliers/{private}/projection").text
    posted = visitor.post(f"/ateliers/{private}/contributions/statement",
                          data={"csrf_token": f.csrf(visitor, f"/ateliers/{private}"),
                                "text": "x"}, follow_redirects=False)
    assert code not in posted.headers.get("location", "")
    joined = f.join_via_web(app, code, "Élue")  # the code given in the room still works
    assert "Vous participez" in joined.get(f"/ateliers/{private}").text


def test_a_closed_workshop_never_gives_its_code(
    app: FastAPI, facilitator_client: TestClient
) -> None:
    slug = _create(facilitator_client)
    token = f.csrf(facilitator_client, f"/ateliers/{slug}/animer")
    facilitator_client.post(f"/ateliers/{slug}/phase", data={"phase": "closed",
                                                           "csrf_token": token})
    assert TestClient(app).get(f"/api/v1/workshops/{slug}").json()["join_code"] is None


def test_the_private_option_is_a_yes_or_no() -> None:
    from trajectoires.foresight.errors import InvalidInputError
    from trajectoires.foresight.kinds import get_kind

    for key in ("debate", "imaginer-2030", "construire-2030"):
        kind = get_kind(key)
        assert kind.settings["private"] is False
        assert kind.check_settings({"private": "oui"}) == {"private": True}
        with pytest.raises(InvalidInputError, match="n'est ni oui ni non"):
            kind.check_settings({"private": "peut-être"})
