"""Live workshop load: 200 simulated participants join, post statements and vote.

One uvicorn server process (subprocess, loopback, fresh workspace) per database:
SQLite, then PostgreSQL (a fresh schema of the ``test`` database, dropped at the end;
skipped when PostgreSQL is not reachable). Each participant has its own cookies
and connection: it joins with the code, posts ``STATEMENTS_EACH`` statements,
then votes on ``VOTES_EACH`` statements of others, chosen at random. Twenty SSE
listeners follow the workshop meanwhile; they also receive the ``opinions`` events
(opinion groups recomputed in a worker thread at most every 2 s while votes arrive), so
the cost of the live analysis is inside the measured vote rate.

Measured: votes per second over the voting phase (closed loop: every client votes
as fast as it can), statements + votes per second over both phases, p50/p99 latency
of a vote when saturated, then p50/p99 in a paced phase where the 200 participants
together offer PACED_RATE votes per second (exponential pauses, a human pace); rows
in the database are counted and compared with the successful requests (nothing lost).
Reference in the same run: the rate of ``GET /api/v1/workshops/{slug}`` (one indexed
read) with the same 200 clients, so ``ratio`` = votes per second / reference requests
per second. Cookies come from httpx (joining); the timed requests use a raw keep-alive
HTTP/1.1 client, lighter than httpx, so the load generator is not what is measured.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy

from trajectoires.db import create_database, migrate
from trajectoires.foresight.facilitators import create_facilitator
from trajectoires.foresight.workshops import create_workshop, set_phase

PARTICIPANTS = 200
STATEMENTS_EACH = 2
VOTES_EACH = 20
LISTENERS = 20
REFERENCE_REQUESTS_EACH = 10
PACED_RATE = 60.0  # votes/s offered by all participants together in the paced phase
PACED_VOTES_EACH = 5
PG_URL = os.environ.get("TRAJECTOIRES_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TIMEOUT = 240.0


@dataclass(frozen=True)
class Territory:
    kind: str = "departement"
    code: str = "29"
    name: str = "Finistère"


@dataclass
class Tally:
    statement_ok: int = 0
    vote_ok: int = 0
    vote_pairs: set[tuple[int, int]] = field(default_factory=set)
    errors: int = 0
    vote_latencies: list[float] = field(default_factory=list)
    paced_latencies: list[float] = field(default_factory=list)
    write_latencies: list[float] = field(default_factory=list)
    sse_events: int = 0
    sse_drops: int = 0
    opinion_events: int = 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(url: str) -> tuple[str, str]:
    """Migrate the database and create an open workshop; return (slug, join code)."""
    db = create_database(url)
    migrate(db)
    with db.sessionmaker() as s:
        owner = create_facilitator(s, "bench@example.org", "Bench", "bench-password-123")
        ws = create_workshop(s, owner.id, Territory(), "Banc d'essai", "Que voulons-nous ?")
        set_phase(s, owner.id, ws.slug, "open")
    db.engine.dispose()
    return ws.slug, ws.join_code


def _start_server(url: str, workspace: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "TRAJECTOIRES_DATABASE_URL": url, "TRAJECTOIRES_WORKSPACE": str(workspace)}
    command = [sys.executable, "-m", "uvicorn", "--factory", "trajectoires.web.app:create_app",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
               "--no-access-log", "--timeout-graceful-shutdown", "2", "--timeout-keep-alive", "120"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ateliers", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


class RawClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams.

    httpx costs more CPU per request than the server on this loopback test; a light
    client keeps the load generator from being the bottleneck it measures.
    """

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, payload: object = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        body = b"" if payload is None else json.dumps(payload).encode()
        extra = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n" if body else ""
        self.writer.write(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.head}{extra}"
                          "\r\n".encode() + body)
        await self.writer.drain()
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status = int(head.split(" ", 2)[1])
        length = int(re.search(r"(?i)content-length: (\d+)", head).group(1))
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _timed(latencies: list[float], request) -> tuple[int, bytes]:
    started = time.perf_counter()
    response = await request
    latencies.append(time.perf_counter() - started)
    return response


async def _join(base: str, port: int, code: str, index: int) -> RawClient:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        token = CSRF.search((await client.get("/rejoindre")).text).group(1)
        response = await client.post("/rejoindre", data={
            "code": code, "pseudonym": f"P{index:03d}", "csrf_token": token})
        if response.status_code != 303:
            raise RuntimeError(f"join failed: {response.status_code} {response.text[:200]}")
        cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return RawClient(port, {"Cookie": cookies, "X-CSRF-Token": token})


