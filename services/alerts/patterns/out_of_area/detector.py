"""When and how P09 found out of area runs: on a young person.

One rule raises two types: `found_out_of_area`, and `county_lines_suspected` when the signs add
up.
"""

from schemas.alerts import AlertType
from services.alerts.detection_context import PERSON, Context, Detector, window, young
from services.alerts.patterns.out_of_area.rule import detect_out_of_area
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared_reads import Neo4jChildGraph, child, whereabouts_since


async def run(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P09 on a child: found or seen away from every area they are connected with."""
    graph = Neo4jChildGraph.of(ctx)
    seen_child = await child(graph, person_id)
    if seen_child is None:
        return []
    seen = await graph.whereabouts(person_id, since=whereabouts_since(ctx))
    recent = window(ctx, ctx.settings.alerts_missing_window_days)
    return detect_out_of_area(child=seen_child, seen=[w for w in seen if w.observed_at >= recent])


RAISES = (AlertType.FOUND_OUT_OF_AREA, AlertType.COUNTY_LINES_SUSPECTED)
DETECTORS = (Detector("out_of_area", RAISES, PERSON, run, young),)
