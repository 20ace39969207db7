"""Signed-in sessions of the web front end: sign-in, idle timeout, sign-out and CSRF tokens.

A session holds a bearer token issued for it at sign-in, so every call the web makes on the
user's behalf goes through the services' own role checks, audit and handling-code rules. The
token is revoked when the session ends (sign-out, idle timeout) and expires with its maximum age.
"""

import hashlib
import hmac
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from common.auth import SESSION_KIND, InvalidCredentials
from services.web.ports import Credentials, Session, SessionPolicy, SessionStore

SESSION_ID_BYTES = 32
CSRF_BYTES = 32


class MemorySessionStore:
    """Sessions in this process's memory: a restart signs everyone out (and the web revokes the
    session tokens of the previous process when it starts)."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Session | None:
        """The session under key, if any."""
        with self._lock:
            return self._sessions.get(key)

    def put(self, session: Session) -> None:
        """Keep (or replace) a session."""
        with self._lock:
            self._sessions[session.key] = session

    def pop(self, key: str) -> Session | None:
        """Remove and return a session."""
        with self._lock:
            return self._sessions.pop(key, None)

    def __iter__(self) -> Iterator[Session]:
        with self._lock:
            return iter(list(self._sessions.values()))


@dataclass(slots=True)
class SignInThrottle:
    """Wrong passwords per client address, so that guessing is slow from anywhere while no
    one can lock an officer out by typing their name wrongly on purpose."""

    failures: dict[str, tuple[int, datetime]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, client: str, *, now: datetime, policy: SessionPolicy) -> timedelta:
        """How long this client must still wait before it may try again (zero: now)."""
        with self.lock:
            count, last = self.failures.get(client, (0, now))
            if now - last >= policy.forget_after:
                self.failures.pop(client, None)
                return timedelta(0)
            if count < policy.free_failures:
                return timedelta(0)
            doublings = count - policy.free_failures
            delay: timedelta = min(policy.first_delay * (2**doublings), policy.max_delay)
            return max(last + delay - now, timedelta(0))

    def failed(self, client: str, *, now: datetime) -> None:
        """Count one wrong password from the client."""
        with self.lock:
            count, _ = self.failures.get(client, (0, now))
            self.failures[client] = (count + 1, now)

    def succeeded(self, client: str) -> None:
        """Forget the failures of a client that signed in."""
        with self.lock:
            self.failures.pop(client, None)


class SignInRefused(Exception):
    """Wrong user name or password."""


class SignInDelayed(SignInRefused):
    """Too many wrong passwords from this client address: try again after `retry_after`."""

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__("too many wrong passwords from here; try again later")
        self.retry_after = retry_after


def session_key(session_id: str) -> str:
    """What a session is stored under: a hash of the cookie's id."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def sign_in(
    *,
    user: str,
    password: str,
    credentials: Credentials,
    sessions: SessionStore,
    throttle: SignInThrottle,
    policy: SessionPolicy,
    now: datetime,
    client: str,
    previous_id: str | None = None,
) -> tuple[str, Session]:
    """Check the password (unless `client`, the caller's address, must wait after wrong ones),
    issue a session token and start a session; return the new session id (for the cookie) and
    the session. A session the browser already had is ended first, so
    an id planted before sign-in is worth nothing after it."""
    if previous_id:
        sign_out(session_id=previous_id, sessions=sessions, credentials=credentials)
    wait = throttle.wait(client, now=now, policy=policy)
    if wait > timedelta(0):  # refused before the password costs an argon2 hash
        raise SignInDelayed(wait)
    try:
        principal = credentials.check_password(user=user, password=password)
    except InvalidCredentials as error:
        throttle.failed(client, now=now)
        raise SignInRefused("wrong user name or password") from error
    throttle.succeeded(client)
    token = credentials.issue(
        user=principal.user,
        agency=principal.agency,
        role=principal.role,
        ttl=policy.max_age,
        kind=SESSION_KIND,
    )
    session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
    session = Session(
        key=session_key(session_id),
        principal=principal,
        token=token,
        csrf_token=secrets.token_urlsafe(CSRF_BYTES),
        created_at=now,
        last_seen=now,
    )
    sessions.put(session)
    return session_id, session


def resume(
    *,
    session_id: str | None,
    sessions: SessionStore,
    credentials: Credentials,
    policy: SessionPolicy,
    now: datetime,
    touch: bool = True,
) -> Session | None:
    """The live session behind a cookie, its idle clock restarted when `touch`; an ended one
    is removed and its token revoked, and None is returned."""
    if not session_id:
        return None
    session = sessions.get(session_key(session_id))
    if session is None:
        return None
    if session.ended(now, policy):
        _end(session, sessions=sessions, credentials=credentials)
        return None
    if touch:
        session = replace(session, last_seen=now)
        sessions.put(session)
    return session


def sign_out(*, session_id: str, sessions: SessionStore, credentials: Credentials) -> bool:
    """End a session and revoke its token; False when there was none."""
    session = sessions.get(session_key(session_id))
    if session is None:
        return False
    _end(session, sessions=sessions, credentials=credentials)
    return True


def end_idle_sessions(
    *, sessions: SessionStore, credentials: Credentials, policy: SessionPolicy, now: datetime
) -> int:
    """End every session past its idle timeout or maximum age; how many ended."""
    ended = [s for s in sessions if s.ended(now, policy)]
    for session in ended:
        _end(session, sessions=sessions, credentials=credentials)
    return len(ended)


def csrf_valid(session: Session, presented: str | None) -> bool:
    """Whether a state-changing request carries the session's CSRF token."""
    return presented is not None and hmac.compare_digest(
        presented.encode(), session.csrf_token.encode()
    )


def _end(session: Session, *, sessions: SessionStore, credentials: Credentials) -> None:
    if sessions.pop(session.key) is not None:
        credentials.revoke(session.token)
