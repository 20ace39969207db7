"""Use cases of ingest: turning submissions into acknowledged events on Kafka, and reading
an agency's own reports back."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import BaseModel

from common.auth import Principal, Role
from schemas.reports import ReportCreate, ReportSubmitted
from schemas.retractions import ReportRetracted
from services.ingest.ports import Ledger, Located, Message, Publisher, ReportReader, Submission

IDEMPOTENCY_NAMESPACE = uuid5(NAMESPACE_URL, "https://tessera.invalid/idempotency")


class ReportAccepted(BaseModel):
    """What the submitter gets back once Kafka holds the report."""

    report_id: UUID
    status: str = "accepted"
    replayed: bool = False


class RetractionAccepted(BaseModel):
    """What the retracting user gets back once Kafka holds the retraction."""

    report_id: UUID
    retraction_id: UUID
    status: str = "retraction accepted"


class Lane(StrEnum):
    """Which reports topic a submission travels on: live reports are linked and examined by
    agents of their own, never queued behind a bulk import."""

    LIVE = "live"
    BULK = "bulk"


def lane_topic(lane: Lane, *, live: str, bulk: str) -> str:
    """The reports topic of a lane."""
    return bulk if lane is Lane.BULK else live


class IdempotencyConflict(Exception):
    """The idempotency key was used before for a different submission."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """The ids of the accepted reports, and whether they were accepted before."""

    report_ids: list[UUID]
    replayed: bool


def body_hash(reports: list[ReportCreate]) -> str:
    """A fingerprint of what was submitted, to tell a retry from a different submission."""
    digest = hashlib.sha256()
    for report in reports:
        digest.update(report.model_dump_json().encode())
    return digest.hexdigest()


def submit_reports(
    *,
    reports: list[ReportCreate],
    principal: Principal,
    publisher: Publisher,
    ledger: Ledger,
    topic: str,
    now: datetime,
    new_id: Callable[[], UUID],
    idempotency_key: str | None,
) -> Outcome:
    """Stamp provenance from the caller, publish every report with acks=all, remember them.

    Under an idempotency key the ids are derived from the agency, key and position, so a retry
    after a lost answer or a 503 publishes the very same events and the graph writes them once.
    """
    submission: Submission | None = None
    if idempotency_key is not None:
        fingerprint = body_hash(reports)
        earlier = ledger.submission(agency=principal.agency, idempotency_key=idempotency_key)
        if earlier is not None:
            if earlier.body_hash != fingerprint:
                raise IdempotencyConflict(
                    "this Idempotency-Key was already used for a different submission"
                )
            return Outcome(report_ids=list(earlier.report_ids), replayed=True)
        ids = [
            uuid5(IDEMPOTENCY_NAMESPACE, f"{principal.agency}\x1f{idempotency_key}\x1f{i}")
            for i in range(len(reports))
        ]
        submission = Submission(principal.agency, idempotency_key, fingerprint, tuple(ids))
    else:
        ids = [new_id() for _ in reports]
    events = [
        ReportSubmitted(
            event_id=report_id,
            occurred_at=now,
            source_agency=principal.agency,
            submitted_by=principal.user,
            report=report,
        )
        for report_id, report in zip(ids, reports, strict=True)
    ]
    delivered = publisher.publish(
        topic=topic,
        messages=[
            Message(key=e.partition_key(), value=e.model_dump_json().encode()) for e in events
        ],
    )
    ledger.record(
        submission=submission,
        located=[
            Located(e.event_id, principal.agency, topic, d.partition, d.offset)
            for e, d in zip(events, delivered, strict=True)
        ],
    )
    return Outcome(report_ids=ids, replayed=False)


def read_own_report(
    *, report_id: UUID, principal: Principal, ledger: Ledger, reader: ReportReader
) -> ReportSubmitted | None:
    """The report if the caller's agency submitted it; None otherwise (existence not revealed)."""
    located = ledger.locate(report_id)
    if located is None or located.agency != principal.agency:
        return None
    raw = reader.read(topic=located.topic, partition=located.partition, offset=located.offset)
    return ReportSubmitted.from_wire(raw) if raw is not None else None


def retract_report(
    *,
    report_id: UUID,
    reason: str,
    principal: Principal,
    ledger: Ledger,
    publisher: Publisher,
    topic: str,
    now: datetime,
    new_id: Callable[[], UUID],
) -> RetractionAccepted | None:
    """Publish a ReportRetracted event with acks=all; the network worker withdraws the links.

    None when the caller may not retract it: a submitter only their own agency's reports, an
    admin any report ingest accepted (existence is not revealed to anyone else).
    """
    located = ledger.locate(report_id)
    if located is None:
        return None
    if principal.role is not Role.ADMIN and located.agency != principal.agency:
        return None
    event = ReportRetracted(
        event_id=new_id(),
        occurred_at=now,
        source_agency=principal.agency,
        retracted_by=principal.user,
        report_id=report_id,
        report_agency=located.agency,
        reason=reason,
    )
    publisher.publish(
        topic=topic,
        messages=[Message(key=event.partition_key(), value=event.model_dump_json().encode())],
    )
    return RetractionAccepted(report_id=report_id, retraction_id=event.event_id)
