"""Peak memory of reading a 200 MB official-format CSV (#14: « a 200 MB file needs 2.8 GB »).

``python -m bench import_memory``. Every importer reads its CSV with
:func:`trajectoires.indicators.formats._common.read_csv` (then checks the codes and
numbers with ``commune_codes`` and ``numbers``). Here a generated file of
``BENCH_IMPORT_MB`` MB (default 200; about 36 bytes a row: a commune code, a name, a
date, four numbers, one with a decimal comma) is read that way in a fresh subprocess,
and the peak resident memory of that process is measured (``ru_maxrss``). Beside it, in
the same run: the same read by the reader as it was before the rows were stored as
compact strings (commit ``90d1445``, taken from git), and the reference — a process that
imports the same libraries and holds the file's bytes once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

MEGABYTES = int(os.environ.get("BENCH_IMPORT_MB", "200"))
BEFORE = "90d1445"
ROOT = Path(__file__).resolve().parent.parent

READ = textwrap.dedent("""
    import importlib.util, resource, sys
    spec = importlib.util.spec_from_file_location("reader", sys.argv[1])
    reader = sys.modules["reader"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reader)
    table = reader.read_csv(__import__("pathlib").Path(sys.argv[2]), ";")
    codes = reader.commune_codes(table, "code_commune")
    values = reader.numbers(table, "surface", decimal_comma=True)
    print(len(table.frame), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""")
HOLD = textwrap.dedent("""
    import resource, sys
    import numpy, pandas
    from trajectoires.indicators.report import FormatError
    data = open(sys.argv[2], "rb").read()
    print(len(data), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""")


def _generate(path: Path, megabytes: int) -> int:
    """Write a ``;`` CSV of about ``megabytes`` MB; return its rows."""
    rows, size, target = 0, 0, megabytes * 1_000_000
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("code_commune;nom;date;locaux;logements;entreprises;surface\n")
        while size < target:
            block = "".join(
                f"{29000 + (rows + i) % 300};Commune {(rows + i) % 300};2024-0{1 + i % 9}-15;"
                f"{i % 977};{i % 613};{i % 89};{i % 1000},{i % 10}\n" for i in range(10_000))
            out.write(block)
            size += len(block)
            rows += 10_000
    return rows


def _peak(script: str, reader: Path, data: Path) -> tuple[int, float]:
    """Run ``script`` in a fresh interpreter; return (its printed count, peak RSS in MB)."""
    done = subprocess.run([sys.executable, "-c", script, str(reader), str(data)],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    count, kilobytes = done.stdout.split()
    return int(count), int(kilobytes) / 1024


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        data = Path(folder) / "grand.csv"
        rows = _generate(data, MEGABYTES)
        size = data.stat().st_size / 1e6
        old = Path(folder) / "reader_before.py"
        old.write_bytes(subprocess.run(
            ["git", "show", f"{BEFORE}:src/trajectoires/indicators/formats/_common.py"],
            capture_output=True, check=True, cwd=ROOT).stdout)
        new = ROOT / "src/trajectoires/indicators/formats/_common.py"
        _, held = _peak(HOLD, new, data)
        read_rows, after = _peak(READ, new, data)
        _, before = _peak(READ, old, data)
    assert read_rows == rows
    label = f"{size:.0f} MB, {rows:,} rows"
    return [
        {"name": f"peak memory reading a {label} CSV (read_csv + codes + numbers)",
         "value": after, "unit": "MB", "goal": "report (was 2.8 GB for 200 MB)",
         "reference": held, "reference_name": "MB: libraries + the file's bytes once",
         "ratio": held / after},
        {"name": f"same, reader before this change ({BEFORE})", "value": before, "unit": "MB",
         "goal": "", "reference": held, "reference_name": "MB", "ratio": held / before},
    ]


if __name__ == "__main__":
    for line in run():
        print(line)
