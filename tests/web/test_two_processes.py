"""Two real server processes on one PostgreSQL database, as ``serve --workers 2`` runs.

Two ``trajectoires serve`` processes on two ports, sharing the workspace (so the secret
key signing the session cookies) and the database. A participant who joined on the
first writes on the second with the same cookie and CSRF token; another, listening
to the live stream (SSE) on the first, receives the statement and the vote counts
posted on the second; a participant's write limit holds across both processes (the
counts are in the database); ``serve --workers 2`` starts and serves.

On SQLite the server is one process (``serve --workers`` refuses more), so the
two-process tests skip there; the refusal itself is tested on every database.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench._live import RawClient, free_port, join
from typer.testing import CliRunner

from tests.web._server import prepare, start, stop
from trajectoires.cli import app as cli_app

pytestmark = pytest.mark.db

LIMIT = 4  # writes per participant per minute, on both processes together
API = "/api/v1/workshops"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, int, int]]:
    """Two processes on one fresh PostgreSQL schema: (slug, join code, port A, port B)."""
    from tests.conftest import TEST_DATABASE_URL, fresh_database_url

    if not TEST_DATABASE_URL:
        pytest.skip("several server processes need PostgreSQL; on SQLite `serve` runs one "
                    "process (set TRAJECTOIRES_TEST_DATABASE_URL, as `make test-postgres` does)")
    folder = tmp_path_factory.mktemp("two-processes")
    with fresh_database_url(folder) as url:
        slug, code = prepare(url)
        workspace = folder / "workspace"
        ports = free_port(), free_port()
        first = start(url, workspace, ports[0], limit=LIMIT)
        try:
            second = start(url, workspace, ports[1], limit=LIMIT)
            try:
                yield slug, code, *ports
            finally:
                stop(second)
        finally:
            stop(first)


def _on(client: RawClient, port: int) -> RawClient:
    """The same participant (cookies, CSRF header) talking to the process on ``port``."""
    other = RawClient(port, client.headers)
    other.cookies = dict(client.cookies)
    return other


async def _events(port: int, slug: str, received: list[tuple[str, dict]],
                  connected: asyncio.Event) -> None:
    """Follow the SSE stream on ``port``; append (event, data) as they arrive."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /ateliers/{slug}/flux HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    buffer = b""
    try:
        while chunk := await reader.read(65536):
            buffer += chunk
            connected.set()
            *blocks, buffer = buffer.split(b"\n\n")
            for block in blocks:
                lines = dict(line.split(": ", 1) for line in block.decode().split("\n")
                             if ": " in line and not line.startswith(":"))
                if "event" in lines:
                    received.append((lines["event"], json.loads(lines["data"])))
    finally:
        writer.close()


async def _until(predicate, seconds: float = 10.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return False


async def _live_across(slug: str, code: str, port_a: int, port_b: int) -> None:
    alice = await join(port_a, code, "Alice")
    bob = await join(port_b, code, "Bob")
    received: list[tuple[str, dict]] = []
    connected = asyncio.Event()
    listener = asyncio.create_task(_events(port_a, slug, received, connected))
    await asyncio.wait_for(connected.wait(), 10)
    text = "Un conseiller numérique dans chaque mairie"
    status, body = await bob.request("POST", f"{API}/{slug}/statements", {"text": text})
    assert status == 201, body
    statement = json.loads(body)["id"]
    assert await _until(lambda: any(kind == "statement" and data["text"] == text
                                    for kind, data in received)), received
    # Alice's cookie and CSRF token, made on A, are valid on B: she votes there.
    status, body = await _on(alice, port_b).request(
        "POST", f"{API}/{slug}/statements/{statement}/vote", {"value": 1})
    assert status == 200, body
    assert await _until(lambda: any(
        kind == "votes" and data["counts"].get(str(statement), {}).get("agree") == 1
        for kind, data in received)), received
    listener.cancel()


def test_a_write_on_one_process_reaches_a_stream_on_the_other(servers) -> None:
    asyncio.run(_live_across(*servers))


async def _throttled_across(slug: str, code: str, port_a: int, port_b: int) -> list[int]:
    carol = await join(port_a, code, "Carol")
    sides = [carol, _on(carol, port_b)]
    statuses = []
    for i in range(LIMIT + 2):
        status, _ = await sides[i % 2].request(
            "POST", f"{API}/{slug}/statements", {"text": f"Proposition numéro {i} de Carol"})
        statuses.append(status)
    return statuses


def test_the_write_limit_holds_across_both_processes(servers) -> None:
    statuses = asyncio.run(_throttled_across(*servers))
    assert statuses == [201] * LIMIT + [429, 429]


def test_serve_workers_starts_several_processes(servers, tmp_path: Path) -> None:
    from tests.conftest import TEST_DATABASE_URL, fresh_database_url

    assert TEST_DATABASE_URL
    with fresh_database_url(tmp_path) as url:
        slug, code = prepare(url)
        port = free_port()
        process = start(url, tmp_path / "workspace", port, "--workers", "2", limit=LIMIT)
        try:
            async def write() -> int:
                dana = await join(port, code, "Dana")
                status, _ = await dana.request("POST", f"{API}/{slug}/statements",
                                               {"text": "Une proposition servie à deux"})
                return status

            assert asyncio.run(write()) == 201
            pgrep = ["pgrep", "-P", str(process.pid), "-f", "spawn_main"]
            children = subprocess.run(pgrep, capture_output=True, text=True,
                                      check=False).stdout.split()
            assert len(children) >= 2, children
        finally:
            stop(process)


def test_serve_refuses_several_processes_on_sqlite(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--workers", "2", "--workspace",
                                          str(tmp_path)], env={"TRAJECTOIRES_DATABASE_URL": ""})
    assert result.exit_code == 2
    assert "PostgreSQL" in result.output
