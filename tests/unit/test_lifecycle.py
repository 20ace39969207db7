"""De-duplication: new evidence updates the open alert instead of raising another."""

import asyncio
import uuid
from dataclasses import replace
from datetime import timedelta

from schemas.alerts import (
    AlertRaised,
    AlertStatus,
    AlertSubject,
)
from services.alerts.lifecycle import close_undone_by_decision, record_alert, withdraw_evidence
from services.alerts.ports import FingerprintState
from services.alerts.shared.candidate import AlertCandidate
from tests.support.factories import NOW
from tests.support.fakes.alert_store import FakeAlertStore
from tests.support.fakes.alert_store import alert_candidate as _candidate


def _record(store: FakeAlertStore, candidate: AlertCandidate, minutes: int) -> AlertRaised | None:
    return asyncio.run(
        record_alert(
            candidate=candidate,
            store=store,
            now=NOW + timedelta(minutes=minutes),
            new_id=uuid.uuid4,
            cool_down=timedelta(days=7),
        )
    )


def _close(store: FakeAlertStore, alert: AlertRaised, minutes: int) -> None:
    closed = alert.model_copy(
        update={"status": AlertStatus.CLOSED, "updated_at": NOW + timedelta(minutes=minutes)}
    )
    store.alerts[str(alert.alert_id)] = closed
    store.closed_at[str(alert.alert_id)] = closed.updated_at


def test_first_detection_opens_an_alert() -> None:
    store = FakeAlertStore()
    alert = _record(store, _candidate(3), 0)
    assert alert is not None and alert.status is AlertStatus.OPEN
    assert len(store.alerts) == 1


def test_same_evidence_again_changes_nothing() -> None:
    store = FakeAlertStore()
    _record(store, _candidate(3), 0)
    assert _record(store, _candidate(3), 5) is None
    assert len(store.alerts) == 1


def test_new_evidence_updates_the_open_alert() -> None:
    store = FakeAlertStore()
    first = _record(store, _candidate(3), 0)
    second = _record(store, _candidate(4), 5)
    assert first is not None and second is not None
    assert second.alert_id == first.alert_id
    assert second.raised_at == first.raised_at and second.updated_at > first.updated_at
    assert len(second.evidence) == 4 and len(store.alerts) == 1
    assert store.history[-1].note == "1 new report(s)"
    assert _record(store, _candidate(2), 6) is not None  # the window moved on, say
    assert store.history[-1].note == "2 no longer cited"


def test_an_alert_carries_actions_deadlines_subgraph_and_visibility() -> None:
    store = FakeAlertStore()
    alert = _record(store, _candidate(2), 0)
    assert alert is not None
    assert alert.actions[0].startswith("design a contextual safeguarding plan")
    assert [d.due_at for d in alert.deadlines] == [NOW + timedelta(hours=24)]
    assert [n.id for n in alert.subgraph.nodes] == ["location:x"]
    assert alert.visibility == (("all",), ("all",))
    assert [h.action for h in store.history] == ["raised"]


def test_deadlines_count_from_when_the_alert_was_first_raised() -> None:
    store = FakeAlertStore()
    _record(store, _candidate(2), 0)
    second = _record(store, _candidate(3), 90)
    assert second is not None
    assert second.deadlines[0].due_at == NOW + timedelta(hours=24)
    assert [h.action for h in store.history] == ["raised", "updated"]


def test_a_closed_alert_is_not_raised_again_within_the_cool_down() -> None:
    store = FakeAlertStore()
    first = _record(store, _candidate(2), 0)
    assert first is not None
    _close(store, first, 10)
    assert _record(store, _candidate(3), 60 * 24) is None  # new evidence, one day later
    assert len(store.alerts) == 1


def test_after_the_cool_down_only_new_evidence_raises_a_new_alert() -> None:
    store = FakeAlertStore()
    first = _record(store, _candidate(2), 0)
    assert first is not None
    _close(store, first, 10)
    eight_days = 60 * 24 * 8
    assert _record(store, _candidate(2), eight_days) is None  # the same reports again
    again = _record(store, _candidate(3), eight_days)
    assert again is not None and again.alert_id != first.alert_id
    assert again.status is AlertStatus.OPEN


