"""A 500-person debate where every participant holds a live stream (#14).

``python -m bench live``. The load generator is this process; the server is
``trajectoires serve`` in a subprocess on the loopback (:mod:`bench._live`; write
throttling off, every participant sharing 127.0.0.1). Four runs: SQLite (one process),
PostgreSQL with one process, PostgreSQL with ``serve --workers 2``, and the latter with
throttling on (``pg2-throttle``: every write counted in the database against the
participant's and the address's limits, which are set so that none is refused; see
:data:`bench._live.COUNTED_THROTTLE`); fresh schemas of the ``test`` database; a row says
« skipped » when PostgreSQL is unreachable.

Each run: PARTICIPANTS join an open debate through the real pages (join form, CSRF,
cookie, the workshop page), and **each opens its own SSE stream** (``/ateliers/{slug}/flux``)
that it keeps until the end. Then, for PACED_SECONDS, each participant writes at a human
pace: a vote every 4 s and a statement every 60 s on average (uniform pauses of 0.5–1.5×
the mean; one request at a time, as a person waits for the answer), on statements
acknowledged so far. Measured:

- write latency p50/p99 (votes and statements), requests that failed (connection reset,
  refused, no answer) and answers other than 2xx;
- delivery: for each acknowledged statement, the time from sending its POST until its
  ``statement`` event had reached **every** stream (the slowest stream); for each
  acknowledged vote, until a ``votes`` event carrying its statement's counts reached each
  of STREAMS_FOR_VOTES streams (sampled: parsing every counts event of 500 streams would
  load the generator sharing the two cores) — events that never arrived are counted;
- the latency of ``GET /api/v1/workshops/{slug}`` every 0.25 s during the paced phase (the
  server's responsiveness, including its event-loop lag) and the generator's own loop
  lag (a late generator would be measuring itself);
- then a saturated phase (each participant votes SATURATED_VOTES_EACH times as fast as it
  can, streams open) beside the ceiling of the same server on that trivial GET with the
  same clients in the same run: the ratio is the figure;
- lost writes: acknowledged statements and (participant, statement) votes against the
  rows in the database.

Size: ``BENCH_LIVE_PARTICIPANTS`` (500), ``BENCH_LIVE_SECONDS`` (60),
``BENCH_LIVE_RUNS`` (``sqlite,pg,pg2,pg2-throttle``; any of ``sqlite``, ``pg``, ``pg2``,
optionally followed by ``-throttle``); e.g. ``BENCH_LIVE_PARTICIPANTS=50
BENCH_LIVE_SECONDS=10 BENCH_LIVE_RUNS=sqlite`` for a quick run.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench._live import (
    RawClient,
    _drop_schema,
    _postgres_schema,
    free_port,
    join,
    reference_rate,
    scalar,
    start_server,
    stop_server,
)
from bench._live_report import (
    JOIN_WAVE,
    STATEMENT_EVERY,
    STREAMS_FOR_VOTES,
    VOTE_EVERY,
    _row,
    _rows,
)
from bench.bench_votes import _prepare

PARTICIPANTS = int(os.environ.get("BENCH_LIVE_PARTICIPANTS", "500"))
PACED_SECONDS = float(os.environ.get("BENCH_LIVE_SECONDS", "60"))
RUNS = os.environ.get("BENCH_LIVE_RUNS", "sqlite,pg,pg2,pg2-throttle").split(",")
SEED_STATEMENTS = 40
SATURATED_VOTES_EACH = 10
REFERENCE_EACH = 10
_STATEMENT = re.compile(rb'event: statement\ndata: \{"id": (\d+)')
_VOTES = re.compile(rb"event: votes\ndata: ([^\n]*)")
_COUNTED = re.compile(rb'"(\d+)": \{"agree"')
FAILURES = (OSError, asyncio.IncompleteReadError, ValueError)


@dataclass
class Stream:
    """What one participant's SSE stream received, with arrival times."""

    sample_votes: bool
    open: asyncio.Event = field(default_factory=asyncio.Event)
    statements: dict[int, float] = field(default_factory=dict)
    votes: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: int = 0
    reconnects: int = 0
    received: int = 0  # bytes
    opinions: int = 0  # opinions events (the map's HTML)

    def take(self, text: bytes, now: float) -> None:
        """Note what ``text`` (whole events) carries; the regular expressions run only
        when its marker is there (``in`` and ``count`` are C loops: the 100 kB opinion
        maps, sent to 500 streams, must not cost this generator a Python-level scan)."""
        self.received += len(text)
        self.opinions += text.count(b"event: opinions")
        if b"event: statement" in text:
            for match in _STATEMENT.finditer(text):
                self.statements.setdefault(int(match[1]), now)
        if self.sample_votes and b"event: votes" in text:
            for data in _VOTES.findall(text):
                for sid in _COUNTED.findall(data):
                    self.votes[int(sid)].append(now)


