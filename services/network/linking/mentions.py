"""Who, where, which vehicle, phone and handle each event type mentions, and how they are linked.

The links are of the types schemas/graph.py declares (LinkType).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from schemas.entities import Handle, Person, PersonRole, Place, PlaceCategory, Vehicle
from schemas.events import (
    AddressConcern,
    Approach,
    Association,
    Departed,
    ItemKind,
    MissingEnded,
    MissingReported,
    Operation,
    PhoneContact,
    ProtectiveOrder,
    ReturnInterview,
    ScreeningCompleted,
    Sighting,
    SocialMedia,
    VehicleSighting,
)
from schemas.graph import LinkType
from schemas.linking import EntityKind

Event = (
    Sighting
    | Approach
    | Association
    | VehicleSighting
    | Departed
    | MissingReported
    | MissingEnded
    | ReturnInterview
    | PhoneContact
    | SocialMedia
    | AddressConcern
    | Operation
    | ProtectiveOrder
    | ScreeningCompleted
)


Ref = tuple[EntityKind, int]


@dataclass(frozen=True, slots=True)
class Link:
    """A relationship one report states between two of its mentions."""

    type: LinkType
    source: Ref
    target: Ref
    detail: str = ""


@dataclass(frozen=True, slots=True)
class MissingStart:
    """A missing episode begins: a MissingEpisode node for the child."""

    child: Ref
    started_at: datetime
    placement: Ref | None
    police_risk_grading: str | None


@dataclass(frozen=True, slots=True)
class Departure:
    """A young person leaving: a Departure node for the child, with what they took."""

    child: Ref
    left_at: datetime
    left_from: Ref | None
    going_to: Ref | None
    departure_point: Ref | None
    meeting: tuple[str, ...]  # who they said they were meeting, as the report names them
    expected_back: datetime | None
    carrying: tuple[str, ...]
    money_gbp: str | None
    transport: str | None
    escorted: bool


@dataclass(frozen=True, slots=True)
class MissingEnd:
    """A missing episode ends: where the child was found, with whom, in what state."""

    child: Ref
    found_at: datetime
    place: Ref | None
    companions: tuple[Ref, ...]
    circumstances: str
    condition: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OrderMade:
    """A CAWN, bail conditions or a Community Protection Warning: a ProtectiveOrder node."""

    subject: Ref
    kind: str
    issued_on: date
    expires_on: date | None
    radius_m: int | None
    centre: Ref | None
    protected: tuple[Ref, ...]
    areas: tuple[Ref, ...]


@dataclass(frozen=True, slots=True)
class PlaceStatus:
    """What a report says about premises: a drugs house, a vulnerable tenant, cuckooing."""

    place: Ref
    drugs_house: bool = False
    vulnerable_tenant: bool = False
    cuckooing: bool = False
    multiple_callers: bool = False


@dataclass
class Mentions:
    """Entities by the part they play in the report, and the links between them."""

    persons: list[tuple[Person, str]] = field(default_factory=list)
    places: list[tuple[Place, str]] = field(default_factory=list)
    vehicles: list[tuple[Vehicle, str]] = field(default_factory=list)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (E.164, part)
    handles: list[tuple[Handle, str]] = field(default_factory=list)
    groups: list[tuple[str, str]] = field(default_factory=list)  # (name, part)
    links: list[Link] = field(default_factory=list)
    missing_started: list[MissingStart] = field(default_factory=list)
    departures: list[Departure] = field(default_factory=list)
    missing_ended: list[MissingEnd] = field(default_factory=list)
    orders: list[OrderMade] = field(default_factory=list)
    statuses: list[PlaceStatus] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # kinds of item found or seized

    def person(self, person: Person, part: str) -> Ref:
        """Mention a person, with their phones, handles, school and placement."""
        self.persons.append((person, part))
        ref = (EntityKind.PERSON, len(self.persons) - 1)
        if person.school is not None:
            school = person.school
            if school.category is PlaceCategory.OTHER:
                school = school.model_copy(update={"category": PlaceCategory.SCHOOL})
            self.link(LinkType.ATTENDS, ref, self.place(school, "school"))
        if person.placement is not None:
            self.link(LinkType.PLACED_AT, ref, self.place(person.placement, "placement"))
        for number in person.phones:
            self.link(LinkType.USES_PHONE, ref, self.phone(number, "phone_of_person"))
        for handle in person.handles:
            self.link(LinkType.HAS_HANDLE, ref, self.handle(handle, "handle_of_person"))
        return ref

    def place(self, place: Place, part: str) -> Ref:
        """Mention a place."""
        self.places.append((place, part))
        return (EntityKind.LOCATION, len(self.places) - 1)

    def vehicle(self, vehicle: Vehicle, part: str) -> Ref:
        """Mention a vehicle."""
        self.vehicles.append((vehicle, part))
        return (EntityKind.VEHICLE, len(self.vehicles) - 1)

    def phone(self, e164: str, part: str) -> Ref:
        """Mention a phone number (already E.164)."""
        self.phones.append((e164, part))
        return (EntityKind.PHONE, len(self.phones) - 1)

    def handle(self, handle: Handle, part: str) -> Ref:
        """Mention a social-media handle."""
        self.handles.append((handle, part))
        return (EntityKind.HANDLE, len(self.handles) - 1)

    def group(self, name: str, part: str) -> Ref:
        """Mention a group (street gang, organised crime group, drugs line)."""
        self.groups.append((name, part))
        return (EntityKind.GROUP, len(self.groups) - 1)

    def link(self, kind: LinkType, source: Ref, target: Ref, detail: str = "") -> None:
        """State a relationship between two mentions."""
        self.links.append(Link(kind, source, target, detail))

    def at(self, place: Place, part: str, people: list[tuple[Person, str]]) -> Ref:
        """People seen at a place: a co-presence link for each."""
        where = self.place(place, part)
        for person, role in people:
            self.link(LinkType.SEEN_AT, self.person(person, role), where, role)
        return where


def _all(people: list[Person], part: str) -> list[tuple[Person, str]]:
    return [(p, part) for p in people]


def _approach(m: Mentions, event: Approach) -> None:
    where = m.place(event.place, "approached_at")
    approached = [m.person(p, "approached") for p in event.approached]
    approachers = [m.person(p, "approacher") for p in event.approachers]
    peers = [m.person(p, "peer_present") for p in event.peers_present]
    for ref, role in [(r, "approached") for r in approached] + [
        (r, "approacher") for r in approachers
    ]:
        m.link(LinkType.SEEN_AT, ref, where, role)
    for ref in peers:
        m.link(LinkType.SEEN_AT, ref, where, "peer_present")
    for adult in approachers:
        for child in approached:
            m.link(LinkType.APPROACHED, adult, child, event.purpose.value)
    if event.group:
        group = m.group(event.group, "approaching_group")
        m.link(LinkType.GROUP_ACTIVE_AT, group, where, "approach")
        for adult in approachers:
            m.link(LinkType.MEMBER_OF, adult, group)
        for child in approached:
            m.link(LinkType.APPROACHED, group, child, event.purpose.value)


def _vehicle_sighting(m: Mentions, event: VehicleSighting) -> None:
    car = m.vehicle(event.vehicle, "vehicle")
    where = m.place(event.place, "vehicle_seen_at")
    m.link(LinkType.VEHICLE_SEEN_AT, car, where)
    people = _all(event.occupants, "occupant") + _all(event.got_in, "got_in")
    people += _all(event.got_out, "got_out")
    people += [(event.driver, "driver")] if event.driver else []
    for person, role in people:
        ref = m.person(person, role)
        m.link(LinkType.IN_VEHICLE, ref, car, role)
        m.link(LinkType.SEEN_AT, ref, where, role)


def _departed(m: Mentions, event: Departed) -> None:
    child = m.person(event.child, "departed")
    places: dict[str, Ref | None] = {"left_from": None, "going_to": None, "departure_point": None}
    for part, place in (
        ("left_from", event.left_from),
        ("going_to", event.going_to),
        ("departure_point", event.departure_point),
    ):
        if place is not None:
            places[part] = m.place(place, part)
    for part in ("left_from", "departure_point"):
        if (where := places[part]) is not None:
            m.link(LinkType.SEEN_AT, child, where, "departed")
    if (going_to := places["going_to"]) is not None:
        m.link(LinkType.FREQUENTS, child, going_to)
    meeting = []
    for person in event.meeting:
        m.link(LinkType.ASSOCIATES_WITH, child, m.person(person, "meeting"), "meeting_on_departure")
        said = [person.name, *person.nicknames, *person.aliases, person.description[:60]]
        meeting.append(next((x for x in said if x), "someone"))
    m.departures.append(
        Departure(
            child,
            event.left_at,
            places["left_from"],
            going_to,
            places["departure_point"],
            tuple(meeting),
            event.expected_back,
            tuple(c.value for c in event.carrying),
            str(event.money_gbp) if event.money_gbp is not None else None,
            event.transport,
            event.escorted,
        )
    )


def _missing_reported(m: Mentions, event: MissingReported) -> None:
    child = m.person(event.child, "missing")
    placement = None
    if event.placement is not None:
        placement = m.place(event.placement, "placement")
        m.link(LinkType.PLACED_AT, child, placement)
    grading = event.police_risk_grading.value if event.police_risk_grading else None
    m.missing_started.append(MissingStart(child, event.last_seen_at, placement, grading))
    if event.last_seen_place is not None:
        m.link(LinkType.SEEN_AT, child, m.place(event.last_seen_place, "last_seen"), "last_seen")
    for person in event.known_associates:
        m.link(
            LinkType.ASSOCIATES_WITH, child, m.person(person, "known_associate"), "known_associate"
        )
    for place in event.known_places:
        m.link(LinkType.FREQUENTS, child, m.place(place, "known_place"))


def _missing_ended(m: Mentions, event: MissingEnded) -> None:
    child = m.person(event.child, "found")
    companions = [m.person(p, "found_with") for p in event.found_with]
    for other in companions:
        m.link(LinkType.FOUND_WITH, child, other, event.circumstances.value)
    where = None
    if event.found_place is not None:
        where = m.place(event.found_place, "found_at")
        for ref, role in [(child, "found")] + [(c, "found_with") for c in companions]:
            m.link(LinkType.SEEN_AT, ref, where, role)
    m.items += [item.kind.value for item in event.items_found]
    m.missing_ended.append(
        MissingEnd(
            child,
            event.found_at,
            where,
            tuple(companions),
            event.circumstances.value,
            tuple(c.value for c in event.condition),
        )
    )


def _return_interview(m: Mentions, event: ReturnInterview) -> None:
    child = m.person(event.child, "interviewed")
    for person in event.people_named:
        m.link(
            LinkType.ASSOCIATES_WITH,
            child,
            m.person(person, "named_in_interview"),
            "named_in_return_interview",
        )
    for place in event.places_named:
        m.link(LinkType.FREQUENTS, child, m.place(place, "named_in_interview"))


def _phone_contact(m: Mentions, event: PhoneContact) -> None:
    subject = m.person(event.subject, "subject")
    for number in event.numbers_used:
        m.link(LinkType.USES_PHONE, subject, m.phone(number, "used_by_subject"))
    for number in event.contacted_by:
        m.link(LinkType.CONTACTED_BY, subject, m.phone(number, "contacted_subject"))


def _social_media(m: Mentions, event: SocialMedia) -> None:
    subject = m.person(event.subject, "subject")
    handle = m.handle(Handle(platform=event.platform, handle=event.handle), "subject_handle")
    m.link(LinkType.HAS_HANDLE, subject, handle)
    for person in event.linked_persons:
        detail = ",".join(c.value for c in event.content)
        m.link(LinkType.LINKED_ONLINE, handle, m.person(person, "linked"), detail)


def _address_concern(m: Mentions, event: AddressConcern) -> None:
    where = m.place(event.place, "address_of_concern")
    if event.tenant is not None:
        m.link(LinkType.TENANT_OF, m.person(event.tenant, "tenant"), where)
    vulnerable_tenant = event.tenant_vulnerable or (
        event.tenant is not None and event.tenant.role is PersonRole.VULNERABLE_ADULT
    )
    m.statuses.append(
        PlaceStatus(
            where,
            drugs_house=event.suspected_drugs_house,
            vulnerable_tenant=vulnerable_tenant,
            cuckooing=event.suspected_cuckooing,
            multiple_callers=event.multiple_callers,
        )
    )
    for person in event.visitors:
        m.link(LinkType.SEEN_AT, m.person(person, "visitor"), where, "visitor")


def _operation(m: Mentions, event: Operation) -> None:
    where = m.at(event.premises, "premises", _all(event.persons_present, "present"))
    for number in event.phone_numbers_seized:
        m.link(LinkType.PHONE_SEIZED_AT, m.phone(number, "seized"), where)
    if event.group:
        m.link(LinkType.GROUP_ACTIVE_AT, m.group(event.group, "operation_group"), where, "raid")
    m.items += [item.kind.value for item in event.seized]
    if any(item.kind is ItemKind.DRUGS for item in event.seized):
        m.statuses.append(PlaceStatus(where, drugs_house=True))


def _protective_order(m: Mentions, event: ProtectiveOrder) -> None:
    subject = m.person(event.subject, "order_subject")
    protected = []
    for person in event.protected + event.no_contact:
        protected.append(m.person(person, "protected"))
        m.link(LinkType.NO_CONTACT_WITH, subject, protected[-1], event.kind.value)
    areas = []
    for place in event.exclusion_areas:
        areas.append(m.place(place, "order_area"))
        m.link(LinkType.EXCLUDED_FROM, subject, areas[-1], event.kind.value)
    centre = m.place(event.centre, "order_centre") if event.centre else None
    m.orders.append(
        OrderMade(
            subject,
            event.kind.value,
            event.issued_on,
            event.expires_on,
            event.radius_m,
            centre,
            tuple(protected),
            tuple(areas),
        )
    )


def mentions_of(event: Event) -> Mentions:  # noqa: C901 - one short branch per event type
    """What an event mentions and the links it states between its mentions."""
    m = Mentions()
    match event:
        case Sighting():
            m.at(event.place, "seen_at", _all(event.persons, "seen"))
        case Approach():
            _approach(m, event)
        case Association():
            a, b = m.person(event.person_a, "associate"), m.person(event.person_b, "associate")
            m.link(LinkType.ASSOCIATES_WITH, a, b, event.nature.value)
        case VehicleSighting():
            _vehicle_sighting(m, event)
        case Departed():
            _departed(m, event)
        case MissingReported():
            _missing_reported(m, event)
        case MissingEnded():
            _missing_ended(m, event)
        case ReturnInterview():
            _return_interview(m, event)
        case PhoneContact():
            _phone_contact(m, event)
        case SocialMedia():
            _social_media(m, event)
        case AddressConcern():
            _address_concern(m, event)
        case Operation():
            _operation(m, event)
        case ProtectiveOrder():
            _protective_order(m, event)
        case ScreeningCompleted():
            m.person(event.child, "screened")
    return m
