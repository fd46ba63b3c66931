"""``/donnees/importer``: an administrator imports an official file from the web.

The same use case as ``trajectoires data import KIND FILE``
(:func:`trajectoires.indicators.store.import_file` in one transaction, then the
same report; a refused file names its line and column, nothing is kept, and the
kinds whose format the file follows are named, as the command does). The file is
copied in chunks to a temporary folder of the workspace under the name it was sent
with (vintages are read in names), capped by the ``data_import_max_kib`` setting,
and removed once imported. Importing changes the reference figures of every page
for everybody: administrators only (``facilitator admin EMAIL``); any other
facilitator is refused with 403, a visitor sent to the login page.
"""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from trajectoires.foresight import accounts
from trajectoires.indicators.catalogue import DATASETS, KINDS
from trajectoires.indicators.report import FormatError, ImportReport
from trajectoires.territory import SourceError
from trajectoires.web.data._refresh import refresh_after_import
from trajectoires.web.data._upload import UploadRefusedError, receive
from trajectoires.web.security import require_csrf
from trajectoires.web.templating import paris_time
from trajectoires.web.workshops.deps import DbSession, FacilitatorId
from trajectoires.web.workshops.facilitation import login_redirect

__all__ = ["IMPORT_PATH", "PATH", "UPLOAD_SLACK", "router"]

router = APIRouter(include_in_schema=False)
PATH = "/donnees/importer"
IMPORT_PATH = re.compile(re.escape(PATH))
"""The upload route, whose body may be as large as a file (BodyLimitMiddleware, signed in)."""
UPLOAD_SLACK = 256 * 1024
"""Room for the form's other fields and the multipart framing beside the file."""
PAGE = "data/import.html"
FIELD = Form(max_length=300)
NAME_LENGTH, VINTAGE_LENGTH = 120, 20  # the dataset table's columns


def _page(request: Request, session: DbSession, status: int = 200, **context: Any) -> Response:  # noqa: ANN401
    """Render the page: the form, what was typed, the loaded and the missing datasets."""
    from trajectoires.foresight.events.files import human_size
    from trajectoires.indicators.store import list_datasets

    with session.begin():
        loaded = [{**row, "imported": _paris_minute(row["imported_at"])}
                  for row in list_datasets(session).to_dict("records")]
    kinds_loaded = {row["kind"] for row in loaded}
    missing = [DATASETS[kind] for kind in KINDS if kind not in kinds_loaded]
    settings = request.app.state.settings
    context = {"kinds": [DATASETS[kind] for kind in KINDS], "loaded": loaded,
               "missing": missing, "max_size": human_size(settings.data_import_max_bytes),
               "values": {}, **context}
    return request.app.state.templates.TemplateResponse(request, PAGE, context,
                                                        status_code=status)


def _paris_minute(moment: datetime) -> str:
    """Write a stored time (UTC; naive from SQLite) as read in Europe/Paris.

    >>> _paris_minute(datetime(2026, 12, 2, 16, 5))
    '02/12/2026 17:05'
    """
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return paris_time(aware, "%d/%m/%Y %H:%M")


def _admin_or_refusal(request: Request, session: DbSession, me: int | None) -> Response | None:
    """Return the answer for whoever may not import (login, or 403), else None."""
    if me is None:
        return login_redirect(PATH)
    if not accounts.is_admin(session, me):
        return request.app.state.templates.TemplateResponse(
            request, PAGE, {"not_admin": True}, status_code=403)
    return None


@router.get(PATH)
def import_form(request: Request, session: DbSession, me: FacilitatorId) -> Response:
    """Show the import form and the datasets loaded (administrators only)."""
    return _admin_or_refusal(request, session, me) or _page(request, session)


@router.post(PATH, dependencies=[Depends(require_csrf)])
def import_upload(request: Request, session: DbSession, me: FacilitatorId, *,
                  file: Annotated[UploadFile | None, File()] = None,
                  kind: Annotated[str, FIELD] = "", name: Annotated[str, FIELD] = "",
                  vintage: Annotated[str, FIELD] = "") -> Response:
    """Validate the whole file, then replace its dataset; show the report or the refusal."""
    refused = _admin_or_refusal(request, session, me)
    if refused is not None:
        return refused
    values = {"kind": kind.strip(), "name": name.strip(), "vintage": vintage.strip()}
    field = _wrong_field(values)
    if field is not None:
        return _page(request, session, 422, values=values, error={"field": field[0],
                                                                   "code": field[1]})
    try:
        outcome = _import(request, file, **values)
    except UploadRefusedError as refusal:
        error = {"field": "file", "code": refusal.code, **refusal.params}
        return _page(request, session, 413 if refusal.code == "too_large" else 422,
                     values=values, error=error)
    except SourceError as exc:
        return _page(request, session, 503, values=values,
                     error={"field": None, "code": "reference", "detail": str(exc)})
    if isinstance(outcome, ImportReport):
        if not outcome.unchanged:
            refresh_after_import(request.app)
        return _page(request, session, values={"kind": values["kind"]}, report=outcome)
    error, guesses = outcome
    if guesses:  # the form comes back with the kind the file follows
        values["kind"] = guesses[0]
    return _page(request, session, 422, values=values, guesses=[DATASETS[k] for k in guesses],
                 error={"field": "file", "code": "format", "detail": str(error),
                        "line": error.line, "column": error.column})


def _wrong_field(values: dict[str, str]) -> tuple[str, str] | None:
    """Return the first field typed wrong and its message code, or None."""
    if values["kind"] not in KINDS:
        return "kind", "unknown_kind"
    if len(values["name"]) > NAME_LENGTH:
        return "name", "name_too_long"
    if len(values["vintage"]) > VINTAGE_LENGTH:
        return "vintage", "vintage_too_long"
    return None


def _import(request: Request, file: UploadFile | None, *, kind: str, name: str,
            vintage: str) -> ImportReport | tuple[FormatError, list[str]]:
    """Receive the file, import it in one transaction; the report, or the refusal and guesses.

    Raises :class:`UploadRefusedError` (no file, empty, too large) and
    :class:`~trajectoires.territory.SourceError` (no reference of places).
    """
    from trajectoires.indicators.folding import CommuneMatcher
    from trajectoires.indicators.formats import guess_kinds
    from trajectoires.indicators.store import import_file
    from trajectoires.web.territory.deps import reference_for_app

    state = request.app.state
    if file is None or not file.filename:
        raise UploadRefusedError("missing")
    reference = reference_for_app(request.app)
    state.settings.workspace.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".import-", dir=state.settings.workspace) as folder:
        path = receive(file.file, file.filename, folder, state.settings.data_import_max_bytes)
        try:
            with state.db.session() as session:
                return import_file(session, kind, path, reference, name=name or None,
                                   vintage=vintage or None)
        except FormatError as error:
            return error, guess_kinds(path, CommuneMatcher(reference), exclude=kind)
