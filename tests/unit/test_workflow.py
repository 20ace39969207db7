"""The alert lifecycle: acknowledge, assign, action, close, feedback, with a hand-written store."""

import asyncio
import uuid
from collections.abc import Callable, Coroutine, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypedDict
from uuid import UUID

import pytest

from schemas.alerts import AlertChange, AlertRaised, AlertStatus, AlertType, Evidence, Priority
from services.alerts import workflow
from services.alerts.ports import AlertChanged, HistoryEntry
from services.alerts.responsibility import Changer
from services.alerts.workflow import AlertChangeRefused, AlertNotForCaller, AlertNotFound, Change
from tests.support.factories import NOW

EVERYONE = ["all", "agency:Synthetic Police", "role:police"]
LATER = NOW + timedelta(minutes=5)
POLICE = Changer(
    user="pc.synth",
    agency="Synthetic Police",
    audiences=tuple(EVERYONE),
    agency_audiences=("agency:Synthetic Police", "sealed:synthetic-police"),
)
OTHER_FORCE = Changer(
    user="pc.other",
    agency="Synthetic Other Force",
    audiences=("all", "agency:Synthetic Other Force", "role:police"),
    agency_audiences=("agency:Synthetic Other Force", "sealed:synthetic-other"),
)
ADMIN = Changer(
    user="admin.synth",
    agency="Synthetic Other Force",
    audiences=("all", "agency:Synthetic Other Force", "role:admin"),
    agency_audiences=("agency:Synthetic Other Force",),
    admin=True,
)


class FakeWorkflowStore:
    def __init__(
        self, alert: AlertRaised, *, audience: str = "all", home_forces: tuple[str, ...] = ()
    ) -> None:
        self.alerts = {alert.alert_id: alert}
        self.audience = audience
        self.forces = home_forces
        self.entries: list[HistoryEntry] = []
        self.anchors: list[str | None] = []

    async def get_alert(self, alert_id: UUID, *, audiences: Sequence[str]) -> AlertRaised | None:
        alert = self.alerts.get(alert_id)
        return alert if alert is not None and self.audience in audiences else None

    async def history(self, alert_id: UUID) -> list[HistoryEntry]:
        return list(self.entries)

    async def home_forces(self, alert: AlertRaised) -> tuple[str, ...]:
        return self.forces

    async def save(
        self,
        alert: AlertRaised,
        *,
        anchor_id: str | None,
        history: HistoryEntry,
        replaces: UUID | None = None,
        cited_already: Iterable[str] = (),
    ) -> None:
        current = self.alerts.get(alert.alert_id)
        if current is not None and current.event_id != replaces:
            raise AlertChanged("changed meanwhile")
        self.alerts[alert.alert_id] = alert
        self.entries.append(history)
        self.anchors.append(anchor_id)


def _alert(status: AlertStatus = AlertStatus.OPEN, **changes: object) -> AlertRaised:
    alert = AlertRaised(
        event_id=uuid.uuid4(),
        occurred_at=NOW,
        alert_id=UUID(int=1),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint="shared_hotspot:location:x",
        status=status,
        priority=Priority.MEDIUM,
        summary="3 young people linked to Synthetic Park",
        subjects=(),
        evidence=(Evidence(report_id=UUID(int=100), observed_at=NOW),),
        raised_at=NOW,
        updated_at=NOW,
    )
    return alert.model_copy(update=changes)


Step = Callable[[FakeWorkflowStore], Coroutine[Any, Any, AlertRaised]]


class Common(TypedDict):
    alert_id: UUID
    changer: Changer
    store: FakeWorkflowStore
    now: datetime
    new_id: Callable[[], UUID]


def _common(store: FakeWorkflowStore, changer: Changer = POLICE) -> Common:
    return Common(
        alert_id=UUID(int=1),
        changer=changer,
        store=store,
        now=LATER,
        new_id=uuid.uuid4,
    )


def _acknowledge(store: FakeWorkflowStore) -> Coroutine[Any, Any, AlertRaised]:
    return workflow.acknowledge_alert(**_common(store))


def _assign(store: FakeWorkflowStore) -> Coroutine[Any, Any, AlertRaised]:
    return workflow.assign_alert(assignee=" ds.synth ", **_common(store))


def _action(store: FakeWorkflowStore) -> Coroutine[Any, Any, AlertRaised]:
    return workflow.action_alert(note="strategy meeting held", **_common(store))


