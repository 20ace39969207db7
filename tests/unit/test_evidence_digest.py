"""A detection that finds nothing new is told by the open alert's evidence digest alone; any
change to what the alert cites (a report, its time, its grading) or to whom it is about (after
an analyst's `same` or `different`) changes the digest."""

import asyncio
import hashlib
import uuid
from dataclasses import replace
from datetime import timedelta
from uuid import UUID

from schemas.alerts import AlertRaised, AlertSubject, Evidence
from services.alerts.lifecycle import evidence_digest, record_alert
from services.alerts.ports import FingerprintState
from tests.support.factories import NOW
from tests.support.fakes.alert_store import FakeAlertStore, alert_candidate

ENTRY = Evidence(report_id=UUID(int=1), observed_at=NOW, grading="2B P")
OTHER = Evidence(report_id=UUID(int=2), observed_at=NOW - timedelta(days=1))


def test_the_digest_ignores_order_and_sees_every_field() -> None:
    assert evidence_digest([ENTRY, OTHER]) == evidence_digest([OTHER, ENTRY])
    for changed in (
        ENTRY.model_copy(update={"grading": "1A P"}),
        ENTRY.model_copy(update={"observed_at": NOW + timedelta(seconds=1)}),
        ENTRY.model_copy(update={"report_id": UUID(int=3)}),
    ):
        assert evidence_digest([changed, OTHER]) != evidence_digest([ENTRY, OTHER])
    assert evidence_digest([ENTRY]) != evidence_digest([ENTRY, OTHER])


def test_the_digest_sees_whom_the_alert_is_about_but_not_how_it_names_them() -> None:
    jayden = AlertSubject(kind="person", id="person:1", display_name="Jayden Synth")
    jaden = AlertSubject(kind="person", id="person:2", display_name="Jaden Synth")
    both = evidence_digest([ENTRY], [jayden, jaden])
    assert both == evidence_digest([ENTRY], [jaden, jayden])
    assert both != evidence_digest([ENTRY], [jayden])  # the two were found to be one boy
    renamed = jayden.model_copy(update={"display_name": "J. Synth"})
    assert both == evidence_digest([ENTRY], [renamed, jaden])


class CountingStore(FakeAlertStore):
    """The fake store, counting whole-alert reads."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    async def open_alert(
        self, fingerprint: str, *, current: str | None = None
    ) -> AlertRaised | None:
        self.reads += 1
        return await super().open_alert(fingerprint)


def _record(store: CountingStore, reports: int) -> AlertRaised | None:
    return asyncio.run(
        record_alert(candidate=alert_candidate(reports), store=store, now=NOW, new_id=uuid.uuid4)
    )


def test_nothing_new_is_told_without_reading_the_alert_and_news_still_update_it() -> None:
    store = CountingStore()
    assert _record(store, 3) is not None
    reads = store.reads
    assert _record(store, 3) is None
    assert store.reads == reads  # the digest said it: the alert was not read
    updated = _record(store, 4)
    assert updated is not None
    assert len(updated.evidence) == 4


class SavedBeforeSubjects(CountingStore):
    """The fake store, its alerts' digests as saved before they named subjects (evidence only),
    until one is kept."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: list[str] = []

    async def fingerprint_state(self, fingerprint: str) -> FingerprintState:
        state = await super().fingerprint_state(fingerprint)
        if self.kept:
            return replace(state, open_digest=self.kept[-1])
        alert = await super().open_alert(fingerprint)
        self.reads -= 1  # not a read of the alert by record_alert
        old = (
            hashlib.sha256(
                "\n".join(sorted(e.model_dump_json() for e in alert.evidence)).encode()
            ).hexdigest()
            if alert
            else None
        )
        return replace(state, open_digest=old)

    async def keep_digest(self, fingerprint: str, *, event_id: str, digest: str) -> None:
        self.kept.append(digest)


def test_an_alert_saved_before_digests_named_subjects_is_read_once_then_told_by_its_digest() -> (
    None
):
    store = SavedBeforeSubjects()
    assert _record(store, 3) is not None
    store.kept.clear()  # as saved by the code before
    reads = store.reads
    assert _record(store, 3) is None
    assert store.reads == reads + 1 and len(store.kept) == 1  # read once, its digest kept
    assert _record(store, 3) is None
    assert store.reads == reads + 1  # then told by the digest alone
