"""The join links given to participants, and their QR codes.

Which address goes into a join link, in this order:

1. the ``public_url`` setting, when set (the Host header is then never used);
2. the local-network addresses ``trajectoires serve --host 0.0.0.0`` found
   (``app.state.lan_urls``), the one the facilitator used first if it is one of them;
3. otherwise the address of the facilitator's request. When that address is a
   loopback one (``127.0.0.1``, ``localhost``), phones cannot reach it: the link is
   flagged (``problem="loopback"``) and the page explains what to run instead.

Examples
--------
>>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("192.168.1.20")
(True, True, False)
>>> svg = qr_svg("http://192.168.1.20:8000/rejoindre/K7MQ2X", "Code QR")
>>> svg.startswith('<svg role="img" aria-label="Code QR"'), "style=" in svg
(True, False)

"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup, escape

from trajectoires.foresight.access import shown_join_code
from trajectoires.foresight.workshops import WorkshopView

__all__ = ["JoinLinks", "is_loopback", "join_first", "join_links", "join_path", "qr_svg"]

ALL_INTERFACES = ("0.0.0.0", "::", "")  # noqa: S104 (compared with, not bound to)


@dataclass(frozen=True)
class JoinLinks:
    """The links to give participants (the first one is projected with its QR code).

    ``problem`` is ``None`` when participants can use ``urls``; ``"loopback"`` when
    the only known address is this computer's own (127.0.0.1), ``"no_lan_address"``
    when the server listens on every interface but found no local-network address.
    """

    urls: tuple[str, ...]
    problem: str | None = None

    @property
    def main(self) -> str:
        """The link shown large and encoded in the QR code."""
        return self.urls[0]

    @property
    def others(self) -> tuple[str, ...]:
        """Other addresses of the same server (another network interface)."""
        return self.urls[1:]


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` designates this computer only (no other device reaches it)."""
    if not host:
        return False
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def join_path(code: str) -> str:
    """Path of the join form with ``code`` filled in."""
    return f"/rejoindre/{code}"


def join_first(workshop: WorkshopView, facilitator_id: int | None) -> RedirectResponse:
    """Send a visitor who must join before writing to the join form, or to the page.

    The join code goes into the address only if the visitor may see it
    (:func:`~trajectoires.foresight.access.shown_join_code`): never for a private
    or closed workshop.
    """
    code = shown_join_code(workshop, facilitator_id)
    target = join_path(code) if code else f"/ateliers/{workshop.slug}"
    return RedirectResponse(target, status_code=303)


def join_links(request: Request, code: str) -> JoinLinks:
    """Return the join links of the workshop whose join code is ``code``."""
    state = request.app.state
    path = join_path(code)
    public_url = state.settings.public_url
    if public_url:
        return JoinLinks((public_url + path,))
    lan_urls: list[str] | None = state.lan_urls
    current = str(request.base_url).rstrip("/")
    if lan_urls:
        ordered = sorted(lan_urls, key=lambda url: url != current)
        return JoinLinks(tuple(url + path for url in ordered))
    problem = None
    if lan_urls is not None and state.listen_host in ALL_INTERFACES:
        problem = "no_lan_address"
    elif is_loopback(request.base_url.hostname):
        problem = "loopback"
    return JoinLinks((current + path,), problem)


def qr_svg(url: str, label: str) -> Markup:
    """Return the QR code of ``url`` as inline SVG, labelled ``label`` for screen readers.

    The SVG has no ``style`` attribute (the Content-Security-Policy forbids inline
    styles), a white quiet zone of 4 modules, no fixed size (the stylesheet sizes it),
    and error correction level M (readable from a projected, slightly blurred image).
    """
    import segno  # per QR code, not at the app's import

    code = segno.make(url, error="m", boost_error=False)
    svg = code.svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr-code", lineclass="qr-modules",
        dark="#000", light="#fff", title=label,
    )
    attributes = f'<svg role="img" aria-label="{escape(label)}" focusable="false" '
    return Markup(svg.replace("<svg ", attributes, 1))  # noqa: S704 (segno escapes the title)
