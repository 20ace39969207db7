"""When and how P15 debt bondage runs: on a young person."""

from schemas.alerts import AlertType
from services.alerts.detection_context import (
    PERSON,
    Context,
    Detector,
    found,
    window,
    young,
)
from services.alerts.patterns.debt_bondage.rule import DEBT_ITEMS, detect_debt_bondage
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared_reads import Neo4jChildGraph, child, whereabouts_since


async def run(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P15 on a child: drugs or cash seized from them, escalated by a missing episode in the
    days after."""
    graph = Neo4jChildGraph.of(ctx)
    seen_child = await child(graph, person_id)
    if seen_child is None:
        return []
    debt_days = ctx.settings.alerts_debt_bondage_days
    since = whereabouts_since(ctx)
    seen = await graph.whereabouts(person_id, since=since)
    seized = [w for w in seen if w.items & DEBT_ITEMS and w.observed_at >= window(ctx, debt_days)]
    if not seized:
        return []
    episodes = await graph.episodes(person_id, since=since)
    return found(
        detect_debt_bondage(
            child=seen_child, seen=seized, episodes=episodes, escalation_days=debt_days
        )
    )


DETECTORS = (Detector("debt_bondage", (AlertType.DEBT_BONDAGE,), PERSON, run, young),)
