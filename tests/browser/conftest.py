"""Browser tests: a real uvicorn server in a thread and the system Chromium via Playwright."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from trajectoires.db import Database
from trajectoires.settings import Settings
from trajectoires.web import create_app
from trajectoires.web.territory.deps import install_reference

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(app) -> Iterator[str]:  # noqa: ANN001 (a FastAPI app)
    """Serve ``app`` on a free loopback port while the block runs; yield its base URL."""
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def live_server(settings: Settings, database: Database, territory_reference) -> Iterator[str]:
    """Serve the app on a free loopback port for the duration of one test."""
    app = create_app(settings, database)
    install_reference(app, territory_reference)
    with serving(app) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    """The system Chromium (Debian package), driven by Playwright.

    Module-scoped: Playwright's sync API keeps an event loop running in this thread,
    which must be gone before other tests call ``asyncio.run``.
    """
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make test` installs the Debian package chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
