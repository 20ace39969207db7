"""When and how P06 (b) runs: on a vehicle, and on a young person with a missing episode (the
vehicles they were in)."""

from schemas.alerts import AlertType
from services.alerts.detection_context import (
    PERSON,
    VEHICLE,
    Context,
    Detector,
    always,
    found,
    missing_child,
    window,
)
from services.alerts.patterns.vehicle_linked_to_missing.graph import Neo4jRidesGraph
from services.alerts.patterns.vehicle_linked_to_missing.rule import (
    Ride,
    detect_vehicle_linked_to_missing,
)
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared.episodes import Episode
from services.alerts.shared.provenance import UNNAMED
from services.alerts.shared_reads import child


async def _vehicle_rides(
    graph: Neo4jRidesGraph, vehicle_id: str, ctx: Context
) -> list[AlertCandidate]:
    if not await graph.has_vehicle(vehicle_id):
        return []
    since = window(ctx, ctx.settings.alerts_missing_window_days)
    rides = []
    episodes: dict[str, list[Episode]] = {}
    for child_id, report_id, observed_at, called in await graph.rides_in(vehicle_id, since=since):
        rider = await child(graph, child_id)
        if rider is None:
            continue
        if child_id not in episodes:
            episodes[child_id] = await graph.episodes(child_id, since=since)
        rides.append(Ride(rider, report_id, observed_at, tuple(episodes[child_id]), called))
    return found(
        detect_vehicle_linked_to_missing(
            vehicle_id=vehicle_id,
            vehicle_name=UNNAMED,
            rides=rides,
            now=ctx.now,
            hours_before=ctx.settings.alerts_vehicle_before_missing_hours,
        )
    )


async def run(entity_id: str, ctx: Context) -> list[AlertCandidate]:
    """P06 (b) on a vehicle, or on a child reported missing after a ride in one."""
    graph = Neo4jRidesGraph.of(ctx)
    if entity_id.startswith("vehicle:"):
        return await _vehicle_rides(graph, entity_id, ctx)
    since = window(ctx, ctx.settings.alerts_missing_window_days)
    candidates = []
    for vehicle_id in await graph.vehicles_of(entity_id, since=since):
        candidates += await _vehicle_rides(graph, vehicle_id, ctx)
    return candidates


RAISES = (AlertType.VEHICLE_LINKED_TO_MISSING,)
DETECTORS = (
    Detector("vehicle_linked_to_missing", RAISES, PERSON, run, missing_child),
    Detector("vehicle_linked_to_missing", RAISES, VEHICLE, run, always),
)
