"""A detection that finds nothing new is told by the open alert's evidence digest alone; any
change to what the alert cites (a report, its time, its grading) changes the digest."""

import asyncio
import uuid
from datetime import timedelta
from uuid import UUID

from schemas.alerts import AlertRaised, Evidence
from services.alerts.lifecycle import evidence_digest, record_alert
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