def _close(store: FakeWorkflowStore, changer: Changer = POLICE) -> Coroutine[Any, Any, AlertRaised]:
    return workflow.close_alert(
        reason="disruption complete", false_positive=None, **_common(store, changer)
    )


def _feedback(store: FakeWorkflowStore) -> Coroutine[Any, Any, AlertRaised]:
    return workflow.give_feedback(false_positive=True, comment="", **_common(store))


STEPS: dict[Change, Step] = {
    Change.ACKNOWLEDGE: _acknowledge,
    Change.ASSIGN: _assign,
    Change.ACTION: _action,
    Change.CLOSE: _close,
    Change.FEEDBACK: _feedback,
}

OPEN, ACKNOWLEDGED, ACTIONED, CLOSED = (
    AlertStatus.OPEN,
    AlertStatus.ACKNOWLEDGED,
    AlertStatus.ACTIONED,
    AlertStatus.CLOSED,
)

# change, from status, status after (None: refused)
TRANSITIONS = [
    (Change.ACKNOWLEDGE, OPEN, ACKNOWLEDGED),
    (Change.ACKNOWLEDGE, ACKNOWLEDGED, None),
    (Change.ACKNOWLEDGE, ACTIONED, None),
    (Change.ACKNOWLEDGE, CLOSED, None),
    (Change.ASSIGN, OPEN, OPEN),
    (Change.ASSIGN, ACKNOWLEDGED, ACKNOWLEDGED),
    (Change.ASSIGN, ACTIONED, ACTIONED),
    (Change.ASSIGN, CLOSED, None),
    (Change.ACTION, OPEN, None),
    (Change.ACTION, ACKNOWLEDGED, ACTIONED),
    (Change.ACTION, ACTIONED, ACTIONED),
    (Change.ACTION, CLOSED, None),
    (Change.CLOSE, OPEN, CLOSED),
    (Change.CLOSE, ACKNOWLEDGED, CLOSED),
    (Change.CLOSE, ACTIONED, CLOSED),
    (Change.CLOSE, CLOSED, None),
    (Change.FEEDBACK, OPEN, OPEN),
    (Change.FEEDBACK, ACKNOWLEDGED, ACKNOWLEDGED),
    (Change.FEEDBACK, ACTIONED, ACTIONED),
    (Change.FEEDBACK, CLOSED, CLOSED),
]


@pytest.mark.parametrize(("change", "before", "after"), TRANSITIONS)
def test_transitions(change: Change, before: AlertStatus, after: AlertStatus | None) -> None:
    store = FakeWorkflowStore(_alert(before))
    if after is None:
        with pytest.raises(AlertChangeRefused):
            asyncio.run(STEPS[change](store))
        assert store.entries == []
        return
    changed = asyncio.run(STEPS[change](store))
    assert changed.status is after
    assert store.alerts[UUID(int=1)] == changed
    assert [h.status for h in store.entries] == [after]
    assert changed.change == store.entries[0].action  # the event says which change it is


def test_a_change_is_a_new_event_of_the_same_alert() -> None:
    original = _alert()
    store = FakeWorkflowStore(original)
    changed = asyncio.run(_acknowledge(store))
    assert changed.alert_id == original.alert_id and changed.event_id != original.event_id
    assert (changed.occurred_at, changed.updated_at, changed.raised_at) == (LATER, LATER, NOW)
    assert changed.evidence == original.evidence
    assert changed.change is AlertChange.ACKNOWLEDGED
    assert store.entries == [
        HistoryEntry(at=LATER, by="pc.synth", action="acknowledged", status=ACKNOWLEDGED)
    ]
    assert store.anchors == [None]  # the entity the alert is about stays as it was


def test_a_refusal_says_what_is_allowed() -> None:
    store = FakeWorkflowStore(_alert(ACTIONED))
    with pytest.raises(AlertChangeRefused) as refused:
        asyncio.run(_acknowledge(store))
    assert str(refused.value) == (
        "cannot acknowledge an alert that is actioned: acknowledge is allowed only when it is open"
    )


def test_assigning_names_the_assignee_and_keeps_the_status() -> None:
    store = FakeWorkflowStore(_alert(ACKNOWLEDGED))
    changed = asyncio.run(_assign(store))
    assert (changed.assignee, changed.status) == ("ds.synth", ACKNOWLEDGED)
    assert (store.entries[0].action, store.entries[0].note) == ("assigned", "to ds.synth")


