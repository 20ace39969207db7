"""Safeguarding alerts as they travel on Kafka and leave the alert service."""

from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from schemas.reports import AwareDatetime


class AlertType(StrEnum):
    """Pattern types the alert service can raise (domain.md section 4)."""

    SHARED_HOTSPOT = "shared_hotspot"  # P01
    ADULT_LINKED_TO_CHILDREN = "adult_linked_to_children"  # P04
    VEHICLE_LINKED_TO_CHILDREN = "vehicle_linked_to_children"  # P06 (a)
    SHARED_PHONE = "shared_phone"  # P17


class AlertStatus(StrEnum):
    """Where an alert is in its lifecycle."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ACTIONED = "actioned"
    CLOSED = "closed"


class Priority(StrEnum):
    """How quickly a receiver should look at an alert."""

    HIGH = "high"
    MEDIUM = "medium"


class AlertSubject(BaseModel):
    """An entity the alert is about, named as the receiver may see it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: str
    id: str
    display_name: str


class Evidence(BaseModel):
    """A report behind an alert."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    report_id: UUID
    observed_at: AwareDatetime


class AlertRaised(BaseModel):
    """An alert was raised, or updated with new evidence."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: int = 1
    event_id: UUID
    occurred_at: AwareDatetime
    alert_id: UUID
    type: AlertType
    fingerprint: str
    status: AlertStatus
    priority: Priority
    summary: str
    subjects: tuple[AlertSubject, ...]
    evidence: tuple[Evidence, ...]
    raised_at: AwareDatetime
    updated_at: AwareDatetime
