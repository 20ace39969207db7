"""P14 care home targeted: one outside adult, car, phone or handle linked to care-home residents.

domain.md P14: one external entity (an adult, a vehicle, a phone or a handle) directly linked to
>= 2 residents of the same care home, or to residents of >= 2 different homes, within 90 days
raises `care_home_targeted`. Only direct links count (in the car, associates, approached, found
with, phone contact, online); being at the home with its residents is not a link to them.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from schemas.alerts import AlertSubject, AlertType
from schemas.entities import PersonRole
from schemas.graph import LinkType
from services.alerts.actions import Action
from services.alerts.shared.candidate import (
    AlertCandidate,
    evidence_of,
    priority_of,
    raised_priority,
)
from services.alerts.shared.provenance import Names, Reports, Traits, cite, cite_first, named

DIRECT_LINKS = (
    LinkType.IN_VEHICLE,
    LinkType.ASSOCIATES_WITH,
    LinkType.APPROACHED,
    LinkType.FOUND_WITH,
    LinkType.CONTACTED_BY,
    LinkType.USES_PHONE,
    LinkType.LINKED_ONLINE,
)
EXTERNAL_KINDS = frozenset({"person", "vehicle", "phone", "handle"})
WHAT = {"person": "The adult", "vehicle": "Vehicle", "phone": "Phone number", "handle": "Account"}


@dataclass(frozen=True, slots=True)
class External:
    """The adult, vehicle, phone or handle being examined; `name` only when no cited report
    names it."""

    id: str
    kind: str  # person, vehicle, phone or handle
    name: str
    adult: bool  # for a person: reported as an adult (or aged 18 or over)
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Home:
    """A care home as the cited report names it ('' when it does not)."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class ResidentLink:
    """A resident of a care home linked to the entity by one report."""

    person_id: str
    person_name: str
    age: int | None
    vulnerable: bool  # learning disability or additional needs
    home: Home
    link: str  # the relationship type
    report_id: str
    observed_at: datetime
    entity_name: str | None = None  # what the report calls the entity
    # The reports that say the resident is placed at the home (PLACED_AT), and what they call it.
    residency: Reports = field(default_factory=dict)
    home_names: Names = field(default_factory=dict)
    # The reports that give the home's category as a care home, and the resident's age and needs.
    category_reports: Reports = field(default_factory=dict)
    traits: Traits = field(default_factory=Traits)


class CareHomeGraph(Protocol):
    """What the detector reads from the graph."""

    async def external(self, entity_id: str) -> External | None:
        """The entity, or None when it is not a person, vehicle, phone or handle."""
        ...

    async def residents_linked(
        self, entity_id: str, *, links: tuple[str, ...], since: datetime
    ) -> list[ResidentLink]:
        """Every report since a time that links a care-home resident to the entity."""
        ...


def _external(entity: External) -> bool:
    if entity.kind not in EXTERNAL_KINDS:
        return False
    return entity.kind != "person" or (entity.adult and entity.role != PersonRole.PROFESSIONAL)


async def detect_care_home_targeted(
    *,
    entity_id: str,
    graph: CareHomeGraph,
    now: datetime,
    min_residents: int,
    window_days: int,
) -> AlertCandidate | None:
    """Raise a candidate when one outside entity reaches several care-home residents."""
    entity = await graph.external(entity_id)
    if entity is None or not _external(entity):
        return None
    since = now - timedelta(days=window_days)
    links = [
        link
        for link in await graph.residents_linked(entity_id, links=DIRECT_LINKS, since=since)
        if link.link in DIRECT_LINKS and link.person_id != entity.id
    ]
    residents = {link.person_id: link for link in links}
    if len(residents) < min_residents:
        return None
    reports: dict[str, datetime] = {link.report_id: link.observed_at for link in links}
    for link in links:
        reports = cite(reports, link.residency)  # that the resident lives at the home
    for link in links:  # that the home is a care home
        reports = cite_first(reports, link.category_reports)
    priority, reports = priority_of(
        reports,
        raised_priority((k.age for k in links), (k.vulnerable for k in links)),
        (k.traits for k in links),
    )
    homes: dict[str, Home] = {}
    for home_id in sorted({link.home.id for link in links}):
        called: dict[str, str] = {}
        for link in (k for k in links if k.home.id == home_id):
            called |= dict(link.home_names) | {link.report_id: link.home.name}
        homes[home_id] = Home(id=home_id, name=named(called, reports))
    name = named({k.report_id: k.entity_name or "" for k in links}, reports, otherwise=entity.name)
    actions: tuple[Action, ...] = (Action.NOTIFY_HOMES,)
    share = ""
    if entity.kind == "vehicle":
        actions += (Action.SHARE_REGISTRATION,)
        share = ", share the registration"
    names = ", ".join(sorted(h.name for h in homes.values()))
    count = len(homes)
    return AlertCandidate(
        type=AlertType.CARE_HOME_TARGETED,
        fingerprint=f"{AlertType.CARE_HOME_TARGETED.value}:{entity.id}",
        priority=priority,
        summary=(
            f"{WHAT[entity.kind]} {name} has been linked to {len(residents)} residents "
            f"of {count} care {'home' if count == 1 else 'homes'} ({names}) in the last "
            f"{window_days} days: the {'home may be' if count == 1 else 'homes may be'} "
            "targeted; tell the registered managers to be vigilant without naming other "
            f"children{share} and hold a strategy meeting within 24 hours."
        ),
        subjects=(
            AlertSubject(kind=entity.kind, id=entity.id, display_name=name),
            *(
                AlertSubject(kind="location", id=h.id, display_name=h.name)
                for h in sorted(homes.values(), key=lambda h: (h.name, h.id))
            ),
            *(
                AlertSubject(kind="person", id=r.person_id, display_name=r.person_name)
                for r in sorted(residents.values(), key=lambda r: (r.person_name, r.person_id))
            ),
        ),
        evidence=evidence_of(reports),
        anchor_id=entity.id,
        actions=(*actions, Action.STRATEGY_MEETING),
    )
