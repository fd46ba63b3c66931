"""The diagnosis page in the system Chromium: no CSP violation, picker and comparison by keyboard.

Runs on the demo's state (nothing imported): the page must say what is missing
and still offer the maps it can draw.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(settings, database, territory_reference):
    uvicorn = pytest.importorskip("uvicorn")
    from trajectoires.web import create_app
    from trajectoires.web.territory.deps import install_reference

    app = create_app(settings, database)
    install_reference(app, territory_reference)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is missing: `make chromium` installs the Debian package")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def test_diagnosis_page_in_chromium(live_server, browser):
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.goto(live_server + "/territoires/departement/29")
    page.get_by_role("link", name="Diagnostic numérique du Finistère").click()
    page.wait_for_url("**/diagnostic")
    assert "ne peut pas être calculé" in page.content()
    assert page.locator("svg[role=img]").count() >= 1  # the map it can draw (density)
    page.get_by_label("Autre territoire (code ou nom)").fill("Ille-et-Vilaine")
    page.get_by_label("Autre territoire (code ou nom)").press("Enter")
    page.wait_for_url("**comparer=Ille-et-Vilaine**")
    assert page.get_by_role("heading", name="Comparer avec…").is_visible()
    assert problems == []  # a style or script blocked by the CSP would show here
    page.close()
