"""Events the network service emits after it has linked a report into the graph."""

from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from schemas.reports import AwareDatetime


class EntityKind(StrEnum):
    """The kinds of graph entity a report can link."""

    PERSON = "person"
    LOCATION = "location"
    VEHICLE = "vehicle"
    PHONE = "phone"
    HANDLE = "handle"
    GROUP = "group"

    @classmethod
    def of(cls, entity_id: str) -> "EntityKind":
        """The kind of entity an id names (`kind:...`)."""
        return cls(entity_id.split(":", 1)[0])


class LinkedEntity(BaseModel):
    """One entity a report touched."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: EntityKind
    id: str


class EntitiesLinked(BaseModel):
    """A report's entities are now in the graph: the trigger for pattern detection."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: int = 1
    event_id: UUID
    occurred_at: AwareDatetime
    report_id: UUID
    observed_at: AwareDatetime
    entities: tuple[LinkedEntity, ...]
    # The report was retracted and withdrawn from the graph: alerts citing it are re-checked.
    retracted: bool = False
    # Not a report but a resolution decision (same, different, split) changed these people:
    # report_id and observed_at are then the decision's event id and time.
    decision_id: str | None = None
