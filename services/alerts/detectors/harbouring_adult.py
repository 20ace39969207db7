"""P04 harbouring: an adult with a child during a missing episode, a CAWN candidate.

domain.md P04: an adult co-present with a child while the child is missing (found with them, or
the tenant of the address where the child was found) raises `harbouring_adult` on the first
occurrence.
"""

from dataclasses import dataclass
from datetime import datetime

from schemas.alerts import AlertSubject, AlertType
from services.alerts.actions import Action
from services.alerts.detectors.candidate import AlertCandidate, evidence_of, raised_priority
from services.alerts.detectors.episodes import Child, Episode


@dataclass(frozen=True, slots=True)
class Harboured:
    """A child found with the adult, or at the adult's address, and the episode it was in."""

    child: Child
    episode: Episode
    as_tenant: bool


def detect_harbouring_adult(
    *, adult_id: str, adult_name: str, harboured: list[Harboured]
) -> AlertCandidate | None:
    """One candidate per adult listing every child found with them while missing."""
    if not harboured:
        return None
    children = {h.child.id: h.child for h in harboured}
    reports: dict[str, datetime] = {}
    places: set[str] = set()
    for h in harboured:
        reports |= h.episode.reports
        if h.episode.found_at is not None:
            places.add(h.episode.found_at.id)
    how = "at their address" if all(h.as_tenant for h in harboured) else "with them"
    names = ", ".join(sorted(c.name for c in children.values()))
    return AlertCandidate(
        type=AlertType.HARBOURING_ADULT,
        fingerprint=f"{AlertType.HARBOURING_ADULT.value}:{adult_id}",
        priority=raised_priority(
            (c.age for c in children.values()), (c.vulnerable for c in children.values())
        ),
        summary=(
            f"{adult_name} was found {how} while {names} "
            f"{'was' if len(children) == 1 else 'were'} missing; consider a Child Abduction "
            "Warning Notice and a strategy meeting."
        ),
        subjects=(
            AlertSubject(kind="person", id=adult_id, display_name=adult_name),
            *(
                AlertSubject(kind="person", id=c.id, display_name=c.name)
                for c in sorted(children.values(), key=lambda c: c.name)
            ),
        ),
        evidence=evidence_of(reports),
        anchor_id=adult_id,
        actions=(Action.CAWN, Action.STRATEGY_MEETING),
        context_ids=tuple(sorted(places)),
    )
