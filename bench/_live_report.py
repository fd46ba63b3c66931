"""The rows of ``python -m bench live`` (:mod:`bench.bench_live`): latencies, delivery,
failures, lost writes, the saturated rate beside its reference."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from bench._live import RawClient, percentile_ms

if TYPE_CHECKING:
    from bench.bench_live import Stream, Tally

VOTE_EVERY, STATEMENT_EVERY = 4.0, 60.0
STREAMS_FOR_VOTES = 50
JOIN_WAVE = 50


def _delivery(tally: Tally, streams: list[Stream]) -> dict:
    """Slowest-stream delays of statements, sampled-stream delays of votes; missing events."""
    statement_delays, missing = [], 0
    for sid, sent in tally.statements.items():
        arrivals = [s.statements.get(sid) for s in streams]
        missing += sum(a is None for a in arrivals)
        if any(a is not None for a in arrivals):
            statement_delays.append(max(a for a in arrivals if a is not None) - sent)
    vote_delays, vote_missing = [], 0
    sampled = [s for s in streams if s.sample_votes]
    for sid, sent, acked in tally.votes:
        worst = 0.0
        for stream in sampled:
            times = stream.votes.get(sid, [])
            k = bisect.bisect_left(times, acked)
            if k == len(times):
                vote_missing += 1
            else:
                worst = max(worst, times[k] - sent)
        vote_delays.append(worst)
    return {"statement": statement_delays, "statement_missing": missing,
            "vote": vote_delays, "vote_missing": vote_missing}


def _row(name: str, value: object, unit: str, goal: str = "", **extra: object) -> dict:
    return {"name": name, "value": value, "unit": unit, "goal": goal, "reference": None,
            "ratio": None, **extra}


def _latency_rows(label: str, result: dict) -> list[dict]:
    tally: Tally = result["tally"]
    paced = tally.latencies["vote"] + tally.latencies["statement"]
    rows = [_row(f"joins, {JOIN_WAVE} at a time: p50 / p99 ({label})",
                 f"{percentile_ms(result['joins'], 50):.0f} / "
                 f"{percentile_ms(result['joins'], 99):.0f}", "ms", "report")]
    for name, values, goal in (("write (votes + statements)", paced, "< 250 ms"),
                               ("vote", tally.latencies["vote"], ""),
                               ("statement", tally.latencies["statement"], ""),
                               ("trivial GET every 0.25 s", result["probe"], "")):
        rows.append(_row(f"{name} at a human pace, p50 / p99 ({label})",
                         f"{percentile_ms(values, 50):.1f} / {percentile_ms(values, 99):.1f}",
                         "ms", f"p99 {goal}" if goal else "", detail=f"{len(values)} requests"))
    rows.append(_row(f"load generator's own loop lag p99 ({label})",
                     percentile_ms(result["lag"], 99), "ms", "small, else it measures itself"))
    delivery = _delivery(tally, result["streams"])
    rows.append(_row(
        f"statement event reached all {len(result['streams'])} streams, p50 / p99 ({label})",
        f"{percentile_ms(delivery['statement'], 50):.0f} / "
        f"{percentile_ms(delivery['statement'], 99):.0f}", "ms", "p99 < 1 s",
        detail=f"{len(delivery['statement'])} statements; {delivery['statement_missing']} "
               "(statement, stream) never received"))
    rows.append(_row(
        f"vote counts reached {STREAMS_FOR_VOTES} sampled streams, p50 / p99 ({label})",
        f"{percentile_ms(delivery['vote'], 50):.0f} / "
        f"{percentile_ms(delivery['vote'], 99):.0f}", "ms", "p99 < 1 s",
        detail=f"{len(delivery['vote'])} votes; {delivery['vote_missing']} (vote, stream) "
               "never received"))
    return rows


def _rows(label: str, result: dict, counted: tuple[int, int]) -> list[dict]:
    tally: Tally = result["tally"]
    streams: list[Stream] = result["streams"]
    rate = result["saturated"]
    lost = len(tally.statements) - counted[0] + len(tally.pairs) - counted[1]
    offered = len(streams) * (1 / VOTE_EVERY + 1 / STATEMENT_EVERY)
    return [
        _row(f"participants each holding a stream ({label})", len(streams), "streams",
             detail=f"{result['join_failures']} joins failed; all streams open in "
                    f"{result['streams_open_s']:.1f} s; {offered:.0f} writes/s offered; "
                    f"each stream received {streams[0].received / 1e6:.1f} MB "
                    f"({streams[0].opinions} opinions events)"),
        *_latency_rows(label, result),
        _row(f"failed requests / answers other than 2xx / stream failures ({label})",
             f"{tally.failed} / {tally.non_2xx.total()} / {sum(s.failures for s in streams)}",
             "", "0 / 0 / 0", detail=f"{dict(tally.non_2xx)}; "
                                     f"{sum(s.reconnects for s in streams)} stream reconnections; "
                                 f"{RawClient.retries} requests resent on a new connection"),
        _row(f"lost writes ({label})", lost, "rows", "0",
             detail=f"acknowledged {len(tally.statements)} statements, {len(tally.pairs)} "
                    f"votes (pairs); in the database {counted[0]}, {counted[1]}"),
        {"name": f"saturated votes/s, streams open ({label})", "value": rate,
         "unit": "writes/s", "goal": "≥ 500 writes/s with 2 processes on PostgreSQL",
         "reference": result["reference"], "reference_name": "GET workshop/s",
         "ratio": rate / result["reference"]},
        _row(f"saturated vote latency p50 / p99 ({label})",
             f"{percentile_ms(tally.latencies['saturated vote'], 50):.0f} / "
             f"{percentile_ms(tally.latencies['saturated vote'], 99):.0f}", "ms"),
    ]
