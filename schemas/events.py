"""The intelligence event catalogue (domain.md section 2.4): one model per event type.

Every event names the subject whose events must stay in order (subject_key): the partition key
on the reports topic.
"""

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from schemas.entities import (
    Input,
    LongText,
    Officer,
    Person,
    PhoneNumber,
    Place,
    Text,
    Vehicle,
)
from schemas.identifiers.handles import Platform, normalise_handle
from schemas.identifiers.names import normalise_name
from schemas.screening import Screening
from schemas.text import at_most
from schemas.written_dates import IsoAwareDateTime, IsoDate

People = Annotated[list[Person], Field(max_length=50)]
SomePeople = Annotated[list[Person], Field(min_length=1, max_length=50)]
Places = Annotated[list[Place], Field(max_length=50)]
Notes = Annotated[list[LongText], Field(max_length=50)]
Reference = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), at_most(60)
]


def person_key(person: Person) -> str:
    """Who an event is about, for ordering: normalised name (or first alias) and birth date."""
    name = normalise_name(person.name or (person.aliases + person.nicknames + [""])[0])
    return f"person|{name}|{person.date_of_birth or ''}"


def place_key(place: Place) -> str:
    """Where an event happened, for ordering."""
    return f"place|{place.postcode or ''}|{normalise_name(place.label)}"


class Sighting(Input):
    """People seen together at a place."""

    type: Literal["sighting"] = "sighting"
    persons: SomePeople
    place: Place

    def subject_key(self) -> str:
        """Sightings keep their order per place."""
        return place_key(self.place)


class ApproachPurpose(StrEnum):
    """Why the approach was made, where known."""

    DRUG_TRAFFICKING = "drug_trafficking"
    SEXUAL = "sexual"
    RECRUITMENT = "recruitment"
    OTHER = "other"
    UNKNOWN = "unknown"


class Approach(Input):
    """Who was approached where, by whom, for what (Dean's take-away shop)."""

    type: Literal["approach"] = "approach"
    approached: SomePeople
    approachers: People = []
    group: Text | None = None
    place: Place
    purpose: ApproachPurpose = ApproachPurpose.UNKNOWN
    purpose_detail: LongText = ""
    peers_present: People = []

    def subject_key(self) -> str:
        """Approaches keep their order per place."""
        return place_key(self.place)


class AssociationNature(StrEnum):
    """What links two people (domain.md AssociationReported)."""

    FRIEND = "friend"
    OLDER_BOYFRIEND_GIRLFRIEND = "older_boyfriend_girlfriend"
    GANG_MEMBER = "gang_member"
    DRUG_DEALER = "drug_dealer"
    RISKY_ADULT = "risky_adult"
    FAMILY = "family"
    SIBLING = "sibling"
    OTHER = "other"


class Association(Input):
    """Person A is associated with person B."""

    type: Literal["association"] = "association"
    person_a: Person
    person_b: Person
    nature: AssociationNature
    detail: LongText = ""

    def subject_key(self) -> str:
        """Associations keep their order per first person."""
        return person_key(self.person_a)


class VehicleSighting(Input):
    """A vehicle seen, and who got in or out of it, where."""

    type: Literal["vehicle_sighting"] = "vehicle_sighting"
    vehicle: Vehicle
    place: Place
    occupants: People = []
    got_in: People = []
    got_out: People = []
    driver: Person | None = None

    def subject_key(self) -> str:
        """Vehicle sightings keep their order per vehicle (or place, without a registration)."""
        return f"vehicle|{self.vehicle.vrm}" if self.vehicle.vrm else place_key(self.place)


class PoliceRiskGrading(StrEnum):
    """The police risk grading of a missing episode."""

    NO_APPARENT_RISK = "no_apparent_risk"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class MissingReported(Input):
    """A child reported missing: who, from where, last seen, and the police reference."""

    type: Literal["missing_reported"] = "missing_reported"
    child: Person
    placement: Place | None = None
    last_seen_at: IsoAwareDateTime
    last_seen_place: Place | None = None
    description_and_clothing: LongText = ""
    police_incident_ref: Reference | None = None
    officer: Officer | None = None
    police_risk_grading: PoliceRiskGrading | None = None
    known_associates: People = []
    known_places: Places = []

    def subject_key(self) -> str:
        """Missing episodes keep their order per child."""
        return person_key(self.child)


class Carrying(StrEnum):
    """What a young person leaving took with them that staff should notice [003:15]."""

    LUGGAGE = "luggage"
    PASSPORT = "passport"
    MONEY = "money"


