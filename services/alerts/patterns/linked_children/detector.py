"""When and how P04, P06 (a) and P17 run: on an adult, a vehicle or a phone.

One rule raises three types, by what the children are linked to: `adult_linked_to_children`,
`vehicle_linked_to_children` or `shared_phone`.
"""

from schemas.alerts import AlertType
from schemas.linking import EntityKind
from services.alerts.detection_context import Context, Detector, adult_or_thing, found
from services.alerts.patterns.linked_children.graph import Neo4jLinkedChildrenGraph
from services.alerts.patterns.linked_children.rule import detect_linked_children
from services.alerts.shared.candidate import AlertCandidate

ANCHORS = frozenset({EntityKind.PERSON, EntityKind.VEHICLE, EntityKind.PHONE})


async def run(entity_id: str, ctx: Context) -> list[AlertCandidate]:
    """P04, P06 (a) and P17 on an adult, vehicle or phone."""
    return found(
        await detect_linked_children(
            entity_id=entity_id,
            graph=Neo4jLinkedChildrenGraph.of(ctx),
            now=ctx.now,
            min_children=ctx.settings.alerts_linked_children_min,
            window_days=ctx.settings.alerts_linked_children_window_days,
        )
    )


RAISES = (
    AlertType.ADULT_LINKED_TO_CHILDREN,
    AlertType.VEHICLE_LINKED_TO_CHILDREN,
    AlertType.SHARED_PHONE,
)
DETECTORS = (Detector("linked_children", RAISES, ANCHORS, run, adult_or_thing),)