def _last_id(text: bytes, end: int) -> str | None:
    """The last ``id:`` line of ``text[:end]`` (one backward search, no scan)."""
    at = text.rfind(b"\nid: ", 0, end)
    if at < 0:
        if not text.startswith(b"id: "):
            return None
        at = -1
    return text[at + 5:text.find(b"\n", at + 5)].decode().strip()


async def follow(port: int, slug: str, stream: Stream, stop: asyncio.Event) -> None:
    """Hold the SSE stream as EventSource does: reconnect (with Last-Event-ID) when it ends."""
    last = None
    while not stop.is_set():
        header = f"Last-Event-ID: {last}\r\n" if last else ""
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            stream.failures += 1
            await asyncio.sleep(1)
            continue
        writer.write(f"GET /ateliers/{slug}/flux HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}\r\n"
                     .encode())
        rest = b""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise ValueError(head[:40])
            stream.open.set()
            while chunk := await reader.read(262144):
                text = rest + chunk if rest else chunk
                cut = text.rfind(b"\n\n") + 2
                if cut == 1:  # no whole event yet (a map arriving in pieces)
                    rest = text
                    continue
                stream.take(text[:cut], time.perf_counter())
                last = _last_id(text, cut) or last
                rest = text[cut:]
        except FAILURES:
            stream.failures += 1
        finally:
            writer.close()
        stream.reconnects += not stop.is_set()


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statements: dict[int, float] = field(default_factory=dict)  # id -> sent at
    votes: list[tuple[int, float, float]] = field(default_factory=list)  # id, sent, acked
    pairs: set[tuple[int, int]] = field(default_factory=set)
    failed: int = 0
    non_2xx: Counter = field(default_factory=Counter)  # status -> requests
    known: list[int] = field(default_factory=list)
    authors: dict[int, int] = field(default_factory=dict)  # statement id -> participant


async def _write(client: RawClient, who: int, what: str, path: str, body: dict,
                 tally: Tally) -> dict | None:
    sent = time.perf_counter()
    try:
        status, data = await client.request("POST", path, body)
    except FAILURES:
        tally.failed += 1
        await client.close()
        return None
    tally.latencies[what].append(time.perf_counter() - sent)
    if status >= 300:
        tally.non_2xx[f"{status} {what}"] += 1
        return None
    answer = json.loads(data)
    if what.startswith("statement"):
        tally.statements[answer["id"]] = sent
        tally.known.append(answer["id"])
        tally.authors[answer["id"]] = who
    else:
        tally.pairs.add((who, answer["statement_id"]))
        if what == "vote":
            tally.votes.append((answer["statement_id"], sent, time.perf_counter()))
    return answer


def _vote(client: RawClient, who: int, slug: str, rng: random.Random, tally: Tally,
          what: str = "vote"):
    sid = rng.choice(tally.known)
    while tally.authors[sid] == who:  # nobody votes on their own statement (409)
        sid = rng.choice(tally.known)
    return _write(client, who, what, f"/api/v1/workshops/{slug}/statements/{sid}/vote",
                  {"value": rng.choice((1, -1, 0))}, tally)


async def _human(client: RawClient, who: int, slug: str, tally: Tally, until: float) -> None:
    """A vote every 4 s and a statement every 60 s on average, until ``until``."""
    rng = random.Random(who)
    now = time.perf_counter()
    next_vote = now + rng.uniform(0, VOTE_EVERY)
    next_post = now + rng.uniform(0, STATEMENT_EVERY)
    while (at := min(next_vote, next_post)) < until:
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        if at == next_post:
            text = f"Proposition {len(tally.known)} de P{who} : un lieu de médiation par commune"
            await _write(client, who, "statement", f"/api/v1/workshops/{slug}/statements",
                         {"text": text}, tally)
            next_post += rng.uniform(0.5, 1.5) * STATEMENT_EVERY
        else:
            await _vote(client, who, slug, rng, tally)
            next_vote += rng.uniform(0.5, 1.5) * VOTE_EVERY


async def _probe(port: int, path: str, out: list[float], lag: list[float],
                 stop: asyncio.Event) -> None:
    """Every 0.25 s: latency of a trivial GET, and how late this generator woke up."""
    client = RawClient(port)
    while not stop.is_set():
        asked = time.perf_counter()
        await asyncio.sleep(0.25)
        lag.append(time.perf_counter() - asked - 0.25)
        started = time.perf_counter()
        try:
            await client.request("GET", path)
            out.append(time.perf_counter() - started)
        except FAILURES:
            await client.close()
    await client.close()


