"""Safeguarding alerts as they travel on Kafka and leave the alert service."""

from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from schemas.reports import AwareDatetime


class AlertType(StrEnum):
    """Pattern types the alert service can raise (domain.md section 4)."""

    SHARED_HOTSPOT = "shared_hotspot"  # P01
    PEER_GROUP_CONTEXT = "peer_group_context"  # P02
    ADULT_LINKED_TO_CHILDREN = "adult_linked_to_children"  # P04
    HARBOURING_ADULT = "harbouring_adult"  # P04
    VEHICLE_LINKED_TO_CHILDREN = "vehicle_linked_to_children"  # P06 (a)
    VEHICLE_LINKED_TO_MISSING = "vehicle_linked_to_missing"  # P06 (b)
    MISSING_ESCALATION = "missing_escalation"  # P07
    CO_MISSING = "co_missing"  # P08
    FOUND_OUT_OF_AREA = "found_out_of_area"  # P09
    COUNTY_LINES_SUSPECTED = "county_lines_suspected"  # P09
    TRAP_HOUSE = "trap_house"  # P11
    CUCKOOING = "cuckooing"  # P12
    CARE_HOME_TARGETED = "care_home_targeted"  # P14
    DEBT_BONDAGE = "debt_bondage"  # P15
    INJURY_ON_RETURN = "injury_on_return"  # P19
    SHARED_PHONE = "shared_phone"  # P17
    DEPARTURE_RISK = "departure_risk"  # P21
    PROTECTIVE_CONDITION_BREACH = "protective_condition_breach"  # P22
    CHILD_IN_CUSTODY = "child_in_custody"  # P23


class AlertStatus(StrEnum):
    """Where an alert is in its lifecycle: open -> acknowledged -> actioned, or closed."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ACTIONED = "actioned"
    CLOSED = "closed"


class AlertChange(StrEnum):
    """What an event on the alerts topic records: the alert raised, or how it changed."""

    RAISED = "raised"
    UPDATED = "updated"  # new evidence, or evidence withdrawn that left the pattern standing
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    ACTIONED = "actioned"
    CLOSED = "closed"  # by a user with a reason, or by the worker when its evidence is withdrawn
    FEEDBACK = "feedback"  # marked a false positive or not


class Priority(StrEnum):
    """How quickly a receiver should look at an alert."""

    URGENT = "urgent"  # act now: an immediate strategy meeting (a breach of conditions)
    HIGH = "high"  # a child under 13, or with a learning disability or additional needs
    MEDIUM = "medium"


class AlertSubject(BaseModel):
    """An entity the alert is about, named as the receiver may see it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: str
    id: str
    display_name: str


class Evidence(BaseModel):
    """A report behind an alert: when it was observed and how it was graded."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    report_id: UUID
    observed_at: AwareDatetime
    # 3x5x2 as police write it, e.g. "2B P": source 1-3, intelligence A-E, handling P or C
    grading: str | None = None


class Deadline(BaseModel):
    """A recommended action with the time by which the domain says it is due."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    action: str
    due_at: AwareDatetime
    basis: str  # where the timescale comes from (domain.md section 5.1)


class SubgraphNode(BaseModel):
    """An entity in the picture that explains the alert."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    kind: str
    label: str


class SubgraphEdge(BaseModel):
    """A link in the picture, with the cited reports that state it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    source: str
    target: str
    type: str
    report_ids: tuple[str, ...]


class Subgraph(BaseModel):
    """The entities and links, drawn only from the cited reports, that explain the alert."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    nodes: tuple[SubgraphNode, ...] = ()
    edges: tuple[SubgraphEdge, ...] = ()


class AlertRaised(BaseModel):
    """An alert was raised, updated with new evidence, or moved along its lifecycle.

    Every change is a new event (a new `event_id`, the same `alert_id`) carrying the whole alert
    as it now stands; `change` says which change it was (None in events from before it did).

    `visibility` lists, per cited report, the audiences that may see it (`all`, `agency:X`,
    `role:Y`), then the same for each report an earlier version cited and this one no longer
    does: a receiver may see the alert only when it is in one audience of every list.
    Every channel (the API, the live stream, webhooks and readers of the alerts topic) applies
    that rule, so handling code C travels with the alert.
    """

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
    actions: tuple[str, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    subgraph: Subgraph = Subgraph()
    visibility: tuple[tuple[str, ...], ...] = ()
    assignee: str | None = None
    closure_reason: str | None = None
    false_positive: bool | None = None
    change: AlertChange | None = None
    # Closed by the worker because its pattern no longer held once this resolution decision
    # changed who the people it named are: found again (the decision undone), it is raised anew
    # at once, not held back as one a user closed is.
    closed_by_decision: str | None = None
