"""The security headers every tab page and API answer carries (docs/tab.md, "Headers").

The tab is framed by Teams and Microsoft 365, and nowhere else: ``frame-ancestors``
names their hosts. Scripts and styles come from the app's own origin only, so
an inline ``<script>`` slipped into a title could not run even if the page
forgot to escape it.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

FRAME_ANCESTORS = (
    "'self'",
    "teams.microsoft.com",
    "*.teams.microsoft.com",
    "*.teams.microsoft.us",
    "local.teams.office.com",
    "*.office.com",
    "*.microsoft365.com",
    "*.cloud.microsoft",
    "outlook.office.com",
)

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors " + " ".join(FRAME_ANCESTORS),
    )
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Add :data:`SECURITY_HEADERS` to every answer, errors (404, 405…) included."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        error.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    return response