class ClosedWhileRead(FakeAlertStore):
    """The open alert is closed by a user between the fingerprint's state read and the read of
    the open alert itself: the detector sees an open alert first, then none."""

    def __init__(self, close_at: int) -> None:
        super().__init__()
        self.close_at = close_at
        self.state_reads = 0

    async def fingerprint_state(self, fingerprint: str) -> FingerprintState:
        self.state_reads += 1
        return await super().fingerprint_state(fingerprint)

    async def open_alert(
        self, fingerprint: str, *, current: str | None = None
    ) -> AlertRaised | None:
        found = await super().open_alert(fingerprint)
        if found is not None:
            _close(self, found, self.close_at)
        return await super().open_alert(fingerprint)


def test_an_alert_closed_between_the_reads_holds_back_a_new_one_for_its_cool_down() -> None:
    store = ClosedWhileRead(close_at=20)
    first = _record(store, _candidate(2), 0)
    assert first is not None
    store.state_reads = 0
    assert _record(store, _candidate(3), 30) is None  # new evidence, just after the close
    assert store.state_reads == 2  # what closed it was read again, and counts
    assert [a.status for a in store.alerts.values()] == [AlertStatus.CLOSED]


def test_new_evidence_never_overwrites_a_change_a_user_saved_meanwhile() -> None:
    store = FakeAlertStore()
    first = _record(store, _candidate(2), 0)
    assert first is not None
    acknowledged = first.model_copy(
        update={"status": AlertStatus.ACKNOWLEDGED, "event_id": uuid.uuid4(), "assignee": "ds.x"}
    )
    store.interleave = acknowledged  # saved by a user after the detector read the alert
    updated = _record(store, _candidate(3), 5)
    assert updated is not None and len(updated.evidence) == 3
    assert updated.status is AlertStatus.ACKNOWLEDGED and updated.assignee == "ds.x"


def test_a_retraction_that_breaks_the_pattern_closes_the_alert_with_the_reason() -> None:
    store = FakeAlertStore()
    alert = _record(store, _candidate(2), 0)
    assert alert is not None
    closed = asyncio.run(
        withdraw_evidence(
            alert=alert, fresh=None, report_id="r-1", store=store, now=NOW, new_id=uuid.uuid4
        )
    )
    assert closed is not None and closed.status is AlertStatus.CLOSED
    assert closed.closure_reason == "the evidence was withdrawn: report r-1 was retracted"


def test_an_alert_a_decision_undid_is_raised_again_at_once_when_its_pattern_holds_again() -> None:
    # Two spellings of one child counted as two: `same` leaves too few young people at the
    # place, and `different` restores them, with no report the closed alert did not cite.
    store = FakeAlertStore()
    alert = _record(store, _candidate(3), 0)
    assert alert is not None
    closed = asyncio.run(
        close_undone_by_decision(
            alert=alert,
            decision_id="d-1",
            store=store,
            now=NOW + timedelta(minutes=1),
            new_id=uuid.uuid4,
        )
    )
    assert closed.status is AlertStatus.CLOSED and closed.closed_by_decision == "d-1"
    assert closed.closure_reason is not None and "resolution decision d-1" in closed.closure_reason
    assert store.history[-1].note == closed.closure_reason
    again = _record(store, _candidate(3), 2)
    assert again is not None and again.status is AlertStatus.OPEN
    assert again.alert_id != alert.alert_id and again.closed_by_decision is None


def test_an_alert_a_user_closed_holds_back_the_same_evidence_a_decision_would_not() -> None:
    store = FakeAlertStore()
    alert = _record(store, _candidate(3), 0)
    assert alert is not None
    _close(store, alert, 1)
    assert _record(store, _candidate(3), 2) is None


def test_a_retraction_that_leaves_the_pattern_updates_the_alert_to_what_remains() -> None:
    store = FakeAlertStore()
    alert = _record(store, _candidate(3), 0)
    assert alert is not None
    kept = asyncio.run(
        withdraw_evidence(
            alert=alert,
            fresh=_candidate(2),
            report_id="r-2",
            store=store,
            now=NOW + timedelta(minutes=1),
            new_id=uuid.uuid4,
        )
    )
    assert kept is not None and kept.alert_id == alert.alert_id and len(kept.evidence) == 2


def test_subjects_are_named_as_the_explaining_subgraph_names_them() -> None:
    """Issue 13, finding 1: the store names each subject from the cited reports only."""
    store = FakeAlertStore()
    candidate = replace(
        _candidate(2),
        subjects=(AlertSubject(kind="location", id="location:x", display_name="Uncited Name"),),
    )
    alert = _record(store, candidate, 0)
    assert alert is not None
    assert [s.display_name for s in alert.subjects] == ["location:x"]  # the fake's label
