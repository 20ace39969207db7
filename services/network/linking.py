"""Use case: turn one submitted report into graph rows and an EntitiesLinked event."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from schemas.linking import EntitiesLinked, EntityKind, LinkedEntity
from schemas.reports import ReportSubmitted
from services.network.resolve import age_on, is_young_person, location_id, person_id


@dataclass(frozen=True, slots=True)
class ReportGraph:
    """Everything one report writes, as parameter rows for the graph store."""

    report: dict[str, Any]
    location: dict[str, Any]
    persons: list[dict[str, Any]]


class GraphWriter(Protocol):
    """Writes a report's rows idempotently (keyed by report id)."""

    async def write_report(self, graph: ReportGraph) -> None:
        """Write the rows in one transaction; re-writing the same report changes nothing."""
        ...


def build_report_graph(event: ReportSubmitted) -> ReportGraph:
    """Resolve the report's mentions to entity ids and shape the rows to write."""
    body = event.report
    observed_day = body.observed_at.date()
    loc_id = location_id(body.place)
    persons: dict[str, dict[str, Any]] = {}
    for mention in body.persons:
        pid = person_id(mention)
        persons[pid] = {
            "id": pid,
            "name": mention.name,
            "date_of_birth": mention.date_of_birth.isoformat() if mention.date_of_birth else None,
            "role": mention.role.value,
            "age": age_on(mention, observed_day),
            "young_person": is_young_person(mention, observed_day),
        }
    return ReportGraph(
        report={
            "id": str(event.event_id),
            "type": body.type,
            "source_agency": event.source_agency,
            "submitted_by": event.submitted_by,
            "observed_at": body.observed_at.isoformat(),
            "reported_at": event.occurred_at.isoformat(),
            "narrative": body.narrative,
        },
        location={
            "id": loc_id,
            "name": body.place.name,
            "postcode": body.place.postcode,
            "category": body.place.category.value,
        },
        persons=list(persons.values()),
    )


async def link_report(
    *,
    event: ReportSubmitted,
    graph: GraphWriter,
    now: datetime,
    new_id: Callable[[], UUID],
) -> EntitiesLinked:
    """Write the report's people and place into the graph and say what was linked."""
    rows = build_report_graph(event)
    await graph.write_report(rows)
    entities = [LinkedEntity(kind=EntityKind.LOCATION, id=rows.location["id"])]
    entities += [LinkedEntity(kind=EntityKind.PERSON, id=p["id"]) for p in rows.persons]
    return EntitiesLinked(
        event_id=new_id(),
        occurred_at=now,
        report_id=event.event_id,
        observed_at=event.report.observed_at,
        entities=tuple(entities),
    )
