"""When and how P12 cuckooing runs: on an address with a vulnerable tenant or cuckooing concern."""

from schemas.alerts import AlertType
from services.alerts.detection_context import LOCATION, Context, Detector, found
from services.alerts.patterns.cuckooing.graph import Neo4jCuckooingGraph
from services.alerts.patterns.cuckooing.rule import detect_cuckooing
from services.alerts.profile import EntityProfile
from services.alerts.shared.candidate import AlertCandidate


async def run(location_id: str, ctx: Context) -> list[AlertCandidate]:
    """P12 on an address."""
    return found(
        await detect_cuckooing(
            location_id=location_id,
            graph=Neo4jCuckooingGraph.of(ctx),
            now=ctx.now,
            min_visitors=ctx.settings.alerts_cuckooing_min_visitors,
            window_days=ctx.settings.alerts_cuckooing_window_days,
        )
    )


def vulnerable_tenant(profile: EntityProfile) -> bool:
    """The place has a vulnerable tenant or a cuckooing concern."""
    return profile.vulnerable_tenant


DETECTORS = (Detector("cuckooing", (AlertType.CUCKOOING,), LOCATION, run, vulnerable_tenant),)
