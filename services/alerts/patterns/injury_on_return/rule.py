"""P19 injuries on return from missing.

domain.md P19: a child who comes back from a missing episode injured, or is found injured,
raises `injury_on_return` (screening indicators S15 and T22; DW came back with facial injuries
and cigarette burns [004:468, 004:473]). Two or more injuries within the window escalate it.
One alert per child, updated as injuries are reported.
"""

from datetime import datetime

from schemas.alerts import AlertType
from services.alerts.actions import Action
from services.alerts.shared.candidate import (
    AlertCandidate,
    escalated,
    evidence_of,
)
from services.alerts.shared.episodes import Child, Episode, vouched

REPEATED = 2


def detect_injury_on_return(
    *, child: Child, episodes: list[Episode], since: datetime
) -> AlertCandidate | None:
    """A candidate when episodes since a time ended with the child injured."""
    injured = [
        e
        for e in episodes
        if "injured" in e.condition and e.ended_at is not None and e.ended_at >= since
    ]
    if not injured:
        return None
    reports: dict[str, datetime] = {}
    for episode in injured:
        reports.update(episode.reports)
    priority, reports = vouched(reports, child)
    if len(injured) >= REPEATED:
        priority = escalated(priority)
        what = f"came back injured from {len(injured)} missing episodes"
    else:
        last = injured[-1]
        where = f" at {last.found_at.name}" if last.found_at else ""
        what = f"was found injured{where} on {last.ended_at:%d %b %Y}"
    summary = (
        f"{child.name_in(reports)} {what}: ask how it happened in the return interview, look for "
        "exploitation (screening S15, T22) and consider a medical examination."
    )
    return AlertCandidate(
        type=AlertType.INJURY_ON_RETURN,
        fingerprint=f"{AlertType.INJURY_ON_RETURN.value}:{child.id}",
        priority=priority,
        summary=summary,
        subjects=(child.subject_in(reports),),
        evidence=evidence_of(reports),
        anchor_id=child.id,
        actions=(Action.RETURN_INTERVIEW, Action.SCREENING),
    )
