"""P02 peer group: pupils of one school linked to the same place or the same approacher.

domain.md P02: K >= 2 distinct pupils of one school (ATTENDS) linked to one place, or to one
approacher (a person or group that approached them, or a vehicle they were in), within the
window raise `peer_group_context`, one per anchor and school, listing the pupils. The school
itself and care homes are not peer-group places: pupils are together there every day. Nor is
plain co-presence at an everyday or protective place (a park, a youth club): there the pupil must
have been approached, unless the place is in the hotspot taxonomy of section 4.0 or a known drugs
house. Which category counts how is the table in place_rules.py.
"""

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
    evidence_of,
    priority_of,
    raised_priority,
    subject,
)
from services.alerts.shared.full_derivations import FullDerivations
from services.alerts.shared.place_rules import (
    HOTSPOT_CATEGORIES,
    Counting,
    peer_group_counts,
    rule_of,
)
from services.alerts.shared.provenance import (
    Names,
    Reports,
    Traits,
    cite_first,
    earliest,
    named,
)

ANCHOR_KINDS = frozenset({"location", "person", "group", "vehicle"})


@dataclass(frozen=True, slots=True)
class Named:
    """An entity as the cited report names it ('' when it does not)."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class PeerAnchor:
    """The place, approacher or vehicle being examined; `name` only when no cited report names
    it. A place's category and drugs-house status come with the reports that give them."""

    id: str
    kind: str  # location, person, group or vehicle
    name: str
    category: PlaceCategory | None = None  # for a place
    drugs_house: bool = False
    category_reports: Reports = field(default_factory=dict)
    drugs_house_reports: Reports = field(default_factory=dict)
    # False for a busy place: `category_reports` holds only the earliest until the reports the
    # alerts would cite are asked about (`PeerGroupGraph.category_given_by`).
    complete: bool = True


@dataclass(frozen=True, slots=True)
class PupilLink:
    """A pupil linked to the anchor by one report."""

    person_id: str
    person_name: str
    age: int | None
    vulnerable: bool  # learning disability or additional needs
    school: Named
    approached: bool  # the report says the pupil was approached (at the anchor place)
    report_id: str
    observed_at: datetime
    # What else the report links: the approachers at the place, or the place of the approach.
    via: tuple[Named, ...] = ()
    anchor_name: str | None = None  # what the report calls the anchor
    # The reports that say the pupil attends the school (ATTENDS), and what those call it.
    enrolment: Reports = field(default_factory=dict)
    school_names: Names = field(default_factory=dict)
    traits: Traits = field(default_factory=Traits)  # the pupil's age and needs, by any report


class PeerGroupGraph(Protocol):
    """What the detector reads from the graph."""

    async def anchor(self, entity_id: str) -> PeerAnchor | None:
        """The entity, or None when it is not in the graph."""
        ...

    async def schools_touched(
        self, anchor: PeerAnchor, report_ids: tuple[str, ...]
    ) -> frozenset[str]:
        """The schools whose peer groups at the place these reports can change: those of every
        person they name (the pupils they link to it among them)."""
        ...

    async def pupils_linked(
        self, anchor: PeerAnchor, *, since: datetime, schools: frozenset[str] | None = None
    ) -> list[PupilLink]:
        """Every report since a time that links a pupil of some school (of `schools`, unless
        None) to the anchor."""
        ...

    async def category_given_by(self, anchor: PeerAnchor, report_ids: Iterable[str]) -> PeerAnchor:
        """The place with those of the reports that give it its category among its
        `category_reports`, and complete."""
        ...


def _counts(anchor: PeerAnchor, link: PupilLink) -> bool:
    if link.person_id == anchor.id or link.school.id == anchor.id:
        return False
    if anchor.kind != "location":
        return True
    return anchor.drugs_house or peer_group_counts(anchor.category, approached=link.approached)


def _how(anchor: PeerAnchor, name: str, via: list[Named]) -> str:
    names = ", ".join(sorted({v.name for v in via}))
    if anchor.kind == "location":
        return f"seen at {name}" + (f" (approached by {names})" if names else "")
    if anchor.kind == "vehicle":
        return f"in vehicle {name}" + (f" (at {names})" if names else "")
    return f"approached by {name}" + (f" (at {names})" if names else "")


def _standing(anchor: PeerAnchor) -> Reports:
    """The reports that make being seen at the place count without an approach."""
    if anchor.category in HOTSPOT_CATEGORIES:
        return anchor.category_reports
    return anchor.drugs_house_reports


def _standing_changed(anchor: PeerAnchor, report_ids: tuple[str, ...]) -> bool:
    """Whether one of the reports is now the earliest to give the place its category or to say
    it is a drugs house: how every school's pupils count there, and what each alert cites for
    it (`_standing`), then change. A later report saying the same changes neither."""
    return any(
        not earliest(facts).keys().isdisjoint(report_ids)
        for facts in (anchor.category_reports, anchor.drugs_house_reports)
    )


