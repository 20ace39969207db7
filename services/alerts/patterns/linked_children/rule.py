"""P04, P06 (a) and P17: one adult, vehicle or phone linked to several distinct children.

domain.md section 4: an adult of concern linked to M >= 2 distinct children in the window
(`adult_linked_to_children`); a registration linked to >= 2 children (`vehicle_linked_to_children`);
the same number in contact with or used by >= 2 children, a possible "line" phone
(`shared_phone`). Links through a school or care home do not count: they are not links to the
entity but co-presence at a place, which P01 and P14 weigh.
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
class Anchor:
    """The adult, vehicle or phone being examined; `name` only when no cited report names it."""

    id: str
    kind: str  # person, vehicle or phone
    name: str
    adult: bool  # for a person: reported as an adult (or aged 18 or over)


class LinkedChildrenGraph(Protocol):
    """What the detector reads from the graph."""

    async def anchor(self, entity_id: str) -> Anchor | None:
        """The entity, or None when it is not an adult, vehicle or phone in the graph."""
        ...

    async def children_linked(self, entity_id: str, *, since: datetime) -> list[ChildLink]:
        """Every report since a time that links a young person directly to the entity."""
        ...


ACTIONS_OF = {
    "person": (Action.STRATEGY_MEETING, Action.CAWN, Action.SCREENING),
    "vehicle": (Action.SHARE_REGISTRATION, Action.ANPR_MARKER),
    "phone": (Action.PHONE_EXAMINATION,),
}

ALERT_OF = {
    "person": (
        AlertType.ADULT_LINKED_TO_CHILDREN,
        "consider a strategy meeting within 24 hours, a CAWN if the adult harbours children, "
        "and disruption of contact",
    ),
    "vehicle": (
        AlertType.VEHICLE_LINKED_TO_CHILDREN,
        "share the registration with the homes and schools concerned and consider an ANPR marker",
    ),
    "phone": (
        AlertType.SHARED_PHONE,
        "consider phone examination and cell-site analysis (police only)",
    ),
}


async def detect_linked_children(
    *,
    entity_id: str,
    graph: LinkedChildrenGraph,
    now: datetime,
    min_children: int,
    window_days: int,
) -> AlertCandidate | None:
    """Raise a candidate when enough distinct children are linked to one adult, car or phone."""
    anchor = await graph.anchor(entity_id)
    if anchor is None or (anchor.kind == "person" and not anchor.adult):
        return None
    links = await graph.children_linked(entity_id, since=now - timedelta(days=window_days))
    children = {link.person_id: link for link in links if link.person_id != anchor.id}
    if len(children) < min_children:
        return None
    alert_type, action = ALERT_OF[anchor.kind]
    reports = {link.report_id: link.observed_at for link in links}
    for link in links:  # a young person as another report says, when this one does not
        if not link.young_here:
            reports = cite_first(reports, link.traits.young)
    priority, reports = priority_of(
        reports,
        raised_priority((k.age for k in links), (k.vulnerable for k in links)),
        (k.traits for k in links),
    )
    name = named({k.report_id: k.named_there or "" for k in links}, reports, otherwise=anchor.name)
    what = {"person": "The adult", "vehicle": "Vehicle", "phone": "Phone number"}[anchor.kind]
    return AlertCandidate(
        type=alert_type,
        fingerprint=f"{alert_type.value}:{anchor.id}",
        priority=priority,
        summary=(
            f"{what} {name} has been linked to {len(children)} different young people "
            f"in the last {window_days} days; {action}."
        ),
        subjects=(
            AlertSubject(kind=anchor.kind, id=anchor.id, display_name=name),
            *(
                AlertSubject(kind="person", id=c.person_id, display_name=c.person_name)
                for c in sorted(children.values(), key=lambda c: c.person_name)
            ),
        ),
        evidence=evidence_of(reports),
        anchor_id=anchor.id,
        actions=ACTIONS_OF[anchor.kind],
    )
