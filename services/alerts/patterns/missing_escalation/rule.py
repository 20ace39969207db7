"""P07 escalating missing episodes: more often, for longer, or gone for days.

domain.md P07: compare the child's episodes in the current window with the window before it.
Raise when the count rises and at least 3 fall in the current window, when the durations
lengthen, or when any episode lasted 24 hours or more. Three in the window is also S4,
"frequent and persistent", so a rise to three raises nothing three alone would not.

An alert cites the reports of every episode its summary speaks of. The window before is spoken
of (and cited) only when nothing in the current window raises the alert on its own: its
episodes may be in reports some of the current window's receivers may not see, and the alert
would then tell them those episodes exist.
"""

from datetime import datetime, timedelta
from statistics import median

from schemas.alerts import AlertType
from services.alerts.actions import Action
from services.alerts.shared.candidate import AlertCandidate, evidence_of
from services.alerts.shared.episodes import Child, Episode, vouched

GONE_FOR_DAYS_H = 24.0
FREQUENT = 3


def _durations(episodes: list[Episode]) -> list[float]:
    return [h for h in (e.hours for e in episodes) if h is not None]


def _lengthening(current: list[Episode]) -> bool:
    """The window's latest episode is its longest, and longer than its first."""
    now_h = _durations(current)
    return len(now_h) >= 2 and now_h[-1] == max(now_h) and now_h[-1] > now_h[0]


def _longer_than_before(current: list[Episode], previous: list[Episode]) -> bool:
    now_h, before_h = _durations(current), _durations(previous)
    return bool(now_h and before_h and median(now_h) > median(before_h))


def detect_missing_escalation(
    *, child: Child, episodes: list[Episode], now: datetime, window_days: int
) -> AlertCandidate | None:
    """A candidate when the child's missing episodes escalate; episodes cover two windows."""
    start = now - timedelta(days=window_days)
    dated = sorted(
        ((begun, e) for e in episodes if (begun := e.started_at or e.ended_at) is not None),
        key=lambda pair: pair[0],
    )
    current = [e for begun, e in dated if begun >= start]
    previous = [e for begun, e in dated if begun < start]
    if not current:
        return None
    longest = max(_durations(current), default=0.0)
    reasons = []
    if len(current) >= FREQUENT:  # more than before or not: three is S4 on its own
        reasons.append(f"{len(current)} episodes: frequent and persistent (S4)")
    if _lengthening(current):
        reasons.append("episodes are getting longer")
    if longest >= GONE_FOR_DAYS_H:
        reasons.append(f"one lasted {longest:.0f} hours")
    cited = current
    if not reasons and _longer_than_before(current, previous):
        # Only the window before makes this an alert, so its episodes are cited: what the
        # alert says of them must come from reports its receivers may see.
        reasons.append("episodes are longer than in the window before")
        cited = current + previous
    if not reasons:
        return None
    still_missing = any(e.ended_at is None and e.started_at is not None for e in current)
    actions = [Action.STRATEGY_MEETING, Action.SCREENING]
    actions.append(Action.DAILY_CONTACT if still_missing else Action.RETURN_INTERVIEW)
    priority, reports = vouched({rid: at for e in cited for rid, at in e.reports.items()}, child)
    return AlertCandidate(
        type=AlertType.MISSING_ESCALATION,
        fingerprint=f"{AlertType.MISSING_ESCALATION.value}:{child.id}",
        priority=priority,
        summary=(
            f"{child.name_in(reports)}'s missing episodes are escalating ({'; '.join(reasons)}) "
            f"in the last {window_days} days; hold a strategy meeting and review the screening."
        ),
        subjects=(child.subject_in(reports),),
        evidence=evidence_of(reports),
        anchor_id=child.id,
        actions=tuple(actions),
    )