def _candidate(
    anchor: PeerAnchor, school: Named, links: list[PupilLink], window_days: int
) -> AlertCandidate:
    pupils = {link.person_id: link for link in links}
    via = {v.id: v for link in links for v in link.via}
    fingerprint = f"{AlertType.PEER_GROUP_CONTEXT.value}:{anchor.id}:{school.id}"
    reports: dict[str, datetime] = {link.report_id: link.observed_at for link in links}
    for link in links:
        reports = cite_first(reports, link.enrolment)  # that the pupil attends the school
    if anchor.kind == "location" and not all(link.approached for link in links):
        reports = cite_first(reports, _standing(anchor))  # the earliest that says so
    priority, reports = priority_of(
        reports,
        raised_priority((k.age for k in links), (k.vulnerable for k in links)),
        (k.traits for k in links),
    )
    name = named({k.report_id: k.anchor_name or "" for k in links}, reports, otherwise=anchor.name)
    school_names: dict[str, str] = {}
    for link in links:  # what the ATTENDS reports call the school, and the link's own report
        school_names |= dict(link.school_names) | {link.report_id: link.school.name}
    school_name = named(school_names, reports)
    return AlertCandidate(
        type=AlertType.PEER_GROUP_CONTEXT,
        fingerprint=fingerprint,
        priority=priority,
        summary=(
            f"{len(pupils)} pupils of {school_name} have been "
            f"{_how(anchor, name, list(via.values()))} in the last {window_days} days; design a "
            "contextual safeguarding plan for the peer group with the school and the "
            "partnership, and review each pupil's screening."
        ),
        subjects=(
            AlertSubject(kind=anchor.kind, id=anchor.id, display_name=name),
            AlertSubject(kind="location", id=school.id, display_name=school_name),
            *(
                subject("person", p.person_id, p.person_name)
                for p in sorted(pupils.values(), key=lambda p: (p.person_name, p.person_id))
            ),
        ),
        evidence=evidence_of(reports),
        anchor_id=anchor.id,
        actions=(Action.CONTEXT_PLAN, Action.SCREENING),
        context_ids=tuple(sorted(via)),
    )


async def detect_peer_group_context(
    *,
    entity_id: str,
    graph: PeerGroupGraph,
    now: datetime,
    min_pupils: int,
    window_days: int,
    touched_by: tuple[str, ...] | None = None,
    full_derivations: FullDerivations | None = None,
) -> list[AlertCandidate]:
    """One candidate per school with enough pupils linked to the place, approacher or car.

    Given the reports that linked a place (`touched_by`), only the schools whose peer groups
    they can change are worked out again (`schools_touched`): at a county-wide place, one report
    names a pupil or two of the thousand schools whose pupils are seen there. Every school's is
    worked out again when one of the reports changed the place's standing (`_standing_changed`),
    and when `full_derivations` says the place is due (never, or not for a while: what changed
    a group without a report naming its pupils there is caught up then); without it, always.
    """
    anchor = await graph.anchor(entity_id)
    if anchor is None or anchor.kind not in ANCHOR_KINDS:
        return []
    if anchor.kind == "location" and rule_of(anchor.category).peer_group is Counting.NOBODY:
        return []
    since = now - timedelta(days=window_days)
    schools = None
    if (
        anchor.kind == "location"
        and touched_by is not None
        and full_derivations is not None
        and not full_derivations.due(anchor.id, now)
        and not _standing_changed(anchor, touched_by)
    ):
        schools = await graph.schools_touched(anchor, touched_by)
        if not schools:
            return []
    elif anchor.kind == "location" and full_derivations is not None:
        full_derivations.done(anchor.id, now)
    links = await graph.pupils_linked(anchor, since=since, schools=schools)
    by_school: dict[str, list[PupilLink]] = defaultdict(list)
    for link in links:
        if _counts(anchor, link):
            by_school[link.school.id].append(link)
    groups = [
        school_links
        for _, school_links in sorted(by_school.items())
        if len({link.person_id for link in school_links}) >= min_pupils
    ]
    anchor = await _known_what_it_is(anchor, groups, graph)
    return [
        _candidate(anchor, school_links[0].school, school_links, window_days)
        for school_links in groups
    ]


async def _known_what_it_is(
    anchor: PeerAnchor, groups: list[list[PupilLink]], graph: PeerGroupGraph
) -> PeerAnchor:
    """The place, with every report that gives its category among those its groups' alerts may
    cite for it (`_standing`), when it was read without them (busy)."""
    if anchor.complete or anchor.category not in HOTSPOT_CATEGORIES:
        return anchor
    relying = [links for links in groups if not all(link.approached for link in links)]
    if not relying:
        return anchor
    may_cite = {
        rid for links in relying for link in links for rid in (link.report_id, *link.enrolment)
    }
    return await graph.category_given_by(anchor, may_cite)
