"""Analysts' resolution decisions: the events a rebuilt graph re-applies, in the order made."""

from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from schemas.entities import Text
from schemas.reports import AwareDatetime
from schemas.text import at_most

SCHEMA_VERSION = 1

EntityRef = Annotated[str, StringConstraints(min_length=3, max_length=200)]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=5, max_length=2000), at_most(2000)
]


class Verdict(StrEnum):
    """What an analyst decided."""

    SAME = "same"  # the candidate's two people are one: merged into one, with a SAME_AS link
    DIFFERENT = "different"  # they are not: the candidate is rejected, a `same` undone
    SPLIT = "split"  # some reports' mentions of a person are someone else: a new person


class ResolutionDecided(BaseModel):
    """An analyst confirmed or rejected a possible match, or split a merged person in two; or
    the resolver merged two people automatically (`automatic`) when one gained evidence.

    Published (acks=all) before the decision is applied to the graph, so `tessera replay`
    gets every decision back even into an empty database. Consumers ignore unknown fields.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: int = SCHEMA_VERSION
    event_id: UUID = Field(description="The decision's id.")
    occurred_at: AwareDatetime = Field(description="When the analyst decided.")
    source_agency: Text = Field(description="The analyst's agency, from the token.")
    decided_by: Text = Field(description="The analyst, from the token.")
    decision: Verdict
    reason: Reason
    person_a: EntityRef = Field(
        description="The candidate's first person, or the person that was split."
    )
    person_b: EntityRef = Field(
        description="The candidate's second person, or the new person the reports moved to."
    )
    candidate_id: EntityRef | None = Field(
        default=None, description="The POSSIBLE_SAME_AS candidate decided on (same, different)."
    )
    report_ids: tuple[UUID, ...] = Field(
        default=(), description="Split only: the reports whose mentions moved to person_b."
    )
    automatic: bool = Field(
        default=False,
        description=(
            "Made by the resolver, not an analyst: person_a gained evidence (from a report named "
            "in the reason) and then passed the merge threshold with person_b."
        ),
    )

    @model_validator(mode="after")
    def _fits_the_verdict(self) -> Self:
        if self.decision is Verdict.SPLIT and not self.report_ids:
            raise ValueError("a split names the reports that move")
        if self.decision is not Verdict.SPLIT and self.candidate_id is None:
            raise ValueError("a same or different decision names its candidate")
        return self

    @classmethod
    def from_wire(cls, raw: bytes | str) -> "ResolutionDecided":
        """Read an event from Kafka, ignoring fields a newer producer may have added."""
        return cls.model_validate_json(raw, extra="ignore")

    @property
    def decision_id(self) -> str:
        """The id of the ResolutionDecision node that records it in the graph."""
        return f"decision:{self.event_id}"

    def partition_key(self) -> bytes:
        """Decisions about one person share a key (the topic has one partition anyway)."""
        return self.person_a.encode()
