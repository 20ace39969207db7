"""HTTP adapter of ingest: parse, call the use case, answer."""

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Header, HTTPException, Query, status
from pydantic import BaseModel, Field

from common.adapters.audit.http import AuditDep, Purpose
from schemas.reports import ReportCreate, ReportSubmitted
from schemas.retractions import RetractionCreate
from services.ingest.deps import (
    LedgerDep,
    PublisherDep,
    ReaderDep,
    RetractorDep,
    SettingsDep,
    SubmitterDep,
)
from services.ingest.ports import PublishFailed
from services.ingest.service import (
    IdempotencyConflict,
    Lane,
    Outcome,
    ReportAccepted,
    RetractionAccepted,
    lane_topic,
    read_own_report,
    retract_report,
    submit_reports,
)

MAX_BATCH = 1000

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Any unique string; a retried submission with the same key and body is "
        "accepted once and answered with the same ids.",
    ),
]

BatchLane = Annotated[
    Lane,
    Query(
        description="`bulk` sends the batch on the bulk lane (`intel.reports.bulk.v1`), which "
        "the workers link and examine with agents of their own, so a backlog never delays a "
        "live report's alerts: for imports (`tessera import` sends `bulk`). `live`, the "
        "default, is for reports as they happen.",
    ),
]

Responses = dict[int | str, dict[str, Any]]
UNAVAILABLE: Responses = {
    503: {
        "description": "Kafka did not acknowledge; nothing was accepted. Retry "
        "after Retry-After seconds, with the same Idempotency-Key."
    }
}
CONFLICT: Responses = {
    409: {"description": "The Idempotency-Key was used for a different submission."}
}
UNREADABLE: Responses = {
    400: {"description": "The body could not be parsed as JSON text (for example, not UTF-8)."}
}
TOO_LARGE: Responses = {413: {"description": "The body is larger than the configured limit."}}
UNAUTHENTICATED: Responses = {
    401: {"description": "The bearer token is missing, malformed, unknown or wrong."}
}
FORBIDDEN: Responses = {403: {"description": "Your role may not submit or read reports."}}

router = APIRouter(prefix="/v1", tags=["reports"], responses={**UNAUTHENTICATED, **FORBIDDEN})


class ReportBatch(BaseModel):
    """Up to 1,000 reports accepted or refused together."""

    model_config = {"extra": "forbid"}

    reports: Annotated[list[ReportCreate], Field(min_length=1, max_length=MAX_BATCH)]


class BatchAccepted(BaseModel):
    """The ids of a batch's reports, in the order they were sent."""

    report_ids: list[UUID]
    count: int
    status: str = "accepted"
    replayed: bool = False


class StoredReport(BaseModel):
    """A report as Tessera holds it, with its provenance."""

    report_id: UUID
    reported_at: datetime
    source_agency: str
    submitted_by: str
    report: ReportCreate


def _submit(
    reports: list[ReportCreate],
    *,
    principal: SubmitterDep,
    publisher: PublisherDep,
    ledger: LedgerDep,
    settings: SettingsDep,
    idempotency_key: str | None,
    lane: Lane = Lane.LIVE,
) -> Outcome:
    try:
        return submit_reports(
            reports=reports,
            principal=principal,
            publisher=publisher,
            ledger=ledger,
            topic=lane_topic(
                lane, live=settings.ingest_reports_topic, bulk=settings.ingest_bulk_reports_topic
            ),
            now=datetime.now(UTC),
            new_id=uuid4,
            idempotency_key=idempotency_key,
        )
    except IdempotencyConflict as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    except PublishFailed as error:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the report was not accepted because Kafka is unavailable; retry later with the "
            "same Idempotency-Key",
            headers={"Retry-After": str(settings.ingest_retry_after_s)},
        ) from error