async def _post(client: RawClient, slug: str, index: int, tally: Tally) -> None:
    for k in range(STATEMENTS_EACH):
        text = f"Proposition {k} du participant {index} : un lieu de médiation par commune"
        status, _ = await _timed(tally.write_latencies, client.request(
            "POST", f"/api/v1/workshops/{slug}/statements", {"text": text}))
        if status == 201:
            tally.statement_ok += 1
        else:
            tally.errors += 1


async def _targets(client: RawClient, slug: str, rng: random.Random) -> list[int]:
    _, body = await client.request("GET", f"/api/v1/workshops/{slug}/statements")
    others = [s["id"] for s in json.loads(body) if not s["mine"]]
    return rng.sample(others, min(VOTES_EACH, len(others)))


async def _vote(client: RawClient, slug: str, targets: list[int], rng: random.Random,
                tally: Tally) -> None:
    for statement_id in targets:
        status, _ = await _timed(tally.vote_latencies, client.request(
            "POST", f"/api/v1/workshops/{slug}/statements/{statement_id}/vote",
            {"value": rng.choice((1, -1, 0))}))
        tally.write_latencies.append(tally.vote_latencies[-1])
        if status == 200:
            tally.vote_ok += 1
            tally.vote_pairs.add((id(client), statement_id))
        else:
            tally.errors += 1


async def _paced(client: RawClient, slug: str, targets: list[int], rng: random.Random,
                 tally: Tally) -> None:
    """Vote again at a human pace: exponential pauses, PACED_RATE votes/s all together."""
    mean_pause = PARTICIPANTS / PACED_RATE
    for statement_id in targets[:PACED_VOTES_EACH]:
        await asyncio.sleep(rng.expovariate(1 / mean_pause))
        status, _ = await _timed(tally.paced_latencies, client.request(
            "POST", f"/api/v1/workshops/{slug}/statements/{statement_id}/vote",
            {"value": rng.choice((1, -1, 0))}))
        if status != 200:
            tally.errors += 1


async def _listen(base: str, slug: str, tally: Tally, stop: asyncio.Event) -> None:
    """Follow the stream like EventSource: reconnect when the server drops a slow reader."""
    async with httpx.AsyncClient(base_url=base, timeout=None) as client:
        while not stop.is_set():
            async with client.stream("GET", f"/ateliers/{slug}/flux") as response:
                async for line in response.aiter_lines():
                    if line.startswith("event: "):
                        tally.sse_events += 1
                        tally.opinion_events += line == "event: opinions"
                    if stop.is_set():
                        return
            tally.sse_drops += 1


async def _reference(clients: list[RawClient], slug: str) -> float:
    async def hit(client: RawClient) -> None:
        for _ in range(REFERENCE_REQUESTS_EACH):
            status, _ = await client.request("GET", f"/api/v1/workshops/{slug}")
            if status != 200:
                raise RuntimeError(f"reference request failed: {status}")

    started = time.perf_counter()
    await asyncio.gather(*(hit(c) for c in clients))
    return len(clients) * REFERENCE_REQUESTS_EACH / (time.perf_counter() - started)


async def _load(port: int, slug: str, code: str) -> dict:
    base = f"http://127.0.0.1:{port}"
    tally, rng, stop = Tally(), random.Random(2030), asyncio.Event()
    listeners = [asyncio.create_task(_listen(base, slug, tally, stop)) for _ in range(LISTENERS)]
    clients = []
    for start in range(0, PARTICIPANTS, 50):  # join in waves: joining is not what we measure
        clients += await asyncio.gather(
            *(_join(base, port, code, i) for i in range(start, min(start + 50, PARTICIPANTS))))
    started = time.perf_counter()
    await asyncio.gather(*(_post(c, slug, i, tally) for i, c in enumerate(clients)))
    posted = time.perf_counter()
    rngs = [random.Random(rng.random()) for _ in clients]
    pairs = zip(clients, rngs, strict=True)
    targets = await asyncio.gather(*(_targets(c, slug, r) for c, r in pairs))
    voting = time.perf_counter()
    await asyncio.gather(*(_vote(c, slug, t, r, tally)
                           for c, t, r in zip(clients, targets, rngs, strict=True)))
    ended = time.perf_counter()
    await asyncio.gather(*(_paced(c, slug, t, r, tally)
                           for c, t, r in zip(clients, targets, rngs, strict=True)))
    await asyncio.sleep(0.5)  # let the last coalesced votes event arrive
    reference = await _reference(clients, slug)
    stop.set()
    for task in listeners:
        task.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)
    await asyncio.gather(*(c.close() for c in clients))
    return {"tally": tally, "vote_rate": tally.vote_ok / (ended - voting),
            "write_rate": (tally.vote_ok + tally.statement_ok)
            / (posted - started + ended - voting),
            "reference": reference}


