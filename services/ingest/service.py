"""Use cases of ingest: turning a submission into an acknowledged event on Kafka."""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import BaseModel

from common.auth import Principal
from schemas.reports import ReportCreate, ReportSubmitted

if TYPE_CHECKING:  # the port only; its Kafka adapter is wired in by the API
    from services.ingest.publisher import Publisher


class ReportAccepted(BaseModel):
    """What the submitter gets back once Kafka holds the report."""

    report_id: UUID
    status: str = "accepted"


def submit_report(
    *,
    report: ReportCreate,
    principal: Principal,
    publisher: "Publisher",
    topic: str,
    now: datetime,
    new_id: Callable[[], UUID],
) -> ReportAccepted:
    """Stamp provenance from the caller, publish with acks=all, and return the report id."""
    event = ReportSubmitted(
        event_id=new_id(),
        occurred_at=now,
        source_agency=principal.agency,
        submitted_by=principal.user,
        report=report,
    )
    publisher.publish(
        topic=topic,
        key=event.partition_key(),
        value=event.model_dump_json().encode(),
    )
    return ReportAccepted(report_id=event.event_id)
