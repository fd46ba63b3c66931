"""The session cookie: sent when the session changed or is a day old, never on a vote (#14)."""

from __future__ import annotations

import base64
import json
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.settings import Settings

COOKIE = "trajectoires_session"
DAY = 24 * 3600


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    f.facilitator(database)
    return f.make_app(settings, database)


def _signed(app: FastAPI, session: dict, age: float) -> str:
    """A session cookie as the app would have signed it ``age`` seconds ago."""

    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age)

    data = base64.b64encode(json.dumps(session).encode())
    return Then(app.state.settings.secret_key).sign(data).decode()


def _session_cookies(response) -> list[str]:
    return [c for c in response.headers.get_list("set-cookie") if c.startswith(COOKIE)]


def test_a_vote_sends_no_cookie_and_a_login_does(app: FastAPI) -> None:
    """Signing and sending the session on every write cost each vote; only changes send it."""
    facilitator = TestClient(app)
    login = f.login(facilitator)
    assert login.status_code == 303 and _session_cookies(login)
    slug = f.create_via_web(facilitator)
    html = facilitator.get(f"/ateliers/{slug}/animer").text
    code = html.split('id="join-code"')[1].split(">")[1][:6]
    alice, bob = f.join_via_web(app, code, "Alice"), f.join_via_web(app, code, "Bob")
    posted = alice.post(f"/api/v1/workshops/{slug}/statements", json={"text": "Un tiers-lieu"})
    assert posted.status_code == 201 and not _session_cookies(posted)
    vote = bob.post(f"/api/v1/workshops/{slug}/statements/{posted.json()['id']}/vote",
                    json={"value": 1})
    assert vote.status_code == 200 and not _session_cookies(vote)
    assert not _session_cookies(facilitator.get("/ateliers"))


def test_a_day_old_session_is_sent_again_and_an_expired_one_refused(app: FastAPI) -> None:
    """Without a refresh, a session used every day still ended 14 days after its last change."""
    facilitator = TestClient(app)
    f.login(facilitator)
    session = json.loads(base64.b64decode(
        facilitator.cookies[COOKIE].strip('"').rsplit(".", 2)[0]))
    recent = TestClient(app, cookies={COOKIE: _signed(app, session, DAY / 2)})
    fresh = recent.get("/ateliers/nouveau", follow_redirects=False)
    assert fresh.status_code == 200 and not _session_cookies(fresh)
    old = TestClient(app, cookies={COOKIE: _signed(app, session, 2 * DAY)})
    renewed = old.get("/ateliers/nouveau", follow_redirects=False)
    assert renewed.status_code == 200
    (cookie,) = _session_cookies(renewed)
    assert f"Max-Age={14 * DAY}" in cookie and "httponly" in cookie.lower()
    again = TestClient(app, cookies={COOKIE: cookie.split(";")[0].split("=", 1)[1]})
    assert again.get("/ateliers/nouveau", follow_redirects=False).status_code == 200
    expired = TestClient(app, cookies={COOKIE: _signed(app, session, 15 * DAY)})
    assert expired.get("/ateliers/nouveau", follow_redirects=False).status_code == 303
