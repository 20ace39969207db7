"""HTTP adapter of the web: sign-in and sessions, children's profiles, and calls forwarded to
the service APIs with the session's token (so their role checks, audit and handling codes
apply unchanged)."""

import json
import logging
import math
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import uuid4

import httpx
from fastapi import APIRouter, Header, HTTPException, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from starlette.convertors import Convertor, register_url_convertor

from common.adapters.audit.http import AUDIT_UNAVAILABLE, AuditDep
from schemas.text import at_most
from services.web import profiles as profile_cases
from services.web.deps import (
    COOKIE,
    ChangingDep,
    CredentialsDep,
    PolicyDep,
    ProfilesDep,
    SessionDep,
    SessionsDep,
    SettingsDep,
    ThrottleDep,
    UpstreamDep,
    WatchingDep,
    same_site,
)
from services.web.ports import ChildProfile, Session, SessionPolicy, StoredProfile
from services.web.sessions import SignInDelayed, SignInRefused, resume, sign_in, sign_out
from services.web.upstream import Service, UnsafePath, relay, v1_path

log = logging.getLogger(__name__)

MAX_FORWARDED_BODY = 1_000_000
MAX_REPORTS = 10  # a form sends one report, or two (collected by a car, then missing)
PASSED_RESPONSE_HEADERS = ("retry-after", "content-disposition")

router = APIRouter(
    prefix="/api",
    responses={
        401: {
            "description": "Not signed in, or the session ended (signed out or timed out): sign in "
            "again. (Signing in: a wrong user name or password.)"
        }
    },
)
# What the answers below may also be, beside the declared success and 422.
Responses = dict[int | str, dict[str, Any]]
UNPARSABLE: Responses = {
    400: {"description": "The body could not be parsed as JSON text (for example, not UTF-8)."}
}
CHANGE: Responses = {
    403: {
        "description": "The request came from another site, or without the session's "
        "X-CSRF-Token: nothing changed."
    }
}
TOO_LARGE: Responses = {
    413: {"description": "The body is larger than the web takes (WEB_MAX_BODY_BYTES)."}
}
WITH_BODY: Responses = UNPARSABLE | CHANGE | TOO_LARGE
SERVICE_DOWN: Responses = {
    503: {"description": "The service did not answer; retry after Retry-After."}
}
PASSED_ON: Responses = {
    200: {
        "description": "The service's own answer, passed on with its status, Content-Type, "
        "Retry-After and Content-Disposition (see the service's /docs).",
        "content": {"application/json": {}, "text/csv": {}, "application/xml": {}},
    },
    "default": {"description": "The service's own answer (any status it gives), passed on."},
    404: {
        "description": "The path is not one of the service's /v1 API (or the service has no such "
        "resource)."
    },
    **SERVICE_DOWN,
}


class SignIn(BaseModel):
    """A user name and password."""

    model_config = ConfigDict(extra="forbid")

    user: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), at_most(200)
    ]
    password: Annotated[str, Field(min_length=1, max_length=1000)]


class SessionInfo(BaseModel):
    """Who is signed in, the CSRF token to send with every change, and when the session ends."""

    user: str
    agency: str
    role: str
    csrf_token: str
    idle_timeout_s: int
    expires_at: datetime


def _info(session: Session, policy: SessionPolicy) -> SessionInfo:
    return SessionInfo(
        user=session.principal.user,
        agency=session.principal.agency,
        role=session.principal.role.value,
        csrf_token=session.csrf_token,
        idle_timeout_s=int(policy.idle.total_seconds()),
        expires_at=session.expires_at(policy),
    )


@router.get("/session", response_model=SessionInfo)
def who_am_i(session: SessionDep, policy: PolicyDep) -> SessionInfo:
    """The signed-in user and the session's CSRF token; 401 when signed out or timed out."""
    return _info(session, policy)


@router.get("/session/status", response_model=SessionInfo)
def session_status(session: WatchingDep, policy: PolicyDep) -> SessionInfo:
    """Whether the session still lasts, without restarting its idle clock (the page asks this
    when it thinks the session has timed out; asking must not keep it alive)."""
    return _info(session, policy)


