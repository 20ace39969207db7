"""API tokens and passwords: issued or set once, stored only as argon2 hashes, verified into a
Principal. Every token expires (API tokens after 90 days unless given another lifetime) and any
may be revoked; a user given another agency or role loses the tokens of the old one."""

import hashlib
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from schemas.roles import Role

__all__ = [
    "API_TOKEN_TTL",
    "InvalidCredentials",
    "InvalidToken",
    "Principal",
    "Role",
    "TokenInfo",
    "TokenStore",
    "UnknownAgency",
    "UnknownUser",
]

TOKEN_PREFIX = "tsr_"  # noqa: S105 - a public prefix, not a secret
SESSION_KIND = "session"  # tokens the web issues for a signed-in session
MIN_PASSWORD_LENGTH = 12
API_TOKEN_TTL = timedelta(days=90)  # an API token's lifetime unless given another


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller: who, for which agency, in which role."""

    user: str
    agency: str
    role: Role


@dataclass(frozen=True, slots=True)
class _StoredToken:
    key_id: str
    token_hash: str
    user: str
    agency: str
    role: str
    created_at: str
    kind: str = "api"
    expires_at: str | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and datetime.fromisoformat(self.expires_at) <= now


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What may be shown of a token: never the token or its hash."""

    key_id: str
    user: str
    agency: str
    role: str
    kind: str
    created_at: str
    expires_at: str | None


@dataclass(frozen=True, slots=True)
class _StoredPassword:
    user: str
    agency: str
    role: str
    password_hash: str
    set_at: str


class InvalidToken(Exception):
    """The token is missing, malformed, unknown or wrong."""


class UnknownAgency(Exception):
    """Users belong to a registered agency; this one is not registered."""


class UnknownUser(Exception):
    """A password is set only for a user who holds a token (added with `tessera user add`)."""


class InvalidCredentials(Exception):
    """The user name or password is wrong (which of the two is never said)."""


