"""P01 contextual hotspot: several distinct young people linked to one place in the window."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from schemas.alerts import AlertSubject, AlertType
from schemas.entities import PlaceCategory
from services.alerts.actions import Action
from services.alerts.shared.candidate import (
    AlertCandidate,
    evidence_of,
    priority_of,
    raised_priority,
)
from services.alerts.shared.place_rules import (
    RULES,
    Counting,
    hotspot_counts,
    rule_of,
)
from services.alerts.shared.provenance import Reports, Traits, cite_first, named

# Where children live or learn every day: never a hotspot, nor a peer group's place.
ORDINARY_PLACES = frozenset(c for c, r in RULES.items() if r.hotspot is Counting.NOBODY)


@dataclass(frozen=True, slots=True)
class Sighting:
    """A young person linked to the place by one report, named both as that report does.

    `young_here` false: the report leaves their age unknown and only another report calls them a
    young person (in `traits`, with their age and needs), which the alert then cites."""

    person_id: str
    person_name: str
    age: int | None
    report_id: str
    observed_at: datetime
    place_name: str | None = None
    young_here: bool = True
    traits: Traits = field(default_factory=Traits)
    approached: bool = False  # the report says they were approached at the place


@dataclass(frozen=True, slots=True)
class Place:
    """The place being examined; `name` only when no cited report names it."""

    id: str
    name: str
    category: PlaceCategory
    category_reports: Reports = field(default_factory=dict)  # the reports that give the category


class HotspotGraph(Protocol):
    """What the detector needs to read from the graph."""

    async def place(self, location_id: str) -> Place | None:
        """The place, or None when it is not in the graph."""
        ...

    async def young_people_at(self, location_id: str, *, since: datetime) -> list[Sighting]:
        """Every report since a time that links a young person to the place."""
        ...


def _how(place: Place) -> str:
    """How the young people counted were linked to the place."""
    if rule_of(place.category).hotspot is Counting.APPROACHED:
        return "approached at"  # a protective place: being there together does not count
    return "linked to"


async def detect_shared_hotspot(
    *,
    location_id: str,
    graph: HotspotGraph,
    now: datetime,
    min_young_people: int,
    window_days: int,
) -> AlertCandidate | None:
    """Raise a hotspot candidate when enough distinct young people were linked to the place."""
    place = await graph.place(location_id)
    if place is None or rule_of(place.category).hotspot is Counting.NOBODY:
        return None
    since = now - timedelta(days=window_days)
    sightings = [
        s
        for s in await graph.young_people_at(location_id, since=since)
        if hotspot_counts(place.category, approached=s.approached)
    ]
    people = {s.person_id: s for s in sightings}
    threshold = min_young_people - rule_of(place.category).hotspot_fewer
    if len(people) < max(threshold, 2):
        return None
    reports = {s.report_id: s.observed_at for s in sightings}
    for s in sightings:  # a young person as another report says, when this one does not
        if not s.young_here:
            reports = cite_first(reports, s.traits.young)
    if len(people) < min_young_people:  # enough only because of what kind of place it is
        # The earliest report that says what the place is, not every one: a busy take-away is
        # called one by hundreds, and an alert must show only what all its receivers may see.
        reports = cite_first(reports, place.category_reports)
    priority, reports = priority_of(
        reports, raised_priority(s.age for s in sightings), (s.traits for s in sightings)
    )
    name = named(
        {s.report_id: s.place_name or "" for s in sightings}, reports, otherwise=place.name
    )
    return AlertCandidate(
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=f"{AlertType.SHARED_HOTSPOT.value}:{place.id}",
        priority=priority,
        summary=(
            f"{len(people)} young people have been {_how(place)} {name} "
            f"in the last {window_days} days; consider a contextual safeguarding "
            "response to the place."
        ),
        subjects=(
            AlertSubject(kind="location", id=place.id, display_name=name),
            *(
                AlertSubject(kind="person", id=p.person_id, display_name=p.person_name)
                for p in sorted(people.values(), key=lambda s: s.person_name)
            ),
        ),
        evidence=evidence_of(reports),
        anchor_id=place.id,
        actions=(Action.CONTEXT_PLAN, Action.SCREENING),
    )
