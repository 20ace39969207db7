"""The UK 3x5x2 intelligence grading carried by every report."""

from enum import IntEnum, StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from schemas.roles import Role
from schemas.text import at_most


class SourceEvaluation(IntEnum):
    """How reliable the source is."""

    RELIABLE = 1
    UNTESTED = 2
    NOT_RELIABLE = 3


class IntelligenceAssessment(StrEnum):
    """How the source knows what it reports."""

    KNOWN_DIRECTLY = "A"
    KNOWN_INDIRECTLY_CORROBORATED = "B"
    KNOWN_INDIRECTLY = "C"
    NOT_KNOWN = "D"
    SUSPECTED_FALSE = "E"


class HandlingCode(StrEnum):
    """P: may be shared lawfully with partners; C: shared only under the recorded conditions."""

    P = "P"
    C = "C"


AgencyName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), at_most(200)
]


class HandlingConditions(BaseModel):
    """Who may receive a C-coded report: named agencies, roles, or both (either suffices)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agencies: Annotated[list[AgencyName], Field(max_length=50)] = []
    roles: Annotated[list[Role], Field(max_length=4)] = []
    note: Annotated[str, StringConstraints(max_length=1000)] = ""

    @model_validator(mode="after")
    def _names_someone(self) -> Self:
        if not self.agencies and not self.roles:
            raise ValueError("conditions must name at least one agency or role that may receive it")
        return self


class Grading(BaseModel):
    """3x5x2: source evaluation 1-3, intelligence assessment A-E, handling code P or C."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: SourceEvaluation
    intelligence: IntelligenceAssessment
    handling: HandlingCode
    conditions: HandlingConditions | None = None

    @model_validator(mode="after")
    def _conditions_match_code(self) -> Self:
        if self.handling is HandlingCode.C and self.conditions is None:
            raise ValueError("handling code C needs conditions: which agencies or roles may see it")
        if self.handling is HandlingCode.P and self.conditions is not None:
            raise ValueError("handling code P has no conditions; use C to restrict sharing")
        return self

    @property
    def code(self) -> str:
        """The grading as police write it, e.g. 2B P."""
        return f"{self.source.value}{self.intelligence.value} {self.handling.value}"
