"""The people, places, vehicles and identifiers a report can mention, as partners describe them.

Small pieces are welcome (domain.md section 6.3.10): a nickname alone, a partial registration or
a postcode district is accepted and marked partial rather than refused.
"""

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    computed_field,
    model_validator,
)

from schemas.identifiers.handles import Platform, normalise_handle
from schemas.identifiers.names import normalise_name
from schemas.identifiers.nhs import normalise_nhs_number
from schemas.identifiers.phone import to_e164
from schemas.identifiers.police import normalise_pnc_id, normalise_pnd_id
from schemas.identifiers.postcode import parse_postcode
from schemas.identifiers.upn import normalise_upn
from schemas.identifiers.vrm import VrmFormat, parse_vrm
from schemas.text import at_most
from schemas.written_dates import IsoDate

Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), at_most(200)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=10_000), at_most(10_000)
]
PhoneNumber = Annotated[str, AfterValidator(to_e164)]
UkPostcode = Annotated[str, AfterValidator(lambda raw: parse_postcode(raw).value)]
VehicleRegistration = Annotated[str, AfterValidator(lambda raw: parse_vrm(raw).mark)]
NhsNumber = Annotated[str, AfterValidator(normalise_nhs_number)]
PupilNumber = Annotated[str, AfterValidator(normalise_upn)]
PncId = Annotated[str, AfterValidator(normalise_pnc_id)]
PndId = Annotated[str, AfterValidator(normalise_pnd_id)]
LA_CHILD_ID_MAX_LENGTH = 50
LocalChildId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=LA_CHILD_ID_MAX_LENGTH),
    at_most(LA_CHILD_ID_MAX_LENGTH),
]
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), at_most(500)]


def _constant_type_required(schema: dict[str, Any]) -> None:
    """An event's `type` has a default in code, but a message must name it: it picks the model."""
    kind = schema.get("properties", {}).get("type", {})
    if "const" in kind:
        kind.pop("default", None)
        schema["required"] = ["type", *schema.get("required", [])]


class Input(BaseModel):
    """What partners send: unknown fields are refused, so a typo is a 422 that names it."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_extra=_constant_type_required
    )


class PersonRole(StrEnum):
    """The part a person plays in the intelligence (domain.md section 1.3)."""

    YOUNG_PERSON = "young_person"
    ADULT = "adult"
    PARENT_CARER = "parent_carer"
    SIBLING = "sibling"
    VULNERABLE_ADULT = "vulnerable_adult"
    PROFESSIONAL = "professional"
    UNKNOWN = "unknown"


class Gender(StrEnum):
    """Gender as the reporter records it."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class PersonFlags(Input):
    """Vulnerabilities that change how alerts about the person are prioritised."""

    # Booleans, not words: "true" is refused (a CSV import turns a boolean column's words into
    # booleans first), as the published schema says.

    learning_disability: StrictBool = False
    looked_after: StrictBool = False
    additional_needs: StrictBool = False


class Handle(Input):
    """A social-media account, normalised per platform."""

    platform: Platform
    handle: Text

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("handle"), str):
            try:
                platform = Platform(str(data.get("platform")))
            except ValueError:
                return data  # the platform field reports its own error
            return {**data, "handle": normalise_handle(platform, data["handle"])}
        return data


class Person(Input):
    """A person as the reporter knows them; any one of name, alias, nickname or description."""

    name: Text | None = None
    aliases: Annotated[list[Text], Field(max_length=20)] = []
    nicknames: Annotated[list[Text], Field(max_length=20)] = []
    date_of_birth: IsoDate | None = None
    estimated_age: Annotated[int, Field(ge=0, le=120)] | None = None
    role: PersonRole = PersonRole.UNKNOWN
    gender: Gender = Gender.UNKNOWN
    description: LongText = ""
    home_local_authority: Text | None = None
    flags: PersonFlags = PersonFlags()
    phones: Annotated[list[PhoneNumber], Field(max_length=20)] = []
    handles: Annotated[list[Handle], Field(max_length=20)] = []
    school: "Place | None" = None  # the school the child attends
    placement: "Place | None" = None  # the care home or foster placement the child lives in
    home_address: Address | None = Field(
        default=None, description="Where the person lives, as the partner records it."
    )
    home_postcode: UkPostcode | None = Field(
        default=None,
        description='The home postcode, normalised ("sw1a1aa" -> "SW1A 1AA"); the district '
        "alone (e.g. ZZ99) is accepted.",
    )
    nhs_number: NhsNumber | None = Field(
        default=None,
        description="NHS number: 10 digits, the last a modulus-11 check digit; kept without "
        "spaces.",
    )
    upn: PupilNumber | None = Field(
        default=None,
        description="Unique Pupil Number (DfE): 13 characters, the first a check letter; kept "
        "upper case without spaces.",
    )
    pnc_id: PncId | None = Field(
        default=None,
        description="Police National Computer id, e.g. 2001/0123456F: year, serial and check "
        "letter; kept with the full year and a 7-digit serial.",
    )
    pnd_id: PndId | None = Field(
        default=None,
        description="Police National Database id: letters, digits, / and -; kept upper case "
        "without spaces.",
    )
    la_child_id: LocalChildId | None = Field(
        default=None,
        description="The local authority's own id for the child (its case-management system), "
        "as written. Matched only with home_local_authority, the authority that issued it.",
    )

    @model_validator(mode="after")
    def _identifiable(self) -> Self:
        if not (self.name or self.aliases or self.nicknames or self.description):
            raise ValueError("give at least a name, an alias, a nickname or a description")
        if self.date_of_birth is not None and self.date_of_birth > date.today():
            raise ValueError("date_of_birth is in the future")
        return self

    def identifier_keys(self) -> list[str]:
        """The identifiers partners hold, as `scheme:value` for matching (`identifier_keys`)."""
        return identifier_keys(
            nhs_number=self.nhs_number,
            upn=self.upn,
            pnc_id=self.pnc_id,
            pnd_id=self.pnd_id,
            la_child_id=self.la_child_id,
            home_local_authority=self.home_local_authority,
        )

    def age_on(self, day: date) -> int | None:
        """Age in whole years on a day, from the date of birth or else the estimate."""
        if self.date_of_birth is not None:
            dob = self.date_of_birth
            return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
        return self.estimated_age

    @property
    def label(self) -> str:
        """The best single name to show for the person."""
        return self.name or (self.nicknames or self.aliases or [self.description[:60]])[0]