def test_action_records_the_note() -> None:
    store = FakeWorkflowStore(_alert(ACKNOWLEDGED))
    asyncio.run(_action(store))
    assert (store.entries[0].action, store.entries[0].note) == (
        "actioned",
        "strategy meeting held",
    )


def test_closing_records_the_reason_and_keeps_earlier_feedback() -> None:
    store = FakeWorkflowStore(_alert(ACTIONED, false_positive=False))
    closed = asyncio.run(_close(store))
    assert (closed.closure_reason, closed.false_positive) == ("disruption complete", False)
    assert (store.entries[0].action, store.entries[0].note) == ("closed", "disruption complete")


def test_closing_can_mark_a_false_positive() -> None:
    store = FakeWorkflowStore(_alert())
    closed = asyncio.run(
        workflow.close_alert(
            reason="the children were on a school trip", false_positive=True, **_common(store)
        )
    )
    assert closed.false_positive is True


@pytest.mark.parametrize("reason", ["", "   "])
def test_closing_needs_a_reason(reason: str) -> None:
    store = FakeWorkflowStore(_alert())
    with pytest.raises(ValueError, match="reason"):
        asyncio.run(workflow.close_alert(reason=reason, false_positive=None, **_common(store)))
    assert store.entries == []


def test_feedback_on_a_closed_alert_is_kept_with_its_comment() -> None:
    store = FakeWorkflowStore(_alert(CLOSED, closure_reason="no further concern"))
    changed = asyncio.run(
        workflow.give_feedback(
            false_positive=False, comment=" the pattern was real ", **_common(store)
        )
    )
    assert (changed.status, changed.false_positive) == (CLOSED, False)
    assert changed.closure_reason == "no further concern"
    assert store.entries[0].note == "not a false positive: the pattern was real"


def test_a_caller_who_may_not_see_the_alert_cannot_tell_it_exists() -> None:
    store = FakeWorkflowStore(_alert(), audience="agency:Synthetic Other Force")
    with pytest.raises(AlertNotFound):
        asyncio.run(_acknowledge(store))
    with pytest.raises(AlertNotFound):
        asyncio.run(workflow.show_alert(alert_id=UUID(int=1), audiences=EVERYONE, store=store))
    assert store.entries == []


def test_show_alert_gives_the_alert_and_its_history() -> None:
    store = FakeWorkflowStore(_alert())
    asyncio.run(_acknowledge(store))
    alert, history = asyncio.run(
        workflow.show_alert(alert_id=UUID(int=1), audiences=EVERYONE, store=store)
    )
    assert alert.status is ACKNOWLEDGED
    assert [h.action for h in history] == ["acknowledged"]


def test_a_police_user_of_another_force_may_not_close_an_alert_for_a_home_force() -> None:
    """Issue 14: seeing the alert is not enough; nothing is saved, so no cool-down starts."""
    original = _alert()
    store = FakeWorkflowStore(original, home_forces=("synthetic  POLICE",))
    with pytest.raises(AlertNotForCaller, match="not for your force"):
        asyncio.run(_close(store, OTHER_FORCE))
    assert store.entries == [] and store.alerts[UUID(int=1)] == original


@pytest.mark.parametrize("changer", [POLICE, ADMIN], ids=["home force", "admin"])
def test_the_home_force_and_admins_may_close_it(changer: Changer) -> None:
    store = FakeWorkflowStore(_alert(), home_forces=("Synthetic Police",))
    closed = asyncio.run(_close(store, changer))
    assert (closed.status, closed.change) == (CLOSED, AlertChange.CLOSED)
    assert store.entries[0].by == changer.user


def test_visibility_naming_a_force_lets_it_change_an_alert_for_another_home_force() -> None:
    shared_by_name = _alert(visibility=(("agency:Synthetic Home A", "agency:Synthetic Police"),))
    store = FakeWorkflowStore(shared_by_name, home_forces=("Synthetic Other Force",))
    assert asyncio.run(_acknowledge(store)).status is ACKNOWLEDGED


def test_an_alert_without_a_home_force_may_be_changed_by_any_police_who_may_see_it() -> None:
    store = FakeWorkflowStore(_alert())
    assert asyncio.run(_close(store, OTHER_FORCE)).status is CLOSED
