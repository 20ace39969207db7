"""Use case: withdraw a retracted report from the graph. The report stays, marked retracted
(who, when, why); its evidence leaves every link that cites it, and links left without a report
go. Reports are immutable: a correction is a new report."""

from typing import Any, Protocol

from schemas.retractions import ReportRetracted


class ReportWithdrawer(Protocol):
    """Withdraws a report in one transaction; withdrawing it again changes nothing."""

    async def withdraw_report(self, retraction: dict[str, Any]) -> None:
        """Mark the report retracted and take it out of every link."""
        ...


def retraction_row(event: ReportRetracted) -> dict[str, Any]:
    """The retraction as the graph records it on the report."""
    return {
        "id": str(event.event_id),
        "report_id": str(event.report_id),
        "at": event.occurred_at.isoformat(),
        "by": event.retracted_by,
        "agency": event.source_agency,
        "reason": event.reason,
    }


async def withdraw_retracted(*, event: ReportRetracted, graph: ReportWithdrawer) -> None:
    """Withdraw the retracted report's links (idempotent)."""
    await graph.withdraw_report(retraction_row(event))
