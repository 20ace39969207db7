"""What the alert list can be narrowed to and sorted by (GET /v1/alerts), as the store takes it."""

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from schemas.alerts import AlertRaised, AlertStatus, AlertType, Priority


class AlertSort(StrEnum):
    """The order of the list; every order ends with the newest change first, then the id."""

    UPDATED = "updated"  # the newest change first (the live desk's order)
    PRIORITY = "priority"  # urgent, high, medium; the newest change first within each
    RAISED = "raised"  # the newest raised first
    OLDEST = "oldest"  # the oldest raised first


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """Which alerts to list; None (or empty) leaves a condition out."""

    statuses: tuple[AlertStatus, ...] = ()  # any of them
    type: AlertType | None = None
    priority: Priority | None = None
    assignee: str | None = None
    area: str | None = None  # part of a local authority or police force area, any case
    subject: str | None = None  # part of a subject's name, or its id, any case
    text: str | None = None  # part of the summary or a subject's name or id, an area, the id
    raised_from: datetime | None = None  # raised at or after
    raised_to: datetime | None = None  # raised before
    sort: AlertSort = AlertSort.UPDATED

    def parameters(self) -> dict[str, Any]:
        """The Cypher parameters of LIST_ALERTS and COUNT_ALERTS (text compared in lower case)."""
        return {
            "statuses": [s.value for s in self.statuses] or None,
            "type": self.type.value if self.type else None,
            "priority": self.priority.value if self.priority else None,
            "assignee": self.assignee,
            "area": _lower(self.area),
            "subject": _lower(self.subject),
            "text": _lower(self.text),
            "raised_from": _utc(self.raised_from),
            "raised_to": _utc(self.raised_to),
            "sort": self.sort.value,
        }


def _lower(value: str | None) -> str | None:
    value = (value or "").strip()
    return value.lower() if value else None


@dataclass(frozen=True, slots=True)
class ListedAlert:
    """An alert in the list, with the areas its cited reports place it in."""

    alert: AlertRaised
    areas: tuple[str, ...] = ()


def _utc(moment: datetime | None) -> str | None:
    """In UTC: an offset Python accepts may be one Neo4j refuses (beyond 18 hours)."""
    return moment.astimezone(UTC).isoformat() if moment else None
