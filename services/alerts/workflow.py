"""Use case: move an alert along its lifecycle and record feedback on it.

open -> acknowledged -> actioned, and any of them -> closed with a reason. An alert that is not
closed can be assigned to a named user; feedback (false positive or not) is taken at any time,
after closing too. Every change is a new `AlertRaised` (a new event id, the same alert id) saved
with a history entry naming who made it.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from schemas.alerts import AlertRaised, AlertStatus
from services.alerts.lifecycle import HistoryEntry


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


class AlertWorkflowStore(Protocol):
    """Where alerts and their history are read and saved, seen through the caller's audiences."""

    async def get_alert(self, alert_id: UUID, *, audiences: Sequence[str]) -> AlertRaised | None:
        """The alert, if it exists and every report it cites is visible to the audiences."""
        ...

    async def history(self, alert_id: UUID) -> list[HistoryEntry]:
        """The alert's history, oldest first."""
        ...

    async def save(
        self,
        alert: AlertRaised,
        *,
        anchor_id: str | None,
        history: HistoryEntry,
        replaces: UUID | None = None,
    ) -> None:
        """Save over the version `replaces`; AlertChanged when another change came first."""
        ...


async def show_alert(
    *, alert_id: UUID, audiences: Sequence[str], store: AlertWorkflowStore
) -> tuple[AlertRaised, list[HistoryEntry]]:
    """The alert and its history, oldest first; AlertNotFound when the caller may not see it."""
    alert = await _visible(alert_id, audiences=audiences, store=store)
    return alert, await store.history(alert_id)


async def acknowledge_alert(
    *,
    alert_id: UUID,
    by: str,
    audiences: Sequence[str],
    store: AlertWorkflowStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised:
    """Acknowledge an open alert: someone has seen it and is looking."""
    alert = await _visible(alert_id, audiences=audiences, store=store)
    _check(Change.ACKNOWLEDGE, alert)
    return await _save(
        alert,
        {"status": AlertStatus.ACKNOWLEDGED},
        action="acknowledged",
        note="",
        by=by,
        store=store,
        now=now,
        new_id=new_id,
    )


async def assign_alert(
    *,
    alert_id: UUID,
    assignee: str,
    by: str,
    audiences: Sequence[str],
    store: AlertWorkflowStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised:
    """Give an alert that is not closed to a named user; its status does not change."""
    alert = await _visible(alert_id, audiences=audiences, store=store)
    _check(Change.ASSIGN, alert)
    assignee = _required(assignee, "assignee")
    return await _save(
        alert,
        {"assignee": assignee},
        action="assigned",
        note=f"to {assignee}",
        by=by,
        store=store,
        now=now,
        new_id=new_id,
    )


async def action_alert(
    *,
    alert_id: UUID,
    note: str,
    by: str,
    audiences: Sequence[str],
    store: AlertWorkflowStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised:
    """Record what was done about an acknowledged (or already actioned) alert."""
    alert = await _visible(alert_id, audiences=audiences, store=store)
    _check(Change.ACTION, alert)
    return await _save(
        alert,
        {"status": AlertStatus.ACTIONED},
        action="actioned",
        note=_required(note, "note"),
        by=by,
        store=store,
        now=now,
        new_id=new_id,
    )


async def close_alert(
    *,
    alert_id: UUID,
    reason: str,
    false_positive: bool | None,
    by: str,
    audiences: Sequence[str],
    store: AlertWorkflowStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised:
    """Close an alert with a reason; its pattern then stays quiet for the cool-down."""
    alert = await _visible(alert_id, audiences=audiences, store=store)
    _check(Change.CLOSE, alert)
    reason = _required(reason, "reason")
    update: dict[str, object] = {"status": AlertStatus.CLOSED, "closure_reason": reason}
    if false_positive is not None:
        update["false_positive"] = false_positive
    return await _save(
        alert, update, action="closed", note=reason, by=by, store=store, now=now, new_id=new_id
    )


async def give_feedback(
    *,
    alert_id: UUID,
    false_positive: bool,
    comment: str,
    by: str,
    audiences: Sequence[str],
    store: AlertWorkflowStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised:
    """Mark an alert, closed or not, as a false positive or not, with an optional comment."""
    alert = await _visible(alert_id, audiences=audiences, store=store)
    _check(Change.FEEDBACK, alert)
    verdict = "false positive" if false_positive else "not a false positive"
    comment = comment.strip()
    return await _save(
        alert,
        {"false_positive": false_positive},
        action="feedback",
        note=f"{verdict}: {comment}" if comment else verdict,
        by=by,
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
    action: str,
    note: str,
    by: str,
    store: AlertWorkflowStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised:
    changed = alert.model_copy(
        update=update | {"event_id": new_id(), "occurred_at": now, "updated_at": now}
    )
    entry = HistoryEntry(at=now, by=by, action=action, status=changed.status, note=note)
    # The alert is already ABOUT its entity; None leaves that link as it is.
    await store.save(changed, anchor_id=None, history=entry, replaces=alert.event_id)
    return changed
