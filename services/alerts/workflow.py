"""Use case: move an alert along its lifecycle and record feedback on it.

open -> acknowledged -> actioned, and any of them -> closed with a reason. An alert that is not
closed can be assigned to a named user; feedback (false positive or not) is taken at any time,
after closing too. Every change is a new `AlertRaised` (a new event id, the same alert id, and
`change` saying which) saved with a history entry naming who made it; saved into the outbox, it
is published on the alerts topic like a raised alert. Only police of the agencies the alert is
for, and admins, may change it (responsibility.py).
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from schemas.alerts import AlertChange, AlertRaised, AlertStatus
from services.alerts.ports import AlertWorkflowStore, HistoryEntry
from services.alerts.responsibility import Changer, may_change


class Change(StrEnum):
    """What a user can do to an alert."""

    ACKNOWLEDGE = "acknowledge"
    ASSIGN = "assign"
    ACTION = "action"
    CLOSE = "close"
    FEEDBACK = "feedback"


NOT_CLOSED = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.ACTIONED)

# The statuses each change may start from. Action may be recorded again once actioned: a
# strategy meeting is often followed by a disruption.
ALLOWED_FROM: dict[Change, tuple[AlertStatus, ...]] = {
    Change.ACKNOWLEDGE: (AlertStatus.OPEN,),
    Change.ASSIGN: NOT_CLOSED,
    Change.ACTION: (AlertStatus.ACKNOWLEDGED, AlertStatus.ACTIONED),
    Change.CLOSE: NOT_CLOSED,
    Change.FEEDBACK: (*NOT_CLOSED, AlertStatus.CLOSED),
}


class AlertNotFound(Exception):
    """No alert has this id, or the caller may not see it: the two are not told apart."""


class AlertNotForCaller(Exception):
    """The caller may see the alert, but it is not for their force: they may not change it."""

    def __init__(self) -> None:
        super().__init__(
            "this alert is not for your force: only police of the agencies it is for (the home "
            "force of one of its subjects, or an agency its reports name) and admins may change it"
        )


class AlertChangeRefused(Exception):
    """The change is not allowed while the alert is in its current status."""

    def __init__(self, *, change: Change, status: AlertStatus) -> None:
        allowed = " or ".join(s.value for s in ALLOWED_FROM[change])
        super().__init__(
            f"cannot {change.value} an alert that is {status.value}: "
            f"{change.value} is allowed only when it is {allowed}"
        )
        self.change = change
        self.status = status


async def show_alert(
    *, alert_id: UUID, audiences: Sequence[str], store: AlertWorkflowStore
) -> tuple[AlertRaised, list[HistoryEntry]]:
    """The alert and its history, oldest first; AlertNotFound when the caller may not see it."""
    alert = await _visible(alert_id, audiences=audiences, store=store)
    return alert, await store.history(alert_id)


async def acknowledge_alert(
    *,
    alert_id: UUID,
    changer: Changer,
    store: AlertWorkflowStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised:
    """Acknowledge an open alert: someone has seen it and is looking."""
    alert = await _changeable(alert_id, changer=changer, store=store)
    _check(Change.ACKNOWLEDGE, alert)
    return await _save(
        alert,
        {"status": AlertStatus.ACKNOWLEDGED},
        action=AlertChange.ACKNOWLEDGED,
        note="",
        by=changer.user,
        store=store,
        now=now,
        new_id=new_id,
    )


async def assign_alert(
    *,
    alert_id: UUID,
    assignee: str,
    changer: Changer,
    store: AlertWorkflowStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised:
    """Give an alert that is not closed to a named user; its status does not change."""
    alert = await _changeable(alert_id, changer=changer, store=store)
    _check(Change.ASSIGN, alert)
    assignee = _required(assignee, "assignee")
    return await _save(
        alert,
        {"assignee": assignee},
        action=AlertChange.ASSIGNED,
        note=f"to {assignee}",
        by=changer.user,
        store=store,
        now=now,
        new_id=new_id,
    )


async def action_alert(
    *,
    alert_id: UUID,
    note: str,
    changer: Changer,
    store: AlertWorkflowStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised:
    """Record what was done about an acknowledged (or already actioned) alert."""
    alert = await _changeable(alert_id, changer=changer, store=store)
    _check(Change.ACTION, alert)
    return await _save(
        alert,
        {"status": AlertStatus.ACTIONED},
        action=AlertChange.ACTIONED,
        note=_required(note, "note"),
        by=changer.user,
        store=store,
        now=now,
        new_id=new_id,
    )


async def close_alert(
    *,
    alert_id: UUID,
    reason: str,
    false_positive: bool | None,
    changer: Changer,
    store: AlertWorkflowStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised:
    """Close an alert with a reason; its pattern then stays quiet for the cool-down."""
    alert = await _changeable(alert_id, changer=changer, store=store)
    _check(Change.CLOSE, alert)
    reason = _required(reason, "reason")
    update: dict[str, object] = {"status": AlertStatus.CLOSED, "closure_reason": reason}
    if false_positive is not None:
        update["false_positive"] = false_positive
    return await _save(
        alert,
        update,
        action=AlertChange.CLOSED,
        note=reason,
        by=changer.user,
        store=store,
        now=now,
        new_id=new_id,
    )


async def give_feedback(
    *,
    alert_id: UUID,
    false_positive: bool,
    comment: str,
    changer: Changer,
    store: AlertWorkflowStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised:
    """Mark an alert, closed or not, as a false positive or not, with an optional comment."""
    alert = await _changeable(alert_id, changer=changer, store=store)
    _check(Change.FEEDBACK, alert)
    verdict = "false positive" if false_positive else "not a false positive"
    comment = comment.strip()
    return await _save(
        alert,
        {"false_positive": false_positive},
        action=AlertChange.FEEDBACK,
        note=f"{verdict}: {comment}" if comment else verdict,
        by=changer.user,
        store=store,
        now=now,
        new_id=new_id,
    )


async def _visible(
    alert_id: UUID, *, audiences: Sequence[str], store: AlertWorkflowStore
) -> AlertRaised:
    alert = await store.get_alert(alert_id, audiences=audiences)
    if alert is None:
        raise AlertNotFound(f"no alert {alert_id}")
    return alert


async def _changeable(
    alert_id: UUID, *, changer: Changer, store: AlertWorkflowStore
) -> AlertRaised:
    """The alert, if the changer may see it (else AlertNotFound) and it is for their force."""
    alert = await _visible(alert_id, audiences=changer.audiences, store=store)
    home_forces = () if changer.admin else await store.home_forces(alert)
    if not may_change(alert, changer=changer, home_forces=home_forces):
        raise AlertNotForCaller
    return alert


def _check(change: Change, alert: AlertRaised) -> None:
    if alert.status not in ALLOWED_FROM[change]:
        raise AlertChangeRefused(change=change, status=alert.status)


def _required(text: str, name: str) -> str:
    if not text.strip():
        raise ValueError(f"{name} must not be blank")
    return text.strip()


async def _save(
    alert: AlertRaised,
    update: dict[str, object],
    *,
    action: AlertChange,
    note: str,
    by: str,
    store: AlertWorkflowStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised:
    changed = alert.model_copy(
        update=update
        | {"event_id": new_id(), "occurred_at": now, "updated_at": now, "change": action}
    )
    entry = HistoryEntry(at=now, by=by, action=action.value, status=changed.status, note=note)
    # The alert is already ABOUT its entity; None leaves that link as it is.
    await store.save(changed, anchor_id=None, history=entry, replaces=alert.event_id)
    return changed
