"""Web sessions: sign-in issues a session token, idle and maximum age end it, sign-out revokes it,
wrong passwords lock a user name out, and CSRF tokens are compared exactly."""

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pytest

from common.auth import SESSION_KIND, InvalidCredentials, Principal, Role
from services.web.ports import SessionPolicy
from services.web.sessions import (
    MemorySessionStore,
    SignInDelayed,
    SignInRefused,
    SignInThrottle,
    csrf_valid,
    end_idle_sessions,
    resume,
    session_key,
    sign_in,
    sign_out,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
POLICY = SessionPolicy(
    idle=timedelta(minutes=30),
    max_age=timedelta(hours=12),
    free_failures=3,
    first_delay=timedelta(seconds=2),
    max_delay=timedelta(minutes=15),
)
KEY_WORKER = Principal(user="k.worker", agency="Synthetic Home A", role=Role.SUBMITTER)


@dataclass
class FakeCredentials:
    """One user with one password; remembers the tokens it issued and revoked."""

    password: str = "correct horse battery"  # noqa: S105 - synthetic
    issued: list[tuple[str, timedelta | None, str]] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)

    def check_password(self, *, user: str, password: str) -> Principal:
        if user != KEY_WORKER.user or password != self.password:
            raise InvalidCredentials("wrong user name or password")
        return KEY_WORKER

    def issue(
        self, *, user: str, agency: str, role: Role, ttl: timedelta | None = None, kind: str = "api"
    ) -> str:
        token = f"tsr_{len(self.issued)}.secret"
        self.issued.append((token, ttl, kind))
        return token

    def revoke(self, token: str) -> bool:
        self.revoked.append(token)
        return True


def _signed_in(
    credentials: FakeCredentials, sessions: MemorySessionStore, now: datetime = NOW
) -> str:
    session_id, _ = sign_in(
        user="k.worker",
        password=credentials.password,
        credentials=credentials,
        sessions=sessions,
        throttle=SignInThrottle(),
        policy=POLICY,
        now=now,
        client="127.0.0.1",
    )
    return session_id


def _resume(
    session_id: str, credentials: FakeCredentials, sessions: MemorySessionStore, at: datetime
) -> object:
    return resume(
        session_id=session_id, sessions=sessions, credentials=credentials, policy=POLICY, now=at
    )


def test_sign_in_issues_a_session_token_that_expires_with_the_session() -> None:
    credentials, sessions = FakeCredentials(), MemorySessionStore()
    session_id, session = sign_in(
        user="k.worker",
        password=credentials.password,
        credentials=credentials,
        sessions=sessions,
        throttle=SignInThrottle(),
        policy=POLICY,
        now=NOW,
        client="127.0.0.1",
    )
    assert session.principal == KEY_WORKER
    assert credentials.issued == [(session.token, POLICY.max_age, SESSION_KIND)]
    assert session.key == session_key(session_id) != session_id  # the id itself is not kept
    assert session.csrf_token and session.csrf_token != session_id


def test_a_wrong_password_is_refused_and_starts_nothing() -> None:
    credentials, sessions = FakeCredentials(), MemorySessionStore()
    with pytest.raises(SignInRefused):
        sign_in(
            user="k.worker",
            password="wrong",  # noqa: S106
            credentials=credentials,
            sessions=sessions,
            throttle=SignInThrottle(),
            policy=POLICY,
            now=NOW,
            client="127.0.0.1",
        )
    assert credentials.issued == []
    assert list(sessions) == []


def test_use_restarts_the_idle_clock() -> None:
    credentials, sessions = FakeCredentials(), MemorySessionStore()
    session_id = _signed_in(credentials, sessions)
    assert _resume(session_id, credentials, sessions, NOW + timedelta(minutes=29)) is not None
    assert _resume(session_id, credentials, sessions, NOW + timedelta(minutes=58)) is not None
    assert credentials.revoked == []


def test_an_idle_session_ends_and_its_token_is_revoked() -> None:
    credentials, sessions = FakeCredentials(), MemorySessionStore()
    session_id = _signed_in(credentials, sessions)
    assert _resume(session_id, credentials, sessions, NOW + timedelta(minutes=30)) is None
    assert credentials.revoked == [credentials.issued[0][0]]
    assert _resume(session_id, credentials, sessions, NOW + timedelta(minutes=31)) is None


def test_watching_without_touching_does_not_keep_a_session_alive() -> None:
    credentials, sessions = FakeCredentials(), MemorySessionStore()
    session_id = _signed_in(credentials, sessions)
    watched = resume(
        session_id=session_id,
        sessions=sessions,
        credentials=credentials,
        policy=POLICY,
        now=NOW + timedelta(minutes=20),
        touch=False,
    )
    assert watched is not None
    assert _resume(session_id, credentials, sessions, NOW + timedelta(minutes=31)) is None


