"""Runners of the missing-episode detectors: read the neighbourhood, apply the pure rule."""

from datetime import timedelta

from services.alerts.detection import Context, found, window
from services.alerts.detectors.candidate import AlertCandidate
from services.alerts.detectors.child_in_custody import detect_child_in_custody, is_police_contact
from services.alerts.detectors.co_missing import SharedEpisode, detect_co_missing
from services.alerts.detectors.debt_bondage import DEBT_ITEMS, detect_debt_bondage
from services.alerts.detectors.departure_risk import detect_departure_risk
from services.alerts.detectors.episodes import Child, Episode
from services.alerts.detectors.harbouring_adult import Harboured, detect_harbouring_adult
from services.alerts.detectors.injury_on_return import detect_injury_on_return
from services.alerts.detectors.missing_escalation import detect_missing_escalation
from services.alerts.detectors.out_of_area import detect_out_of_area
from services.alerts.detectors.provenance import UNNAMED
from services.alerts.detectors.vehicle_linked_to_missing import (
    Ride,
    detect_vehicle_linked_to_missing,
)
from services.alerts.missing.graphs import Neo4jMissingGraph


def _graph(ctx: Context) -> Neo4jMissingGraph:
    return Neo4jMissingGraph(driver=ctx.driver, database=ctx.database)


async def _child(graph: Neo4jMissingGraph, person_id: str) -> Child | None:
    person = await graph.person(person_id)
    return person[0] if person is not None and person[1] else None


