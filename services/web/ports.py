"""Ports of the web process: what its use cases need of the user store, the session store and
the profile store, free of any client, and the records they carry."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from common.auth import Principal, Role
from schemas.entities import Gender, LongText, Person, PersonFlags, PhoneNumber, Place, Text

MAX_PHOTO_CHARS = 3_000_000  # a data URL of about 2 MB of image
_PHOTO = re.compile(r"^data:image/(jpeg|png|webp);base64,[A-Za-z0-9+/=]+$")


def _photo(value: str) -> str:
    if not _PHOTO.match(value):
        raise ValueError("a photo is a JPEG, PNG or WebP image")
    return value


Photo = Annotated[str, Field(max_length=MAX_PHOTO_CHARS), AfterValidator(_photo)]


class Credentials(Protocol):
    """The user store: passwords checked, session tokens issued and revoked."""

    def check_password(self, *, user: str, password: str) -> Principal:
        """The user behind a name and password, or InvalidCredentials."""
        ...

    def issue(
        self, *, user: str, agency: str, role: Role, ttl: timedelta | None = None, kind: str = "api"
    ) -> str:
        """A new bearer token for the user."""
        ...

    def revoke(self, token: str) -> bool:
        """Forget a token in every process."""
        ...


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long sessions last, and how wrong passwords from one client address slow it down:
    after `free_failures` each attempt waits, `first_delay` then twice as long each time up to
    `max_delay`; a quiet `forget_after` clears the count. No user name is ever locked."""

    idle: timedelta = timedelta(minutes=30)
    max_age: timedelta = timedelta(hours=12)
    free_failures: int = 3
    first_delay: timedelta = timedelta(seconds=2)
    max_delay: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Session:
    """One signed-in user on one browser."""

    key: str  # the SHA-256 of the cookie's session id: the id itself is never stored
    principal: Principal
    token: str
    csrf_token: str
    created_at: datetime
    last_seen: datetime

    def ended(self, now: datetime, policy: SessionPolicy) -> bool:
        """Idle too long, or older than the maximum age."""
        return now - self.last_seen >= policy.idle or now - self.created_at >= policy.max_age

    def expires_at(self, policy: SessionPolicy) -> datetime:
        """When the session ends if its user does nothing more."""
        return min(self.last_seen + policy.idle, self.created_at + policy.max_age)


class SessionStore(Protocol):
    """Where sessions are kept between requests."""

    def get(self, key: str) -> Session | None:
        """The session under key, if any."""
        ...

    def put(self, session: Session) -> None:
        """Keep (or replace) a session."""
        ...

    def pop(self, key: str) -> Session | None:
        """Remove and return a session."""
        ...

    def __iter__(self) -> Iterator[Session]:
        """Every session kept (a copy: safe to change the store meanwhile)."""
        ...


class ChildProfile(BaseModel):
    """What the home keeps up to date about a child, ready to give police if they go missing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text
    nicknames: Annotated[list[Text], Field(max_length=20)] = []
    date_of_birth: date | None = None
    gender: Gender = Gender.UNKNOWN
    description: LongText = Field(
        default="", description="Height, build, hair, marks, what they usually wear."
    )
    photo: Photo | None = None
    phones: Annotated[list[PhoneNumber], Field(max_length=20)] = []
    associates: Annotated[list[Person], Field(max_length=50)] = []
    places: Annotated[list[Place], Field(max_length=50)] = []
    flags: PersonFlags = PersonFlags()
    notes: LongText = ""


@dataclass(frozen=True, slots=True)
class StoredProfile:
    """A profile as the web keeps it: whose it is, and whether police may read it now."""

    id: str
    agency: str
    profile: ChildProfile
    updated_at: datetime
    updated_by: str
    shared_since: datetime | None = None
    shared_report_id: str | None = None
    # Who the missing report that shared it lets see it (its handling code's audiences): a
    # police user reads the profile only if they may see that report.
    shared_with: tuple[str, ...] = ()


class ProfileStore(Protocol):
    """Where profiles are kept."""

    def get(self, profile_id: str) -> StoredProfile | None:
        """One profile."""
        ...

    def put(self, stored: StoredProfile) -> None:
        """Create or replace a profile."""
        ...

    def of_agency(self, agency: str) -> list[StoredProfile]:
        """An agency's profiles, by name."""
        ...

    def shared(self) -> list[StoredProfile]:
        """The profiles shared with police now, longest missing first."""
        ...