@router.post(
    "/session",
    response_model=SessionInfo,
    responses={
        **UNPARSABLE,
        **TOO_LARGE,
        403: {"description": "The request came from another site."},
        429: {
            "description": "Too many wrong passwords from this address: try again after "
            "Retry-After seconds (no user name is ever locked)."
        },
    },
)
def start_session(
    body: SignIn,
    request: Request,
    response: Response,
    sessions: SessionsDep,
    credentials: CredentialsDep,
    throttle: ThrottleDep,
    policy: PolicyDep,
    settings: SettingsDep,
) -> SessionInfo:
    """Sign in with a user name and password: sets the session cookie (HttpOnly, SameSite)."""
    same_site(request)
    try:
        session_id, session = sign_in(
            user=body.user,
            password=body.password,
            credentials=credentials,
            sessions=sessions,
            throttle=throttle,
            policy=policy,
            now=datetime.now(UTC),
            client=request.client.host if request.client else "unknown",
            previous_id=request.cookies.get(COOKIE),
        )
    except SignInDelayed as error:
        # No user name in these lines: people type their password into the name field too.
        log.warning("sign-in delayed after repeated wrong passwords from one client")
        retry_after = str(max(1, math.ceil(error.retry_after.total_seconds())))
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, str(error), headers={"Retry-After": retry_after}
        ) from error
    except SignInRefused as error:
        log.info("sign-in refused")
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(error)) from error
    secure = settings.web_cookie_secure
    response.set_cookie(
        COOKIE,
        session_id,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https" if secure is None else secure,
        path="/",
        max_age=int(policy.max_age.total_seconds()),
    )
    log.info("signed in user=%s role=%s", session.principal.user, session.principal.role.value)
    return _info(session, policy)


@router.delete("/session", status_code=status.HTTP_204_NO_CONTENT, responses=CHANGE)
def end_session(
    session: ChangingDep,  # noqa: ARG001 - only a signed-in page may sign out (CSRF)
    request: Request,
    response: Response,
    sessions: SessionsDep,
    credentials: CredentialsDep,
) -> None:
    """Sign out: the session ends and its token is revoked in every service."""
    sign_out(session_id=request.cookies.get(COOKIE, ""), sessions=sessions, credentials=credentials)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")


def _sendable(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reports that can be sent on as JSON text (ingest checks the rest): a lone surrogate or
    an infinite number made the call to ingest fail, and the page got a 500."""
    try:
        json.dumps(reports, ensure_ascii=False, allow_nan=False).encode()
    except ValueError as error:  # UnicodeEncodeError is one
        raise ValueError(
            "the reports hold what JSON text cannot (a lone surrogate or an infinite number)"
        ) from error
    return reports


class ReportsCreate(BaseModel):
    """The reports a form sends, and the child's profile when they are about a profiled child."""

    model_config = ConfigDict(extra="forbid")

    reports: Annotated[
        list[dict[str, Any]],
        Field(min_length=1, max_length=MAX_REPORTS),
        AfterValidator(_sendable),
    ]
    profile_id: Annotated[str | None, Field(max_length=100)] = None


def _unavailable(service: Service) -> HTTPException:
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        f"the {service.value} service is not answering; try again shortly",
        headers={"Retry-After": "5"},
    )


def _passed(upstream: httpx.Response) -> Response:
    headers = {k: v for k, v in upstream.headers.items() if k.lower() in PASSED_RESPONSE_HEADERS}
    return Response(
        upstream.content,
        status_code=upstream.status_code,
        media_type=upstream.headers.get("content-type"),
        headers=headers,
    )


