"""A child linked to an entity by one report, as the patterns that count children read it: an
adult, vehicle or phone (P04, P06 (a), P17) or premises (P11)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.alerts.shared.provenance import UNNAMED, Traits, traits_kept


@dataclass(frozen=True, slots=True)
class ChildLink:
    """A child linked to the entity by one report, named as that report names them, and the
    entity as it names it (`named_there`).

    `young_here` false: the report leaves their age unknown and only another report calls them a
    young person (in `traits`, with their age and needs), which the alert then cites."""

    person_id: str
    person_name: str
    age: int | None
    vulnerable: bool  # learning disability or additional needs
    report_id: str
    observed_at: datetime
    named_there: str | None = None
    young_here: bool = True
    traits: Traits = field(default_factory=Traits)


def child_links(rows: list[dict[str, Any]]) -> list[ChildLink]:
    """The links a query in the shape of FIND_CHILDREN_LINKED returned."""
    return [
        ChildLink(
            person_id=r["person_id"],
            person_name=r["person_name"] or UNNAMED,
            age=r["age"],
            vulnerable=bool(r["vulnerable"]),
            report_id=r["report_id"],
            observed_at=datetime.fromisoformat(r["observed_at"]),
            named_there=r["named_there"],
            young_here=bool(r["young_here"]),
            traits=traits_kept(r["traits"]),
        )
        for r in rows
    ]
