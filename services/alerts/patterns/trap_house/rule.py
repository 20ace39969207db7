"""P11 trap house: children found or seen at premises known as a drugs house.

domain.md P11: a child found or seen at a location with drugs-house status raises
`trap_house` (Significant tier, S9). When a location gains the status, every child linked to it
in the 12 months before is included (back-propagation). One alert per premises lists the
children, and is updated as more are found there.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from schemas.alerts import AlertSubject, AlertType
from services.alerts.actions import Action
from services.alerts.shared.candidate import (
    AlertCandidate,
    evidence_of,
    priority_of,
    raised_priority,
)
from services.alerts.shared.child_links import ChildLink
from services.alerts.shared.provenance import cite_first, named


@dataclass(frozen=True, slots=True)
class Premises:
    """The place being examined, and since when (and by which report) it is a drugs house;
    `name` only when no cited report names it."""

    id: str
    name: str
    drugs_house: bool
    since: datetime | None = None
    status_report: str | None = None
    status_name: str | None = None  # what the status report calls it


class TrapHouseGraph(Protocol):
    """What the detector reads from the graph."""

    async def premises(self, location_id: str) -> Premises | None:
        """The place, or None when it is not in the graph."""
        ...

    async def children_at(self, location_id: str, *, since: datetime) -> list[ChildLink]:
        """Every report since a time that links a young person to the place."""
        ...

    async def drugs_houses_of(self, person_id: str, *, since: datetime) -> list[str]:
        """The drugs houses a person has been linked to since a time."""
        ...


async def detect_trap_house(
    *, location_id: str, graph: TrapHouseGraph, now: datetime, lookback_days: int
) -> AlertCandidate | None:
    """Raise a candidate listing every child linked to a drugs house since the look-back."""
    premises = await graph.premises(location_id)
    if premises is None or not premises.drugs_house:
        return None
    status_at = min(premises.since or now, now)
    since = status_at - timedelta(days=lookback_days)
    links = await graph.children_at(location_id, since=since)
    if not links:
        return None
    children = {link.person_id: link for link in links}
    reports = {link.report_id: link.observed_at for link in links}
    names = {link.report_id: link.named_there or "" for link in links}
    if premises.status_report is not None and premises.since is not None:
        reports[premises.status_report] = premises.since
        names[premises.status_report] = premises.status_name or ""
    for link in links:  # a young person as another report says, when this one does not
        if not link.young_here:
            reports = cite_first(reports, link.traits.young)
    priority, reports = priority_of(
        reports,
        raised_priority((k.age for k in links), (k.vulnerable for k in links)),
        (k.traits for k in links),
    )
    name = named(names, reports, otherwise=premises.name)
    count = len(children)
    return AlertCandidate(
        type=AlertType.TRAP_HOUSE,
        fingerprint=f"{AlertType.TRAP_HOUSE.value}:{premises.id}",
        priority=priority,
        summary=(
            f"{name} has been known as a drugs house since {status_at:%d %b %Y} and "
            f"{count} {'child has' if count == 1 else 'children have'} been found or seen "
            f"there since {since:%d %b %Y}; consider NRM referrals, a strategy meeting within "
            "24 hours and a warrant or closure of the premises."
        ),
        subjects=(
            AlertSubject(kind="location", id=premises.id, display_name=name),
            *(
                AlertSubject(kind="person", id=c.person_id, display_name=c.person_name)
                for c in sorted(children.values(), key=lambda c: (c.person_name, c.person_id))
            ),
        ),
        evidence=evidence_of(reports),
        anchor_id=premises.id,
        actions=(Action.NRM_REFERRAL, Action.STRATEGY_MEETING, Action.WARRANT_OR_CLOSURE),
    )


async def detect_trap_houses_of_person(
    *, person_id: str, graph: TrapHouseGraph, now: datetime, lookback_days: int
) -> list[AlertCandidate]:
    """The trap-house candidates of every drugs house the person was linked to lately."""
    candidates = []
    since = now - timedelta(days=lookback_days)
    for location_id in await graph.drugs_houses_of(person_id, since=since):
        candidate = await detect_trap_house(
            location_id=location_id, graph=graph, now=now, lookback_days=lookback_days
        )
        if candidate is not None:
            candidates.append(candidate)
    return candidates
