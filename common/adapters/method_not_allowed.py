"""405 answers whose Allow header names every method the path takes.

Starlette answers 405 from the first route whose path matched and lists only that route's
methods, so a path with GET, POST and DELETE routes (the web's /api/session) said `Allow: GET`.
"""

from fastapi import Request, status
from fastapi.responses import JSONResponse
from starlette.routing import Match, Mount

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


async def method_not_allowed(request: Request, error: Exception) -> JSONResponse:  # noqa: ARG001
    """Register with `app.add_exception_handler(405, method_not_allowed)`."""
    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]  # pages: GET
    allowed = [
        method
        for method in METHODS
        if any(r.matches({**request.scope, "method": method})[0] is Match.FULL for r in routes)
    ]
    return JSONResponse(
        {"detail": "Method Not Allowed"},
        status_code=status.HTTP_405_METHOD_NOT_ALLOWED,
        headers={"Allow": ", ".join(allowed)},
    )
