"""P06 (b): a vehicle that collected or carried a child shortly before or during a missing episode.

domain.md P06 (b): a registration linked to a child within X = 24 hours before a missing episode
starts, or used while the child is missing (taken out of area by car), raises
`vehicle_linked_to_missing`.
"""

from dataclasses import dataclass
from datetime import datetime

from schemas.alerts import AlertSubject, AlertType
from services.alerts.actions import Action
from services.alerts.shared.candidate import AlertCandidate, evidence_of
from services.alerts.shared.episodes import Child, Episode, vouched
from services.alerts.shared.provenance import named


@dataclass(frozen=True, slots=True)
class Ride:
    """A child in, collected by, or getting out of the vehicle, by one report."""

    child: Child
    report_id: str
    observed_at: datetime
    episodes: tuple[Episode, ...]  # the child's episodes around that time
    vehicle_name: str | None = None  # the registration or description, as the report gives it


def detect_vehicle_linked_to_missing(
    *,
    vehicle_id: str,
    vehicle_name: str,
    rides: list[Ride],
    now: datetime,
    hours_before: float,
) -> AlertCandidate | None:
    """A candidate when a ride falls in, or shortly before, one of the child's episodes."""
    # The vehicle is named as the cited ride reports name it; `vehicle_name` only when none does.
    reports: dict[str, datetime] = {}
    children: dict[str, Child] = {}
    plates: dict[str, str] = {}
    for ride in rides:
        matching = [
            e for e in ride.episodes if e.covers(ride.observed_at, before=hours_before, now=now)
        ]
        if matching:
            children[ride.child.id] = ride.child
            reports[ride.report_id] = ride.observed_at
            if ride.vehicle_name:
                plates[ride.report_id] = ride.vehicle_name
            for episode in matching:
                reports |= episode.reports
    if not children:
        return None
    priority, reports = vouched(reports, *children.values())
    vehicle = named(plates, reports, otherwise=vehicle_name)
    people = sorted(
        (c.subject_in(reports) for c in children.values()), key=lambda s: (s.display_name, s.id)
    )
    names = ", ".join(s.display_name for s in people)
    return AlertCandidate(
        type=AlertType.VEHICLE_LINKED_TO_MISSING,
        fingerprint=f"{AlertType.VEHICLE_LINKED_TO_MISSING.value}:{vehicle_id}",
        priority=priority,
        summary=(
            f"Vehicle {vehicle} carried {names} within {hours_before:.0f} hours before or "
            "during a missing episode; share the registration and consider an ANPR marker."
        ),
        subjects=(
            AlertSubject(kind="vehicle", id=vehicle_id, display_name=vehicle),
            *people,
        ),
        evidence=evidence_of(reports),
        anchor_id=vehicle_id,
        actions=(Action.SHARE_REGISTRATION, Action.ANPR_MARKER, Action.STRATEGY_MEETING),
    )
