"""Facilitator login: password check, throttling, CSRF, logout."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.foresight import factories as f
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
