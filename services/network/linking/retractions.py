"""Use case: withdraw a retracted report from the graph. The report stays, marked retracted
(who, when, why); its evidence leaves every link that cites it, and links left without a report
go. Reports are immutable: a correction is a new report."""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from schemas.linking import EntitiesLinked, EntityKind, LinkedEntity
from schemas.retractions import ReportRetracted
from services.network.linking.ports import ReportWithdrawer


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


async def withdraw_retracted(
    *, event: ReportRetracted, graph: ReportWithdrawer, now: datetime, new_id: Callable[[], UUID]
) -> EntitiesLinked:
    """Withdraw the retracted report's links (idempotent), and say which entities it touched
    so the alert service can re-check the alerts that cite it."""
    mentioned = await graph.withdraw_report(retraction_row(event))
    entities = []
    for entity_id in sorted(set(mentioned)):
        kind = entity_id.split(":", 1)[0]
        if kind in EntityKind.__members__.values():
            entities.append(LinkedEntity(kind=EntityKind(kind), id=entity_id))
    return EntitiesLinked(
        event_id=new_id(),
        occurred_at=now,
        report_id=event.report_id,
        observed_at=event.occurred_at,
        entities=tuple(entities),
        retracted=True,
    )
