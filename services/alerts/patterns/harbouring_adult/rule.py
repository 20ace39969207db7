"""P04 harbouring: an adult with a child during a missing episode, a CAWN candidate.

domain.md P04: an adult co-present with a child while the child is missing (found with them, or
the tenant of the address where the child was found) raises `harbouring_adult` on the first
occurrence.
"""

from dataclasses import dataclass, field
from datetime import datetime

from schemas.alerts import AlertSubject, AlertType
from services.alerts.actions import Action
from services.alerts.shared.candidate import AlertCandidate, evidence_of
from services.alerts.shared.episodes import Child, Episode, vouched
from services.alerts.shared.provenance import Names, Reports, cite, named


@dataclass(frozen=True, slots=True)
class Harboured:
    """A child found with the adult, or at the adult's address, and the episode it was in."""

    child: Child
    episode: Episode
    as_tenant: bool
    # For a tenant: the reports that say the adult is the tenant of where the child was found.
    tenancy: Reports = field(default_factory=dict)


def detect_harbouring_adult(
    *, adult_id: str, adult_names: Names, harboured: list[Harboured]
) -> AlertCandidate | None:
    """One candidate per adult listing every child found with them while missing."""
    # It cites each episode's reports and, where the adult is only the tenant of where the
    # child was found, the reports that say so; everyone is named as those reports name them.
    found_with = {(h.child.id, h.episode.id) for h in harboured if not h.as_tenant}
    # Found with them: that the adult is also the tenant there adds nothing the alert needs.
    harboured = [
        h for h in harboured if not h.as_tenant or (h.child.id, h.episode.id) not in found_with
    ]
    if not harboured:
        return None
    children = {h.child.id: h.child for h in harboured}
    reports: dict[str, datetime] = {}
    places: set[str] = set()
    for h in harboured:
        reports |= h.episode.reports
        if h.as_tenant:
            reports = cite(reports, h.tenancy)
        if h.episode.found_at is not None:
            places.add(h.episode.found_at.id)
    priority, reports = vouched(reports, *children.values())
    adult_name = named(adult_names, reports)
    how = "at their address" if all(h.as_tenant for h in harboured) else "with them"
    names = ", ".join(sorted(c.name_in(reports) for c in children.values()))
    return AlertCandidate(
        type=AlertType.HARBOURING_ADULT,
        fingerprint=f"{AlertType.HARBOURING_ADULT.value}:{adult_id}",
        priority=priority,
        summary=(
            f"{adult_name} was found {how} while {names} "
            f"{'was' if len(children) == 1 else 'were'} missing; consider a Child Abduction "
            "Warning Notice and a strategy meeting."
        ),
        subjects=(
            AlertSubject(kind="person", id=adult_id, display_name=adult_name),
            *sorted(
                (c.subject_in(reports) for c in children.values()),
                key=lambda s: (s.display_name, s.id),
            ),
        ),
        evidence=evidence_of(reports),
        anchor_id=adult_id,
        actions=(Action.CAWN, Action.STRATEGY_MEETING),
        context_ids=tuple(sorted(places)),
    )
