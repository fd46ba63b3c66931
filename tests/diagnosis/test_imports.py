"""``trajectoires.diagnosis`` stays a library: no web framework, no start-up compilation."""

import subprocess
import sys


def test_diagnosis_imports_stay_light() -> None:
    code = (
        "import sys, trajectoires.diagnosis, trajectoires.diagnosis.report\n"
        "heavy = [m for m in ('fastapi', 'starlette', 'sqlalchemy', 'matplotlib', 'mapclassify',"
        " 'numba', 'geopandas') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
