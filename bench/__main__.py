"""Run every ``bench/bench_*.py`` module and print its rows.

Each module exposes ``run() -> list[dict]``; a row has ``name``, ``value``, ``unit``,
``goal`` (text), and when a reference was measured in the same run, ``reference``
(its value, same unit) and ``ratio`` (reference / value for times: > 1 means we are
faster). Results are written to ``bench/out/results.json`` and ``bench/out/results.md``
(the latter is pasted into ``bench/README.md`` when figures are refreshed).

Usage: ``python -m bench [--quick] [NAME ...]`` where NAME filters modules (e.g.
``render``); ``--quick`` sets ``BENCH_QUICK=1``, which modules that know it read as
"a bounded size" (``search``: 1,000 workshops instead of 10,000).
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).parent
OUT = HERE / "out"


def discover(filters: list[str]) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    return [n for n in names if not filters or any(f in n for f in filters)]


def fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return "" if value is None else str(value)


def to_markdown(rows: list[dict]) -> str:
    head = "| module | measure | value | unit | reference (same run) | ratio | goal |\n"
    head += "|---|---|---|---|---|---|---|\n"
    lines = [
        f"| {r['module']} | {r['name']} | {fmt(r['value'])} | {r.get('unit', '')} | "
        f"{fmt(r.get('reference'))} {r.get('reference_name', '')} | {fmt(r.get('ratio'))} | "
        f"{r.get('goal', '')} |"
        for r in rows
    ]
    return head + "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    console = Console()
    if "--quick" in argv:
        os.environ["BENCH_QUICK"] = "1"
        argv = [a for a in argv if a != "--quick"]
    rows: list[dict] = []
    for name in discover(argv):
        console.rule(f"[bold]{name}")
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        for row in module.run():
            rows.append({"module": name.removeprefix("bench_"), **row})
        console.print(f"{name} done in {time.perf_counter() - started:.1f} s")
    table = Table(title="Trajectoires benchmarks")
    for col in ("module", "measure", "value", "unit", "reference", "ratio", "goal"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["module"], r["name"], fmt(r["value"]), r.get("unit", ""),
            f"{fmt(r.get('reference'))} {r.get('reference_name', '')}", fmt(r.get("ratio")),
            r.get("goal", ""),
        )
    console.print(table)
    OUT.mkdir(exist_ok=True)
    meta = {"python": platform.python_version(), "machine": platform.machine(),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    (OUT / "results.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    (OUT / "results.md").write_text(to_markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
