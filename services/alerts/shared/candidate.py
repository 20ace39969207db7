"""What every detector returns: a pattern found in the graph, before de-duplication."""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from uuid import UUID

from schemas.alerts import AlertSubject, AlertType, Evidence, Priority
from services.alerts.actions import Action
from services.alerts.shared.provenance import UNDER_13, Traits, earliest


@dataclass(frozen=True, slots=True)
class AlertCandidate:
    """A pattern found in the graph, before de-duplication."""

    type: AlertType
    fingerprint: str
    priority: Priority
    summary: str
    subjects: tuple[AlertSubject, ...]
    evidence: tuple[Evidence, ...]
    anchor_id: str  # the entity the alert is about: a place, person, vehicle or phone
    actions: tuple[Action, ...] = ()
    # Entities beyond the subjects that belong in the explaining subgraph (a found location).
    context_ids: tuple[str, ...] = field(default=())
    # Actions due at a time the detector knows rather than a timescale from raising.
    due: tuple[tuple[Action, datetime], ...] = field(default=())


def raised_priority(ages: Iterable[int | None], vulnerable: Iterable[bool] = ()) -> Priority:
    """High for a child under 13 or with a learning disability or additional needs (R4-R6)."""
    young = any(age is not None and age < UNDER_13 for age in ages)
    return Priority.HIGH if young or any(vulnerable) else Priority.MEDIUM


def priority_of(
    cited: Mapping[str, datetime], base: Priority, traits: Iterable[Traits]
) -> tuple[Priority, dict[str, datetime]]:
    """The priority R4-R6 give and what the alert then cites: `base`, from what the cited reports
    say, unless it is medium and a report (not retracted) gives a child's age as under 13 or
    records their needs; then high, citing the earliest such report unless one is cited already."""
    reports = dict(cited)
    if base is not Priority.MEDIUM:
        return base, reports
    facts = [fact for t in traits for fact in (t.under_13, t.needs) if fact]
    if not facts:
        return base, reports
    if all(fact.keys().isdisjoint(reports) for fact in facts):
        reports.update(earliest({rid: at for fact in facts for rid, at in fact.items()}))
    return Priority.HIGH, reports


def escalated(priority: Priority) -> Priority:
    """One step up: medium to high, high to urgent."""
    return {Priority.MEDIUM: Priority.HIGH, Priority.HIGH: Priority.URGENT}.get(priority, priority)


# Evidence entries and subjects made and kept for the next candidate that gives the same: a busy
# place's alert cites thousands of reports, and each detection there gives them again.
EVIDENCE_KEPT = 100_000


def evidence_of(
    reports: dict[str, datetime], gradings: dict[str, str] | None = None
) -> tuple[Evidence, ...]:
    """Evidence entries for report ids and their observation times, oldest first."""
    gradings = gradings or {}
    return tuple(
        evidence_entry(rid, at, gradings.get(rid))
        for rid, at in sorted(reports.items(), key=lambda item: (item[1], item[0]))
    )


@lru_cache(maxsize=EVIDENCE_KEPT)
def subject(kind: str, entity_id: str, display_name: str) -> AlertSubject:
    """An alert's subject: the one made before with the same values, if kept (a busy place's
    alert names thousands of people, each time it is worked out)."""
    return AlertSubject(kind=kind, id=entity_id, display_name=display_name)


@lru_cache(maxsize=EVIDENCE_KEPT)
def evidence_entry(report_id: str, observed_at: datetime, grading: str | None) -> Evidence:
    """The evidence entry of a report: the one made before for the same values, if kept (an
    entry holds its time in UTC, so times equal in UTC may share one)."""
    return Evidence(report_id=UUID(report_id), observed_at=observed_at, grading=grading)


@lru_cache(maxsize=EVIDENCE_KEPT)
def report_key(report_id: UUID) -> str:
    """A cited report's id as the graph holds it: the one made before, if kept (a busy place's
    alert cites thousands, read, digested and graded at each detection there)."""
    return str(report_id)


def cited_digest(evidence: Iterable[Evidence]) -> str:
    """Which reports an alert or candidate cites, in a few bytes: equal exactly when they are
    the same reports, whatever their gradings (saved with the alert as `cited_digest`, so that a
    detector's memory can tell it is what the store holds: `shared/remembered.py`)."""
    ids = sorted({report_key(e.report_id) for e in evidence})
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()
