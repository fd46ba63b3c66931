"""Importing the web app leaves the libraries only some requests need unimported.

``trajectoires serve`` opens its port once the app is imported: a library imported
at module level by a route that needs it for one request only delays every start.
Checked in a fresh interpreter (this process has imported them all already).
"""

import json
import subprocess
import sys

PER_REQUEST = (
    "psycopg",  # PostgreSQL's live bus, made only on PostgreSQL
    "icalendar",  # an event's calendar download
    "segno",  # a QR code
    "weasyprint",  # a PDF
    "geopandas", "scipy", "sklearn", "matplotlib", "libpysal", "esda", "numba",
)


def test_importing_the_web_app_leaves_per_request_libraries_out():
    code = ("import json, sys, trajectoires.web.app; "
            f"print(json.dumps(sorted(m for m in {list(PER_REQUEST)!r} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
