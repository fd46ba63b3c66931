"""The open archive's pages: the search, a published workshop, its compte rendu (HTML, PDF).

- ``GET /archives``: search every published workshop and event (words in French,
  filters by territory, type and year), with snippets;
- ``GET /archives/{slug}``: the public page of a published workshop, at a stable address;
- ``GET /archives/{slug}/compte-rendu``: its compte rendu, a document that prints on A4;
- ``GET /archives/{slug}/compte-rendu.pdf``: the same as a PDF (WeasyPrint).

An unpublished (or unknown) workshop is « introuvable » on all of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from trajectoires.foresight.errors import ForesightError
from trajectoires.foresight.publication import published_workshop
from trajectoires.foresight.search import document_years, search_documents
from trajectoires.render.pdf import PdfError, html_to_pdf
from trajectoires.territory.summary import format_number
from trajectoires.web.archive.context import archive_context, reference_if_available
from trajectoires.web.archive.filters import PAGE_SIZE, SearchFilters, parse_filters, type_choices
from trajectoires.web.errors import render_error, status_of
from trajectoires.web.workshops.deps import DbSession

__all__ = ["router", "search_page"]

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).resolve().parents[1] / "static"
REPORT_CSS = STATIC / "archive.css"
Text = Annotated[str, Query(max_length=400)]


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    templates = request.app.state.templates
    templates.env.filters["num_fr"] = format_number  # as the territory pages do
    return templates.TemplateResponse(request, name, context, status_code=status)


def run_search(session: DbSession, filters: SearchFilters) -> Any:  # noqa: ANN401
    """Run ``filters`` against the index: the page of results and the years to choose from."""
    with session.begin():
        found = search_documents(session, filters.q, territory=filters.territory,
                                 kind=filters.kind, subtype=filters.subtype, year=filters.year,
                                 limit=PAGE_SIZE, offset=filters.offset)
        return found, document_years(session)


@router.get("/archives")
def search_page(request: Request, session: DbSession, *, q: Text = "",  # noqa: PLR0913
                territoire: Text = "", type: Text = "", annee: Text = "",  # noqa: A002
                page: Text = "1") -> Response:
    """Search the published workshops and events; every filter is a GET field."""
    typed = {"q": q, "territoire": territoire, "type": type, "annee": annee}
    context: dict[str, Any] = {"typed": typed, "types": type_choices(), "error": None,
                               "results": None, "years": []}
    try:
        filters = parse_filters(q, territoire, type, annee, page,
                                reference=reference_if_available(request) if territoire else None)
    except ForesightError as error:
        with session.begin():
            context["years"] = document_years(session)
        return _render(request, "archive/search.html", {**context, "error": error.message},
                       status_of(error))
    found, years = run_search(session, filters)
    pages = max(1, -(-found.total // PAGE_SIZE))
    return _render(request, "archive/search.html", {
        **context, "filters": filters, "results": found, "years": years, "pages": pages,
        "searched": any(typed.values())})


@router.get("/archives/{slug}")
def archive_page(request: Request, slug: str, session: DbSession) -> Response:
    """Show a published workshop: its question, participation and productions."""
    workshop = published_workshop(session, slug)
    return _render(request, "archive/page.html", archive_context(request, session, workshop))


@router.get("/archives/{slug}/compte-rendu")
def report_page(request: Request, slug: str, session: DbSession) -> Response:
    """Show the compte rendu of a published workshop, a document that prints on A4."""
    workshop = published_workshop(session, slug)
    context = {**archive_context(request, session, workshop), "standalone": False}
    return _render(request, "archive/report.html", context)


@router.get("/archives/{slug}/compte-rendu.pdf")
def report_pdf(request: Request, slug: str, session: DbSession) -> Response:
    """Download the compte rendu of a published workshop as a PDF (A4)."""
    workshop = published_workshop(session, slug)
    context = {**archive_context(request, session, workshop), "standalone": True}
    templates = request.app.state.templates
    templates.env.filters["num_fr"] = format_number
    html = templates.get_template("archive/report.html").render({"request": request, **context})
    try:
        pdf = html_to_pdf(html, [REPORT_CSS], title=f"Compte rendu : {workshop.title}")
    except PdfError as error:
        return render_error(request, 503, str(error))
    filename = f"{slug}-compte-rendu.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
