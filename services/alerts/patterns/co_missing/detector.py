"""When and how P08 co-missing runs: on a young person with a missing episode."""

from datetime import timedelta

from schemas.alerts import AlertType
from services.alerts.detection_context import (
    PERSON,
    Context,
    Detector,
    missing_child,
    window,
)
from services.alerts.patterns.co_missing.graph import Neo4jCoMissingGraph
from services.alerts.patterns.co_missing.rule import SharedEpisode, detect_co_missing
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared.provenance import UNNAMED
from services.alerts.shared_reads import child


async def run(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P08 on a child: others missing at the same time who share where or with whom."""
    graph = Neo4jCoMissingGraph.of(ctx)
    missing = await child(graph, person_id)
    if missing is None:
        return []
    since = window(ctx, ctx.settings.alerts_missing_window_days)
    links = await graph.shared_episodes(person_id, since=since)
    if not links:
        return []
    own = {e.id: e for e in await graph.episodes(person_id, since=since)}
    shared = []
    for other_id in sorted({link.other_id for link in links}):
        other = await child(graph, other_id)
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
        child=missing,
        shared=shared,
        now=ctx.now,
        min_overlap=timedelta(hours=ctx.settings.alerts_co_missing_overlap_hours),
    )


DETECTORS = (Detector("co_missing", (AlertType.CO_MISSING,), PERSON, run, missing_child),)
