"""Imaginer 2030 load: 500 simulated participants write headlines, milestones, factors,
targets and points in one workshop.

One uvicorn server per database (SQLite, then a fresh PostgreSQL schema; the harness
of :mod:`bench._live`, write throttling switched off in the server's settings, since
every participant shares 127.0.0.1). A hundred SSE listeners follow the workshop
throughout (every write publishes a ``contribution`` or ``ranking`` event to each).
The participants join through the real pages (join form with its CSRF token, the
participant cookie, the workshop page), all at once. The facilitator logs in and moves
the workshop through its phases with ``POST /api/v1/workshops/{slug}/phase``; between
two stages every participant has finished (a barrier), so nothing is refused by a phase.

Stages, each participant on its own keep-alive connection, through
``POST /api/v1/workshops/{slug}/contributions`` and
``PUT …/contributions/{id}/points``:

- saturated (closed loop, as fast as each can): « vision » one headline; « rebours »
  two milestones leading to headlines of others, then one factor on its milestones;
  « cibles » one target on an indicator of the catalogue; « priorités » one point on
  each of five contributions of others (headlines, milestones, targets);
- paced, at a human pace (exponential pauses of PACED_PAUSE s on average per
  participant, i.e. 500 / 6 ≈ 83 writes/s offered), PACED_SECONDS in « rebours »
  (milestones and factors) and PACED_SECONDS in « priorités » (points moved between 1
  and 2 on the same five contributions, within the budget of 10).

Measured: joins per second and their latency; saturated writes per second (acknowledged
writes / time of the saturated stages) and p50/p99; p50/p99 of the paced writes; the
rate of ``GET /api/v1/workshops/{slug}`` (one indexed read) by the same 500 clients in
the same run, so ``ratio`` = writes/s / reference requests/s. Afterwards the database is
read: every acknowledged contribution id is looked up by type, every acknowledged
(participant, contribution) → points is compared with the ``priority_points`` row;
lost = acknowledged − found. Responses other than the expected 2xx are counted by status.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import sqlalchemy

from bench._live import (
    RawClient,
    Territory,
    free_port,
    join,
    listen,
    login,
    on_databases,
    percentile_ms,
    reference_rate,
    start_server,
    stop_server,
    timed,
)
from trajectoires.db import create_database, migrate
from trajectoires.foresight.facilitators import create_facilitator
from trajectoires.foresight.workshops import create_workshop, set_phase

PARTICIPANTS = 500
LISTENERS = 100
MILESTONES_EACH = 2
POINTS_EACH = 5
PACED_PAUSE = 6.0  # mean seconds between two writes of one participant at a human pace
PACED_SECONDS = 20.0  # length of each of the two paced stages
REFERENCE_REQUESTS_EACH = 4
TIMEOUT = 1200.0
HORIZON = "2030-10"
INDICATORS = ("arcep_taux_thd30", "ftth_taux", "insee_taux_chomage", "mediation_lieux",
              "france_services_sites", "arcep_part_pop_4g")
CATEGORIES = ("technologique", "culturel", "comportemental")
PESTLE = ("politique", "économique", "social", "technologique", "environnemental", "juridique")
OWNER = ("bench@example.org", "bench-password-123")
GOAL_RATE, GOAL_P99 = 500, 250


@dataclass(frozen=True)
class Plan:
    """How big a run is (the smoke test runs a small one)."""

    participants: int = PARTICIPANTS
    listeners: int = LISTENERS
    paced_seconds: float = PACED_SECONDS
    reference_each: int = REFERENCE_REQUESTS_EACH
    seed: int = 2030


@dataclass
class Participant:
    index: int
    client: RawClient
    rng: random.Random
    own: set[int] = field(default_factory=set)
    milestones: list[int] = field(default_factory=list)
    voted: list[int] = field(default_factory=list)


@dataclass
class Tally:
    acked: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    points: dict[tuple[str, int], int] = field(default_factory=dict)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    ok: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    events: Counter = field(default_factory=Counter)
    retries: int = 0


@dataclass
class Result:
    tally: Tally
    reference: float
    found: dict[str, set[int]]
    found_points: dict[tuple[str, int], int]

    @property
    def lost(self) -> dict[str, int]:
        """Acknowledged writes missing from the database (points: missing or different)."""
        lost = {kind: len(ids - self.found.get(kind, set()))
                for kind, ids in self.tally.acked.items()}
        lost["points"] = sum(self.found_points.get(k) != v
                             for k, v in self.tally.points.items() if v)
        return lost

    @property
    def unacknowledged(self) -> int:
        """Rows in the database no acknowledged write accounts for."""
        extra = sum(len(ids - self.tally.acked.get(k, set())) for k, ids in self.found.items())
        return extra + sum(1 for k in self.found_points if not self.tally.points.get(k))

    @property
    def saturated_rate(self) -> float:
        seconds = sum(v for k, v in self.tally.seconds.items() if k.startswith("saturated"))
        return self.tally.ok["saturated"] / seconds


class Run:
    """One run against one server: the participants, the facilitator and the tally."""

    def __init__(self, port: int, slug: str, plan: Plan) -> None:
        self.port, self.slug, self.plan = port, slug, plan
        self.base = f"/api/v1/workshops/{slug}"
        self.tally = Tally()
        self.people: list[Participant] = []
        self.months = _months(date.today(), HORIZON)

    async def write(self, p: Participant, mode: str, method: str, path: str, body: dict,
                    expect: int) -> dict | None:
        status, data = await timed(self.tally.latencies[mode],
                                   p.client.request(method, self.base + path, body))
        if status != expect:
            self.tally.statuses[status] += 1
            return None
        self.tally.ok[mode] += 1
        return json.loads(data)

    async def contribute(self, p: Participant, mode: str, kind: str, payload: dict) -> int | None:
        out = await self.write(p, mode, "POST", "/contributions",
                               {"type": kind, "payload": payload}, 201)
        if out is None:
            return None
        self.tally.acked[kind].add(out["id"])
        p.own.add(out["id"])
        return out["id"]

    async def points(self, p: Participant, mode: str, contribution: int, points: int) -> None:
        out = await self.write(p, mode, "PUT", f"/contributions/{contribution}/points",
                               {"points": points}, 200)
        if out is not None:
            self.tally.points[(f"P{p.index:03d}", contribution)] = points

    # -- what each participant writes ------------------------------------------------
    async def headline(self, p: Participant, mode: str = "saturated") -> None:
        await self.contribute(p, mode, "headline", {
            "title": f"P{p.index:03d} : chaque commune a son lieu de médiation numérique",
            "story": "Nous sommes en octobre 2030. Le dernier bourg a ouvert son lieu…",
            "date": f"2030-{p.rng.randint(1, 10):02d}"})

    async def milestone(self, p: Participant, mode: str = "saturated") -> None:
        headlines = sorted(self.tally.acked["headline"] - p.own) or [0]
        identifier = await self.contribute(p, mode, "milestone", {
            "title": f"P{p.index:03d} : un tiers-lieu ouvre dans le canton",
            "date": p.rng.choice(self.months),
            "leads_to": p.rng.sample(headlines, min(2, len(headlines))),
            "category": p.rng.choice(CATEGORIES)})
        if identifier is not None:
            p.milestones.append(identifier)

    async def factor(self, p: Participant, mode: str = "saturated") -> None:
        await self.contribute(p, mode, "factor", {
            "title": f"P{p.index:03d} : les conseillers numériques restent financés",
            "role": p.rng.choice(("moteur", "frein")), "pestle": p.rng.choice(PESTLE),
            "milestones": p.milestones[-2:]})

    async def target(self, p: Participant) -> None:
        await self.contribute(p, "saturated", "target", {
            "indicator": p.rng.choice(INDICATORS),
            "target_value": round(p.rng.uniform(50, 100), 1), "target_date": HORIZON,
            "why": "Ce qui dira que nous y sommes arrivés."})

    async def rebours(self, p: Participant) -> None:
        for _ in range(MILESTONES_EACH):
            await self.milestone(p)
        await self.factor(p)

    async def prioritise(self, p: Participant) -> None:
        pool = sorted((self.tally.acked["headline"] | self.tally.acked["milestone"]
                       | self.tally.acked["target"]) - p.own)
        p.voted = p.rng.sample(pool, min(POINTS_EACH, len(pool)))
        for contribution in p.voted:
            await self.points(p, "saturated", contribution, 1)

    async def paced(self, p: Participant, step) -> None:
        """Write with exponential pauses until the stage's time is up."""
        deadline = time.perf_counter() + self.plan.paced_seconds
        k = 0
        while True:
            pause = p.rng.expovariate(1 / PACED_PAUSE)
            if time.perf_counter() + pause > deadline:
                return
            await asyncio.sleep(pause)
            await step(p, k)
            k += 1

    async def paced_rebours(self, p: Participant, k: int) -> None:
        await (self.milestone(p, "paced") if k % 2 == 0 else self.factor(p, "paced"))

    async def paced_points(self, p: Participant, k: int) -> None:
        if p.voted:
            points = 2 if (k // len(p.voted)) % 2 == 0 else 1
            await self.points(p, "paced", p.voted[k % len(p.voted)], points)

    # -- the run -----------------------------------------------------------------------
    async def stage(self, name: str, work) -> None:
        started = time.perf_counter()
        await asyncio.gather(*(work(p) for p in self.people))
        self.tally.seconds[name] = time.perf_counter() - started

    async def join_all(self, code: str) -> None:
        async def one(index: int) -> Participant:
            client = await timed(self.tally.latencies["join"], join(
                self.port, code, f"P{index:03d}", role="habitant"))
            return Participant(index, client, random.Random(self.plan.seed * 100_000 + index))

        started = time.perf_counter()
        self.people = list(await asyncio.gather(*(one(i) for i in range(self.plan.participants))))
        self.tally.seconds["join"] = time.perf_counter() - started

    async def run(self, code: str) -> float:
        stop, retried = asyncio.Event(), RawClient.retries
        listeners = [asyncio.create_task(listen(self.port, self.slug, self.tally.events, stop))
                     for _ in range(self.plan.listeners)]
        owner = await login(self.port, *OWNER)
        await self.join_all(code)
        for phase, name, work in (
                ("vision", "saturated vision", self.headline),
                ("rebours", "saturated rebours", self.rebours),
                ("rebours", "paced rebours", partial(self.paced, step=self.paced_rebours)),
                ("cibles", "saturated cibles", self.target),
                ("priorites", "saturated priorites", self.prioritise),
                ("priorites", "paced priorites", partial(self.paced, step=self.paced_points))):
            status, body = await owner.request("POST", f"{self.base}/phase", {"phase": phase})
            if status != 200:
                raise RuntimeError(f"phase {phase}: {status} {body[:200]!r}")
            await self.stage(name, work)
        reference = await reference_rate([p.client for p in self.people], self.base,
                                         self.plan.reference_each)
        await asyncio.sleep(0.5)  # the last events reach the listeners
        stop.set()
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
        await asyncio.gather(owner.close(), *(p.client.close() for p in self.people))
        self.tally.retries = RawClient.retries - retried
        return reference


def _months(today: date, horizon: str) -> list[str]:
    year, month, months = today.year, today.month, []
    while f"{year:04d}-{month:02d}" <= horizon:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def prepare(url: str) -> tuple[int, str, str]:
    """Migrate the database, create an Imaginer 2030 in « vision »: (id, slug, join code)."""
    db = create_database(url)
    migrate(db)
    with db.sessionmaker() as s:
        owner = create_facilitator(s, OWNER[0], "Bench", OWNER[1])
        ws = create_workshop(s, owner.id, Territory(), "Banc d'essai 2030",
                             "Comment sommes-nous arrivés en 2030 ?", kind="imaginer-2030",
                             settings={"horizon": HORIZON, "points": 10})
        set_phase(s, owner.id, ws.slug, "vision")
    db.engine.dispose()
    return ws.id, ws.slug, ws.join_code


def _found(url: str, workshop_id: int) -> tuple[dict[str, set[int]], dict[tuple[str, int], int]]:
    engine = sqlalchemy.create_engine(url)
    found: dict[str, set[int]] = defaultdict(set)
    with engine.connect() as conn:
        for identifier, kind in conn.execute(sqlalchemy.text(
                "select id, type from contribution where workshop_id = :w"), {"w": workshop_id}):
            found[kind].add(identifier)
        points = {(name, cid): value for name, cid, value in conn.execute(sqlalchemy.text(
            "select p.pseudonym, pp.contribution_id, pp.points from priority_points pp "
            "join participant p on p.id = pp.participant_id where p.workshop_id = :w"),
            {"w": workshop_id})}
    engine.dispose()
    return found, points


def load(url: str, workspace: Path, plan: Plan = Plan()) -> Result:
    """Run the whole load against a server on ``url`` (a fresh database); read it back.

    ``workspace`` should hold the territory reference already built (as
    :func:`bench._live.on_databases` prepares it): otherwise the server builds it first.
    """
    workshop_id, slug, code = prepare(url)
    port = free_port()
    server = start_server(url, workspace, port)
    session = Run(port, slug, plan)
    try:
        reference = asyncio.run(asyncio.wait_for(session.run(code), TIMEOUT))
    finally:
        stop_server(server)
    return Result(session.tally, reference, *_found(url, workshop_id))


def _row(name: str, value: float, unit: str, goal: str = "", **extra: object) -> dict:
    return {"name": name, "value": value, "unit": unit, "goal": goal, "reference": None,
            "ratio": None, **extra}


def rows(label: str, result: Result, plan: Plan) -> list[dict]:
    tally, n = result.tally, plan.participants
    lat = tally.latencies
    rate, ref = result.saturated_rate, result.reference
    acked = {k: len(v) for k, v in sorted(tally.acked.items())}
    acked["points"] = sum(1 for v in tally.points.values() if v)
    lost = result.lost
    errors = sum(c for s, c in tally.statuses.items() if s >= 500)
    paced_seconds = sum(v for k, v in tally.seconds.items() if k.startswith("paced"))
    return [
        _row(f"joins per second, {n} at once, form + POST + page ({label})",
             n / tally.seconds["join"], "joins/s", "report",
             detail=f"join p50 {percentile_ms(lat['join'], 50):.0f} ms, "
                    f"p99 {percentile_ms(lat['join'], 99):.0f} ms"),
        _row(f"writes per second, saturated, {n} clients ({label})", rate, "writes/s",
             f"≥ {GOAL_RATE} writes/s", reference=ref, reference_name="GET workshop/s",
             ratio=rate / ref, detail=", ".join(
                 f"{k.removeprefix('saturated ')} {v:.1f} s" for k, v in tally.seconds.items()
                 if k.startswith("saturated"))),
        _row(f"write latency p50, saturated ({label})", percentile_ms(lat["saturated"], 50),
             "ms"),
        _row(f"write latency p99, saturated ({label})", percentile_ms(lat["saturated"], 99),
             "ms", f"< {GOAL_P99} ms"),
        _row(f"write latency p50, human pace (1 per {PACED_PAUSE:.0f} s each, "
             f"{n / PACED_PAUSE:.0f}/s offered) ({label})", percentile_ms(lat["paced"], 50), "ms",
             detail=f"{tally.ok['paced'] / paced_seconds:.0f} writes/s achieved"),
        _row(f"write latency p99, human pace ({label})", percentile_ms(lat["paced"], 99), "ms",
             f"< {GOAL_P99} ms"),
        _row(f"acknowledged writes lost ({label})", sum(lost.values()), "rows", "0",
             detail=f"acknowledged {acked}; lost {lost}; in the database but not "
                    f"acknowledged {result.unacknowledged}"),
        _row(f"responses other than 2xx ({label})", sum(tally.statuses.values()), "responses",
             "0 (no 5xx)", detail=f"by status {dict(tally.statuses)}; 5xx {errors}; "
                                  f"{tally.retries} requests sent again on a new connection "
                                  "(idle keep-alive closed by the server as they left)"),
        _row(f"SSE events received by {plan.listeners} listeners ({label})",
             tally.events.total() - tally.events["drops"], "events", "report",
             detail=f"{dict(tally.events)}; drops = a listener too slow dropped, reconnected"),
    ]


def run() -> list[dict]:
    plan = Plan()
    return on_databases(lambda label, url, workspace: rows(label, load(url, workspace, plan),
                                                           plan))


if __name__ == "__main__":
    for row in run():
        print(row)
