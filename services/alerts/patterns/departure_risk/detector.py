"""When and how P21 departure risk runs: on a young person a report says left a home or school."""

from datetime import timedelta

from schemas.alerts import AlertType
from services.alerts.detection_context import PERSON, Context, Detector, window
from services.alerts.patterns.departure_risk.graph import Neo4jDepartureGraph
from services.alerts.patterns.departure_risk.rule import detect_departure_risk
from services.alerts.profile import EntityProfile
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared_reads import child


async def run(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P21 on a child: leaving a home or school with luggage, a passport or money."""
    graph = Neo4jDepartureGraph.of(ctx)
    leaving = await child(graph, person_id)
    if leaving is None:
        return []
    since = window(ctx, ctx.settings.alerts_departure_window_days)
    return detect_departure_risk(
        child=leaving,
        departures=await graph.departures(person_id, since=since),
        grace=timedelta(hours=ctx.settings.alerts_departure_grace_hours),
    )


def young_and_departed(profile: EntityProfile) -> bool:
    """A young person a report says left a home or school."""
    return profile.young and profile.departed


DETECTORS = (
    Detector("departure_risk", (AlertType.DEPARTURE_RISK,), PERSON, run, young_and_departed),
)
