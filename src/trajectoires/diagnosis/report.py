"""Write a diagnosis to a folder: HTML report, CSV, GeoJSON and GeoPackage.

The HTML report is self-contained (maps inlined as SVG, CSS in a ``<style>``
element: the file is opened from disk, not served under the web app's CSP) and
works offline. Every file is written under a temporary name and renamed into
place, so a folder never holds a half-written file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from trajectoires.diagnosis.compute import Diagnosis
from trajectoires.diagnosis.maps import DiagnosisMaps, access_map, cluster_map, fragility_map
from trajectoires.diagnosis.tables import export_table, ranked_rows
from trajectoires.territory import Reference

__all__ = ["REPORT_FILES", "ReportFiles", "build_maps", "render_html", "write_report"]

REPORT_FILES = ("diagnostic.html", "communes.csv", "comparaison.csv", "communes.geojson",
                "communes.gpkg")
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class ReportFiles:
    """Paths of the files written."""

    html: Path
    csv: Path
    comparison: Path
    geojson: Path
    gpkg: Path


def build_maps(ref: Reference, diagnosis: Diagnosis) -> DiagnosisMaps:
    """Draw the fragility, cluster and access maps of ``diagnosis``."""
    table, name = diagnosis.communes, diagnosis.unit.name
    if len(table) < 2:
        return DiagnosisMaps(None, None, {})
    access = {}
    empty = pd.DataFrame(columns=["lat", "lon"])
    for item in diagnosis.access:
        svg = access_map(ref, table, name, item.kind, label=item.label,
                         places=diagnosis.places.get(item.kind, empty))
        if svg:
            access[item.kind] = svg
    return DiagnosisMaps(fragility_map(ref, table, name), cluster_map(ref, table, name), access)


def _environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["fr"] = french_number
    env.filters["pct"] = lambda v, d=1: "—" if v is None else f"{french_number(100 * v, d)} %"
    return env


def french_number(value: object, decimals: int = 1) -> str:
    """French rendering of a number (decimal comma, narrow no-break space); — when missing."""
    if value is None or value is pd.NA:
        return "—"
    number = float(value)
    if math.isnan(number):
        return "—"
    text = f"{number:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text


def render_html(diagnosis: Diagnosis, maps: DiagnosisMaps, *, standalone: bool = True) -> str:
    """Render the HTML report (a full document; the CSS inline when ``standalone``)."""
    env = _environment()
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8") if standalone else ""
    return env.get_template("report.html").render(
        d=diagnosis, maps=maps, rows=ranked_rows(diagnosis), css=css,
        files=REPORT_FILES)


def _atomic(path: Path, write) -> Path:
    partial = path.with_name(f".partiel-{path.name}")
    partial.unlink(missing_ok=True)
    write(partial)
    partial.replace(path)
    return path


def write_report(ref: Reference, diagnosis: Diagnosis, output: Path,
                 progress=None) -> ReportFiles:
    """Write the report and the exports of ``diagnosis`` into ``output``."""
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    step = progress or (lambda message, done: None)
    step("Cartes", 0.85)
    maps = build_maps(ref, diagnosis)
    html = render_html(diagnosis, maps)
    html_path = _atomic(output / "diagnostic.html",
                        lambda p: p.write_text(html, encoding="utf-8"))
    step("Exports CSV, GeoJSON, GeoPackage", 0.92)
    table = export_table(diagnosis)
    csv_path = _atomic(output / "communes.csv",
                       lambda p: table.to_csv(p, index=False, encoding="utf-8"))
    comparison = pd.DataFrame(diagnosis.comparison)
    comp_path = _atomic(output / "comparaison.csv",
                        lambda p: comparison.to_csv(p, index=False, encoding="utf-8"))
    frame = _geoframe(ref, table)
    geojson = _atomic(output / "communes.geojson", lambda p: _write_geojson(frame, p))
    gpkg = _atomic(output / "communes.gpkg",
                   lambda p: frame.to_crs(2154).to_file(p, driver="GPKG", layer="communes",
                                                       engine="pyogrio"))
    step("Terminé", 1.0)
    return ReportFiles(html_path, csv_path, comp_path, geojson, gpkg)


def _geoframe(ref: Reference, table: pd.DataFrame):
    import geopandas

    geometries = ref.commune_geometries(table["code"], crs="EPSG:4326")
    return geopandas.GeoDataFrame(table, geometry=list(geometries), crs="EPSG:4326")


def _write_geojson(frame, path: Path) -> None:
    text = frame.to_json(na="null", drop_id=True, ensure_ascii=False)
    data = json.loads(text)
    data["name"] = "communes"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