class Departed(Input):
    """A young person leaving a home or school: where to, who with, when back, with what.

    The residential-home guidance [003:15]: note train and bus departures, and whether they
    leave with luggage, a passport or money; escort or follow them where that is safe.
    """

    type: Literal["departed"] = "departed"
    child: Person
    left_at: IsoAwareDateTime
    left_from: Place | None = None
    going_to: Place | None = None  # where they said they were going
    meeting: People = []  # who they said they were meeting
    expected_back: IsoAwareDateTime | None = None
    carrying: Annotated[list[Carrying], Field(max_length=3)] = []
    money_gbp: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] | None = None
    transport: Text | None = None  # "the 20:40 bus to Synthtown"
    departure_point: Place | None = None  # the station or stop they left from
    escorted: bool = False  # staff went with them or followed

    @model_validator(mode="after")
    def _back_after_leaving(self) -> Self:
        if self.expected_back is not None and self.expected_back <= self.left_at:
            raise ValueError("expected_back must be after left_at")
        return self

    def subject_key(self) -> str:
        """Kept in order per child, with their missing episodes."""
        return person_key(self.child)


class FoundCondition(StrEnum):
    """How the child was when found."""

    WELL = "well"
    INJURED = "injured"
    UNKEMPT = "unkempt"
    HUNGRY = "hungry"
    UNDER_THE_INFLUENCE = "under_the_influence"
    DISTRESSED = "distressed"


class ItemKind(StrEnum):
    """Things found with a child or seized."""

    CASH = "cash"
    DRUGS = "drugs"
    PHONE = "phone"
    SIM_CARD = "sim_card"
    WEAPON = "weapon"
    GIFT = "gift"
    OTHER = "other"


class Item(Input):
    """An item found or seized, with an amount where it has one."""

    kind: ItemKind
    quantity: Annotated[int, Field(ge=1)] = 1
    value_gbp: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] | None = None
    detail: LongText = ""


class FoundCircumstances(StrEnum):
    """How the missing episode ended."""

    RETURNED = "returned"
    FOUND_BY_POLICE = "found_by_police"
    FOUND_IN_RAID = "found_in_raid"
    IN_CUSTODY = "in_custody"
    OTHER = "other"


class MissingEnded(Input):
    """A missing child found or returned: where, by whom, with whom, in what state."""

    type: Literal["missing_ended"] = "missing_ended"
    child: Person
    found_at: IsoAwareDateTime
    found_place: Place | None = None
    found_by: Text | None = None
    found_with: People = []
    condition: Annotated[list[FoundCondition], Field(max_length=6)] = []
    condition_detail: LongText = ""
    items_found: Annotated[list[Item], Field(max_length=50)] = []
    circumstances: FoundCircumstances = FoundCircumstances.OTHER
    police_incident_ref: Reference | None = None

    def subject_key(self) -> str:
        """Missing episodes keep their order per child."""
        return person_key(self.child)


class ReturnInterview(Input):
    """A return-home interview: disclosures and push and pull factors."""

    type: Literal["return_interview"] = "return_interview"
    child: Person
    conducted_by: Text
    conducted_on: IsoDate
    conducted_by_police: bool = False
    disclosures: Notes = []
    push_factors: Notes = []
    pull_factors: Notes = []
    people_named: People = []
    places_named: Places = []

    def subject_key(self) -> str:
        """Kept in order per child."""
        return person_key(self.child)


class PhoneContact(Input):
    """Phones a person uses, who contacts them, unknown callers and unexplained phones."""

    type: Literal["phone_contact"] = "phone_contact"
    subject: Person
    numbers_used: Annotated[list[PhoneNumber], Field(max_length=20)] = []
    contacted_by: Annotated[list[PhoneNumber], Field(max_length=50)] = []
    unknown_callers: bool = False
    additional_unexplained_phone: bool = False
    sim_supplied_by_abuser: bool = False

    @model_validator(mode="after")
    def _says_something(self) -> Self:
        if not (
            self.numbers_used
            or self.contacted_by
            or self.unknown_callers
            or self.additional_unexplained_phone
            or self.sim_supplied_by_abuser
        ):
            raise ValueError("give a number, or say what about the phones is a concern")
        return self

    def subject_key(self) -> str:
        """Kept in order per person."""
        return person_key(self.subject)


class SocialMediaContent(StrEnum):
    """What the account was used for."""

    GROOMING = "grooming"
    IMAGES_CIRCULATED = "images_circulated"
    THREATS = "threats"
    RECRUITMENT = "recruitment"
    DRUG_SELLING = "drug_selling"
    OTHER = "other"


