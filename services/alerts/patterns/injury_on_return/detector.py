"""When and how P19 injury on return runs: on a young person with a missing episode."""

from schemas.alerts import AlertType
from services.alerts.detection_context import (
    PERSON,
    Context,
    Detector,
    found,
    missing_child,
    window,
)
from services.alerts.patterns.injury_on_return.rule import detect_injury_on_return
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared_reads import Neo4jChildGraph, child


async def run(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P19 on a child: the episodes of the window they came back from injured."""
    graph = Neo4jChildGraph.of(ctx)
    missing = await child(graph, person_id)
    if missing is None:
        return []
    days = ctx.settings.alerts_missing_window_days
    # The episodes P07 reads (two windows back), as when one runner read them for both.
    episodes = await graph.episodes(person_id, since=window(ctx, 2 * days))
    return found(detect_injury_on_return(child=missing, episodes=episodes, since=window(ctx, days)))


DETECTORS = (
    Detector("injury_on_return", (AlertType.INJURY_ON_RETURN,), PERSON, run, missing_child),
)
