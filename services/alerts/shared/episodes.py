"""What the missing-episode detectors (P04 harbouring, P06b, P07, P08, P09, P15) read."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from schemas.alerts import AlertSubject, Priority
from services.alerts.shared.candidate import priority_of, raised_priority
from services.alerts.shared.provenance import Reports, Traits, cite_any, cite_first, named


@dataclass(frozen=True, slots=True)
class Said:
    """What one report says of a person: their name, age, and needs."""

    name: str | None
    age: int | None = None
    vulnerable: bool = False  # learning disability or additional needs


@dataclass(frozen=True, slots=True)
class Child:
    """A young person (or an adult), with what raises an alert's priority and where they belong.

    An alert names them, and takes their age and needs, only from the reports it cites (`said`,
    by report id); `name`, `age` and `vulnerable` are what it uses when none of those says it.
    What decides an alert about them comes with the reports that state it: that they are a young
    person, an age under 13 or needs (`traits`), and each known area (`area_statements`: the
    reports that together state one, such as a placement's report and the one giving its area).
    """

    id: str
    name: str
    age: int | None
    vulnerable: bool  # learning disability or additional needs
    known_areas: frozenset[str] = frozenset()  # home authority and the areas of their places
    said: Mapping[str, Said] = field(default_factory=dict)
    traits: Traits = field(default_factory=Traits)
    area_statements: tuple[Reports, ...] = ()

    def with_known_area(self, cited: Reports) -> dict[str, datetime]:
        """The cited reports and, unless they state one of the child's known areas, the reports
        that state the first known one (an alert that judges "out of area" relies on it)."""
        return cite_any(cited, self.area_statements)

    def name_in(self, cited: Reports) -> str:
        """What the latest cited report calls them."""
        names = {rid: s.name for rid, s in self.said.items() if s.name}
        return named(names, cited, otherwise=self.name)

    def age_in(self, cited: Reports) -> int | None:
        """The age the latest cited report that gives one gives them."""
        aged = [rid for rid, s in self.said.items() if rid in cited and s.age is not None]
        if not aged:
            return self.age
        return self.said[max(aged, key=lambda rid: (cited[rid], rid))].age

    def vulnerable_in(self, cited: Reports) -> bool:
        """Whether a cited report records a learning disability or additional needs."""
        return self.vulnerable or any(s.vulnerable for r, s in self.said.items() if r in cited)

    def subject_in(self, cited: Reports) -> AlertSubject:
        """The person as the cited reports name them."""
        return AlertSubject(kind="person", id=self.id, display_name=self.name_in(cited))


def vouched(cited: Reports, *children: Child) -> tuple[Priority, dict[str, datetime]]:
    """The priority (R4-R6) of an alert about these children, and what it cites: the cited
    reports, the earliest report that calls each child a young person when none of them does,
    and a report that gives an age under 13 or records needs when it raises the priority."""
    reports = cite_first(cited, *(c.traits.young for c in children))
    base = raised_priority(
        [c.age_in(reports) for c in children], [c.vulnerable_in(reports) for c in children]
    )
    return priority_of(reports, base, (c.traits for c in children))


@dataclass(frozen=True, slots=True)
class Companion:
    """Someone the child was found with, or the tenant of where the child was found, named as
    the reports that say so name them."""

    id: str
    name: str
    adult: bool
    tenant: bool = False
    reports: Reports = field(default_factory=dict)  # the found report, or the tenancy's


@dataclass(frozen=True, slots=True)
class FoundPlace:
    """Where an episode ended, or the child was seen, named as that report names it."""

    id: str
    name: str
    areas: frozenset[str]  # its local authority and police force area, as reported
    drugs_house: bool = False
    drugs_house_reports: Reports = field(default_factory=dict)  # the reports that say it is one
    area_reports: Reports = field(default_factory=dict)  # the report that gives its areas

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