@router.post(
    "/reports",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReportAccepted,
    responses={**UNREADABLE, **UNAVAILABLE, **CONFLICT, **TOO_LARGE},
)
def post_report(
    report: ReportCreate,
    principal: SubmitterDep,
    publisher: PublisherDep,
    ledger: LedgerDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> ReportAccepted:
    """Accept one report: 202 only after Kafka acknowledged it with acks=all."""
    outcome = _submit(
        [report],
        principal=principal,
        publisher=publisher,
        ledger=ledger,
        settings=settings,
        idempotency_key=idempotency_key,
    )
    return ReportAccepted(report_id=outcome.report_ids[0], replayed=outcome.replayed)


@router.post(
    "/reports:batch",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=BatchAccepted,
    responses={**UNREADABLE, **UNAVAILABLE, **CONFLICT, **TOO_LARGE},
)
def post_batch(
    batch: ReportBatch,
    principal: SubmitterDep,
    publisher: PublisherDep,
    ledger: LedgerDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
    lane: BatchLane = Lane.LIVE,
) -> BatchAccepted:
    """Accept up to 1,000 reports; any invalid report refuses the batch (422 names each).
    `lane=bulk` sends them on the bulk lane, so an import never delays live reports' alerts."""
    outcome = _submit(
        batch.reports,
        principal=principal,
        publisher=publisher,
        ledger=ledger,
        settings=settings,
        idempotency_key=idempotency_key,
        lane=lane,
    )
    return BatchAccepted(
        report_ids=outcome.report_ids, count=len(outcome.report_ids), replayed=outcome.replayed
    )


@router.get(
    "/reports/{report_id}",
    response_model=StoredReport,
    responses={
        404: {"description": "No report of your agency has this id."},
        503: {
            "description": "Kafka is unavailable, or the read could not be recorded in the "
            "audit; nothing is returned. Retry after Retry-After seconds."
        },
    },
)
def get_report(
    report_id: UUID,
    principal: SubmitterDep,
    ledger: LedgerDep,
    reader: ReaderDep,
    settings: SettingsDep,
    audit: AuditDep,
    purpose: Purpose,
) -> StoredReport:
    """One of your agency's own reports, as it was accepted. The read is audited
    (`report.read`, the subject `report:<id>`) with its purpose."""
    try:
        event: ReportSubmitted | None = read_own_report(
            report_id=report_id, principal=principal, ledger=ledger, reader=reader
        )
    except PublishFailed as error:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "Kafka is unavailable; retry later",
            headers={"Retry-After": str(settings.ingest_retry_after_s)},
        ) from error
    if event is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no report of your agency has this id")
    audit.record(
        reader=principal,
        action="report.read",
        purpose=purpose,
        subject_ids=[f"report:{event.event_id}"],
        parameters={"report_id": report_id},
    )
    return StoredReport(
        report_id=event.event_id,
        reported_at=event.occurred_at,
        source_agency=event.source_agency,
        submitted_by=event.submitted_by,
        report=event.report,
    )


@router.post(
    "/reports/{report_id}/retract",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RetractionAccepted,
    responses={
        403: {"description": "Only submitters (of the report's agency) and admins retract."},
        404: {"description": "No report you may retract has this id."},
        **UNREADABLE,
        **TOO_LARGE,
        503: {
            "description": "Kafka did not acknowledge the retraction; nothing was retracted. "
            "Retry after Retry-After seconds."
        },
    },
)
def post_retraction(
    report_id: UUID,
    body: RetractionCreate,
    principal: RetractorDep,
    publisher: PublisherDep,
    ledger: LedgerDep,
    settings: SettingsDep,
) -> RetractionAccepted:
    """Retract a report: 202 once Kafka holds the retraction (acks=all); its links are then
    withdrawn from the graph. The report is kept, marked; a correction is a new report."""
    try:
        accepted = retract_report(
            report_id=report_id,
            reason=body.reason,
            principal=principal,
            ledger=ledger,
            publisher=publisher,
            topic=settings.ingest_retractions_topic,
            now=datetime.now(UTC),
            new_id=uuid4,
        )
    except PublishFailed as error:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the report was not retracted because Kafka is unavailable; retry later",
            headers={"Retry-After": str(settings.ingest_retry_after_s)},
        ) from error
    if accepted is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no report you may retract has this id")
    return accepted
