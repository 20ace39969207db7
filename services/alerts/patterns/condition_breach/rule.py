"""P22 breach of protective conditions: geofences, exclusion areas and no-contact.

domain.md P22 and AS-11: the subject of an unexpired order (bail conditions, a CAWN, a Community
Protection Warning) raises `protective_condition_breach`, urgent, with an immediate strategy
meeting, when after the order was issued they are
(a) seen within the order's radius of its centre (1 mile when the order has a centre but gives
    no radius), measured by great-circle distance;
(b) seen inside an exclusion area: the area itself, or a place in the local authority or police
    force area the exclusion area names (an area given by name, without a postcode or
    coordinates, is a region: its recorded authority and force count too); or
(c) in contact with a protected person: associating, found together, an approach, seen at the
    same place by the same report, or in the same vehicle by the same report.
One alert per order lists every breach; a breach of an exclusion area also asks for the other
area to be notified ("to both areas").
"""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Protocol

from schemas.alerts import AlertSubject, AlertType, Priority
from schemas.graph import LinkType
from services.alerts.actions import Action
from services.alerts.shared.candidate import AlertCandidate, evidence_of
from services.alerts.shared.episodes import normalise_area

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_MILE = 1609.344
MOST_DESCRIBED = 3

KIND_TEXT = {
    "bail_conditions": "bail conditions",
    "cawn": "a Child Abduction Warning Notice",
    "community_protection_warning": "a Community Protection Warning",
}
CONTACT_TEXT: dict[str, str] = {
    LinkType.ASSOCIATES_WITH: "associating",
    LinkType.FOUND_WITH: "found together",
    LinkType.APPROACHED: "an approach",
    LinkType.SEEN_AT: "seen together",
    LinkType.IN_VEHICLE: "in the same vehicle",
}


@dataclass(frozen=True, slots=True)
class Named:
    """An entity as the order's report names it."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Centre:
    """The place an order's radius is drawn around."""

    id: str
    name: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class Area:
    """An exclusion area; a region when it has no postcode or coordinates of its own."""

    id: str
    name: str
    local_authority: str | None = None
    police_force_area: str | None = None
    region: bool = True


@dataclass(frozen=True, slots=True)
class Order:
    """A protective order made against the subject."""

    id: str
    kind: str
    subject_id: str
    subject_name: str
    issued_on: date
    expires_on: date | None = None
    radius_m: int | None = None
    centre: Centre | None = None
    protected: tuple[Named, ...] = ()
    areas: tuple[Area, ...] = ()
    report_id: str | None = None
    observed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlaceSighting:
    """The subject seen at a place by one report."""

    location_id: str
    name: str
    lat: float | None
    lon: float | None
    local_authority: str | None
    police_force_area: str | None
    report_id: str
    observed_at: datetime


@dataclass(frozen=True, slots=True)
class Contact:
    """The subject and a protected person linked by one report."""

    person_id: str
    how: str  # the relationship type that links them
    report_id: str
    observed_at: datetime


class OrderGraph(Protocol):
    """What the detector reads from the graph."""

    async def orders_of(self, person_id: str) -> list[Order]:
        """Every protective order made against the person."""
        ...

    async def sightings_of(self, person_id: str, *, since: datetime) -> list[PlaceSighting]:
        """Every report since a time that places the person somewhere."""
        ...

    async def contacts_with(
        self, person_id: str, protected_ids: list[str], *, since: datetime
    ) -> list[Contact]:
        """Every report since a time that links the person to one of the protected."""
        ...

    async def subjects_seen_at(self, location_id: str, *, on: date) -> list[str]:
        """Subjects of orders in force on a day who were seen at the place since issue."""
        ...


@dataclass(frozen=True, slots=True)
class Breach:
    """One report that breaches the order."""

    text: str
    report_id: str
    observed_at: datetime
    place_id: str | None = None
    exclusion: bool = False


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def in_force(order: Order, day: date) -> bool:
    """Whether the order applies on a day."""
    return order.issued_on <= day and (order.expires_on is None or day <= order.expires_on)


def _day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def _miles(metres: float) -> str:
    return f"{metres / METRES_PER_MILE:.1f} miles"


def _inside_radius(order: Order, seen: PlaceSighting, default_radius_m: int) -> Breach | None:
    centre = order.centre
    if centre is None:
        return None
    radius = order.radius_m or default_radius_m
    if seen.location_id == centre.id:
        metres = 0.0
    elif (
        centre.lat is not None
        and centre.lon is not None
        and seen.lat is not None
        and seen.lon is not None
    ):
        metres = distance_m(centre.lat, centre.lon, seen.lat, seen.lon)
    else:
        return None  # no coordinates to measure by
    if metres > radius:
        return None
    return Breach(
        text=(
            f"seen at {seen.name}, {_miles(metres)} from {centre.name}, on "
            f"{seen.observed_at:%d %b %Y} (the limit is {_miles(radius)})"
        ),
        report_id=seen.report_id,
        observed_at=seen.observed_at,
        place_id=seen.location_id,
    )


