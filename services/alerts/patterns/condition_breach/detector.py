"""When and how P22 protective condition breach runs: on the subject of a protective order, and
on every place (the order subjects seen there)."""

from schemas.alerts import AlertType
from services.alerts.detection_context import LOCATION, PERSON, Context, Detector, always
from services.alerts.patterns.condition_breach.graph import Neo4jOrderGraph
from services.alerts.patterns.condition_breach.rule import (
    detect_breaches_at_place,
    detect_condition_breach,
)
from services.alerts.profile import EntityProfile
from services.alerts.shared.candidate import AlertCandidate


async def on_subject(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P22 on the subject of a protective order."""
    return await detect_condition_breach(
        person_id=person_id,
        graph=Neo4jOrderGraph.of(ctx),
        now=ctx.now,
        default_radius_m=ctx.settings.alerts_breach_default_radius_m,
    )


async def at_place(location_id: str, ctx: Context) -> list[AlertCandidate]:
    """P22 on a place: the order subjects seen there."""
    return await detect_breaches_at_place(
        location_id=location_id,
        graph=Neo4jOrderGraph.of(ctx),
        now=ctx.now,
        default_radius_m=ctx.settings.alerts_breach_default_radius_m,
    )


def order_subject(profile: EntityProfile) -> bool:
    """The person is the subject of a protective order."""
    return profile.order_subject


RAISES = (AlertType.PROTECTIVE_CONDITION_BREACH,)
DETECTORS = (
    Detector("condition_breach", RAISES, PERSON, on_subject, order_subject),
    Detector("condition_breach_at_place", RAISES, LOCATION, at_place, always),
)
