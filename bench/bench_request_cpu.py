"""CPU per request of the web stack, in process: a vote, a statement post, a trivial GET.

The live profile (#14) showed most of the time the GIL is held going to per-request
framework work on the event loop (middleware, routing, dependencies, validation), so
this measures that work alone, without a network or a second process: the app (SQLite
in a temporary workspace, write throttling off as in :mod:`bench._live`, lifespan
started) is called directly as an ASGI application with a hand-built scope, the
cookies of a participant who joined through the real pages, and the session's CSRF
token. ``time.process_time`` counts every thread of the process (worker threads of
sync routes, the live hub), so the figure does not depend on the machine's load.

Requests, ``REQUESTS`` of each per round, rounds alternated (vote, post, GET) and
repeated ``ROUNDS`` times; the median round is kept:

- ``POST /api/v1/workshops/{slug}/statements/{id}/vote`` (value alternating 1/-1);
- ``POST /api/v1/workshops/{slug}/statements`` (a new text each time);
- ``GET /api/v1/workshops/{slug}``, the trivial GET of :mod:`bench.bench_live`.

Reference in the same run: a bare Starlette app answering ``PlainTextResponse("ok")``
called the same way (``ratio`` = reference / ours: the share of the floor).

``BENCH_REQUEST_CPU_URL=postgresql+psycopg://...`` runs the app on that database instead of
SQLite: an empty database of its own (the bench migrates it and creates its workshop). There
the database's work is in another process, so each row also gives the median wall time per
request (``wall_us``), which counts the round trips to the server.

``BENCH_REQUEST_CPU_PROFILE=vote`` (or ``post``, ``get``) prints a cProfile of that
request instead of measuring (main thread only); ``vote:spy`` only runs the requests,
for ``py-spy record --threads`` to sample every thread.
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import re
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bench.bench_votes import _prepare
from trajectoires.db import create_database
from trajectoires.foresight.participation import join_workshop, post_statement
from trajectoires.settings import Settings
from trajectoires.web import create_app

REQUESTS = int(os.environ.get("BENCH_REQUEST_CPU_REQUESTS", "300"))
ROUNDS = int(os.environ.get("BENCH_REQUEST_CPU_ROUNDS", "7"))
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
NO_THROTTLE = {"throttle_writes_per_minute": 0, "throttle_writes_per_address_per_minute": 0}


class Caller:
    """Call an ASGI app directly: one scope per request, the body in one message."""

    def __init__(self, app, headers: list[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, method: str, path: str, body: bytes = b"") -> int:
        """Send one request; return its status (the body is read and dropped)."""
        headers = list(self.headers)
        if body:
            headers += [(b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode())]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
                 "query_string": b"", "root_path": "", "headers": headers,
                 "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {}}
        sent = False
        status = 0

        async def receive() -> dict:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)  # a disconnect never comes while we wait
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await self.app(scope, receive, send)
        return status


async def _participant(app, url: str, slug: str, code: str) -> tuple[Caller, int]:
    """Join a second participant's statement to vote on; return the voter's caller."""
    db = create_database(url)
    with db.sessionmaker() as s:
        author = join_workshop(s, code, "Autrice")
    with db.sessionmaker() as s:
        statement = post_statement(s, author.participant, "Une proposition à voter")
    db.engine.dispose()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        page = (await client.get("/rejoindre")).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        joined = await client.post("/rejoindre", data={
            "code": code, "pseudonym": "Votant", "csrf_token": token})
        assert joined.status_code == 303, joined.text[:300]
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    headers = [(b"host", b"bench"), (b"cookie", cookie.encode()),
               (b"x-csrf-token", token.encode()), (b"accept", b"application/json")]
    return Caller(app, headers), statement.id


def _requests(call: Caller, slug: str, statement_id: int) -> dict:
    counter = iter(range(10**9))
    vote_path = f"/api/v1/workshops/{slug}/statements/{statement_id}/vote"

    def vote():
        value = 1 if next(counter) % 2 else -1
        return call("POST", vote_path, b'{"value": %d}' % value)

    def post():
        text = f'{{"text": "Proposition {next(counter)} : un lieu de médiation par commune"}}'
        return call("POST", f"/api/v1/workshops/{slug}/statements", text.encode())

    return {"vote": (vote, 200), "post": (post, 201),
            "get": (lambda: call("GET", f"/api/v1/workshops/{slug}"), 200)}


async def _cpu_us(request, expected: int, n: int) -> tuple[float, float]:
    """Median CPU and median wall time (µs) of ``n`` requests, each timed alone."""
    spent, walls = [], []
    for _ in range(n):
        started, wall = time.process_time(), time.perf_counter()
        status = await request()
        spent.append(time.process_time() - started)
        walls.append(time.perf_counter() - wall)
        assert status == expected, f"status {status}, expected {expected}"
    return statistics.median(spent) * 1e6, statistics.median(walls) * 1e6


def _bare() -> Caller:
    async def ok(_request):
        return PlainTextResponse("ok")

    return Caller(Starlette(routes=[Route("/", ok)]), [(b"host", b"bench")])


async def _measure(app, url: str, slug: str, code: str) -> dict[str, list[tuple[float, float]]]:
    async with app.router.lifespan_context(app):
        call, statement_id = await _participant(app, url, slug, code)
        requests = _requests(call, slug, statement_id)
        bare = _bare()
        requests["bare"] = (lambda: bare("GET", "/"), 200)
        if (name := os.environ.get("BENCH_REQUEST_CPU_PROFILE")):
            name, _, spy = name.partition(":")
            return await _profile(*requests[name], cprofile=not spy)
        for request, expected in requests.values():  # warm-up
            await _cpu_us(request, expected, 50)
        rounds = {name: [] for name in requests}
        for _ in range(ROUNDS):
            for name, (request, expected) in requests.items():
                rounds[name].append(await _cpu_us(request, expected, REQUESTS))
        return rounds


async def _profile(request, expected: int, *, cprofile: bool = True) -> dict:
    """cProfile ``REQUESTS`` requests; without it, only run them (for py-spy)."""
    for _ in range(50):
        await request()
    if not cprofile:
        for _ in range(REQUESTS):
            await request()
        return {}
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(REQUESTS):
        await request()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
    return {}


def _rows(rounds: dict[str, list[tuple[float, float]]], database: str) -> list[dict]:
    bare = statistics.median(cpu for cpu, _ in rounds["bare"])
    labels = {"vote": "vote (API, JSON)", "post": "statement post (API, JSON)",
              "get": "GET /api/v1/workshops/{slug}"}
    rows = []
    for key, label in labels.items():
        cpu = statistics.median(c for c, _ in rounds[key])
        rows.append({"name": f"CPU per request, {label}{database}", "value": round(cpu),
                     "unit": "µs", "goal": "lower", "reference": round(bare),
                     "ratio": round(bare / cpu, 3), "rounds": [round(c) for c, _ in rounds[key]],
                     "wall_us": round(statistics.median(w for _, w in rounds[key]))})
    return rows


def run() -> list[dict]:
    """Measure the CPU per request of a vote, a statement post and a trivial GET."""
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        url = os.environ.get("BENCH_REQUEST_CPU_URL") or f"sqlite:///{workspace / 'bench.sqlite'}"
        slug, code = _prepare(url)
        settings = replace(Settings.from_env({}, workspace=str(workspace), database_url=url),
                           **NO_THROTTLE)
        app = create_app(settings)
        rounds = asyncio.run(_measure(app, url, slug, code))
        app.state.db.engine.dispose()
    database = ", PostgreSQL" if url.startswith("postgresql") else ""
    return _rows(rounds, database) if rounds else []