class TokenStore:
    """A JSON file of hashed tokens; re-read when it changes on disk."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._hasher = PasswordHasher()
        self._lock = threading.Lock()
        self._mtime = -1.0
        self._tokens: dict[str, _StoredToken] = {}
        self._agencies: dict[str, str] = {}
        self._passwords: dict[str, _StoredPassword] = {}
        self._verified: dict[str, Principal] = {}
        # Checked against when the user is unknown, so a wrong name costs as long as a wrong
        # password and timing does not tell which names exist. Made on first need.
        self._dummy_hash: str | None = None

    def add_agency(self, name: str) -> bool:
        """Register a partner agency; False when it was already registered."""
        with self._lock:
            agencies, tokens, passwords = self._read()
            if name in agencies:
                return False
            agencies[name] = datetime.now(UTC).isoformat()
            self._write(agencies, tokens, passwords)
            return True

    def agencies(self) -> list[str]:
        """The registered agencies."""
        with self._lock:
            self._refresh()
            return sorted(self._agencies)

    def issue(
        self, *, user: str, agency: str, role: Role, ttl: timedelta | None = None, kind: str = "api"
    ) -> str:
        """Create a token for a user and return it; only its hash is kept. It expires after
        `ttl` (an API token after 90 days by default); `kind` tells API tokens from the web's
        session tokens. An API token for another agency or role than the user's tokens so far
        revokes those (sessions too), and the user's password signs in to the new one."""
        if ttl is None and kind != SESSION_KIND:
            ttl = API_TOKEN_TTL
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        stored = _StoredToken(
            key_id=key_id,
            token_hash=self._hasher.hash(secret),
            user=user,
            agency=agency,
            role=role.value,
            created_at=now.isoformat(),
            kind=kind,
            expires_at=(now + ttl).isoformat() if ttl is not None else None,
        )
        with self._lock:
            agencies, tokens, passwords = self._read()
            if agency not in agencies:
                raise UnknownAgency(
                    f"agency {agency!r} is not registered; add it first with "
                    f"`tessera agency add {agency!r}`"
                )
            tokens = {k: t for k, t in tokens.items() if not t.expired(now)}
            if kind != SESSION_KIND:
                tokens = {
                    k: t
                    for k, t in tokens.items()
                    if t.user != user or (t.agency, t.role) == (agency, role.value)
                }
                if user in passwords:
                    old = passwords[user]
                    passwords[user] = _StoredPassword(
                        user=user,
                        agency=agency,
                        role=role.value,
                        password_hash=old.password_hash,
                        set_at=old.set_at,
                    )
            tokens[key_id] = stored
            self._write(agencies, tokens, passwords)
            self._verified.clear()
        return f"{TOKEN_PREFIX}{key_id}.{secret}"

    def tokens(self) -> list[TokenInfo]:
        """Every token that has not expired, oldest first: who, what kind, until when."""
        now = datetime.now(UTC)
        with self._lock:
            self._refresh()
            held = [t for t in self._tokens.values() if not t.expired(now)]
        return [
            TokenInfo(
                key_id=t.key_id,
                user=t.user,
                agency=t.agency,
                role=t.role,
                kind=t.kind,
                created_at=t.created_at,
                expires_at=t.expires_at,
            )
            for t in sorted(held, key=lambda t: t.created_at)
        ]

    def revoke(self, token: str) -> bool:
        """Forget a token (given whole, or by its key id) at once, in every process; False when
        it was not known."""
        key_id = token.removeprefix(TOKEN_PREFIX).split(".", 1)[0]
        with self._lock:
            agencies, tokens, passwords = self._read()
            if tokens.pop(key_id, None) is None:
                return False
            self._write(agencies, tokens, passwords)
            self._verified.clear()
            return True

    def revoke_kind(self, kind: str) -> int:
        """Revoke every token of one kind (the web's sessions when it starts); how many."""
        with self._lock:
            agencies, tokens, passwords = self._read()
            kept = {k: t for k, t in tokens.items() if t.kind != kind}
            if len(kept) == len(tokens):
                return 0
            self._write(agencies, kept, passwords)
            self._verified.clear()
            return len(tokens) - len(kept)

    def users(self) -> list[Principal]:
        """Everyone who holds an API token."""
        with self._lock:
            self._refresh()
            seen = {_principal(t) for t in self._tokens.values() if t.kind != SESSION_KIND}
            return sorted(seen, key=lambda p: (p.user, p.agency, p.role.value))

    def set_password(self, *, user: str, password: str) -> Principal:
        """Set the password a user signs in to the web with; the user's agency and role are
        those of their newest API token. Only the argon2 hash is kept."""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
        password_hash = self._hasher.hash(password)
        with self._lock:
            agencies, tokens, passwords = self._read()
            held = sorted(
                (t for t in tokens.values() if t.user == user and t.kind != SESSION_KIND),
                key=lambda t: t.created_at,
            )
            if not held:
                raise UnknownUser(f"no user {user!r}; add them first with `tessera user add`")
            newest = held[-1]
            passwords[user] = _StoredPassword(
                user=user,
                agency=newest.agency,
                role=newest.role,
                password_hash=password_hash,
                set_at=datetime.now(UTC).isoformat(),
            )
            self._write(agencies, tokens, passwords)
        return Principal(user=user, agency=newest.agency, role=Role(newest.role))

    def check_password(self, *, user: str, password: str) -> Principal:
        """The user behind a name and password, or InvalidCredentials."""
        with self._lock:
            self._refresh()
            stored = self._passwords.get(user)
        if stored is None and self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        try:
            self._hasher.verify(stored.password_hash if stored else str(self._dummy_hash), password)
        except (VerificationError, InvalidHashError) as error:
            raise InvalidCredentials("wrong user name or password") from error
        if stored is None:
            raise InvalidCredentials("wrong user name or password")
        return Principal(user=stored.user, agency=stored.agency, role=Role(stored.role))

    def verify(self, token: str) -> Principal:
        """Return the Principal a token belongs to, or raise InvalidToken."""
        if not token.startswith(TOKEN_PREFIX) or "." not in token:
            raise InvalidToken("malformed token")
        key_id, secret = token.removeprefix(TOKEN_PREFIX).split(".", 1)
        digest = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            self._refresh()
            known = self._verified.get(digest)
            if known is not None and not self._tokens[key_id].expired(datetime.now(UTC)):
                return known
            stored = self._tokens.get(key_id)
        if stored is None:
            raise InvalidToken("unknown token")
        if stored.expired(datetime.now(UTC)):
            raise InvalidToken("expired token")
        try:
            self._hasher.verify(stored.token_hash, secret)
        except (VerificationError, InvalidHashError) as error:
            raise InvalidToken("wrong token") from error
        principal = _principal(stored)
        with self._lock:
            self._verified[digest] = principal
        return principal

    def _refresh(self) -> None:
        mtime = self._path.stat().st_mtime if self._path.exists() else 0.0
        if mtime != self._mtime:
            self._agencies, self._tokens, self._passwords = self._read()
            self._verified.clear()
            self._mtime = mtime

    def _read(
        self,
    ) -> tuple[dict[str, str], dict[str, _StoredToken], dict[str, _StoredPassword]]:
        if not self._path.exists():
            return {}, {}, {}
        body = json.loads(self._path.read_text(encoding="utf-8"))
        agencies = {row["name"]: row["created_at"] for row in body.get("agencies", [])}
        tokens = {row["key_id"]: _StoredToken(**row) for row in body["tokens"]}
        passwords = {row["user"]: _StoredPassword(**row) for row in body.get("passwords", [])}
        return agencies, tokens, passwords

    def _write(
        self,
        agencies: dict[str, str],
        tokens: dict[str, _StoredToken],
        passwords: dict[str, _StoredPassword],
    ) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        body = {
            "agencies": [{"name": n, "created_at": at} for n, at in sorted(agencies.items())],
            "tokens": [asdict(t) for t in tokens.values()],
            "passwords": [asdict(p) for p in passwords.values()],
        }
        tmp.write_text(json.dumps(body, indent=2), encoding="utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(self._path)
        self._mtime = -1.0  # read again next time, even where the clock's grain hides the change


def _principal(stored: _StoredToken) -> Principal:
    return Principal(user=stored.user, agency=stored.agency, role=Role(stored.role))