async def missing_escalation(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P07 and P19 on a child, from one read of their episodes: this window's episodes against
    the window before, and the ones they came back from injured."""
    graph = _graph(ctx)
    child = await _child(graph, person_id)
    if child is None:
        return []
    days = ctx.settings.alerts_missing_window_days
    episodes = await graph.episodes(person_id, since=window(ctx, 2 * days))
    return found(
        detect_missing_escalation(child=child, episodes=episodes, now=ctx.now, window_days=days)
    ) + found(detect_injury_on_return(child=child, episodes=episodes, since=window(ctx, days)))


async def _harbouring(
    graph: Neo4jMissingGraph, adult_id: str, ctx: Context
) -> list[AlertCandidate]:
    adult = await graph.person(adult_id)
    if adult is None or adult[1]:
        return []  # only adults harbour; a child found with a child is P08
    since = window(ctx, ctx.settings.alerts_missing_window_days)
    harboured = []
    for child_id, episode_id, as_tenant, tenancy in await graph.harboured_by(adult_id, since=since):
        child = await _child(graph, child_id)
        episodes = {e.id: e for e in await graph.episodes(child_id, since=since)}
        if child is not None and episode_id in episodes:
            harboured.append(Harboured(child, episodes[episode_id], as_tenant, tenancy))
    names = {rid: said.name for rid, said in adult[0].said.items() if said.name}
    return found(detect_harbouring_adult(adult_id=adult_id, adult_names=names, harboured=harboured))


async def harbouring_adult(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P04 harbouring, on the adult or on the child found with them."""
    graph = _graph(ctx)
    person = await graph.person(person_id)
    if person is None:
        return []
    if not person[1]:
        return await _harbouring(graph, person_id, ctx)
    since = window(ctx, ctx.settings.alerts_missing_window_days)
    candidates = []
    for adult_id in await graph.harbourers_of(person_id, since=since):
        candidates += await _harbouring(graph, adult_id, ctx)
    return candidates


async def _vehicle_rides(
    graph: Neo4jMissingGraph, vehicle_id: str, ctx: Context
) -> list[AlertCandidate]:
    if not await graph.has_vehicle(vehicle_id):
        return []
    since = window(ctx, ctx.settings.alerts_missing_window_days)
    rides = []
    episodes: dict[str, list[Episode]] = {}
    for child_id, report_id, observed_at, called in await graph.rides_in(vehicle_id, since=since):
        child = await _child(graph, child_id)
        if child is None:
            continue
        if child_id not in episodes:
            episodes[child_id] = await graph.episodes(child_id, since=since)
        rides.append(Ride(child, report_id, observed_at, tuple(episodes[child_id]), called))
    return found(
        detect_vehicle_linked_to_missing(
            vehicle_id=vehicle_id,
            vehicle_name=UNNAMED,
            rides=rides,
            now=ctx.now,
            hours_before=ctx.settings.alerts_vehicle_before_missing_hours,
        )
    )


async def vehicle_linked_to_missing(entity_id: str, ctx: Context) -> list[AlertCandidate]:
    """P06 (b) on a vehicle, or on a child reported missing after a ride in one."""
    graph = _graph(ctx)
    if entity_id.startswith("vehicle:"):
        return await _vehicle_rides(graph, entity_id, ctx)
    since = window(ctx, ctx.settings.alerts_missing_window_days)
    candidates = []
    for vehicle_id in await graph.vehicles_of(entity_id, since=since):
        candidates += await _vehicle_rides(graph, vehicle_id, ctx)
    return candidates


async def co_missing(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P08 on a child: others missing at the same time who share where or with whom."""
    graph = _graph(ctx)
    child = await _child(graph, person_id)
    if child is None:
        return []
    since = window(ctx, ctx.settings.alerts_missing_window_days)
    links = await graph.shared_episodes(person_id, since=since)
    if not links:
        return []
    own = {e.id: e for e in await graph.episodes(person_id, since=since)}
    shared = []
    for other_id in sorted({link.other_id for link in links}):
        other = await _child(graph, other_id)
        if other is None:
            continue
        theirs = {e.id: e for e in await graph.episodes(other_id, since=since)}
        shared += [
            SharedEpisode(
                own[link.episode_id],
                other,
                theirs[link.other_episode_id],
                link.shared_id,
                UNNAMED,
                facts=link.facts,
                names=link.names,
            )
            for link in links
            if link.other_id == other_id
            and link.episode_id in own
            and link.other_episode_id in theirs
        ]
    return detect_co_missing(
        child=child,
        shared=shared,
        now=ctx.now,
        min_overlap=timedelta(hours=ctx.settings.alerts_co_missing_overlap_hours),
    )


async def found_or_seized(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P09, P15 and P23 on a child, from one read of where they were found or seen, and with what.

    P09: found or seen away from every area they are connected with. P15: drugs or cash seized
    from them, escalated by a missing episode in the days after. P23: in custody, found in a
    raid or present at one, matched against their missing episodes.
    """
    graph = _graph(ctx)
    child = await _child(graph, person_id)
    if child is None:
        return []
    days = ctx.settings.alerts_missing_window_days
    debt_days = ctx.settings.alerts_debt_bondage_days
    since = window(ctx, max(days, debt_days))
    seen = await graph.whereabouts(person_id, since=since)
    recent = window(ctx, days)
    candidates = detect_out_of_area(child=child, seen=[w for w in seen if w.observed_at >= recent])
    seized = [w for w in seen if w.items & DEBT_ITEMS and w.observed_at >= window(ctx, debt_days)]
    custody_since = window(ctx, ctx.settings.alerts_custody_window_days)
    police = [w for w in seen if w.observed_at >= custody_since and is_police_contact(w)]
    if not (seized or police):
        return candidates
    episodes = await graph.episodes(person_id, since=since)
    if seized:
        candidates += found(
            detect_debt_bondage(
                child=child, seen=seized, episodes=episodes, escalation_days=debt_days
            )
        )
    return candidates + detect_child_in_custody(
        child=child, seen=police, episodes=episodes, now=ctx.now
    )


async def departure_risk(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P21 on a child: leaving a home or school with luggage, a passport or money."""
    graph = _graph(ctx)
    child = await _child(graph, person_id)
    if child is None:
        return []
    since = window(ctx, ctx.settings.alerts_departure_window_days)
    return detect_departure_risk(
        child=child,
        departures=await graph.departures(person_id, since=since),
        grace=timedelta(hours=ctx.settings.alerts_departure_grace_hours),
    )
