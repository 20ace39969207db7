"""One read per entity that says which detectors can apply to it (the rest are skipped)."""

from dataclasses import dataclass

from services.alerts import queries
from services.alerts.batched_reads import ReadRows


@dataclass(frozen=True, slots=True)
class EntityProfile:
    """The preconditions the detectors check first, read once."""

    young: bool = False  # some report calls the person a young person
    went_missing: bool = False  # the person has a missing episode
    order_subject: bool = False  # the person is the subject of a protective order
    harbourer: bool = False  # someone was found with the person, or they are a tenant
    drugs_house: bool = False  # the place has drugs-house status
    vulnerable_tenant: bool = False  # the place has a vulnerable tenant or cuckooing concern
    departed: bool = False  # a report says the person left a home or school

    @property
    def adult(self) -> bool:
        """Reported as an adult, or never as a young person."""
        return not self.young


async def read_profile(reads: ReadRows, entity_id: str) -> EntityProfile | None:
    """The entity's profile, or None when it is not in the graph."""
    rows = await reads(queries.ENTITY_PROFILE, entity_id)
    if not rows:
        return None
    row = rows[0]
    return EntityProfile(
        young=bool(row["young"]),
        went_missing=bool(row["went_missing"]),
        order_subject=bool(row["order_subject"]),
        harbourer=bool(row["harbourer"]),
        drugs_house=bool(row["drugs_house"]),
        vulnerable_tenant=bool(row["vulnerable_tenant"]),
        departed=bool(row["departed"]),
    )
