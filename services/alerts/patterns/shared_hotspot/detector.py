"""When and how P01 shared hotspot runs: on every place."""

from schemas.alerts import AlertType
from services.alerts.detection_context import LOCATION, Context, Detector, always, found
from services.alerts.patterns.shared_hotspot.graph import Neo4jHotspotGraph
from services.alerts.patterns.shared_hotspot.rule import detect_shared_hotspot
from services.alerts.shared.candidate import AlertCandidate


async def run(entity_id: str, ctx: Context) -> list[AlertCandidate]:
    """P01 on a place."""
    return found(
        await detect_shared_hotspot(
            location_id=entity_id,
            graph=Neo4jHotspotGraph.of(ctx),
            now=ctx.now,
            min_young_people=ctx.settings.alerts_hotspot_min_young_people,
            window_days=ctx.settings.alerts_hotspot_window_days,
            touched_by=ctx.touched_by,
            remembered=ctx.remembered,
        )
    )


DETECTORS = (Detector("shared_hotspot", (AlertType.SHARED_HOTSPOT,), LOCATION, run, always),)
