import subprocess
import sys


def test_analysis_import_stays_light():
    code = (
        "import sys, trajectoires.analysis\n"
        "heavy = [m for m in ('fastapi', 'sqlalchemy', 'matplotlib', 'numba', 'esda', "
        "'libpysal', 'mapclassify', 'scipy', 'shapely') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