class PlaceCategory(StrEnum):
    """Premises categories (domain.md section 4.0): the hotspot list, the protective places
    children go to be safe, and the rest. What each takes part in is one table in
    services/alerts/shared/place_rules.py (README "Places and the patterns they take part in").
    """

    TAKE_AWAY = "take_away"
    TAXI_RANK = "taxi_rank"
    BUS_OR_TRAIN_STATION = "bus_or_train_station"
    OFF_LICENCE = "off_licence"
    HOTEL = "hotel"
    SEASIDE_OR_RURAL_TOWN = "seaside_or_rural_town"
    TOWN_CENTRE = "town_centre"  # town centres, retail areas, neighbourhood spaces
    SHOPPING_CENTRE = "shopping_centre"
    SCHOOL = "school"
    YOUTH_CLUB = "youth_club"  # youth clubs and centres (a Youth Zone safe space)
    SPORTS_CLUB = "sports_club"
    LIBRARY = "library"
    PLACE_OF_WORSHIP = "place_of_worship"
    HEALTH_SERVICE = "health_service"  # GP, clinic, hospital, sexual-health service
    FAMILY_SERVICE = "family_service"  # family hub, children's centre, social care office
    CARE_HOME = "care_home"
    PRIVATE_ADDRESS = "private_address"
    PARK = "park"
    OTHER = "other"


class Coordinates(Input):
    """WGS84 latitude and longitude."""

    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]


class Place(Input):
    """A place; any one of name, address, postcode or coordinates."""

    name: Text | None = None
    address: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=500), at_most(500)
    ] = ""
    postcode: UkPostcode | None = None
    category: PlaceCategory = PlaceCategory.OTHER
    local_authority: Text | None = None
    police_force_area: Text | None = None
    coordinates: Coordinates | None = None

    @model_validator(mode="after")
    def _locatable(self) -> Self:
        if not (self.name or self.address or self.postcode or self.coordinates):
            raise ValueError("give at least a name, an address, a postcode or coordinates")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def postcode_partial(self) -> bool:
        """Whether only the postcode district is known."""
        return self.postcode is not None and " " not in self.postcode

    @property
    def label(self) -> str:
        """The best single name to show for the place."""
        return self.name or self.address or self.postcode or "unnamed place"


Person.model_rebuild()


class Vehicle(Input):
    """A vehicle: the registration, possibly partial, and what it looked like."""

    vrm: VehicleRegistration | None = None
    make: Text | None = None
    model: Text | None = None
    colour: Text | None = None
    description: LongText = ""

    @model_validator(mode="after")
    def _identifiable(self) -> Self:
        if not (self.vrm or self.make or self.model or self.colour or self.description):
            raise ValueError("give at least a registration or a description of the vehicle")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def vrm_format(self) -> VrmFormat | None:
        """Which registration scheme the mark follows; partial when only part is known."""
        return parse_vrm(self.vrm).format if self.vrm else None


class Officer(Input):
    """A police officer, identified as the guidance asks: name and shoulder number."""

    name: Text
    shoulder_number: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=20), at_most(20)
    ]
    force: Text | None = None


def identifier_keys(
    *,
    nhs_number: str | None = None,
    upn: str | None = None,
    pnc_id: str | None = None,
    pnd_id: str | None = None,
    la_child_id: str | None = None,
    home_local_authority: str | None = None,
) -> list[str]:
    """Identifiers as `scheme:value` for matching, e.g. `nhs:<number>`.

    A local authority's child id is `la_child:<authority>:<id>` and only when the issuing
    authority (home_local_authority) is given: two authorities may issue the same id.
    """
    keys = [
        f"{scheme}:{value}"
        for scheme, value in (("nhs", nhs_number), ("upn", upn), ("pnc", pnc_id), ("pnd", pnd_id))
        if value
    ]
    if la_child_id and home_local_authority:
        local = "".join(la_child_id.split()).casefold()
        keys.append(f"la_child:{normalise_name(home_local_authority)}:{local}")
    return keys
