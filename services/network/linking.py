"""Use case: turn one submitted report into graph rows and an EntitiesLinked event."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from schemas.linking import EntitiesLinked, EntityKind, LinkedEntity
from schemas.reports import ReportSubmitted
from services.network.mentions import mentions_of
from services.network.resolve import is_young_person, location_id, name_key, person_id


@dataclass(frozen=True, slots=True)
class ReportGraph:
    """Everything one report writes, as parameter rows for the graph store."""

    report: dict[str, Any]
    locations: list[dict[str, Any]]
    persons: list[dict[str, Any]]
    seen_at: list[dict[str, str]]


class GraphWriter(Protocol):
    """Writes a report's rows idempotently (keyed by report id)."""

    async def write_report(self, graph: ReportGraph) -> None:
        """Write the rows in one transaction; re-writing the same report changes nothing."""
        ...


def build_report_graph(event: ReportSubmitted) -> ReportGraph:
    """Resolve the report's mentions to entity ids and shape the rows to write."""
    body = event.report
    grading = body.grading
    day = body.observed_at.date()
    found = mentions_of(body.event)
    person_ids = [
        person_id(person, report_id=event.event_id, index=i)
        for i, (person, _) in enumerate(found.persons)
    ]
    place_ids = [location_id(place) for place, _ in found.places]
    persons: dict[tuple[str, str], dict[str, Any]] = {}
    for pid, (person, part) in zip(person_ids, found.persons, strict=True):
        persons[(pid, part)] = {
            "id": pid,
            "part": part,
            "name": person.label,
            "name_key": name_key(person),
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "role": person.role.value,
            "age": person.age_on(day),
            "young_person": is_young_person(person, day),
        }
    locations: dict[tuple[str, str], dict[str, Any]] = {}
    for loc_id, (place, part) in zip(place_ids, found.places, strict=True):
        locations[(loc_id, part)] = {
            "id": loc_id,
            "part": part,
            "name": place.label,
            "postcode": place.postcode,
            "category": place.category.value,
        }
    seen_at = {(person_ids[who], place_ids[where]) for who, where in found.present}
    return ReportGraph(
        report={
            "id": str(event.event_id),
            "type": body.event.type,
            "source_agency": event.source_agency,
            "submitted_by": event.submitted_by,
            "observed_at": body.observed_at.isoformat(),
            "reported_at": event.occurred_at.isoformat(),
            "narrative": body.narrative,
            "grading": grading.code,
            "source_evaluation": grading.source.value,
            "intelligence_assessment": grading.intelligence.value,
            "handling_code": grading.handling.value,
            "handling_agencies": grading.conditions.agencies if grading.conditions else [],
            "handling_roles": [r.value for r in grading.conditions.roles]
            if grading.conditions
            else [],
            "source_protected": body.source_protected,
        },
        locations=list(locations.values()),
        persons=list(persons.values()),
        seen_at=[{"person_id": who, "location_id": where} for who, where in sorted(seen_at)],
    )


async def link_report(
    *,
    event: ReportSubmitted,
    graph: GraphWriter,
    now: datetime,
    new_id: Callable[[], UUID],
) -> EntitiesLinked:
    """Write the report's people and places into the graph and say what was linked."""
    rows = build_report_graph(event)
    await graph.write_report(rows)
    entities = sorted({(EntityKind.LOCATION, loc["id"]) for loc in rows.locations})
    entities += sorted({(EntityKind.PERSON, p["id"]) for p in rows.persons})
    return EntitiesLinked(
        event_id=new_id(),
        occurred_at=now,
        report_id=event.event_id,
        observed_at=event.report.observed_at,
        entities=tuple(LinkedEntity(kind=kind, id=eid) for kind, eid in entities),
    )
