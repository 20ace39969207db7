"""API tokens: issued once, stored only as argon2 hashes, verified into a Principal."""

import hashlib
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from schemas.roles import Role

__all__ = ["InvalidToken", "Principal", "Role", "TokenStore", "UnknownAgency"]

TOKEN_PREFIX = "tsr_"  # noqa: S105 - a public prefix, not a secret


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


class InvalidToken(Exception):
    """The token is missing, malformed, unknown or wrong."""


class UnknownAgency(Exception):
    """Users belong to a registered agency; this one is not registered."""


class TokenStore:
    """A JSON file of hashed tokens; re-read when it changes on disk."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._hasher = PasswordHasher()
        self._lock = threading.Lock()
        self._mtime = -1.0
        self._tokens: dict[str, _StoredToken] = {}
        self._agencies: dict[str, str] = {}
        self._verified: dict[str, Principal] = {}

    def add_agency(self, name: str) -> bool:
        """Register a partner agency; False when it was already registered."""
        with self._lock:
            agencies, tokens = self._read()
            if name in agencies:
                return False
            agencies[name] = datetime.now(UTC).isoformat()
            self._write(agencies, tokens)
            return True

    def agencies(self) -> list[str]:
        """The registered agencies."""
        with self._lock:
            self._refresh()
            return sorted(self._agencies)

    def issue(self, *, user: str, agency: str, role: Role) -> str:
        """Create a token for a user and return it; only its hash is kept."""
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        stored = _StoredToken(
            key_id=key_id,
            token_hash=self._hasher.hash(secret),
            user=user,
            agency=agency,
            role=role.value,
            created_at=datetime.now(UTC).isoformat(),
        )
        with self._lock:
            agencies, tokens = self._read()
            if agency not in agencies:
                raise UnknownAgency(
                    f"agency {agency!r} is not registered; add it first with "
                    f"`tessera agency add {agency!r}`"
                )
            tokens[key_id] = stored
            self._write(agencies, tokens)
        return f"{TOKEN_PREFIX}{key_id}.{secret}"

    def users(self) -> list[Principal]:
        """Everyone who holds a token."""
        with self._lock:
            self._refresh()
            return [_principal(t) for t in self._tokens.values()]

    def verify(self, token: str) -> Principal:
        """Return the Principal a token belongs to, or raise InvalidToken."""
        if not token.startswith(TOKEN_PREFIX) or "." not in token:
            raise InvalidToken("malformed token")
        key_id, secret = token.removeprefix(TOKEN_PREFIX).split(".", 1)
        digest = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            self._refresh()
            if (known := self._verified.get(digest)) is not None:
                return known
            stored = self._tokens.get(key_id)
        if stored is None:
            raise InvalidToken("unknown token")
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
            self._agencies, self._tokens = self._read()
            self._verified.clear()
            self._mtime = mtime

    def _read(self) -> tuple[dict[str, str], dict[str, _StoredToken]]:
        if not self._path.exists():
            return {}, {}
        body = json.loads(self._path.read_text(encoding="utf-8"))
        agencies = {row["name"]: row["created_at"] for row in body.get("agencies", [])}
        return agencies, {row["key_id"]: _StoredToken(**row) for row in body["tokens"]}

    def _write(self, agencies: dict[str, str], tokens: dict[str, _StoredToken]) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        body = {
            "agencies": [{"name": n, "created_at": at} for n, at in sorted(agencies.items())],
            "tokens": [asdict(t) for t in tokens.values()],
        }
        tmp.write_text(json.dumps(body, indent=2), encoding="utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(self._path)


def _principal(stored: _StoredToken) -> Principal:
    return Principal(user=stored.user, agency=stored.agency, role=Role(stored.role))
