"""Write a diagnosis to a folder: HTML report, CSV, GeoJSON and GeoPackage.

The HTML report is self-contained (maps inlined as SVG, CSS in a ``<style>``
element: the file is opened from disk, not served under the web app's CSP) and
works offline. Every file is written under a temporary name and renamed into
place, so a folder never holds a half-written file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from trajectoires.analysis.fragility import TIE_RULES
from trajectoires.csv_cells import neutralise_frame
from trajectoires.diagnosis._geopackage import layer_crs, write_geopackage
from trajectoires.diagnosis.compute import Diagnosis
from trajectoires.diagnosis.maps import (
    DiagnosisMaps,
    build_maps,
    map_crs,
    map_outlines,
    transformer,
)
from trajectoires.diagnosis.options import CORRECTIONS
from trajectoires.diagnosis.provenance import source_lines, tie_effects
from trajectoires.diagnosis.spreadsheet import SPREADSHEET_FILES, write_spreadsheet
from trajectoires.diagnosis.tables import dictionary, export_table, ranked_rows
from trajectoires.render._french import format_number
from trajectoires.territory import CRS_NAMES, Reference

__all__ = ["REPORT_FILES", "ReportFiles", "build_maps", "render_body", "render_html",
           "write_geojson", "write_geopackage", "write_report"]

REPORT_FILES = ("diagnostic.html", "communes.csv", "dictionnaire.csv", "comparaison.csv",
                "communes.geojson", "communes.gpkg", *SPREADSHEET_FILES)
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class ReportFiles:
    """Paths of the files written (``exports``: every one but the report, in writing order)."""

    html: Path
    csv: Path
    comparison: Path
    geojson: Path
    gpkg: Path
    exports: tuple[Path, ...] = ()


@lru_cache(maxsize=1)
def _environment():  # noqa: ANN202 (jinja2 is imported lazily)
    """Make the Jinja environment of the report, once per process.

    Compiled templates are kept in Jinja's bytecode cache (a private folder of
    the user in the temporary directory, keyed by each template's checksum, so
    an edited template is compiled again): compiling them costs more than
    rendering a report.
    """
    from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape

    try:
        bytecode_cache = FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no writable temporary directory: compile every time
        bytecode_cache = None
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      trim_blocks=True, lstrip_blocks=True, bytecode_cache=bytecode_cache)
    env.filters["fr"] = french_number
    env.filters["pct"] = lambda v, d=1: "—" if v is None else f"{french_number(100 * v, d)} %"
    env.globals["corrections"] = CORRECTIONS
    env.globals["tie_rule"] = TIE_RULES["max"]
    return env


def french_number(value: object, decimals: int = 1) -> str:
    """Write a number the French way (decimal comma, narrow no-break space); — when missing.

    The formatting is :func:`trajectoires.render._french.format_number`'s (never
    « -0,000 »: a value that rounds to zero loses its sign).

    Examples
    --------
    >>> french_number(1234.56), french_number(None), french_number(float("nan"), 0)
    ('1\u202f234,6', '—', '—')
    >>> french_number(34865, 0), french_number(-0.00003, 3)
    ('34\u202f865', '0,000')

    """
    if value is None or value is pd.NA:
        return "—"
    number = float(value)
    return "—" if math.isnan(number) else format_number(number, decimals)


def _context(diagnosis: Diagnosis, maps: DiagnosisMaps) -> dict:
    """Gather what both templates read: the diagnosis, maps, rows, source lines and ties."""
    return {"d": diagnosis, "maps": maps, "rows": ranked_rows(diagnosis),
            "sources": source_lines(diagnosis), "ties": tie_effects(diagnosis),
            "commune_url": None, "import_url": None}


def render_html(diagnosis: Diagnosis, maps: DiagnosisMaps, *, standalone: bool = True,
                file_query: str = "") -> str:
    """Render the HTML report (a full document; the CSS inline when ``standalone``).

    ``file_query`` follows the links to the export files (the web serves them beside the
    report with the choices in the query string, ``?reference=region``).
    """
    env = _environment()
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8") if standalone else ""
    crs = layer_crs(list(diagnosis.communes.index))
    return env.get_template("report.html").render(
        **_context(diagnosis, maps), css=css, files=REPORT_FILES,
        gpkg_crs=f"{CRS_NAMES[crs]}, {crs}", file_query=file_query)


def render_body(diagnosis: Diagnosis, maps: DiagnosisMaps,
                commune_url: Callable[[str], str] | None = None,
                import_url: str | None = None) -> str:
    """Render the body of the report (sections only), for the web page.

    ``commune_url`` gives the address of a commune's page from its code: the names of
    the ranking link to it (the standalone report has no such pages). ``import_url``:
    the page where an administrator imports the missing datasets, linked beside them.
    """
    context = _context(diagnosis, maps)
    context["commune_url"] = commune_url
    context["import_url"] = import_url
    return _environment().get_template("_diagnosis_body.html").render(**context)


def _atomic(path: Path, write) -> Path:
    partial = path.with_name(f".partiel-{path.name}")
    partial.unlink(missing_ok=True)
    write(partial)
    partial.replace(path)
    return path


def write_report(ref: Reference, diagnosis: Diagnosis, output: Path, progress=None,
                 geometries: np.ndarray | None = None) -> ReportFiles:
    """Write the report and the exports of ``diagnosis`` into ``output``.

    The outlines (aligned with ``diagnosis.communes``, in the maps'
    projection: :func:`~trajectoires.diagnosis.maps.map_outlines`) are read
    once, unless given as ``geometries``: every map and both geographic
    exports use them.
    """
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    step = progress or (lambda message, done: None)
    step("Cartes", 0.85)
    if geometries is None:
        geometries = map_outlines(ref, diagnosis.communes.index)
    elif len(geometries) != len(diagnosis.communes):
        raise ValueError(f"geometries : {len(diagnosis.communes)} contours attendus (un par "
                         f"commune du diagnostic), reçu {len(geometries)}")
    maps = build_maps(ref, diagnosis, geometries)
    html = render_html(diagnosis, maps)
    html_path = _atomic(output / "diagnostic.html",
                        lambda p: p.write_text(html, encoding="utf-8"))
    step("Exports CSV, GeoJSON, GeoPackage", 0.92)
    table = export_table(diagnosis)
    by_code = dict(zip(diagnosis.communes.index, geometries, strict=True))
    ranked_outlines = np.array([by_code.get(code) for code in table["code"]], dtype=object)
    csv_path = _atomic(output / "communes.csv",
                       lambda p: neutralise_frame(table).to_csv(p, index=False,
                                                                encoding="utf-8"))
    dictionary_path = _atomic(output / "dictionnaire.csv", lambda p: neutralise_frame(
        dictionary(table, diagnosis)).to_csv(p, index=False, encoding="utf-8"))
    comparison = pd.DataFrame(diagnosis.comparison)
    comp_path = _atomic(output / "comparaison.csv",
                        lambda p: neutralise_frame(comparison).to_csv(p, index=False,
                                                                     encoding="utf-8"))
    geojson = _atomic(output / "communes.geojson",
                      lambda p: write_geojson(ref, table, p, ranked_outlines))
    gpkg = _atomic(output / "communes.gpkg",
                   lambda p: write_geopackage(ref, table, p, ranked_outlines))
    spreadsheet = write_spreadsheet(table, diagnosis, output)
    step("Terminé", 1.0)
    return ReportFiles(html_path, csv_path, comp_path, geojson, gpkg,
                       (csv_path, dictionary_path, comp_path, geojson, gpkg, *spreadsheet))


def _plain_columns(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Columns as numpy arrays: numbers as float (NaN when missing), text as object."""
    columns = {}
    for name in table.columns:
        series = table[name]
        if pd.api.types.is_numeric_dtype(series):
            columns[name] = pd.to_numeric(series, errors="coerce").to_numpy(
                dtype=float, na_value=np.nan)
        else:
            columns[name] = np.array([None if pd.isna(v) else str(v) for v in series],
                                     dtype=object)
    return columns


