"""The web process: builds the FastAPI app serving the built pages and the /api backend, and
opens its user store, profile store and service client for its lifetime."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.adapters.audit.http import refuse_unaudited_reads
from common.adapters.audit.wiring import open_audit_trail
from common.adapters.body_limit import BodySizeLimit
from common.adapters.invalid_requests import refuse_invalid
from common.adapters.method_not_allowed import method_not_allowed
from common.auth import SESSION_KIND, TokenStore
from common.kafka_access import WEB
from common.logs import configure_logging
from common.settings import refuse_development_defaults
from services.web.api import router
from services.web.config import Settings, get_settings
from services.web.deps import get_policy, signed_in_or_signing_in
from services.web.profile_store import SqliteProfileStore
from services.web.sessions import MemorySessionStore, SignInThrottle, end_idle_sessions
from services.web.upstream import Service, Upstream

log = logging.getLogger(__name__)

# Everything the pages use is served from here: no CDN, no inline script, no tile server.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(self), geolocation=(), microphone=()"),
)


class SecurityHeaders:
    """Adds the security headers to every answer, and no-store to /api answers (which hold
    intelligence that must not stay in a shared computer's cache)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = str(scope.get("path", "")).startswith("/api/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                if api and not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app; stores and clients open at start-up, not at import."""
    settings = settings or get_settings()
    refuse_development_defaults(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service="web")
        token_store = TokenStore(Path(settings.tessera_auth_file))
        # Sessions live in this process's memory: the previous process's are gone, so are
        # their tokens.
        if revoked := token_store.revoke_kind(SESSION_KIND):
            log.info("revoked %d session tokens of a previous web process", revoked)
        app.state.token_store = token_store
        app.state.sessions = MemorySessionStore()
        app.state.throttle = SignInThrottle()
        app.state.profiles = SqliteProfileStore(Path(settings.web_profiles_file))
        # Police reads of children's profiles are audited by the web itself (the profiles
        # live here); everything else is audited by the service that answers it.
        app.state.audit_trail = open_audit_trail(settings, principal=WEB, service="web")
        app.state.upstream = Upstream(
            urls={
                Service.INGEST: settings.web_ingest_url,
                Service.NETWORK: settings.web_network_url,
                Service.ALERTS: settings.web_alerts_url,
            },
            timeout_s=settings.web_upstream_timeout_s,
        )
        sweeper = asyncio.create_task(_sweep(app, settings))
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            await app.state.upstream.aclose()
            app.state.profiles.close()
            app.state.audit_trail.close()

    app = FastAPI(
        title="Tessera web",
        version="0.1.0",
        description=(
            "The pages for homes, analysts and police, and the same-origin backend they call: "
            "sign-in with a session cookie, CSRF tokens, and the service APIs called with the "
            "session's own bearer token."
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.web_max_body_bytes, admits=signed_in_or_signing_in
    )
    app.add_middleware(SecurityHeaders)
    app.include_router(router)
    app.add_exception_handler(405, method_not_allowed)  # /api/session takes three methods
    app.add_exception_handler(RequestValidationError, refuse_invalid)
    app.dependency_overrides[get_settings] = lambda: settings
    refuse_unaudited_reads(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    static = Path(settings.web_static_dir)
    if (static / "index.html").exists():
        app.mount("/", StaticFiles(directory=static, html=True), name="pages")
    else:

        @app.get("/", include_in_schema=False)
        def not_built() -> PlainTextResponse:
            """The pages were not built."""
            return PlainTextResponse(
                f"The web pages are not built ({static}): run `make web`.", status_code=503
            )

    return app


async def _sweep(app: FastAPI, settings: Settings) -> None:
    """End idle sessions and revoke their tokens, every web_sweep_s."""
    policy = get_policy(settings)
    while True:
        await asyncio.sleep(settings.web_sweep_s)
        try:
            ended = await asyncio.to_thread(
                end_idle_sessions,
                sessions=app.state.sessions,
                credentials=app.state.token_store,
                policy=policy,
                now=datetime.now(UTC),
            )
        except Exception:  # the sweeper must outlive one bad pass
            log.exception("ending idle sessions failed")
            continue
        if ended:
            log.info("ended %d idle sessions", ended)
