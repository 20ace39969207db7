"""When and how P04 harbouring runs: on a child who went missing, or on an adult someone was
found with (or a tenant)."""

from schemas.alerts import AlertType
from services.alerts.detection_context import PERSON, Context, Detector, found, window
from services.alerts.patterns.harbouring_adult.graph import Neo4jHarbouringGraph
from services.alerts.patterns.harbouring_adult.rule import Harboured, detect_harbouring_adult
from services.alerts.profile import EntityProfile
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared_reads import child


async def _harbouring(
    graph: Neo4jHarbouringGraph, adult_id: str, ctx: Context
) -> list[AlertCandidate]:
    adult = await graph.person(adult_id)
    if adult is None or adult[1]:
        return []  # only adults harbour; a child found with a child is P08
    since = window(ctx, ctx.settings.alerts_missing_window_days)
    harboured = []
    for child_id, episode_id, as_tenant, tenancy in await graph.harboured_by(adult_id, since=since):
        found_child = await child(graph, child_id)
        episodes = {e.id: e for e in await graph.episodes(child_id, since=since)}
        if found_child is not None and episode_id in episodes:
            harboured.append(Harboured(found_child, episodes[episode_id], as_tenant, tenancy))
    names = {rid: said.name for rid, said in adult[0].said.items() if said.name}
    return found(detect_harbouring_adult(adult_id=adult_id, adult_names=names, harboured=harboured))


async def run(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P04 harbouring, on the adult or on the child found with them."""
    graph = Neo4jHarbouringGraph.of(ctx)
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


def missing_or_harbourer(profile: EntityProfile) -> bool:
    """The person went missing, or someone was found with them, or they are a tenant."""
    return profile.went_missing or profile.harbourer


DETECTORS = (
    Detector("harbouring_adult", (AlertType.HARBOURING_ADULT,), PERSON, run, missing_or_harbourer),
)
