"""HTTP adapter of ingest: parse, call the use case, answer."""

from datetime import UTC, datetime
from uuid import uuid4

from fastapi import APIRouter, HTTPException, status

from schemas.reports import ReportCreate
from services.ingest.deps import PublisherDep, SettingsDep, SubmitterDep
from services.ingest.publisher import PublishFailed
from services.ingest.service import ReportAccepted, submit_report

router = APIRouter(prefix="/v1")


@router.post(
    "/reports",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReportAccepted,
    responses={503: {"description": "Kafka did not acknowledge; retry after Retry-After."}},
)
def post_report(
    report: ReportCreate,
    principal: SubmitterDep,
    publisher: PublisherDep,
    settings: SettingsDep,
) -> ReportAccepted:
    """Accept one report: 202 only after Kafka acknowledged it with acks=all."""
    try:
        return submit_report(
            report=report,
            principal=principal,
            publisher=publisher,
            topic=settings.ingest_reports_topic,
            now=datetime.now(UTC),
            new_id=uuid4,
        )
    except PublishFailed as error:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the report was not stored because Kafka is unavailable; retry later",
            headers={"Retry-After": str(settings.ingest_retry_after_s)},
        ) from error
