"""HTML documents to PDF (WeasyPrint), for what people print and circulate.

A pure function: :func:`html_to_pdf` lays out an HTML page with its print
stylesheet (``@page``, A4 by default) and returns the PDF bytes. WeasyPrint is
imported on first use (it loads Pango through Debian's ``libpango-1.0-0`` and
``libpangoft2-1.0-0``, installed by ``make install``). Stylesheets given as paths
are read from disk; nothing is fetched from the network: links to other resources
are refused, so a document renders the same offline.

Examples
--------
>>> pdf = html_to_pdf("<html lang='fr'><body><h1>Compte rendu</h1></body></html>")
>>> pdf[:5]
b'%PDF-'

"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

__all__ = ["PdfError", "html_to_pdf"]

A4_CSS = "@page { size: A4; margin: 18mm 16mm 20mm; }"
"""The default page: A4 with margins; a document's own ``@page`` rules come after it."""


class PdfError(RuntimeError):
    """The PDF could not be made (WeasyPrint or its Pango libraries are missing)."""


def _no_fetch(url: str) -> dict:
    raise ValueError(f"resource not embedded in the document: {url[:80]}")


def html_to_pdf(html: str, stylesheets: Iterable[str | Path] = (), *, title: str = "") -> bytes:
    """Return the PDF of the HTML document ``html``, laid out on A4 pages.

    Parameters
    ----------
    html
        A whole HTML document; images as inline SVG or ``data:`` URLs.
    stylesheets
        Paths of CSS files applied after :data:`A4_CSS` (the print stylesheet).
    title
        The PDF's title (default: the document's ``<title>``).

    Raises
    ------
    PdfError
        WeasyPrint cannot be loaded (``make install`` installs it and Pango).

    """
    try:
        with warnings.catch_warnings():  # « HarfBuzz-Subset will be required » (a future version)
            warnings.simplefilter("ignore", DeprecationWarning)
            import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango's shared libraries missing
        raise PdfError(f"WeasyPrint n'est pas disponible ({error}) : lancez « make install ».")\
            from error
    sheets = [weasyprint.CSS(string=A4_CSS)]
    sheets += [weasyprint.CSS(filename=str(path)) for path in stylesheets]
    document = weasyprint.HTML(string=html, url_fetcher=_no_fetch, base_url=".").render(
        stylesheets=sheets)
    if title:
        document.metadata.title = title
    return document.write_pdf()
