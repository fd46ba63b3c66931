"""Request bodies are capped before they are read: 413 with a French message, whoever sends them."""

from __future__ import annotations

import asyncio
import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from trajectoires.settings import Settings, SettingsError
from trajectoires.web.app import create_app

LIMIT_KIB = 4


@pytest.fixture
def small_app(settings: Settings, database) -> FastAPI:
    """The app with a 4 KiB cap on request bodies."""
    return create_app(Settings.from_env({}, workspace=str(settings.workspace),
                                        database_url=settings.database_url,
                                        max_request_kib=str(LIMIT_KIB)), database)


def _call(app: FastAPI, path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]]):
    """Send a POST through the ASGI interface; return (status, body, bytes the app read)."""
    read = {"bytes": 0, "calls": 0}
    pending = list(chunks)
    sent: list[dict] = []

    async def receive() -> dict:
        read["calls"] += 1
        if not pending:
            return {"type": "http.disconnect"}
        chunk = pending.pop(0)
        read["bytes"] += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(b"host", b"testserver"), *headers],
             "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body, read["bytes"]


@pytest.mark.parametrize("path", ["/api/v1/ateliers/inconnu/contributions",
                                  "/ateliers/inconnu/contributions/titre"])
def test_declared_oversize_body_is_refused_unread(small_app, path):
    """An anonymous 100 MB post to an unknown workshop: 413 in French, not a byte read."""
    declared = 100 * 1024 * 1024
    chunks = [b"x" * 65536] * 4  # what a client would start sending
    status, body, read = _call(
        small_app, path, chunks,
        [(b"content-type", b"application/json"), (b"content-length", str(declared).encode())],
    )
    assert status == 413
    message = json.loads(body)["detail"] if "/api/" in path else body.decode()
    assert "trop volumineuse" in message
    assert read == 0


def test_streamed_oversize_body_stops_at_the_cap(small_app):
    """Without Content-Length (chunked), reading stops once the cap is passed."""
    chunks = [b"a" * 1024] * 64  # 64 KiB in 1 KiB chunks
    status, body, read = _call(
        small_app, "/ateliers/inconnu/contributions/titre", chunks,
        [(b"content-type", b"application/x-www-form-urlencoded")],
    )
    assert status == 413
    assert "trop volumineuse" in body.decode()
    assert read <= (LIMIT_KIB + 1) * 1024


def test_a_body_under_the_cap_goes_through(small_app):
    """A normal request is untouched: a small JSON body reaches the route (404 here)."""
    client = TestClient(small_app)
    response = client.post("/api/v1/ateliers/inconnu/contributions",
                           json={"type": "titre", "payload": {"texte": "x" * 100}})
    assert response.status_code in (403, 404)


def test_the_default_cap_is_one_mebibyte():
    """The default is documented in the settings and read as bytes."""
    assert Settings.from_env({}).max_request_bytes == 1024 * 1024
    assert Settings.from_env({"TRAJECTOIRES_MAX_REQUEST_KIB": "0"}).max_request_bytes is None


def test_a_cap_that_is_not_a_number_is_refused():
    """A bad value stops with a French line naming the variable."""
    with pytest.raises(SettingsError, match="TRAJECTOIRES_MAX_REQUEST_KIB"):
        Settings.from_env({"TRAJECTOIRES_MAX_REQUEST_KIB": "un méga"})
