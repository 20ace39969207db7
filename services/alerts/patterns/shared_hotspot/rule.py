"""P01 contextual hotspot: several distinct young people linked to one place in the window."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from schemas.alerts import AlertSubject, AlertType
from schemas.entities import PlaceCategory
from services.alerts.actions import Action
from services.alerts.shared.candidate import (
    AlertCandidate,
    cited_digest,
    evidence_of,
    priority_of,
    raised_priority,
    subject,
)
from services.alerts.shared.place_rules import (
    RULES,
    Counting,
    hotspot_counts,
    rule_of,
)
from services.alerts.shared.provenance import Reports, Traits, cite_first, earliest, named
from services.alerts.shared.remembered import Memo, Remembered

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
    # False for a busy place: `category_reports` holds only the earliest until the reports the
    # alert would cite are asked about (`HotspotGraph.category_given_by`).
    complete: bool = True


class HotspotGraph(Protocol):
    """What the detector needs to read from the graph."""

    async def place(self, location_id: str) -> Place | None:
        """The place, or None when it is not in the graph."""
        ...

    async def young_people_at(self, location_id: str, *, since: datetime) -> list[Sighting]:
        """Every report since a time that links a young person to the place."""
        ...

    async def young_people_named_at(
        self, location_id: str, report_ids: tuple[str, ...], *, since: datetime
    ) -> dict[str, list[Sighting]]:
        """By person, every report since a time that links them to the place as a young
        person, for the people these reports link to it (some with none)."""
        ...

    async def category_given_by(self, place: Place, report_ids: Iterable[str]) -> Place:
        """The place with those of the reports that give it its category among its
        `category_reports`, and complete."""
        ...

    async def open_alert_cites(self, fingerprint: str) -> str | None:
        """Which reports the fingerprint's open alert cites (`cited_digest`); None when none is
        open."""
        ...


# The name the detector's memory of a place goes by (shared/remembered.py).
REMEMBERED_AS = "shared_hotspot"

# A place's sightings by person: every report since the window's start that links them to it.
Sightings = dict[str, tuple[Sighting, ...]]


def _how(place: Place) -> str:
    """How the young people counted were linked to the place."""
    if rule_of(place.category).hotspot is Counting.APPROACHED:
        return "approached at"  # a protective place: being there together does not count
    return "linked to"


async def _sightings(
    place: Place,
    graph: HotspotGraph,
    *,
    fingerprint: str,
    now: datetime,
    since: datetime,
    touched_by: tuple[str, ...] | None,
    remembered: Remembered | None,
) -> tuple[Sightings, datetime]:
    """The place's sightings since the window's start, and when they were last read in full.

    Read in full, unless what was worked out last time is remembered, no full pass is due, and
    the place's open alert cites what that gave: then only the people the batch's reports
    (`touched_by`) link to the place are read again, all their links there, and the rest are
    as remembered, less what the window has left behind."""
    memo = None
    if remembered is not None and touched_by is not None:
        memo = remembered.recall(REMEMBERED_AS, place.id, now)
    if memo is not None and await graph.open_alert_cites(fingerprint) == memo.cited:
        named_there = await graph.young_people_named_at(place.id, touched_by or (), since=since)
        # One named with no sightings left (none of theirs counts now) is taken out below.
        people = {**memo.facts, **{p: tuple(seen) for p, seen in named_there.items()}}
        return _within(people, since), memo.full_at
    return _within(_by_person(await graph.young_people_at(place.id, since=since)), since), now


def _within(people: Sightings, since: datetime) -> Sightings:
    """The people's sightings since the window's start, of those with any left; each person's
    as they were when none is older (a busy place's memory, a moment after its last detection)."""
    if any(s.observed_at < since for seen in people.values() for s in seen):
        people = {p: tuple(s for s in seen if s.observed_at >= since) for p, seen in people.items()}
    return {p: seen for p, seen in people.items() if seen}


def _by_person(sightings: Iterable[Sighting]) -> Sightings:
    people: dict[str, list[Sighting]] = defaultdict(list)
    for s in sightings:
        people[s.person_id].append(s)
    return {p: tuple(seen) for p, seen in people.items()}


def _counted(place: Place, sightings: Sightings) -> list[Sighting]:
    """The sightings that count at the place, in one order whatever read them: which report is
    cited for a fact can depend on it."""
    return sorted(
        (
            s
            for seen in sightings.values()
            for s in seen
            if hotspot_counts(place.category, approached=s.approached)
        ),
        key=lambda s: (s.observed_at, s.report_id, s.person_id),
    )


async def _known_what_it_is(
    place: Place,
    sightings: Sightings,
    counted: list[Sighting],
    graph: HotspotGraph,
    *,
    min_young_people: int,
) -> Place:
    """The place, with every report that gives its category among those the alert may cite
    when the alert relies on what kind of place it is (fewer young people than
    `min_young_people`: `counted` are the sightings that count there) and the place was read
    without them (busy)."""
    if place.complete:
        return place
    people = {s.person_id for s in counted}
    if len(people) >= min_young_people:
        return place
    every = [s for seen in sightings.values() for s in seen]
    young = (rid for s in every for rid in s.traits.young)
    return await graph.category_given_by(place, {*(s.report_id for s in every), *young})


def _candidate(
    place: Place, counted: list[Sighting], *, min_young_people: int, window_days: int
) -> AlertCandidate | None:
    """The hotspot candidate the sightings that count at the place (`_counted`) give, when
    enough distinct young people were linked to it."""
    people = {s.person_id: s for s in counted}
    threshold = min_young_people - rule_of(place.category).hotspot_fewer
    if len(people) < max(threshold, 2):
        return None
    reports = {s.report_id: s.observed_at for s in counted}
    for s in counted:  # a young person as another report says, when this one does not
        if not s.young_here and s.traits.young.keys().isdisjoint(reports):
            reports.update(earliest(s.traits.young))  # as cite_first, without a copy each time
    if len(people) < min_young_people:  # enough only because of what kind of place it is
        # The earliest report that says what the place is, not every one: a busy take-away is
        # called one by hundreds, and an alert must show only what all its receivers may see.
        reports = cite_first(reports, place.category_reports)
    priority, reports = priority_of(
        reports, raised_priority(s.age for s in counted), (s.traits for s in counted)
    )
    name = named({s.report_id: s.place_name or "" for s in counted}, reports, otherwise=place.name)
    return AlertCandidate(
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=_fingerprint(place),
        priority=priority,
        summary=(
            f"{len(people)} young people have been {_how(place)} {name} "
            f"in the last {window_days} days; consider a contextual safeguarding "
            "response to the place."
        ),
        subjects=(
            AlertSubject(kind="location", id=place.id, display_name=name),
            *(
                subject("person", p.person_id, p.person_name)
                for p in sorted(people.values(), key=lambda s: (s.person_name, s.person_id))
            ),
        ),
        evidence=evidence_of(reports),
        anchor_id=place.id,
        actions=(Action.CONTEXT_PLAN, Action.SCREENING),
    )


def _fingerprint(place: Place) -> str:
    return f"{AlertType.SHARED_HOTSPOT.value}:{place.id}"


async def detect_shared_hotspot(
    *,
    location_id: str,
    graph: HotspotGraph,
    now: datetime,
    min_young_people: int,
    window_days: int,
    touched_by: tuple[str, ...] | None = None,
    remembered: Remembered | None = None,
) -> AlertCandidate | None:
    """Raise a hotspot candidate when enough distinct young people were linked to the place.

    Given the reports that linked the place (`touched_by`) and the worker's memory
    (`remembered`), a busy place's sightings are not all read again for each report there
    (`_sightings`); without them, always."""
    place = await graph.place(location_id)
    if place is None or rule_of(place.category).hotspot is Counting.NOBODY:
        return None
    sightings, full_at = await _sightings(
        place,
        graph,
        fingerprint=_fingerprint(place),
        now=now,
        since=now - timedelta(days=window_days),
        touched_by=touched_by,
        remembered=remembered,
    )
    # What counts does not hang on the category's reports, only on the category: counted once.
    counted = _counted(place, sightings)
    place = await _known_what_it_is(
        place, sightings, counted, graph, min_young_people=min_young_people
    )
    candidate = _candidate(
        place, counted, min_young_people=min_young_people, window_days=window_days
    )
    if remembered is not None and candidate is None:
        remembered.forget(REMEMBERED_AS, place.id)
    elif remembered is not None and candidate is not None:
        memo = Memo(
            facts=sightings,
            full_at=full_at,
            cited=cited_digest(candidate.evidence),
            size=sum(len(seen) for seen in sightings.values()),
        )
        remembered.keep(REMEMBERED_AS, place.id, memo)
    return candidate
