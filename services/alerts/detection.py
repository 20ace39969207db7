"""Which detectors run for which kind of linked entity, with their Neo4j adapters.

Each runner reads only the neighbourhood of the one entity it is given, so the cost of an event
does not grow with the size of the graph. To add a detector, write its pure rule in
`detectors/`, its adapter beside the others, and one line in DETECTORS.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from neo4j import AsyncDriver

from common.logs import loggable_id
from schemas.linking import EntityKind
from services.alerts.config import Settings
from services.alerts.detectors.candidate import AlertCandidate
from services.alerts.detectors.linked_children import detect_linked_children
from services.alerts.detectors.shared_hotspot import detect_shared_hotspot
from services.alerts.evidence import grade
from services.alerts.profile import EntityProfile, read_profile
from services.alerts.store import Neo4jHotspotGraph, Neo4jLinkedChildrenGraph

log = logging.getLogger(__name__)
SLOW_S = 0.05  # a detector taking longer than this is logged with the entity it read


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


Applies = Callable[[EntityProfile], bool]


def _always(_: EntityProfile) -> bool:
    return True


def _registry() -> tuple[tuple[frozenset[EntityKind], Runner, Applies], ...]:
    # Imported here: the runners import this module's Context.
    from services.alerts.missing import runners as missing
    from services.alerts.places import runners as places

    def missing_child(p: EntityProfile) -> bool:
        return p.young and p.went_missing

    def adult_or_thing(p: EntityProfile) -> bool:
        return p.adult  # vehicles, phones and handles are never young people

    return (
        (LOCATION, shared_hotspot, _always),
        (ANCHORS, linked_children, adult_or_thing),
        (PERSON, missing.missing_escalation, missing_child),
        (PERSON, missing.harbouring_adult, lambda p: p.went_missing or p.harbourer),
        (PERSON, missing.vehicle_linked_to_missing, missing_child),
        (VEHICLE, missing.vehicle_linked_to_missing, _always),
        (PERSON, missing.co_missing, missing_child),
        (PERSON, missing.found_or_seized, lambda p: p.young),
        (PERSON, missing.departure_risk, lambda p: p.young and p.departed),
        (LOCATION | PERSON | GROUP | VEHICLE, places.peer_group_context, _always),
        (LOCATION, places.trap_house, lambda p: p.drugs_house),
        (PERSON, places.trap_house_of_person, lambda p: p.young),
        (LOCATION, places.cuckooing, lambda p: p.vulnerable_tenant),
        (EXTERNAL, places.care_home_targeted, adult_or_thing),
        (PERSON, places.condition_breach, lambda p: p.order_subject),
        (LOCATION, places.condition_breach_at_place, _always),
    )


async def _timed(runner: Runner, entity_id: str, ctx: Context) -> list[AlertCandidate]:
    started = time.perf_counter()
    try:
        return await runner(entity_id, ctx)
    finally:
        took = time.perf_counter() - started
        if took > SLOW_S:
            log.info(
                "slow detector %s on %s: %.0f ms",
                runner.__name__,
                loggable_id(entity_id),
                took * 1000,
            )


async def detect(kind: EntityKind, entity_id: str, ctx: Context) -> list[AlertCandidate]:
    """Every candidate the detectors for this kind of entity find around it, run together.

    One read of the entity's profile first skips the detectors that cannot apply to it, and one
    read of the cited reports grades every evidence entry.
    """
    profile = await read_profile(ctx.driver, ctx.database, entity_id)
    if profile is None:
        return []
    runners = [
        runner for kinds, runner, applies in _registry() if kind in kinds and applies(profile)
    ]
    found = await asyncio.gather(*(_timed(runner, entity_id, ctx) for runner in runners))
    # Every evidence entry carries its report's grading (3x5x2), read once for them all.
    return await grade(
        [candidate for candidates in found for candidate in candidates],
        driver=ctx.driver,
        database=ctx.database,
    )


def window(ctx: Context, days: int) -> datetime:
    """The start of a rolling window of days ending at the time of detection."""
    return ctx.now - timedelta(days=days)
