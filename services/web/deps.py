"""FastAPI dependencies of the web: settings, the process's stores and clients, the session."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from starlette.types import Scope

from common.auth import TokenStore
from services.web.config import Settings, get_settings
from services.web.ports import ProfileStore, Session, SessionPolicy, SessionStore
from services.web.sessions import SignInThrottle, csrf_valid, resume, session_key
from services.web.upstream import Upstream

COOKIE = "tessera_session"
SIGN_IN_PATH = "/api/session"
CSRF_HEADER = "X-CSRF-Token"
# Browsers say where a request came from; anything but this site itself (or a typed address)
# is refused before a state-changing call, whatever its cookie.
SAME_SITE_FETCHES = frozenset({"same-origin", "none"})

SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_policy(settings: SettingsDep) -> SessionPolicy:
    """Session lengths and the sign-in delays, from the settings."""
    return SessionPolicy(
        idle=timedelta(minutes=settings.web_session_idle_minutes),
        max_age=timedelta(hours=settings.web_session_max_hours),
        free_failures=settings.web_sign_in_free_failures,
        first_delay=timedelta(seconds=settings.web_sign_in_first_delay_s),
        max_delay=timedelta(minutes=settings.web_sign_in_max_delay_minutes),
    )


def get_sessions(request: Request) -> SessionStore:
    """The process's sessions."""
    sessions: SessionStore = request.app.state.sessions
    return sessions


def get_credentials(request: Request) -> TokenStore:
    """The user and token store, shared with the services through its file."""
    store: TokenStore = request.app.state.token_store
    return store


def get_throttle(request: Request) -> SignInThrottle:
    """Wrong passwords counted per user name."""
    throttle: SignInThrottle = request.app.state.throttle
    return throttle


def get_upstream(request: Request) -> Upstream:
    """The process's client of the three service APIs."""
    upstream: Upstream = request.app.state.upstream
    return upstream


def get_profiles(request: Request) -> ProfileStore:
    """The children's profiles the homes keep."""
    profiles: ProfileStore = request.app.state.profiles
    return profiles


PolicyDep = Annotated[SessionPolicy, Depends(get_policy)]
SessionsDep = Annotated[SessionStore, Depends(get_sessions)]
CredentialsDep = Annotated[TokenStore, Depends(get_credentials)]
ThrottleDep = Annotated[SignInThrottle, Depends(get_throttle)]
UpstreamDep = Annotated[Upstream, Depends(get_upstream)]
ProfilesDep = Annotated[ProfileStore, Depends(get_profiles)]


def _unauthenticated() -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in first (or again: it timed out)")


def current_session(
    request: Request, sessions: SessionsDep, credentials: CredentialsDep, policy: PolicyDep
) -> Session:
    """The signed-in session, its idle clock restarted; 401 when there is none."""
    session = resume(
        session_id=request.cookies.get(COOKIE),
        sessions=sessions,
        credentials=credentials,
        policy=policy,
        now=datetime.now(UTC),
    )
    if session is None:
        raise _unauthenticated()
    return session


def watching_session(
    request: Request, sessions: SessionsDep, credentials: CredentialsDep, policy: PolicyDep
) -> Session:
    """The signed-in session, without restarting its idle clock (a live stream is not the user
    doing anything); 401 when there is none."""
    session = resume(
        session_id=request.cookies.get(COOKIE),
        sessions=sessions,
        credentials=credentials,
        policy=policy,
        now=datetime.now(UTC),
        touch=False,
    )
    if session is None:
        raise _unauthenticated()
    return session


def same_site(request: Request) -> None:
    """Refuse a request another site's page made (Origin and Sec-Fetch-Site), or 403."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in SAME_SITE_FETCHES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-site request refused")
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-origin request refused")


def changing_session(
    request: Request,
    session: Annotated[Session, Depends(current_session)],
    csrf_token: Annotated[str | None, Header(alias=CSRF_HEADER)] = None,
) -> Session:
    """The session of a state-changing request, which must carry its CSRF token; else 403."""
    same_site(request)
    if not csrf_valid(session, csrf_token):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"missing or wrong {CSRF_HEADER}; reload the page"
        )
    return session


SessionDep = Annotated[Session, Depends(current_session)]
WatchingDep = Annotated[Session, Depends(watching_session)]
ChangingDep = Annotated[Session, Depends(changing_session)]


async def signed_in_or_signing_in(scope: Scope) -> bool:
    """Whether a request may send a body: a sign-in, or a request with a live session's cookie
    (checked before the body is read; the route checks the session fully again)."""
    if scope["path"] == SIGN_IN_PATH:
        return True
    session_id = Request(scope).cookies.get(COOKIE)
    if not session_id:
        return False
    sessions: SessionStore = scope["app"].state.sessions
    return sessions.get(session_key(session_id)) is not None