async def _join_all(port: int, code: str, join_latencies: list[float]) -> list[RawClient]:
    async def one(i: int) -> RawClient | None:
        started = time.perf_counter()
        try:
            client = await join(port, code, f"P{i:03d}")
        except (*FAILURES, RuntimeError):
            return None
        join_latencies.append(time.perf_counter() - started)
        return client

    clients = []
    for start in range(0, PARTICIPANTS, JOIN_WAVE):
        wave = range(start, min(start + JOIN_WAVE, PARTICIPANTS))
        clients += await asyncio.gather(*(one(i) for i in wave))
    return clients


async def _saturated(clients: list[RawClient], slug: str, tally: Tally) -> float:
    async def closed_loop(who: int, client: RawClient) -> None:
        rng = random.Random(10_000 + who)
        for _ in range(SATURATED_VOTES_EACH):
            await _vote(client, who, slug, rng, tally, "saturated vote")

    before = len(tally.latencies["saturated vote"])
    started = time.perf_counter()
    await asyncio.gather(*(closed_loop(i, c) for i, c in enumerate(clients)))
    failed = sum(n for k, n in tally.non_2xx.items() if k.endswith("saturated vote"))
    done = len(tally.latencies["saturated vote"]) - before - failed
    return done / (time.perf_counter() - started)


async def _load(port: int, slug: str, code: str) -> dict:
    tally, stop, result = Tally(), asyncio.Event(), {"joins": []}
    joined = await _join_all(port, code, result["joins"])
    clients = [c for c in joined if c is not None]
    result["join_failures"] = len(joined) - len(clients)
    streams = [Stream(i < STREAMS_FOR_VOTES) for i in range(len(clients))]
    tasks = [asyncio.create_task(follow(port, slug, s, stop)) for s in streams]
    opened = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(s.open.wait() for s in streams)), 120)
    result["streams_open_s"] = time.perf_counter() - opened
    for i, client in enumerate(clients[:SEED_STATEMENTS]):
        await _write(client, i, "statement seed", f"/api/v1/workshops/{slug}/statements",
                     {"text": f"Proposition de départ {i}"}, tally)
    probe_stop, probe, lag = asyncio.Event(), [], []
    prober = asyncio.create_task(_probe(port, f"/api/v1/workshops/{slug}", probe, lag,
                                        probe_stop))
    until = time.perf_counter() + PACED_SECONDS
    await asyncio.gather(*(_human(c, i, slug, tally, until) for i, c in enumerate(clients)))
    probe_stop.set()
    await prober
    await asyncio.sleep(2.0)  # the last events on their way
    result["saturated"] = await _saturated(clients, slug, tally)
    result["reference"] = await reference_rate(clients, f"/api/v1/workshops/{slug}",
                                               REFERENCE_EACH)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.gather(*(c.close() for c in clients))
    return {**result, "tally": tally, "streams": streams, "probe": probe, "lag": lag}


def _measure(label: str, url: str, workspace: Path, workers: int, throttle: bool) -> list[dict]:
    slug, code = _prepare(url)
    port = free_port()
    server = start_server(url, workspace, port, workers=workers, throttle=throttle)
    try:
        result = asyncio.run(_load(port, slug, code))
    finally:
        stop_server(server)
    counted = (scalar(url, "select count(*) from contribution where type = 'statement'"),
               scalar(url, "select count(*) from vote"))
    return _rows(label, result, counted)


def _label(run_name: str) -> tuple[str, int, bool]:
    """``pg2-throttle`` -> ("PostgreSQL, 2 processes, throttling on", 2, True)."""
    base, _, option = run_name.partition("-")
    if base not in ("sqlite", "pg", "pg2") or option not in ("", "throttle"):
        raise SystemExit(f"BENCH_LIVE_RUNS : « {run_name} » inconnu (sqlite, pg, pg2, "
                         "éventuellement suivis de -throttle)")
    workers = 2 if base == "pg2" else 1
    label = "SQLite" if base == "sqlite" else (
        f"PostgreSQL, {workers} process{'es' if workers > 1 else ''}")
    return label + (", throttling on" if option else ""), workers, bool(option)


def run() -> list[dict]:
    from trajectoires.territory import load_reference

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-live-") as folder:
        workspace = Path(folder) / "workspace"
        load_reference(workspace)
        for run_name in RUNS:
            label, workers, throttle = _label(run_name)
            if run_name.startswith("sqlite"):
                rows += _measure(label, f"sqlite:///{folder}/bench-{run_name}.sqlite",
                                 workspace, 1, throttle)
                continue
            pg = _postgres_schema()
            if pg is None:
                rows.append(_row(label, None, "", "skipped: PostgreSQL unreachable"))
                continue
            try:
                rows += _measure(label, pg[1], workspace, workers, throttle)
            finally:
                _drop_schema(pg[0])
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)  # this module's rows alone (results.json is shared by every run)
    (out / "live.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False))
    return rows


if __name__ == "__main__":
    for line in run():
        print(line)