def _count(url: str) -> tuple[int, int]:
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        statements = conn.exec_driver_sql("select count(*) from statement").scalar()
        votes = conn.exec_driver_sql("select count(*) from vote").scalar()
    engine.dispose()
    return statements, votes


def _rows(label: str, result: dict, counted: tuple[int, int]) -> list[dict]:
    tally: Tally = result["tally"]
    p50 = statistics.median(tally.vote_latencies) * 1000
    p99 = statistics.quantiles(tally.vote_latencies, n=100)[98] * 1000
    lost = (tally.statement_ok - counted[0]) + (len(tally.vote_pairs) - counted[1])
    ref = result["reference"]
    return [
        {"name": f"votes per second ({label})", "value": result["vote_rate"], "unit": "votes/s",
         "goal": "≥ 300 votes/s", "reference": ref, "reference_name": "GET workshop/s",
         "ratio": result["vote_rate"] / ref},
        {"name": f"statements + votes per second ({label})", "value": result["write_rate"],
         "unit": "writes/s", "goal": "≥ 300/s", "reference": ref,
         "reference_name": "GET workshop/s", "ratio": result["write_rate"] / ref},
        {"name": f"vote latency p50, saturated, 200 clients ({label})", "value": p50,
         "unit": "ms", "goal": "", "reference": None, "ratio": None},
        {"name": f"vote latency p99, saturated, 200 clients ({label})", "value": p99,
         "unit": "ms", "goal": "< 200 ms", "reference": None, "ratio": None},
        {"name": f"vote latency p50 at {PACED_RATE:.0f} votes/s offered ({label})",
         "value": statistics.median(tally.paced_latencies) * 1000, "unit": "ms", "goal": "",
         "reference": None, "ratio": None},
        {"name": f"vote latency p99 at {PACED_RATE:.0f} votes/s offered ({label})",
         "value": statistics.quantiles(tally.paced_latencies, n=100)[98] * 1000, "unit": "ms",
         "goal": "< 200 ms", "reference": None, "ratio": None},
        {"name": f"writes lost or failed ({label})", "value": lost + tally.errors, "unit": "rows",
         "goal": "0", "reference": None, "ratio": None,
         "detail": f"{tally.statement_ok} statements, {tally.vote_ok} votes accepted; "
                   f"{counted[0]} statements, {counted[1]} votes in the database"},
        {"name": f"SSE events received by {LISTENERS} listeners ({label})",
         "value": tally.sse_events, "unit": "events", "goal": "votes coalesced (≤ 5/s each)",
         "reference": None, "ratio": None,
         "detail": f"{tally.sse_drops} times a listener too slow was dropped and reconnected"},
        {"name": f"opinions events received by {LISTENERS} listeners ({label})",
         "value": tally.opinion_events, "unit": "events",
         "goal": "groups recomputed off the event loop, ≤ 1 per 2 s each", "reference": None,
         "ratio": None},
    ]


def _measure(label: str, url: str) -> list[dict]:
    slug, code = _prepare(url)
    with tempfile.TemporaryDirectory(prefix="bench-votes-") as workspace:
        port = _free_port()
        server = _start_server(url, Path(workspace), port)
        try:
            result = asyncio.run(asyncio.wait_for(
                _load(port, slug, code), TIMEOUT))
        finally:
            server.terminate()
            server.wait(10)
    return _rows(label, result, _count(url))


def _postgres_schema() -> tuple[str, str] | None:
    try:
        admin = sqlalchemy.create_engine(PG_URL)
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        admin.dispose()
    except sqlalchemy.exc.OperationalError:
        return None
    return schema, f"{PG_URL}?options=-csearch_path%3D{schema}"


def _drop_schema(schema: str) -> None:
    admin = sqlalchemy.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


def run() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-votes-db-") as folder:
        rows += _measure("SQLite", f"sqlite:///{folder}/bench.sqlite")
    pg = _postgres_schema()
    if pg is None:
        rows.append({"name": "PostgreSQL", "value": None, "unit": "", "goal": "skipped: "
                     f"{PG_URL} unreachable", "reference": None, "ratio": None})
        return rows
    schema, url = pg
    try:
        rows += _measure("PostgreSQL", url)
    finally:
        _drop_schema(schema)
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
