"""Facilitator login: password check, throttling, CSRF, logout."""

from __future__ import annotations

import base64
import dataclasses
import http.client
import json
import socket
import threading
import time

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner

from tests.foresight import factories as f
from trajectoires.commands.server import uvicorn_options
from trajectoires.db import Database
from trajectoires.settings import Settings
from trajectoires.web.auth import LoginThrottle, safe_next


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    f.facilitator(database)
    return f.make_app(settings, database)


def test_login_then_logout(app: FastAPI) -> None:
    client = TestClient(app)
    response = f.login(client)
    assert (response.status_code, response.headers["location"]) == (303, "/ateliers")
    assert client.get("/ateliers/nouveau", follow_redirects=False).status_code == 200
    token = f.csrf(client, "/ateliers")
    client.post("/deconnexion", data={"csrf_token": token})
    assert client.get("/ateliers/nouveau", follow_redirects=False).status_code == 303


def test_logout_revokes_a_copied_cookie(app: FastAPI) -> None:
    """A session cookie copied before logging out opens nothing afterwards."""
    client = TestClient(app)
    f.login(client)
    copied = dict(client.cookies)
    other_browser = TestClient(app, cookies=copied)
    assert other_browser.get("/ateliers/nouveau", follow_redirects=False).status_code == 200
    client.post("/deconnexion", data={"csrf_token": f.csrf(client, "/ateliers")})
    thief = TestClient(app, cookies=copied)
    assert thief.get("/ateliers/nouveau", follow_redirects=False).status_code == 303
    assert "Se déconnecter" not in thief.get("/").text


def test_a_cookie_naming_a_facilitator_without_a_login_opens_nothing(app: FastAPI) -> None:
    """A forged or old session (a facilitator id, no login token) is treated as logged out."""
    secret = app.state.settings.secret_key
    data = base64.b64encode(json.dumps({"facilitator_id": 1}).encode())
    forged = TimestampSigner(secret).sign(data).decode()
    f.login(TestClient(app))  # facilitator 1 exists and is logged in elsewhere
    thief = TestClient(app, cookies={"trajectoires_session": forged})
    assert thief.get("/ateliers/nouveau", follow_redirects=False).status_code == 303


def test_wrong_password_is_refused_in_french(app: FastAPI) -> None:
    client = TestClient(app)
    response = f.login(client, password="pas le bon")
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in response.text
    assert client.get("/ateliers/nouveau", follow_redirects=False).status_code == 303


def test_throttling_blocks_even_the_right_password(app: FastAPI) -> None:
    client = TestClient(app)
    for _ in range(5):
        assert f.login(client, password="mauvais").status_code == 401
    blocked = f.login(client)
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.text
    other_email = f.login(client, email="inconnu@example.org")
    assert other_email.status_code == 429  # same address: blocked too


def test_login_without_csrf_token_is_refused(app: FastAPI) -> None:
    client = TestClient(app)
    client.get("/connexion")
    response = client.post(
        "/connexion", data={"email": "anne@example.org", "password": f.PASSWORD}
    )
    assert response.status_code == 403
    assert "Jeton de sécurité" in response.text


def test_next_page_is_local_only() -> None:
    assert safe_next("/ateliers/x/animer") == "/ateliers/x/animer"
    assert safe_next("//evil.example") == "/ateliers"
    assert safe_next("https://evil.example/") == "/ateliers"


def test_throttle_window_slides() -> None:
    throttle = LoginThrottle(limit=2, window=10.0)
    keys = ["email:a", "ip:1"]
    throttle.failed(keys, now=0.0)
    assert throttle.retry_after(keys, now=1.0) == 0
    throttle.failed(keys, now=1.0)
    assert throttle.retry_after(keys, now=2.0) == 8
    assert throttle.retry_after(keys, now=10.5) == 0


# -- login throttling behind a reverse proxy --------------------------------------------------
def _served_app(settings: Settings, database: Database) -> TestClient:
    """The application as ``trajectoires serve`` hands it to uvicorn (proxy middleware included)."""
    config = uvicorn.Config(f.make_app(settings, database), **uvicorn_options(settings))
    config.load()
    return TestClient(config.loaded_app)


def _failed_login(client: TestClient, forwarded_for: str, email: str) -> int:
    token = f.csrf(client, "/connexion")
    return client.post(
        "/connexion", data={"email": email, "password": "faux", "csrf_token": token},
        headers={"X-Forwarded-For": forwarded_for}, follow_redirects=False,
    ).status_code


def test_trusted_proxy_gives_the_throttle_the_real_client(
    settings: Settings, database: Database
) -> None:
    client = _served_app(dataclasses.replace(settings, forwarded_allow_ips="*"), database)
    for n in range(5):
        assert _failed_login(client, "203.0.113.7", f"a{n}@example.org") == 401
    assert _failed_login(client, "203.0.113.7", "z@example.org") == 429
    assert _failed_login(client, "198.51.100.2", "y@example.org") == 401  # another client


def test_no_proxy_is_trusted_by_default(settings: Settings, database: Database) -> None:
    options = uvicorn_options(settings)
    assert (options["proxy_headers"], options["forwarded_allow_ips"]) == (False, None)
    client = _served_app(settings, database)
    for n in range(5):  # a spoofed X-Forwarded-For does not escape the per-address count
        assert _failed_login(client, f"203.0.113.{n}", f"a{n}@example.org") == 401
    assert _failed_login(client, "198.51.100.2", "y@example.org") == 429


# -- keep-alive: an idle phone's next request finds its connection open ------------------------
def test_an_idle_connection_survives_the_pause_between_two_votes(
    settings: Settings, database: Database
) -> None:
    """Uvicorn's default closed idle connections after 5 s: a vote sent at 5 s was reset."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(f.make_app(settings, database), host="127.0.0.1",
                                           port=port, log_level="warning",
                                           **uvicorn_options(settings)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/api/v1/ateliers/inconnu")
        connection.getresponse().read()
        sock = connection.sock
        time.sleep(6)  # longer than uvicorn's default keep-alive
        connection.request("GET", "/api/v1/ateliers/inconnu")
        assert connection.getresponse().status == 404
        assert connection.sock is sock  # the same connection, not a new one
    finally:
        server.should_exit = True
        thread.join(5)