class SocialMedia(Input):
    """A social-media account linked to a person, and what it was used for."""

    type: Literal["social_media"] = "social_media"
    subject: Person
    platform: Platform
    handle: Text
    content: Annotated[list[SocialMediaContent], Field(max_length=6)] = []
    linked_persons: People = []

    @model_validator(mode="before")
    @classmethod
    def _normalise_handle(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("handle"), str):
            try:
                platform = Platform(str(data.get("platform")))
            except ValueError:
                return data  # the platform field reports its own error
            return {**data, "handle": normalise_handle(platform, data["handle"])}
        return data

    def subject_key(self) -> str:
        """Kept in order per person."""
        return person_key(self.subject)


class AddressConcern(Input):
    """An address of concern: callers, a vulnerable tenant, a drugs house or cuckooing."""

    type: Literal["address_concern"] = "address_concern"
    place: Place
    multiple_callers: bool = False
    tenant: Person | None = None
    tenant_vulnerable: bool = False
    suspected_drugs_house: bool = False
    suspected_cuckooing: bool = False
    visitors: People = []

    @model_validator(mode="after")
    def _names_a_concern(self) -> Self:
        if not (
            self.multiple_callers
            or self.tenant_vulnerable
            or self.suspected_drugs_house
            or self.suspected_cuckooing
        ):
            raise ValueError(
                "say what the concern is: multiple_callers, tenant_vulnerable, "
                "suspected_drugs_house or suspected_cuckooing"
            )
        return self

    def subject_key(self) -> str:
        """Kept in order per address."""
        return place_key(self.place)


class OperationKind(StrEnum):
    """What the police operation was."""

    RAID = "raid"
    SEIZURE = "seizure"


class Operation(Input):
    """A raid or seizure: premises, who was present, and what was seized."""

    type: Literal["operation"] = "operation"
    kind: OperationKind
    premises: Place
    operation_ref: Reference | None = None
    group: Text | None = None
    persons_present: People = []
    seized: Annotated[list[Item], Field(max_length=50)] = []
    phone_numbers_seized: Annotated[list[PhoneNumber], Field(max_length=50)] = []

    def subject_key(self) -> str:
        """Kept in order per premises."""
        return place_key(self.premises)


class OrderKind(StrEnum):
    """Disruption and protection tools (domain.md section 5.2)."""

    CAWN = "cawn"
    BAIL_CONDITIONS = "bail_conditions"
    COMMUNITY_PROTECTION_WARNING = "community_protection_warning"


class ProtectiveOrder(Input):
    """A CAWN, bail conditions (radius, no-contact list) or a Community Protection Warning."""

    type: Literal["protective_order"] = "protective_order"
    kind: OrderKind
    subject: Person
    protected: People = []
    issued_on: IsoDate
    expires_on: IsoDate | None = None
    radius_m: Annotated[int, Field(ge=1, le=100_000)] | None = None
    centre: Place | None = None
    no_contact: People = []
    exclusion_areas: Places = []
    conditions: Notes = []

    @model_validator(mode="after")
    def _complete_for_its_kind(self) -> Self:
        if self.expires_on is not None and self.expires_on < self.issued_on:
            raise ValueError("expires_on is before issued_on")
        if self.kind is OrderKind.CAWN and not self.protected:
            raise ValueError("a CAWN names the child (or children) it protects in 'protected'")
        if self.kind is OrderKind.BAIL_CONDITIONS:
            if not (self.radius_m or self.no_contact or self.conditions):
                raise ValueError("bail conditions need a radius, a no-contact list or conditions")
            if (self.radius_m is None) != (self.centre is None):
                raise ValueError("a bail radius needs its centre, and a centre its radius")
        if self.kind is OrderKind.COMMUNITY_PROTECTION_WARNING and not (
            self.exclusion_areas or self.conditions
        ):
            raise ValueError("a Community Protection Warning needs exclusion areas or conditions")
        return self

    def subject_key(self) -> str:
        """Kept in order per person the order is made against."""
        return person_key(self.subject)


class ScreeningCompleted(Screening):
    """The Exploitation Screening Tool, completed for a child."""

    type: Literal["screening"] = "screening"

    def subject_key(self) -> str:
        """Kept in order per child."""
        return person_key(self.child)


IntelligenceEvent = Annotated[
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
    | ScreeningCompleted,
    Field(discriminator="type"),
]

EVENT_TYPES: tuple[type[Input], ...] = (
    Sighting,
    Approach,
    Association,
    VehicleSighting,
    Departed,
    MissingReported,
    MissingEnded,
    ReturnInterview,
    PhoneContact,
    SocialMedia,
    AddressConcern,
    Operation,
    ProtectiveOrder,
    ScreeningCompleted,
)
