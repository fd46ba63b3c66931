"""Opinion math (trajectoires.collective) against red-dwarf 0.4.0, and at scale.

Every case runs in a fresh subprocess (``python -m bench.bench_collective CASE``) that
prints one JSON line, so that each peak RSS (``ru_maxrss``) belongs to one case only.
Times exclude imports and file reading; both engines start from the same raw votes.

- real: the largest shared Pol.is conversation (american-assembly.bowling-green,
  2,031 × 896, 225,524 votes): full computation (best of 3) vs red-dwarf's
  ``run_pipeline`` (1 run), then 20 incremental updates of 100 new votes (median).
- ari: adjusted Rand index of our groups against Pol.is's ``group-id``.
- synthetic: 10,000 × 1,000 (1 M votes) and 100,000 × 2,000 (10 M votes), three
  opinion blocs with noise; time from raw arrays to result, peak RSS of the process.

red-dwarf is a benchmark-only dependency: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
POLIS = ROOT.parent / "shared" / "data" / "polis"
LARGEST = POLIS / "american-assembly.bowling-green"
CONVERSATIONS = ("bg2050-volunteers", "ssis.land-bank-farmland.2rumnecbeh.2021-08-01",
                 "scoop-hivemind.ubi", "american-assembly.bowling-green")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _raw(folder: Path) -> tuple:
    from trajectoires.collective import read_polis

    votes = read_polis(folder).votes
    return (votes.participants[votes.rows], votes.statements[votes.cols], votes.values,
            votes.timestamps, votes.statements[votes.moderated_out], votes)


def case_ours_real(warm_clusters: bool = False) -> dict:
    from trajectoires.collective import Params, VoteTable, analyse, example_votes

    analyse(example_votes())  # imports and first-call costs out of the timing
    pids, sids, values, stamps, moderated, votes = _raw(LARGEST)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        table = VoteTable.from_arrays(pids, sids, values, stamps, moderated_out=moderated)
        result = analyse(table)
        times.append(time.perf_counter() - started)
    rng = np.random.default_rng(0)
    updates, cpu = [], []
    for batch in range(20):
        rows = [(int(votes.participants[rng.integers(votes.shape[0])]),
                 int(votes.statements[rng.integers(votes.shape[1])]), int(rng.integers(-1, 2)),
                 2e12 + batch) for _ in range(100)]
        started, started_cpu = time.perf_counter(), time.process_time()
        table = table.extend(rows)
        result = analyse(table, previous=result, params=Params(warm_clusters=warm_clusters))
        updates.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {"full": min(times), "update": float(np.median(updates)),
            "update_cpu": float(np.median(cpu)), "peak_mb": _peak_mb(),
            "groups": len(result.groups)}


def case_reddwarf_real() -> dict:
    import warnings

    warnings.filterwarnings("ignore")
    from reddwarf.implementations.polis import run_pipeline

    pids, sids, values, _, moderated, _ = _raw(LARGEST)
    rows = [{"participant_id": int(p), "statement_id": int(s), "vote": int(v), "modified": 0}
            for p, s, v in zip(pids, sids, values, strict=True)]
    started = time.perf_counter()
    result = run_pipeline(votes=rows, mod_out_statement_ids=[int(s) for s in moderated],
                          random_state=0)
    elapsed = time.perf_counter() - started
    groups = result.participants_df["cluster_id"].dropna().nunique()
    return {"full": elapsed, "peak_mb": _peak_mb(), "groups": int(groups)}


def case_ari() -> dict:
    from sklearn.metrics import adjusted_rand_score

    from trajectoires.collective import analyse, read_polis

    out = {}
    for name in CONVERSATIONS:
        export = read_polis(POLIS / name)
        result = analyse(export.votes)
        pairs = [(g, result.group_of(p)) for p, g in export.groups.items()]
        pairs = [(a, b) for a, b in pairs if b is not None]
        out[name] = adjusted_rand_score(*zip(*pairs, strict=True))
    return out


def synthetic(n: int, m: int, per: int, seed: int = 0) -> tuple:
    """``n`` participants voting on ``per`` distinct statements each, three blocs."""
    rng = np.random.default_rng(seed)
    pattern = rng.choice(np.array([-1, 1], dtype=np.int8), size=(3, m))
    bloc = rng.integers(0, 3, n)
    start = rng.integers(0, m, n)
    step = rng.choice(np.array([s for s in range(1, 200, 2) if s % 5 and np.gcd(s, m) == 1]), n)
    pids = np.repeat(np.arange(n), per)
    sids = (np.repeat(start, per) + np.tile(np.arange(per), n) * np.repeat(step, per)) % m
    values = pattern[bloc[pids], sids]
    noise = rng.random(len(values))
    values[noise < 0.2] = rng.integers(-1, 2, int((noise < 0.2).sum()), dtype=np.int8)
    return pids, sids, values, np.arange(len(values), dtype=float)


def case_synthetic(n: int, m: int, per: int) -> dict:
    from trajectoires.collective import VoteTable, analyse, example_votes

    analyse(example_votes())
    pids, sids, values, stamps = synthetic(n, m, per)
    base_mb = _peak_mb()
    started = time.perf_counter()
    result = analyse(VoteTable.from_arrays(pids, sids, values, stamps))
    return {"full": time.perf_counter() - started, "peak_mb": _peak_mb(), "input_mb": base_mb,
            "votes": len(values), "groups": len(result.groups)}


CASES = {
    "ours-real": case_ours_real,
    "ours-real-warm": lambda: case_ours_real(warm_clusters=True),
    "reddwarf-real": case_reddwarf_real,
    "ari": case_ari,
    "synthetic-1m": lambda: case_synthetic(10_000, 1_000, 100),
    "synthetic-10m": lambda: case_synthetic(100_000, 2_000, 100),
}


def _spawn(case: str, timeout: float = 300) -> dict | None:
    proc = subprocess.run([sys.executable, "-m", "bench.bench_collective", case], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        print(f"[bench_collective] {case} failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _row(name: str, value: float, unit: str, goal: str, reference: float | None = None,
         reference_name: str = "", ratio: float | None = None) -> dict:
    return {"name": name, "value": value, "unit": unit, "goal": goal, "reference": reference,
            "reference_name": reference_name, "ratio": ratio}


def _real_rows() -> list[dict]:
    ours = _spawn("ours-real")
    warm = _spawn("ours-real-warm")
    theirs = _spawn("reddwarf-real")
    if ours is None:
        return []
    ref = theirs["full"] if theirs else None
    rows = [
        _row("bowling-green 2,031×896 full computation", ours["full"], "s",
             "≥ 10× faster than red-dwarf 0.4.0", ref,
             "red-dwarf 0.4.0" if theirs else "red-dwarf absent (pip install -e '.[bench]')",
             ref / ours["full"] if ref else None),
        _row("bowling-green update after 100 new votes (median of 20)", ours["update"] * 1000,
             "ms", "< 100 ms"),
        _row("same update, CPU time of the process (less sensitive to machine load)",
             ours["update_cpu"] * 1000, "ms", "< 100 ms"),
    ]
    if warm:
        rows += [
            _row("same update with Params(warm_clusters=True)", warm["update"] * 1000, "ms",
                 "< 100 ms"),
            _row("same, CPU time", warm["update_cpu"] * 1000, "ms", "< 100 ms"),
        ]
    rows += [
        _row("bowling-green peak RSS", ours["peak_mb"], "MB", "",
             theirs["peak_mb"] if theirs else None, "red-dwarf 0.4.0" if theirs else ""),
    ]
    return rows


def run() -> list[dict]:
    rows: list[dict] = []
    if LARGEST.is_dir():
        rows += _real_rows()
        ari = _spawn("ari") or {}
        rows += [_row(f"ARI vs Pol.is groups: {name}", score, "",
                      "≥ 0.95" if name in CONVERSATIONS[:2] else "reported")
                 for name, score in ari.items()]
    else:
        print(f"[bench_collective] {POLIS} absent: real-data cases skipped", file=sys.stderr)
    for case, label, time_goal, mem_goal in (
        ("synthetic-1m", "10,000×1,000 (1 M votes)", "< 2 s", "< 1 GB"),
        ("synthetic-10m", "100,000×2,000 (10 M votes)", "< 30 s", "< 6 GB"),
    ):
        out = _spawn(case)
        if out is None:
            continue
        rows.append(_row(f"synthetic {label} full computation", out["full"], "s", time_goal))
        rows.append(_row(f"synthetic {label} peak RSS (input alone {out['input_mb']:.0f} MB)",
                         out["peak_mb"], "MB", mem_goal))
    return rows


if __name__ == "__main__":
    print(json.dumps(CASES[sys.argv[1]]()))
