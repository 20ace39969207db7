"""When and how P02 peer group runs: on every place, approacher (person or group) and vehicle."""

from schemas.alerts import AlertType
from services.alerts.detection_context import (
    GROUP,
    LOCATION,
    PERSON,
    VEHICLE,
    Context,
    Detector,
    always,
)
from services.alerts.patterns.peer_group_context.graph import Neo4jPeerGroupGraph
from services.alerts.patterns.peer_group_context.rule import detect_peer_group_context
from services.alerts.shared.candidate import AlertCandidate


async def run(entity_id: str, ctx: Context) -> list[AlertCandidate]:
    """P02 on a place, an approacher (person or group) or a vehicle."""
    return await detect_peer_group_context(
        entity_id=entity_id,
        graph=Neo4jPeerGroupGraph.of(ctx),
        now=ctx.now,
        min_pupils=ctx.settings.alerts_peer_group_min_pupils,
        window_days=ctx.settings.alerts_peer_group_window_days,
        touched_by=ctx.touched_by,
        full_derivations=ctx.full_derivations,
    )


ANCHORS = LOCATION | PERSON | GROUP | VEHICLE
DETECTORS = (Detector("peer_group_context", (AlertType.PEER_GROUP_CONTEXT,), ANCHORS, run, always),)
