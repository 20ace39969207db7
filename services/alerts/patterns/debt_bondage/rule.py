"""P15 debt-bondage risk after a seizure.

domain.md P15: "where drugs or money are confiscated, young people are placed in debt bondage to
the exploiter" [001:11]. Any seizure from a child, or drugs or cash found on them, raises
`debt_bondage` at once, to the social worker and the police, and flags the family as possibly
at risk [001:12]. A missing episode or an injury in the 90 days after it raises the alert's
priority: the debt may be being collected.
"""

from datetime import datetime, timedelta

from schemas.alerts import AlertType
from services.alerts.actions import Action
from services.alerts.shared.candidate import (
    AlertCandidate,
    escalated,
    evidence_of,
)
from services.alerts.shared.episodes import Child, Episode, vouched
from services.alerts.shared.whereabouts import Whereabouts, latest_places

DEBT_ITEMS = frozenset({"drugs", "cash"})


def _after(episode: Episode, seizures: list[Whereabouts], days: int) -> bool:
    """Whether the episode began within the days after a seizure."""
    began = episode.started_at or episode.ended_at
    if began is None:
        return False
    return any(s.observed_at < began <= s.observed_at + timedelta(days=days) for s in seizures)


def detect_debt_bondage(
    *, child: Child, seen: list[Whereabouts], episodes: list[Episode], escalation_days: int
) -> AlertCandidate | None:
    """One alert per child with drugs or cash seized; escalated by a later episode or injury."""
    seizures = sorted(
        (w for w in seen if w.items & DEBT_ITEMS), key=lambda w: (w.observed_at, w.report_id)
    )
    if not seizures:
        return None
    later = [e for e in episodes if _after(e, seizures, escalation_days)]
    injured = any("injured" in e.condition for e in later)
    reports: dict[str, datetime] = {s.report_id: s.observed_at for s in seizures}
    for episode in later:
        reports.update(episode.reports)
    priority, reports = vouched(reports, child)
    if later:
        priority = escalated(priority)
    items = sorted({item for s in seizures for item in s.items & DEBT_ITEMS})
    last = seizures[-1]
    summary = (
        f"{child.name_in(reports)} had {' and '.join(items)} seized at {last.place.name} on "
        f"{last.observed_at:%d %b %Y}: they may now owe the exploiters a debt"
    )
    if later:
        times = "once" if len(later) == 1 else f"{len(later)} times"
        summary += f", and since then have gone missing {times}"
        summary += " and come back injured" if injured else ""
        summary += ": the debt may be being collected"
    summary += "; plan their safety now and check whether their family is threatened."
    places = latest_places(seizures)
    return AlertCandidate(
        type=AlertType.DEBT_BONDAGE,
        fingerprint=f"{AlertType.DEBT_BONDAGE.value}:{child.id}",
        priority=priority,
        summary=summary,
        subjects=(
            child.subject_in(reports),
            *(places[pid].subject for pid in sorted(places)),
        ),
        evidence=evidence_of(reports),
        anchor_id=child.id,
        actions=(Action.DEBT_SAFETY_PLAN, Action.FAMILY_AT_RISK, Action.SCREENING),
    )
