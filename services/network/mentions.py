"""Who and where each event type mentions, and who it places where (co-presence)."""

from dataclasses import dataclass, field

from schemas.entities import Person, Place
from schemas.events import (
    AddressConcern,
    Approach,
    Association,
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

Event = (
    Sighting
    | Approach
    | Association
    | VehicleSighting
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


@dataclass
class Mentions:
    """People and places by the part they play, and who was present where."""

    persons: list[tuple[Person, str]] = field(default_factory=list)
    places: list[tuple[Place, str]] = field(default_factory=list)
    present: list[tuple[int, int]] = field(default_factory=list)  # (person index, place index)

    def person(self, person: Person, part: str) -> int:
        self.persons.append((person, part))
        return len(self.persons) - 1

    def place(self, place: Place, part: str) -> int:
        self.places.append((place, part))
        return len(self.places) - 1

    def at(self, place: Place, part: str, people: list[tuple[Person, str]]) -> None:
        """People seen at a place: a co-presence link for each."""
        where = self.place(place, part)
        for person, role in people:
            self.present.append((self.person(person, role), where))


def _all(people: list[Person], part: str) -> list[tuple[Person, str]]:
    return [(p, part) for p in people]


def mentions_of(event: Event) -> Mentions:  # noqa: C901 - one short branch per event type
    """What an event mentions; sightings, approaches, found and raid events place people."""
    m = Mentions()
    match event:
        case Sighting():
            m.at(event.place, "seen_at", _all(event.persons, "seen"))
        case Approach():
            m.at(
                event.place,
                "approached_at",
                _all(event.approached, "approached")
                + _all(event.approachers, "approacher")
                + _all(event.peers_present, "peer_present"),
            )
        case Association():
            m.person(event.person_a, "associate")
            m.person(event.person_b, "associate")
        case VehicleSighting():
            people = _all(event.occupants, "occupant") + _all(event.got_in, "got_in")
            people += _all(event.got_out, "got_out")
            people += [(event.driver, "driver")] if event.driver else []
            m.at(event.place, "vehicle_seen_at", people)
        case MissingReported():
            m.person(event.child, "missing")
            for place, part in (
                (event.placement, "placement"),
                (event.last_seen_place, "last_seen"),
            ):
                if place is not None:
                    m.place(place, part)
            for person in event.known_associates:
                m.person(person, "known_associate")
            for place in event.known_places:
                m.place(place, "known_place")
        case MissingEnded():
            people = [(event.child, "found")] + _all(event.found_with, "found_with")
            if event.found_place is not None:
                m.at(event.found_place, "found_at", people)
            else:
                for person, part in people:
                    m.person(person, part)
        case ReturnInterview():
            m.person(event.child, "interviewed")
            for person in event.people_named:
                m.person(person, "named_in_interview")
            for place in event.places_named:
                m.place(place, "named_in_interview")
        case PhoneContact() | SocialMedia():
            m.person(event.subject, "subject")
            if isinstance(event, SocialMedia):
                for person in event.linked_persons:
                    m.person(person, "linked")
        case AddressConcern():
            where = m.place(event.place, "address_of_concern")
            if event.tenant is not None:
                m.person(event.tenant, "tenant")
            for person in event.visitors:
                m.present.append((m.person(person, "visitor"), where))
        case Operation():
            m.at(event.premises, "premises", _all(event.persons_present, "present"))
        case ProtectiveOrder():
            m.person(event.subject, "order_subject")
            for person in event.protected + event.no_contact:
                m.person(person, "protected")
            for place in event.exclusion_areas + ([event.centre] if event.centre else []):
                m.place(place, "order_area")
        case ScreeningCompleted():
            m.person(event.child, "screened")
    return m
