"""When and how P07 missing escalation runs: on a young person with a missing episode."""

from schemas.alerts import AlertType
from services.alerts.detection_context import (
    PERSON,
    Context,
    Detector,
    found,
    missing_child,
    window,
)
from services.alerts.patterns.missing_escalation.rule import detect_missing_escalation
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared_reads import Neo4jChildGraph, child


async def run(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P07 on a child: this window's episodes against the window before."""
    graph = Neo4jChildGraph.of(ctx)
    missing = await child(graph, person_id)
    if missing is None:
        return []
    days = ctx.settings.alerts_missing_window_days
    episodes = await graph.episodes(person_id, since=window(ctx, 2 * days))
    return found(
        detect_missing_escalation(child=missing, episodes=episodes, now=ctx.now, window_days=days)
    )


DETECTORS = (
    Detector("missing_escalation", (AlertType.MISSING_ESCALATION,), PERSON, run, missing_child),
)
