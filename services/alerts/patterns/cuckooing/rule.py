"""P12 cuckooing: outsiders and children at the address of a vulnerable tenant.

domain.md P12: an address whose tenant is flagged vulnerable (a vulnerable tenant, suspected
cuckooing, or a tenant recorded as a vulnerable adult) and where >= 2 non-resident persons, of
whom >= 1 is a child or is from outside the address's local authority, are linked within 30
days raises `cuckooing`. Professionals are not visitors.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from schemas.alerts import AlertSubject, AlertType
from schemas.entities import PersonRole
from services.alerts.actions import Action
from services.alerts.shared.candidate import (
    AlertCandidate,
    evidence_of,
    priority_of,
    raised_priority,
)
from services.alerts.shared.episodes import normalise_area
from services.alerts.shared.provenance import Names, Reports, Traits, cite, cite_first, named


@dataclass(frozen=True, slots=True)
class Tenant:
    """A person recorded as the tenant of the address, as the reports that say so describe them
    (`name` only when none of those the alert cites names them)."""

    id: str
    name: str
    role: str
    reports: Reports = field(default_factory=dict)  # the reports that say they are the tenant
    names: Names = field(default_factory=dict)
    role_reports: Reports = field(default_factory=dict)  # those of them that give the role


@dataclass(frozen=True, slots=True)
class Address:
    """The address being examined, its status flags and tenants; each status, and its local
    authority, with the reports that give it. `name` only when no cited report names it."""

    id: str
    name: str
    local_authority: str | None
    vulnerable_tenant: bool
    cuckooing_suspected: bool
    tenants: tuple[Tenant, ...] = ()
    vulnerable_tenant_reports: Reports = field(default_factory=dict)
    cuckooing_reports: Reports = field(default_factory=dict)
    area_reports: Reports = field(default_factory=dict)
    names: Names = field(default_factory=dict)  # what the status reports call it


@dataclass(frozen=True, slots=True)
class Visit:
    """A person linked to the address by one report."""

    person_id: str
    person_name: str
    age: int | None
    young: bool  # the report names them as a young person
    vulnerable: bool  # learning disability or additional needs
    home_local_authority: str | None
    role: str
    report_id: str
    observed_at: datetime
    place_name: str | None = None  # what the report calls the address
    home_reports: Reports = field(default_factory=dict)  # the report that gives their home area
    # The report leaves their age unknown (no age, no adult role): a child if another report
    # (in `traits`, with their age and needs) calls them a young person, which the alert cites.
    age_unknown: bool = False
    traits: Traits = field(default_factory=Traits)

    @property
    def child(self) -> bool:
        """A young person as this report, or (when it does not say) another report says."""
        return self.young or (self.age_unknown and bool(self.traits.young))


class CuckooingGraph(Protocol):
    """What the detector reads from the graph."""

    async def address(self, location_id: str) -> Address | None:
        """The address, or None when it is not in the graph."""
        ...

    async def visits(self, location_id: str, *, since: datetime) -> list[Visit]:
        """Every report since a time that places a person at the address."""
        ...


def _vulnerability(address: Address) -> Reports | None:
    """The reports that make the tenant vulnerable (a status, or a tenant recorded as a
    vulnerable adult); None when nothing does."""
    if address.vulnerable_tenant:
        return address.vulnerable_tenant_reports
    if address.cuckooing_suspected:
        return address.cuckooing_reports
    for tenant in address.tenants:
        if tenant.role == PersonRole.VULNERABLE_ADULT:
            return tenant.role_reports
    return None


def _out_of_area(visit: Visit, address: Address) -> bool:
    if not visit.home_local_authority or not address.local_authority:
        return False
    return normalise_area(visit.home_local_authority) != normalise_area(address.local_authority)


async def detect_cuckooing(
    *,
    location_id: str,
    graph: CuckooingGraph,
    now: datetime,
    min_visitors: int,
    window_days: int,
) -> AlertCandidate | None:
    """Raise a candidate when outsiders or children gather at a vulnerable tenant's address."""
    address = await graph.address(location_id)
    vulnerability = _vulnerability(address) if address is not None else None
    if address is None or vulnerability is None:
        return None
    residents = {t.id for t in address.tenants}
    visits = [
        v
        for v in await graph.visits(location_id, since=now - timedelta(days=window_days))
        if v.person_id not in residents and v.role != PersonRole.PROFESSIONAL
    ]
    visitors = {v.person_id: v for v in visits}
    children = {v.person_id for v in visits if v.child}
    outsiders = {v.person_id for v in visits if _out_of_area(v, address)}
    if len(visitors) < min_visitors or not children | outsiders:
        return None
    reports = cite({v.report_id: v.observed_at for v in visits}, vulnerability)
    for visit in visits:  # a child as another report says, when the visit's report does not
        if visit.person_id in children and not visit.young:
            reports = cite_first(reports, visit.traits.young)
    for tenant in address.tenants:  # named as the tenant
        reports = cite(reports, tenant.reports)
    if address.local_authority:  # named in the summary
        reports = cite(reports, address.area_reports)
    for visit in visits:
        if visit.person_id in outsiders:  # from elsewhere, as the report that says so does
            reports = cite(reports, visit.home_reports)
    place_names = dict(address.names) | {v.report_id: v.place_name or "" for v in visits}
    name = named(place_names, reports, otherwise=address.name)
    young = [v for v in visits if v.person_id in children]
    priority, reports = priority_of(
        reports,
        raised_priority((v.age for v in young), (v.vulnerable for v in young)),
        (v.traits for v in young),
    )
    actions: tuple[Action, ...] = (Action.ADULT_SOCIAL_CARE, Action.WARRANT_OR_CLOSURE)
    tail = "."
    if children:
        actions += (Action.STRATEGY_MEETING,)
        about = "the child" if len(children) == 1 else "the children"
        tail = f", and hold a strategy meeting within 24 hours about {about}."
    where = f" from outside {address.local_authority}" if address.local_authority else ""
    return AlertCandidate(
        type=AlertType.CUCKOOING,
        fingerprint=f"{AlertType.CUCKOOING.value}:{address.id}",
        priority=priority,
        summary=(
            f"Possible cuckooing at {name}: the vulnerable tenant's address has had "
            f"{len(visitors)} non-resident visitors in the last {window_days} days "
            f"({len(children)} {'child' if len(children) == 1 else 'children'}, "
            f"{len(outsiders)}{where}); refer the tenant to adult "
            f"social care and consider a warrant or closure{tail}"
        ),
        subjects=(
            AlertSubject(kind="location", id=address.id, display_name=name),
            *(
                AlertSubject(
                    kind="person", id=t.id, display_name=named(t.names, reports, otherwise=t.name)
                )
                for t in address.tenants
            ),
            *(
                AlertSubject(kind="person", id=v.person_id, display_name=v.person_name)
                for v in sorted(visitors.values(), key=lambda v: (v.person_name, v.person_id))
            ),
        ),
        evidence=evidence_of(reports),
        anchor_id=address.id,
        actions=actions,
    )
