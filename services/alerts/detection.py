"""Which detectors run for which kind of linked entity, with their Neo4j adapters.

Each runner reads only the neighbourhood of the one entity it is given, so the cost of an event
does not grow with the size of the graph. To add a detector, write its pure rule in
`detectors/`, its adapter beside the others, and one line in DETECTORS.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from neo4j import AsyncDriver

from schemas.linking import EntityKind
from services.alerts.config import Settings
from services.alerts.detectors.candidate import AlertCandidate
from services.alerts.detectors.linked_children import detect_linked_children
from services.alerts.detectors.shared_hotspot import detect_shared_hotspot
from services.alerts.store import Neo4jHotspotGraph, Neo4jLinkedChildrenGraph


@dataclass(frozen=True, slots=True)
class Context:
    """What every runner gets: the graph, the thresholds and the time of detection."""

    driver: AsyncDriver
    database: str
    settings: Settings
    now: datetime


Runner = Callable[[str, Context], Awaitable[list[AlertCandidate]]]


def found(candidate: AlertCandidate | None) -> list[AlertCandidate]:
    """A runner's result from a detector that finds at most one pattern."""
    return [candidate] if candidate is not None else []


async def shared_hotspot(entity_id: str, ctx: Context) -> list[AlertCandidate]:
    """P01 on a place."""
    return found(
        await detect_shared_hotspot(
            location_id=entity_id,
            graph=Neo4jHotspotGraph(driver=ctx.driver, database=ctx.database),
            now=ctx.now,
            min_young_people=ctx.settings.alerts_hotspot_min_young_people,
            window_days=ctx.settings.alerts_hotspot_window_days,
        )
    )


async def linked_children(entity_id: str, ctx: Context) -> list[AlertCandidate]:
    """P04, P06 (a) and P17 on an adult, vehicle or phone."""
    return found(
        await detect_linked_children(
            entity_id=entity_id,
            graph=Neo4jLinkedChildrenGraph(driver=ctx.driver, database=ctx.database),
            now=ctx.now,
            min_children=ctx.settings.alerts_linked_children_min,
            window_days=ctx.settings.alerts_linked_children_window_days,
        )
    )


PERSON = frozenset({EntityKind.PERSON})
LOCATION = frozenset({EntityKind.LOCATION})
ANCHORS = frozenset({EntityKind.PERSON, EntityKind.VEHICLE, EntityKind.PHONE})

VEHICLE = frozenset({EntityKind.VEHICLE})
GROUP = frozenset({EntityKind.GROUP})
EXTERNAL = frozenset({EntityKind.PERSON, EntityKind.VEHICLE, EntityKind.PHONE, EntityKind.HANDLE})


def _registry() -> tuple[tuple[frozenset[EntityKind], Runner], ...]:
    # Imported here: the runners import this module's Context.
    from services.alerts.missing import runners as missing
    from services.alerts.places import runners as places

    return (
        (LOCATION, shared_hotspot),
        (ANCHORS, linked_children),
        (PERSON, missing.missing_escalation),
        (PERSON, missing.harbouring_adult),
        (PERSON | VEHICLE, missing.vehicle_linked_to_missing),
        (PERSON, missing.co_missing),
        (PERSON, missing.out_of_area),
        (LOCATION | PERSON | GROUP | VEHICLE, places.peer_group_context),
        (LOCATION, places.trap_house),
        (PERSON, places.trap_house_of_person),
        (LOCATION, places.cuckooing),
        (EXTERNAL, places.care_home_targeted),
        (PERSON, places.condition_breach),
        (LOCATION, places.condition_breach_at_place),
    )


async def detect(kind: EntityKind, entity_id: str, ctx: Context) -> list[AlertCandidate]:
    """Every candidate the detectors for this kind of entity find around it."""
    candidates: list[AlertCandidate] = []
    for kinds, runner in _registry():
        if kind in kinds:
            candidates += await runner(entity_id, ctx)
    return candidates


def window(ctx: Context, days: int) -> datetime:
    """The start of a rolling window of days ending at the time of detection."""
    return ctx.now - timedelta(days=days)