@router.post(
    "/reports",
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        **WITH_BODY,
        **SERVICE_DOWN,
        "default": {
            "description": "Ingest's own answer, passed on (403: your role may not submit; 409: "
            "the Idempotency-Key was used for other reports; 422: a report is invalid)."
        },
        404: {"description": "No profile with this profile_id that your home keeps."},
    },
)
async def submit_reports(
    body: ReportsCreate,
    session: ChangingDep,
    upstream: UpstreamDep,
    profiles: ProfilesDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> Response:
    """Send a form's reports to ingest as one batch; a missing report about a profiled child
    shares the profile with police, a found report stops sharing it."""
    stored: StoredProfile | None = None
    if body.profile_id:
        try:
            stored = profile_cases.own_profile(
                profile_id=body.profile_id, principal=session.principal, store=profiles
            )
        except (profile_cases.ProfileNotFound, profile_cases.ProfileForbidden) as error:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such profile") from error
    try:
        answer = await upstream.call(
            Service.INGEST,
            "POST",
            "reports:batch",
            token=session.token,
            json={"reports": body.reports},
            headers={"Idempotency-Key": idempotency_key} if idempotency_key else None,
        )
    except httpx.HTTPError as error:
        raise _unavailable(Service.INGEST) from error
    if answer.status_code == status.HTTP_202_ACCEPTED and stored is not None:
        profile_cases.record_reported(
            stored=stored,
            reports=body.reports,
            report_ids=[str(i) for i in answer.json()["report_ids"]],
            store=profiles,
            now=datetime.now(UTC),
        )
    return _passed(answer)


class ProfileSummary(BaseModel):
    """A profile in a list."""

    id: str
    name: str
    date_of_birth: str | None
    has_photo: bool
    updated_at: datetime
    updated_by: str
    shared_since: datetime | None


class ProfileOut(BaseModel):
    """A whole profile, with whether police may read it now."""

    id: str
    agency: str
    profile: dict[str, Any] = Field(
        description="The ChildProfile as the home keeps it, ready to send back when updated."
    )
    updated_at: datetime
    updated_by: str
    shared_since: datetime | None
    shared_report_id: str | None


def _out(stored: StoredProfile) -> ProfileOut:
    return ProfileOut(
        id=stored.id,
        agency=stored.agency,
        # without computed fields (postcode_partial), so the page can send it back unchanged
        profile=stored.profile.model_dump(mode="json", exclude_computed_fields=True),
        updated_at=stored.updated_at,
        updated_by=stored.updated_by,
        shared_since=stored.shared_since,
        shared_report_id=stored.shared_report_id,
    )


def _profile_errors(error: Exception) -> HTTPException:
    if isinstance(error, profile_cases.ProfileForbidden):
        return HTTPException(status.HTTP_403_FORBIDDEN, str(error))
    if isinstance(error, profile_cases.PurposeRequired):
        # shaped as FastAPI's own 422, so the page names the field
        missing = {"loc": ["query", "purpose"], "msg": str(error), "type": "missing"}
        return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [missing])
    return HTTPException(status.HTTP_404_NOT_FOUND, "no such profile that you may see")


ProfilePurpose = Annotated[
    str | None,
    Query(
        min_length=5,
        max_length=500,
        description="Police: why you are reading children's profiles (required of police, and "
        "recorded in the audit with your user and the profiles you saw).",
    ),
]
PROFILE_READ_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"description": "Police gave no purpose (or the query is invalid)."},
    **AUDIT_UNAVAILABLE,
}


@router.get(
    "/profiles",
    response_model=list[ProfileSummary],
    responses={**PROFILE_READ_RESPONSES, 403: {"description": "Your role keeps no profiles."}},
)
def list_profiles(
    session: SessionDep, profiles: ProfilesDep, audit: AuditDep, purpose: ProfilePurpose = None
) -> list[ProfileSummary]:
    """Staff: their home's children's profiles. Police: those shared while a child is missing,
    for a stated purpose, audited (`profiles.list`) with every profile listed."""
    try:
        found = profile_cases.list_profiles(
            principal=session.principal, store=profiles, audit=audit, purpose=purpose
        )
    except (profile_cases.ProfileForbidden, profile_cases.PurposeRequired) as error:
        raise _profile_errors(error) from error
    return [
        ProfileSummary(
            id=p.id,
            name=p.profile.name,
            date_of_birth=p.profile.date_of_birth.isoformat() if p.profile.date_of_birth else None,
            has_photo=p.profile.photo is not None,
            updated_at=p.updated_at,
            updated_by=p.updated_by,
            shared_since=p.shared_since,
        )
        for p in found
    ]


@router.get(
    "/profiles/{profile_id}",
    response_model=ProfileOut,
    responses={
        **PROFILE_READ_RESPONSES,
        403: {"description": "Your role keeps no profiles."},
        404: {"description": "No profile with this id that you may see."},
    },
)
def read_profile(
    profile_id: str,
    session: SessionDep,
    profiles: ProfilesDep,
    audit: AuditDep,
    purpose: ProfilePurpose = None,
) -> ProfileOut:
    """One profile; police read a shared one for a stated purpose, audited (`profile.read`)."""
    try:
        return _out(
            profile_cases.read_profile(
                profile_id=profile_id,
                principal=session.principal,
                store=profiles,
                audit=audit,
                purpose=purpose,
            )
        )
    except (
        profile_cases.ProfileNotFound,
        profile_cases.ProfileForbidden,
        profile_cases.PurposeRequired,
    ) as error:
        raise _profile_errors(error) from error


@router.post(
    "/profiles",
    response_model=ProfileOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        **WITH_BODY,
        403: {"description": "Only a home's staff keep profiles; or CSRF, as for every change."},
    },
)
def create_profile(body: ChildProfile, session: ChangingDep, profiles: ProfilesDep) -> ProfileOut:
    """A new child's profile, kept by the caller's home."""
    return _save(None, body, session, profiles)


