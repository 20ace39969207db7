"""When and how P11 trap house runs: on premises with drugs-house status, and on a young person
(the drugs houses they were linked to lately)."""

from schemas.alerts import AlertType
from services.alerts.detection_context import (
    LOCATION,
    PERSON,
    Context,
    Detector,
    found,
    young,
)
from services.alerts.patterns.trap_house.graph import Neo4jTrapHouseGraph
from services.alerts.patterns.trap_house.rule import (
    detect_trap_house,
    detect_trap_houses_of_person,
)
from services.alerts.profile import EntityProfile
from services.alerts.shared.candidate import AlertCandidate


async def on_premises(location_id: str, ctx: Context) -> list[AlertCandidate]:
    """P11 on premises: every child linked to a drugs house, back to the look-back."""
    return found(
        await detect_trap_house(
            location_id=location_id,
            graph=Neo4jTrapHouseGraph.of(ctx),
            now=ctx.now,
            lookback_days=ctx.settings.alerts_trap_house_lookback_days,
        )
    )


async def on_person(person_id: str, ctx: Context) -> list[AlertCandidate]:
    """P11 on a person: the drugs houses they were linked to lately."""
    return await detect_trap_houses_of_person(
        person_id=person_id,
        graph=Neo4jTrapHouseGraph.of(ctx),
        now=ctx.now,
        lookback_days=ctx.settings.alerts_trap_house_lookback_days,
    )


def drugs_house(profile: EntityProfile) -> bool:
    """The place has drugs-house status."""
    return profile.drugs_house


RAISES = (AlertType.TRAP_HOUSE,)
DETECTORS = (
    Detector("trap_house", RAISES, LOCATION, on_premises, drugs_house),
    Detector("trap_house_of_person", RAISES, PERSON, on_person, young),
)
