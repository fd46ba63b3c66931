"""``trajectoires diagnose 29`` end to end, in a fresh subprocess, from a warm workspace.

Setup (not timed): a temporary workspace linked to the warm reference cache of
``workspace/``, with the real files of ``../shared/data/fr`` imported through
the real importers (France Services, ARCEP 2019 beta, libraries, the Data For
Good census table and IRCOM stand-in, CnFS mediation places), then one
``diagnose 29`` run so that the caches (spatial weights, national inputs) are
warm, as after a first diagnosis.

Measured, alternating with the reference so a busy machine hits both alike
(median of ``REPEAT``): the wall time of the whole subprocess (interpreter
start, imports, reading the store, analysis, maps, HTML, CSV, GeoJSON,
GeoPackage), its CPU time (user + system, less sensitive to a busy machine;
above the wall time when two threads work at once) and its peak memory
(``ru_maxrss``).

Reference measured in the same run: the bare ``trajectoires territory show 29``
subprocess (start, imports, warm reference, one lookup). ``ratio`` =
reference / diagnose: the share of a diagnosis that is the mere cost of
starting the command line.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEAT = 5
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "fr"

FILES = (
    ("france-services", "france_services/liste-fs-20240801.csv", None),
    ("arcep-debit", "arcep/commune-debit-beta.csv", None),
    ("libraries", "bibliotheques/adresses-des-bibliotheques-publiques.csv", "2023"),
    ("insee-census", "dataforgood_mednum_2020/data_scol_menage_demandeurEmplois.csv", None),
    ("insee-poverty", "dataforgood_mednum_2020/taux_pauvrete.csv", None),
    ("mediation-places", "lieux_mediation_numerique/lieux-de-mediation-numerique.cnfs.json",
     None),
)
POPULATIONS = ("populations", "cog/populations_legales_par_cog_2015_2024.csv", None)
"""Imported into a second workspace: the same diagnosis on the 2021 census (the cost of
reading the latest legal populations and summing them again, measured against the first)."""

_RUN = """
import json, resource, sys
from trajectoires.cli import app
from trajectoires.commands import diagnose
if not any(c.name == "diagnose" for c in app.registered_commands):
    app.command("diagnose")(diagnose.diagnose)
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mb": peak}), file=sys.stderr)
"""


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run the CLI with ``args`` in a fresh interpreter; return wall time, CPU time, peak MB."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True, text=True,
                          check=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = json.loads(done.stderr.strip().splitlines()[-1])["peak_mb"]
    return wall, cpu, peak


def _prepare(folder: Path, files: tuple = FILES) -> None:
    """Link the warm reference and import the real ``files`` into ``folder``."""
    from trajectoires.db import create_database, migrate
    from trajectoires.indicators.store import import_file
    from trajectoires.territory import load_reference

    reference = load_reference(ROOT / "workspace")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reference").symlink_to(reference.folder.parent, target_is_directory=True)
    database = create_database(f"sqlite:///{folder / 'trajectoires.sqlite'}")
    migrate(database)
    for kind, path, vintage in files:
        with database.session() as session:
            import_file(session, kind, SHARED / path, reference, vintage=vintage)
    database.engine.dispose()


def run() -> list[dict]:
    """Time ``diagnose 29`` against ``territory show 29``, both in fresh subprocesses."""
    import os

    if not SHARED.exists():
        return [{"name": "diagnose 29 (skipped: ../shared/data/fr absent)", "value": None,
                 "unit": "s", "goal": "< 3 s"}]
    env = {**os.environ, "TRAJECTOIRES_DATABASE_URL": ""}
    env.pop("TRAJECTOIRES_DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="bench-diagnose-") as tmp:
        folder, newer = Path(tmp) / "base", Path(tmp) / "populations"
        _prepare(folder)
        _prepare(newer, (*FILES, POPULATIONS))
        output = folder / "rapport"
        commands = {
            "diagnose": ["diagnose", "29", "--output", str(output), "--workspace", str(folder)],
            "show": ["territory", "show", "29", "--workspace", str(folder)],
            "diagnose_2021": ["diagnose", "29", "--output", str(newer / "rapport"),
                              "--workspace", str(newer)],
            "show_2021": ["territory", "show", "29", "--workspace", str(newer)],
        }
        for name in ("diagnose", "diagnose_2021"):
            _run(commands[name], env)  # warm the caches (weights, national inputs, templates)
        measured = {name: [] for name in commands}
        for _ in range(REPEAT):
            for name, args in commands.items():
                measured[name].append(_run(args, env))
        size = sum(p.stat().st_size for p in output.iterdir()) / 1e6
    times, cpus, peaks = (list(column) for column in zip(*measured["diagnose"], strict=True))
    refs, ref_cpus, ref_peaks = (list(column) for column in zip(*measured["show"], strict=True))
    value, reference = statistics.median(times), statistics.median(refs)
    return [
        {"name": "diagnose 29, whole subprocess (warm workspace)", "value": value, "unit": "s",
         "goal": "< 3 s", "reference": reference,
         "reference_name": "territory show 29 subprocess", "ratio": reference / value},
        {"name": "diagnose 29, CPU time of the subprocess", "value": statistics.median(cpus),
         "unit": "s", "goal": "", "reference": statistics.median(ref_cpus),
         "reference_name": "territory show 29 subprocess",
         "ratio": statistics.median(ref_cpus) / statistics.median(cpus)},
        {"name": "diagnose 29, peak memory", "value": max(peaks), "unit": "MB", "goal": "",
         "reference": max(ref_peaks), "reference_name": "territory show 29 subprocess",
         "ratio": max(ref_peaks) / max(peaks)},
        {"name": "diagnose 29, files written (HTML, CSV, GeoJSON, GeoPackage)", "value": size,
         "unit": "MB", "goal": "", "reference": None, "reference_name": "", "ratio": None},
        *_newer_rows(measured),
    ]


def _newer_rows(measured: dict[str, list[tuple[float, float, float]]]) -> list[dict]:
    """Rows of the workspace with the legal populations 2021, against the one without."""
    rows = []
    for name, label in (("diagnose", "diagnose 29"), ("show", "territory show 29")):
        for index, measure, unit in ((0, "whole subprocess", "s"), (1, "CPU time", "s")):
            value = statistics.median(run[index] for run in measured[f"{name}_2021"])
            reference = statistics.median(run[index] for run in measured[name])
            rows.append({
                "name": f"{label} on the 2021 census (data import populations), {measure}",
                "value": value, "unit": unit, "goal": "< 10 % slower (#10)",
                "reference": reference, "reference_name": f"{label} without it",
                "ratio": reference / value,
            })
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