@router.put(
    "/profiles/{profile_id}",
    response_model=ProfileOut,
    responses={
        **WITH_BODY,
        403: {"description": "Only a home's staff keep profiles; or CSRF, as for every change."},
        404: {"description": "No profile with this id that your home keeps."},
    },
)
def update_profile(
    profile_id: str, body: ChildProfile, session: ChangingDep, profiles: ProfilesDep
) -> ProfileOut:
    """Bring a profile of the caller's home up to date."""
    return _save(profile_id, body, session, profiles)


def _save(
    profile_id: str | None, body: ChildProfile, session: Session, profiles: ProfilesDep
) -> ProfileOut:
    try:
        stored = profile_cases.save_profile(
            profile_id=profile_id,
            profile=body,
            principal=session.principal,
            store=profiles,
            now=datetime.now(UTC),
            new_id=lambda: str(uuid4()),
        )
    except (profile_cases.ProfileNotFound, profile_cases.ProfileForbidden) as error:
        raise _profile_errors(error) from error
    return _out(stored)


@router.get("/alerts/stream")
async def alert_stream(
    request: Request,
    session: WatchingDep,
    upstream: UpstreamDep,
    sessions: SessionsDep,
    credentials: CredentialsDep,
    policy: PolicyDep,
) -> Response:
    """The alert service's live stream, relayed while the session lasts (EventSource sends
    Last-Event-ID when it reconnects, and that is passed on)."""
    session_id = request.cookies.get(COOKIE)
    try:
        answer = await upstream.open_stream(
            Service.ALERTS,
            "alerts/stream",
            token=session.token,
            params=httpx.QueryParams(request.url.query),
            headers=request.headers,
        )
    except httpx.HTTPError as error:
        raise _unavailable(Service.ALERTS) from error
    if answer.status_code != status.HTTP_200_OK:
        await answer.aread()
        await answer.aclose()
        return _passed(answer)

    def still_signed_in() -> bool:
        return (
            resume(
                session_id=session_id,
                sessions=sessions,
                credentials=credentials,
                policy=policy,
                now=datetime.now(UTC),
                touch=False,
            )
            is not None
        )

    async def events() -> Any:
        try:
            async for chunk in relay(answer):
                if not still_signed_in():
                    break  # the session ended: so does its stream
                yield chunk
        except httpx.HTTPError:
            log.info("the alert stream closed upstream")
        finally:
            await answer.aclose()

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


class ServiceConvertor(Convertor[Service]):
    """Matches only the three services' names, so a path such as /api/session/status is never
    taken for a forwarded call (a POST there is a 405, not a 422 about `service`)."""

    regex = "|".join(service.value for service in Service)

    def convert(self, value: str) -> Service:
        """The service a path segment names."""
        return Service(value)

    def to_string(self, value: Service) -> str:
        """The path segment of a service."""
        return value.value


register_url_convertor("service", ServiceConvertor())


def _path(path: str) -> str:
    try:
        v1_path(path)  # checked here for a clear 404; the client checks again before it sends
    except UnsafePath as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such path") from error
    return path


@router.get("/{service:service}/{path:path}", responses=PASSED_ON)
async def read_through(
    service: Service, path: str, request: Request, session: SessionDep, upstream: UpstreamDep
) -> Response:
    """A read of a service's /v1 API as the signed-in user (e.g. /api/network/persons?...)."""
    try:
        answer = await upstream.call(
            service,
            "GET",
            _path(path),
            token=session.token,
            params=httpx.QueryParams(request.url.query),
        )
    except httpx.HTTPError as error:
        raise _unavailable(service) from error
    return _passed(answer)


@router.post("/{service:service}/{path:path}", responses={**PASSED_ON, **CHANGE, **TOO_LARGE})
async def change_through(
    service: Service, path: str, request: Request, session: ChangingDep, upstream: UpstreamDep
) -> Response:
    """A change through a service's /v1 API as the signed-in user (e.g. acknowledging an alert),
    with the session's CSRF token."""
    body = await request.body()
    if len(body) > MAX_FORWARDED_BODY:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "the body is too large")
    try:
        answer = await upstream.call(
            service,
            "POST",
            _path(path),
            token=session.token,
            params=httpx.QueryParams(request.url.query),
            content=body,
            headers={
                "Content-Type": request.headers.get("content-type", "application/json"),
                **{k: v for k, v in request.headers.items() if k.lower() == "idempotency-key"},
            },
        )
    except httpx.HTTPError as error:
        raise _unavailable(service) from error
    return _passed(answer)
