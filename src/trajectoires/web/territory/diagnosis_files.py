"""Download the files of a territory's diagnosis from its page: report (HTML, PDF), CSV, maps.

The files are those ``trajectoires diagnose`` writes (one implementation:
:func:`trajectoires.diagnosis.write_report`), built once per territory, choices and state
of the indicator store into ``<workspace>/exports/``, then served from there; the PDF is
the HTML report laid out on A4 (:func:`trajectoires.render.pdf.html_to_pdf`). They are
served at ``/territoires/{kind}/{code}/diagnostic/{file}``, beside the report, so the
report's relative links to its files work on the web as in the folder.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from trajectoires.territory import Reference, Unit
from trajectoires.web.territory.deps import reference_or_503, store_fingerprint
from trajectoires.web.territory.diagnosis_options import DiagnosisOptions, options_from_query
from trajectoires.web.territory.diagnosis_pages import diagnosis_for
from trajectoires.web.territory.pages import unit_or_404

__all__ = ["DOWNLOADS", "router"]

router = APIRouter(include_in_schema=False)
Ref = Annotated[Reference, Depends(reference_or_503)]
Options = Annotated[DiagnosisOptions, Depends(options_from_query)]

DOWNLOADS = {
    "diagnostic.pdf": "application/pdf",
    "communes-tableur.csv": "text/csv; charset=utf-8",
    "dictionnaire-tableur.csv": "text/csv; charset=utf-8",
    "communes.csv": "text/csv; charset=utf-8",
    "dictionnaire.csv": "text/csv; charset=utf-8",
    "comparaison.csv": "text/csv; charset=utf-8",
    "communes.geojson": "application/geo+json",
    "communes.gpkg": "application/geopackage+sqlite3",
}
"""Files served beside the report (``diagnostic.html``), with their media types."""
DOWNLOAD_METHODS = ["GET", "HEAD"]
"""A link checker or a download manager asks HEAD first (FastAPI routes answer 405 unless
HEAD is listed; Starlette's file responses then send the headers only)."""

_BUILDING = threading.Lock()


def _folder(request: Request, unit: Unit, options: DiagnosisOptions) -> Path:
    """Return the export folder of these choices on the store's current state."""
    key = repr((unit.ref, options.fields(), store_fingerprint(request.app))).encode()
    name = f"{unit.kind.value}-{unit.code}-{hashlib.sha256(key).hexdigest()[:16]}"
    return request.app.state.settings.workspace / "exports" / name


def _built(request: Request, ref: Reference, unit: Unit, options: DiagnosisOptions) -> Path:
    """Write the diagnosis files once (the first download), and return their folder."""
    from trajectoires.diagnosis.report import write_report

    folder = _folder(request, unit, options)
    with _BUILDING:
        if not (folder / "communes.gpkg").exists():
            result, _ = diagnosis_for(request, ref, unit, options)
            write_report(ref, result, folder)
    return folder


def _report(request: Request, ref: Reference, unit: Unit, options: DiagnosisOptions) -> str:
    from trajectoires.diagnosis.report import render_html

    result, maps = diagnosis_for(request, ref, unit, options)
    query = options.fields()
    return render_html(result, maps, file_query=f"?{urlencode(query)}" if query else "")


def _pdf(request: Request, ref: Reference, unit: Unit, options: DiagnosisOptions) -> Path:
    from trajectoires.render.pdf import PdfError, html_to_pdf

    path = _folder(request, unit, options) / "diagnostic.pdf"
    with _BUILDING:
        if not path.exists():
            try:
                pdf = html_to_pdf(_report(request, ref, unit, options))
            except PdfError as error:
                raise HTTPException(503, f"PDF indisponible sur ce serveur : {error}") from None
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(".partiel-diagnostic.pdf")
            partial.write_bytes(pdf)
            partial.replace(path)
    return path


@router.api_route("/territoires/{kind}/{code}/diagnostic/diagnostic.html", methods=DOWNLOAD_METHODS,
                  response_class=HTMLResponse, name="diagnosis_report")
def diagnosis_report(request: Request, kind: str, code: str, ref: Ref,
                     options: Options) -> HTMLResponse:
    """Serve the report as one HTML page (CSS inline), as ``trajectoires diagnose`` writes it."""
    unit = unit_or_404(ref, kind, code)
    return HTMLResponse(_report(request, ref, unit, options))


@router.api_route("/territoires/{kind}/{code}/diagnostic/{name}", methods=DOWNLOAD_METHODS,
                  name="diagnosis_file")
def diagnosis_file(request: Request, *, kind: str, code: str, name: str, ref: Ref,
                   options: Options) -> Response:
    """Serve one file of the diagnosis (PDF, CSV, GeoJSON, GeoPackage) as an attachment."""
    if name not in DOWNLOADS:
        raise HTTPException(404, f"Fichier inconnu : « {name} ».")
    unit = unit_or_404(ref, kind, code)
    if name == "diagnostic.pdf":
        path = _pdf(request, ref, unit, options)
    else:
        path = _built(request, ref, unit, options) / name
    download = f"diagnostic-{unit.kind.value}-{unit.code}-{name}"
    return FileResponse(path, media_type=DOWNLOADS[name], filename=download)
