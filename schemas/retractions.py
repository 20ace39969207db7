"""Retractions: a report withdrawn by its agency (reports are immutable; a correction is a new
report), and the event that tells the network worker to withdraw its links."""

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from schemas.entities import Input, Text
from schemas.reports import AwareDatetime
from schemas.text import at_most

SCHEMA_VERSION = 1

Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=5, max_length=2000), at_most(2000)
]


class RetractionCreate(Input):
    """Why the report is withdrawn, e.g. 'entered against the wrong young person'."""

    reason: Reason


class ReportRetracted(BaseModel):
    """A report was retracted: its links are withdrawn, the report itself is kept for audit.

    Key: the report id. Retracting a report twice changes nothing the first did not.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: int = SCHEMA_VERSION
    event_id: UUID = Field(description="The retraction's id.")
    occurred_at: AwareDatetime = Field(description="When it was retracted.")
    source_agency: Text = Field(description="The retracting user's agency, from the token.")
    retracted_by: Text = Field(description="The retracting user, from the token.")
    report_id: UUID
    report_agency: Text = Field(description="The agency that submitted the report.")
    reason: Reason

    @classmethod
    def from_wire(cls, raw: bytes | str) -> "ReportRetracted":
        """Read an event from Kafka, ignoring fields a newer producer may have added."""
        return cls.model_validate_json(raw, extra="ignore")

    def partition_key(self) -> bytes:
        """One report's retractions share a partition."""
        return str(self.report_id).encode()