def _inside_area(area: Area, seen: PlaceSighting) -> bool:
    if seen.location_id == area.id:
        return True
    where = {normalise_area(x) for x in (seen.local_authority, seen.police_force_area) if x}
    names = {normalise_area(area.name)}
    if area.region:
        names |= {normalise_area(x) for x in (area.local_authority, area.police_force_area) if x}
    return bool(where & names)


def _breaches(
    order: Order,
    sightings: list[PlaceSighting],
    contacts: list[Contact],
    default_radius_m: int,
) -> list[Breach]:
    found: list[Breach] = []
    for seen in sightings:
        if not in_force(order, _day(seen.observed_at)):
            continue
        if (near := _inside_radius(order, seen, default_radius_m)) is not None:
            found.append(near)
        for area in order.areas:
            if _inside_area(area, seen):
                text = f"seen at {seen.name} inside the exclusion area {area.name} on "
                found.append(
                    Breach(
                        text=text + f"{seen.observed_at:%d %b %Y}",
                        report_id=seen.report_id,
                        observed_at=seen.observed_at,
                        place_id=seen.location_id,
                        exclusion=True,
                    )
                )
                break
    names = {p.id: p.name for p in order.protected}
    for contact in contacts:
        if contact.person_id in names and in_force(order, _day(contact.observed_at)):
            how = CONTACT_TEXT.get(contact.how, "linked")
            found.append(
                Breach(
                    text=(
                        f"in contact with {names[contact.person_id]} ({how}) on "
                        f"{contact.observed_at:%d %b %Y}"
                    ),
                    report_id=contact.report_id,
                    observed_at=contact.observed_at,
                )
            )
    return sorted(found, key=lambda b: (b.observed_at, b.report_id, b.text))


def _candidate(order: Order, breaches: list[Breach]) -> AlertCandidate:
    texts = list(dict.fromkeys(b.text for b in breaches))
    described = "; ".join(texts[:MOST_DESCRIBED])
    if len(texts) > MOST_DESCRIBED:
        described += f"; and {len(texts) - MOST_DESCRIBED} more"
    protecting = ""
    if order.protected:
        protecting = " protecting " + ", ".join(sorted(p.name for p in order.protected))
    reports = {b.report_id: b.observed_at for b in breaches}
    if order.report_id is not None and order.observed_at is not None:
        reports[order.report_id] = order.observed_at
    actions: tuple[Action, ...] = (Action.IMMEDIATE_STRATEGY_MEETING,)
    notify = ""
    if any(b.exclusion for b in breaches):
        actions += (Action.CROSS_BORDER_NOTIFICATION,)
        notify = " in both areas"
    places = {b.place_id for b in breaches if b.place_id is not None}
    places |= {a.id for a in order.areas} | ({order.centre.id} if order.centre else set())
    return AlertCandidate(
        type=AlertType.PROTECTIVE_CONDITION_BREACH,
        fingerprint=f"{AlertType.PROTECTIVE_CONDITION_BREACH.value}:{order.id}",
        priority=Priority.URGENT,
        summary=(
            f"{order.subject_name} has breached {KIND_TEXT.get(order.kind, order.kind)} issued on "
            f"{order.issued_on:%d %b %Y}{protecting} ({len(texts)} "
            f"{'breach' if len(texts) == 1 else 'breaches'}): {described}; hold an immediate "
            f"strategy meeting and notify police{notify}."
        ),
        subjects=(
            AlertSubject(kind="person", id=order.subject_id, display_name=order.subject_name),
            *(
                AlertSubject(kind="person", id=p.id, display_name=p.name)
                for p in sorted(order.protected, key=lambda p: (p.name, p.id))
            ),
        ),
        evidence=evidence_of(reports),
        anchor_id=order.subject_id,
        actions=actions,
        context_ids=tuple(sorted(places)),
    )


async def detect_condition_breach(
    *, person_id: str, graph: OrderGraph, now: datetime, default_radius_m: int
) -> list[AlertCandidate]:
    """One urgent candidate per order in force that the person has breached since issue."""
    orders = [o for o in await graph.orders_of(person_id) if in_force(o, _day(now))]
    if not orders:
        return []
    since = datetime.combine(min(o.issued_on for o in orders), time(), tzinfo=UTC)
    sightings = await graph.sightings_of(person_id, since=since)
    protected = sorted({p.id for o in orders for p in o.protected})
    contacts = await graph.contacts_with(person_id, protected, since=since) if protected else []
    candidates = []
    for order in sorted(orders, key=lambda o: o.id):
        breaches = _breaches(order, sightings, contacts, default_radius_m)
        if breaches:
            candidates.append(_candidate(order, breaches))
    return candidates


async def detect_breaches_at_place(
    *, location_id: str, graph: OrderGraph, now: datetime, default_radius_m: int
) -> list[AlertCandidate]:
    """The breach candidates of every order subject seen at the place since their order."""
    candidates = []
    for person_id in await graph.subjects_seen_at(location_id, on=_day(now)):
        candidates += await detect_condition_breach(
            person_id=person_id, graph=graph, now=now, default_radius_m=default_radius_m
        )
    return candidates
