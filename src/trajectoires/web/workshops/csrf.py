"""CSRF check for ``fetch`` calls: the session's token in the ``X-CSRF-Token`` header.

Pages put the token in ``<meta name="csrf-token">``; ``static/workshop.js`` sends it
back with every JSON POST. Forms keep using :func:`trajectoires.web.security.require_csrf`.
"""

from __future__ import annotations

import hmac

from fastapi import Header, HTTPException, Request

__all__ = ["require_csrf_header"]


async def require_csrf_header(
    request: Request, x_csrf_token: str = Header("", include_in_schema=False)
) -> None:
    """FastAPI dependency: refuse a request whose ``X-CSRF-Token`` is not the session's."""
    expected = request.session.get("csrf", "")
    if not expected or not hmac.compare_digest(expected, x_csrf_token):
        raise HTTPException(status_code=403, detail="Jeton de sécurité invalide ou absent.")
