"""When and how P23 child in custody runs: on a young person."""

from schemas.alerts import AlertType
from services.alerts.detection_context import PERSON, Context, Detector, window, young
from services.alerts.patterns.child_in_custody.rule import (
    detect_child_in_custody,
    is_police_contact,
)
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared_reads import Neo4jChildGraph, child, whereabouts_since


async def run(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P23 on a child: in custody, found in a raid or present at one, matched against their
    missing episodes."""
    graph = Neo4jChildGraph.of(ctx)
    seen_child = await child(graph, person_id)
    if seen_child is None:
        return []
    since = whereabouts_since(ctx)
    seen = await graph.whereabouts(person_id, since=since)
    custody_since = window(ctx, ctx.settings.alerts_custody_window_days)
    police = [w for w in seen if w.observed_at >= custody_since and is_police_contact(w)]
    if not police:
        return []
    episodes = await graph.episodes(person_id, since=since)
    return detect_child_in_custody(child=seen_child, seen=police, episodes=episodes, now=ctx.now)


DETECTORS = (Detector("child_in_custody", (AlertType.CHILD_IN_CUSTODY,), PERSON, run, young),)
