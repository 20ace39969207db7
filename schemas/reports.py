"""Intelligence reports: the envelope a partner submits and the events that carry it on Kafka."""

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from schemas.entities import Input, LongText, Officer, Text
from schemas.events import IntelligenceEvent
from schemas.grading import Grading
from schemas.written_dates import DATE_TIME, written_as

SCHEMA_VERSION = 1
CLOCK_SKEW = timedelta(minutes=5)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must include a time zone, e.g. 2026-11-23T14:05:00Z")
    try:
        return value.astimezone(UTC)
    except OverflowError as error:  # year 1 with a positive offset has no UTC instant
        raise ValueError("is out of range") from error


AwareDatetime = Annotated[datetime, written_as(DATE_TIME, whole=False), AfterValidator(_aware)]


class Concern(StrEnum):
    """The kind of exploitation the reporter is concerned about (marked as the guidance asks)."""

    CSE = "cse"
    CCE = "cce"
    COUNTY_LINES = "county_lines"
    TRAFFICKING = "trafficking"
    OTHER = "other"


class ReportCreate(Input):
    """One piece of intelligence: when it was seen, how it is graded, and the event itself."""

    observed_at: AwareDatetime
    grading: Grading
    event: IntelligenceEvent
    concerns: Annotated[list[Concern], Field(max_length=5)] = []
    narrative: LongText = ""
    police_incident_ref: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    officer: Officer | None = None
    source_protected: bool = Field(
        default=False,
        description="A disclosure or source that must not be attributed (domain.md 6.3.2).",
    )
    partner_reference: Text | None = Field(
        default=None, description="The submitting agency's own reference for this report."
    )

    @model_validator(mode="after")
    def _not_in_the_future(self) -> Self:
        if self.observed_at > datetime.now(UTC) + CLOCK_SKEW:
            raise ValueError("observed_at is in the future")
        return self


class ReportSubmitted(BaseModel):
    """A report accepted by ingest and acknowledged by Kafka: the system of record.

    Consumers ignore fields they do not know, so producers may add fields without breaking them.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: int = SCHEMA_VERSION
    event_id: UUID = Field(description="The report's id.")
    occurred_at: AwareDatetime = Field(description="When the report was received (reported_at).")
    source_agency: Text = Field(description="From the submitter's token, never from the body.")
    submitted_by: Text = Field(description="From the submitter's token, never from the body.")
    report: ReportCreate

    @classmethod
    def from_wire(cls, raw: bytes | str) -> "ReportSubmitted":
        """Read an event from Kafka, ignoring fields a newer producer may have added."""
        return cls.model_validate_json(raw, extra="ignore")

    @property
    def report_id(self) -> UUID:
        """The report's id, which is the id of the event that carries it."""
        return self.event_id

    @property
    def reported_at(self) -> datetime:
        """When the report reached Tessera."""
        return self.occurred_at

    def partition_key(self) -> bytes:
        """One subject's events share a partition, so they keep their order."""
        return self.report.event.subject_key().encode()


class ReportRejected(BaseModel):
    """A message on the reports topic that could not be read, parked with the reason."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: int = SCHEMA_VERSION
    reason: str
    rejected_at: AwareDatetime
    original: str