def test_a_busy_session_still_ends_at_its_maximum_age() -> None:
    credentials, sessions = FakeCredentials(), MemorySessionStore()
    session_id = _signed_in(credentials, sessions)
    at = NOW
    while at < NOW + timedelta(hours=12) - timedelta(minutes=20):
        at += timedelta(minutes=20)
        assert _resume(session_id, credentials, sessions, at) is not None
    assert _resume(session_id, credentials, sessions, NOW + timedelta(hours=12)) is None


def test_sign_out_ends_the_session_and_revokes_its_token() -> None:
    credentials, sessions = FakeCredentials(), MemorySessionStore()
    session_id = _signed_in(credentials, sessions)
    assert sign_out(session_id=session_id, sessions=sessions, credentials=credentials) is True
    assert credentials.revoked == [credentials.issued[0][0]]
    assert _resume(session_id, credentials, sessions, NOW) is None
    assert sign_out(session_id=session_id, sessions=sessions, credentials=credentials) is False


def test_signing_in_again_ends_the_session_the_browser_had() -> None:
    credentials, sessions = FakeCredentials(), MemorySessionStore()
    planted = _signed_in(credentials, sessions)
    fresh, _ = sign_in(
        user="k.worker",
        password=credentials.password,
        credentials=credentials,
        sessions=sessions,
        throttle=SignInThrottle(),
        policy=POLICY,
        now=NOW,
        client="127.0.0.1",
        previous_id=planted,
    )
    assert fresh != planted
    assert _resume(planted, credentials, sessions, NOW) is None
    assert _resume(fresh, credentials, sessions, NOW) is not None


def test_the_sweeper_ends_only_idle_sessions() -> None:
    credentials, sessions = FakeCredentials(), MemorySessionStore()
    _signed_in(credentials, sessions, now=NOW)
    recent = _signed_in(credentials, sessions, now=NOW + timedelta(minutes=20))
    ended = end_idle_sessions(
        sessions=sessions,
        credentials=credentials,
        policy=POLICY,
        now=NOW + timedelta(minutes=35),
    )
    assert ended == 1
    assert credentials.revoked == [credentials.issued[0][0]]
    assert _resume(recent, credentials, sessions, NOW + timedelta(minutes=35)) is not None


def test_wrong_passwords_from_one_address_slow_it_down_more_each_time() -> None:
    credentials, sessions, throttle = FakeCredentials(), MemorySessionStore(), SignInThrottle()

    def attempt(password: str, at: datetime, client: str = "198.51.100.7") -> None:
        sign_in(
            user="k.worker",
            password=password,
            credentials=credentials,
            sessions=sessions,
            throttle=throttle,
            policy=POLICY,
            now=at,
            client=client,
        )

    at = NOW
    for _ in range(3):  # free
        with pytest.raises(SignInRefused) as refused:
            attempt("guess", at)
        assert not isinstance(refused.value, SignInDelayed)
    for delay in (2, 4, 8):
        with pytest.raises(SignInRefused):
            attempt("guess", at)  # the fourth, fifth, sixth wrong one are counted...
        with pytest.raises(SignInDelayed) as delayed:
            attempt(credentials.password, at + timedelta(seconds=delay - 1))  # ...and wait
        assert delayed.value.retry_after == timedelta(seconds=1)
        at += timedelta(seconds=delay)
    assert credentials.issued == []
    attempt(credentials.password, at + timedelta(seconds=16))  # waited: the right one works
    assert len(credentials.issued) == 1


def test_no_one_can_lock_an_officer_out_by_name() -> None:
    credentials, sessions, throttle = FakeCredentials(), MemorySessionStore(), SignInThrottle()
    for _ in range(20):
        with pytest.raises(SignInRefused):
            sign_in(
                user="k.worker",
                password="guess",  # noqa: S106 - a wrong guess
                credentials=credentials,
                sessions=sessions,
                throttle=throttle,
                policy=POLICY,
                now=NOW,
                client="203.0.113.9",
            )
    sign_in(
        user="k.worker",
        password=credentials.password,
        credentials=credentials,
        sessions=sessions,
        throttle=throttle,
        policy=POLICY,
        now=NOW,
        client="192.0.2.1",  # the officer, elsewhere
    )
    assert len(credentials.issued) == 1


@pytest.mark.parametrize(
    ("presented", "valid"),
    [(None, False), ("", False), ("x", False), ("right-token", True), ("right-token ", False)],
)
def test_csrf_tokens_must_match_exactly(presented: str | None, valid: bool) -> None:
    credentials, sessions = FakeCredentials(), MemorySessionStore()
    _, session = sign_in(
        user="k.worker",
        password=credentials.password,
        credentials=credentials,
        sessions=sessions,
        throttle=SignInThrottle(),
        policy=POLICY,
        now=NOW,
        client="127.0.0.1",
    )
    session = replace(session, csrf_token="right-token")  # noqa: S106
    assert csrf_valid(session, presented) is valid
