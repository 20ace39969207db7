"""Runners of the place and context detectors: read the neighbourhood, apply the pure rule."""

from services.alerts.detection import Context, found
from services.alerts.detectors.candidate import AlertCandidate
from services.alerts.detectors.care_home_targeted import detect_care_home_targeted
from services.alerts.detectors.condition_breach import (
    detect_breaches_at_place,
    detect_condition_breach,
)
from services.alerts.detectors.cuckooing import detect_cuckooing
from services.alerts.detectors.peer_group_context import detect_peer_group_context
from services.alerts.detectors.trap_house import detect_trap_house, detect_trap_houses_of_person
from services.alerts.places.graphs import (
    Neo4jCareHomeGraph,
    Neo4jCuckooingGraph,
    Neo4jOrderGraph,
    Neo4jPeerGroupGraph,
    Neo4jTrapHouseGraph,
)


async def peer_group_context(entity_id: str, ctx: Context) -> list[AlertCandidate]:
    """P02 on a place, an approacher (person or group) or a vehicle."""
    return await detect_peer_group_context(
        entity_id=entity_id,
        graph=Neo4jPeerGroupGraph(driver=ctx.driver, database=ctx.database),
        now=ctx.now,
        min_pupils=ctx.settings.alerts_peer_group_min_pupils,
        window_days=ctx.settings.alerts_peer_group_window_days,
    )


async def trap_house(location_id: str, ctx: Context) -> list[AlertCandidate]:
    """P11 on premises: every child linked to a drugs house, back to the look-back."""
    return found(
        await detect_trap_house(
            location_id=location_id,
            graph=Neo4jTrapHouseGraph(driver=ctx.driver, database=ctx.database),
            now=ctx.now,
            lookback_days=ctx.settings.alerts_trap_house_lookback_days,
        )
    )


async def trap_house_of_person(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P11 on a person: the drugs houses they were linked to lately."""
    return await detect_trap_houses_of_person(
        person_id=person_id,
        graph=Neo4jTrapHouseGraph(driver=ctx.driver, database=ctx.database),
        now=ctx.now,
        lookback_days=ctx.settings.alerts_trap_house_lookback_days,
    )


async def cuckooing(location_id: str, ctx: Context) -> list[AlertCandidate]:
    """P12 on an address."""
    return found(
        await detect_cuckooing(
            location_id=location_id,
            graph=Neo4jCuckooingGraph(driver=ctx.driver, database=ctx.database),
            now=ctx.now,
            min_visitors=ctx.settings.alerts_cuckooing_min_visitors,
            window_days=ctx.settings.alerts_cuckooing_window_days,
        )
    )


async def care_home_targeted(entity_id: str, ctx: Context) -> list[AlertCandidate]:
    """P14 on an adult, vehicle, phone or handle."""
    return found(
        await detect_care_home_targeted(
            entity_id=entity_id,
            graph=Neo4jCareHomeGraph(driver=ctx.driver, database=ctx.database),
            now=ctx.now,
            min_residents=ctx.settings.alerts_care_home_min_residents,
            window_days=ctx.settings.alerts_care_home_window_days,
        )
    )


async def condition_breach(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P22 on the subject of a protective order."""
    return await detect_condition_breach(
        person_id=person_id,
        graph=Neo4jOrderGraph(driver=ctx.driver, database=ctx.database),
        now=ctx.now,
        default_radius_m=ctx.settings.alerts_breach_default_radius_m,
    )


async def condition_breach_at_place(location_id: str, ctx: Context) -> list[AlertCandidate]:
    """P22 on a place: the order subjects seen there."""
    return await detect_breaches_at_place(
        location_id=location_id,
        graph=Neo4jOrderGraph(driver=ctx.driver, database=ctx.database),
        now=ctx.now,
        default_radius_m=ctx.settings.alerts_breach_default_radius_m,
    )
