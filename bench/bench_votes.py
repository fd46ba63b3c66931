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
per second. The server, the raw keep-alive client, joining and the SSE listeners are
the shared harness of :mod:`bench._live` (write throttling is switched off in the
server's settings: every participant shares 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench._live import (
    RawClient,
    Territory,
    free_port,
    join,
    listen,
    on_databases,
    reference_rate,
    scalar,
    start_server,
    stop_server,
    timed,
)
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
TIMEOUT = 240.0


@dataclass
class Tally:
    statement_ok: int = 0
    vote_ok: int = 0
    vote_pairs: set[tuple[int, int]] = field(default_factory=set)
    errors: int = 0
    vote_latencies: list[float] = field(default_factory=list)
    paced_latencies: list[float] = field(default_factory=list)
    write_latencies: list[float] = field(default_factory=list)
    events: Counter = field(default_factory=Counter)


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


async def _post(client: RawClient, slug: str, index: int, tally: Tally) -> None:
    for k in range(STATEMENTS_EACH):
        text = f"Proposition {k} du participant {index} : un lieu de médiation par commune"
        status, _ = await timed(tally.write_latencies, client.request(
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
        status, _ = await timed(tally.vote_latencies, client.request(
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
        status, _ = await timed(tally.paced_latencies, client.request(
            "POST", f"/api/v1/workshops/{slug}/statements/{statement_id}/vote",
            {"value": rng.choice((1, -1, 0))}))
        if status != 200:
            tally.errors += 1


async def _load(port: int, slug: str, code: str) -> dict:
    tally, rng, stop = Tally(), random.Random(2030), asyncio.Event()
    listeners = [asyncio.create_task(listen(port, slug, tally.events, stop))
                 for _ in range(LISTENERS)]
    clients = []
    for start in range(0, PARTICIPANTS, 50):  # join in waves: joining is not what we measure
        clients += await asyncio.gather(
            *(join(port, code, f"P{i:03d}") for i in range(start, min(start + 50, PARTICIPANTS))))
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
    reference = await reference_rate(clients, f"/api/v1/workshops/{slug}",
                                     REFERENCE_REQUESTS_EACH)
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
    # statements are rows of the generic contribution store since the kinds' refactoring
    return (scalar(url, "select count(*) from contribution where type = 'statement'"),
            scalar(url, "select count(*) from vote"))


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
         "value": tally.events.total() - tally.events["drops"], "unit": "events",
         "goal": "votes coalesced (≤ 5/s each)", "reference": None, "ratio": None,
         "detail": f"{tally.events['drops']} times a listener too slow was dropped and "
                   "reconnected"},
        {"name": f"opinions events received by {LISTENERS} listeners ({label})",
         "value": tally.events["opinions"], "unit": "events",
         "goal": "groups recomputed off the event loop, ≤ 1 per 2 s each", "reference": None,
         "ratio": None},
    ]


def _measure(label: str, url: str, workspace: Path) -> list[dict]:
    slug, code = _prepare(url)
    port = free_port()
    server = start_server(url, workspace, port)
    try:
        result = asyncio.run(asyncio.wait_for(_load(port, slug, code), TIMEOUT))
    finally:
        stop_server(server)
    return _rows(label, result, _count(url))


def run() -> list[dict]:
    return on_databases(_measure)


if __name__ == "__main__":
    for row in run():
        print(row)
