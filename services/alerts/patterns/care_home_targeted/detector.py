"""When and how P14 care home targeted runs: on an adult, a vehicle, a phone or a handle."""

from schemas.alerts import AlertType
from schemas.linking import EntityKind
from services.alerts.detection_context import Context, Detector, adult_or_thing, found
from services.alerts.patterns.care_home_targeted.graph import Neo4jCareHomeGraph
from services.alerts.patterns.care_home_targeted.rule import detect_care_home_targeted
from services.alerts.shared.candidate import AlertCandidate

EXTERNAL = frozenset({EntityKind.PERSON, EntityKind.VEHICLE, EntityKind.PHONE, EntityKind.HANDLE})


async def run(entity_id: str, ctx: Context) -> list[AlertCandidate]:
    """P14 on an adult, vehicle, phone or handle."""
    return found(
        await detect_care_home_targeted(
            entity_id=entity_id,
            graph=Neo4jCareHomeGraph.of(ctx),
            now=ctx.now,
            min_residents=ctx.settings.alerts_care_home_min_residents,
            window_days=ctx.settings.alerts_care_home_window_days,
        )
    )


DETECTORS = (
    Detector("care_home_targeted", (AlertType.CARE_HOME_TARGETED,), EXTERNAL, run, adult_or_thing),
)