def _rows(table: pd.DataFrame) -> tuple[list[str], list[tuple]]:
    """Column names and rows of ``table`` as plain Python values (None when missing)."""
    columns = _plain_columns(table)
    values = []
    for array in columns.values():
        plain = array.astype(object)
        if array.dtype.kind == "f":
            plain[np.isnan(array)] = None
        values.append(plain.tolist())
    return list(columns), list(zip(*values, strict=True))


def write_geojson(ref: Reference, table: pd.DataFrame, path: Path,
                  geometries: np.ndarray | None = None) -> None:
    """Write ``table`` with the commune outlines as GeoJSON (WGS84, RFC 7946).

    ``geometries`` are the outlines of the rows of ``table`` in the maps'
    projection (:func:`~trajectoires.diagnosis.maps.map_crs`), if already
    read: taken back to WGS 84 (one column read, not two), unless they span
    several projections (the DROM drawn in insets). The geometries'
    text comes from GEOS as it is (no parsing back into Python), at 10⁻⁶
    degree precision.
    """
    import shapely

    codes = [str(code) for code in table["code"]]
    if geometries is None or layer_crs(codes) == "EPSG:4326":  # the maps' DROM are insets
        geometries = ref.commune_geometries(codes, crs="EPSG:4326")
    else:
        to_wgs84 = transformer(map_crs(codes), "EPSG:4326")
        geometries = shapely.transform(np.asarray(geometries, dtype=object), lambda xy: (
            np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1]))))
    texts = shapely.to_geojson(shapely.set_precision(geometries, 1e-6)).tolist()
    names, rows = _rows(table)
    features = ",\n".join(
        f'{{"type": "Feature", "properties": '
        f"{json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False)}, "
        f'"geometry": {"null" if text is None else text}}}'
        for row, text in zip(rows, texts, strict=True))
    path.write_text(f'{{"type": "FeatureCollection", "name": "communes", "features": [\n'
                    f"{features}\n]}}\n", encoding="utf-8")
