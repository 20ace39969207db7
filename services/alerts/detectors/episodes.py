"""What the missing-episode detectors (P04 harbouring, P06b, P07, P08, P09, P15) read."""

from dataclasses import dataclass, field
from datetime import datetime

from schemas.alerts import AlertSubject


@dataclass(frozen=True, slots=True)
class Child:
    """A young person, with what raises an alert's priority and where they belong."""

    id: str
    name: str
    age: int | None
    vulnerable: bool  # learning disability or additional needs
    known_areas: frozenset[str] = frozenset()  # home authority and the areas of their places

    @property
    def subject(self) -> AlertSubject:
        """The child as an alert names them."""
        return AlertSubject(kind="person", id=self.id, display_name=self.name)


@dataclass(frozen=True, slots=True)
class Companion:
    """Someone the child was found with, or the tenant of where the child was found."""

    id: str
    name: str
    adult: bool
    tenant: bool = False


@dataclass(frozen=True, slots=True)
class FoundPlace:
    """Where an episode ended."""

    id: str
    name: str
    areas: frozenset[str]  # its local authority and police force area, as reported
    drugs_house: bool = False

    @property
    def subject(self) -> AlertSubject:
        """The place as an alert names it."""
        return AlertSubject(kind="location", id=self.id, display_name=self.name)


@dataclass(frozen=True, slots=True)
class Episode:
    """One missing episode: its reports, times, and how it ended."""

    id: str
    started_at: datetime | None
    ended_at: datetime | None
    reports: dict[str, datetime] = field(default_factory=dict)  # report id -> observed at
    found_at: FoundPlace | None = None
    companions: tuple[Companion, ...] = ()
    items: frozenset[str] = frozenset()
    circumstances: str | None = None
    condition: frozenset[str] = frozenset()  # as found: injured, hungry, ...

    @property
    def hours(self) -> float | None:
        """How long the child was missing, when both ends are known."""
        if self.started_at is None or self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds() / 3600

    def covers(self, moment: datetime, *, before: float = 0.0, now: datetime) -> bool:
        """Whether a moment falls in the episode, or up to `before` hours before it began."""
        start = self.started_at or self.ended_at
        if start is None:
            return False
        end = self.ended_at or now
        return start.timestamp() - before * 3600 <= moment.timestamp() <= end.timestamp()


def normalise_area(name: str) -> str:
    """Areas compare case- and punctuation-blind ("Lincolnshire Police" is not "Lincolnshire")."""
    return " ".join(name.lower().replace("-", " ").replace(",", " ").split())
