"""Intelligence reports: what a partner submits and the event that carries it on Kafka."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

SCHEMA_VERSION = 1

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must include a time zone, e.g. 2026-11-23T14:05:00Z")
    return value.astimezone(UTC)


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]


class PersonRole(StrEnum):
    """The part a person plays in a report."""

    YOUNG_PERSON = "young_person"
    ADULT = "adult"
    UNKNOWN = "unknown"


class PlaceCategory(StrEnum):
    """Premises categories from the hotspot taxonomy (domain.md section 4.0)."""

    TAKE_AWAY = "take_away"
    TAXI_RANK = "taxi_rank"
    TRANSPORT_HUB = "transport_hub"
    OFF_LICENCE = "off_licence"
    HOTEL = "hotel"
    SEASIDE_OR_RURAL_TOWN = "seaside_or_rural_town"
    SCHOOL = "school"
    CARE_HOME = "care_home"
    PRIVATE_ADDRESS = "private_address"
    PARK = "park"
    SHOPPING_CENTRE = "shopping_centre"
    OTHER = "other"


class PersonMention(BaseModel):
    """A person as the reporter knows them: possibly partial."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text
    date_of_birth: date | None = None
    estimated_age: Annotated[int, Field(ge=0, le=120)] | None = None
    role: PersonRole = PersonRole.UNKNOWN


class PlaceMention(BaseModel):
    """A place as the reporter knows it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text
    postcode: Annotated[str, StringConstraints(strip_whitespace=True, max_length=10)] | None = None
    category: PlaceCategory = PlaceCategory.OTHER


class SightingCreate(BaseModel):
    """People seen together at a place: the minimal report of the walking skeleton."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["sighting"] = "sighting"
    observed_at: AwareDatetime
    persons: Annotated[list[PersonMention], Field(min_length=1, max_length=50)]
    place: PlaceMention
    narrative: Annotated[str, StringConstraints(max_length=10_000)] = ""


class ReportSubmitted(BaseModel):
    """A report accepted by ingest and acknowledged by Kafka; the system of record."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: int = SCHEMA_VERSION
    event_id: UUID
    occurred_at: AwareDatetime
    source_agency: Text
    submitted_by: Text
    report: SightingCreate

    @property
    def report_id(self) -> UUID:
        """The report's id, which is the id of the event that carries it."""
        return self.event_id


class ReportRejected(BaseModel):
    """A message on the reports topic that could not be read, parked with the reason."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: int = SCHEMA_VERSION
    reason: str
    rejected_at: AwareDatetime
    original: str
