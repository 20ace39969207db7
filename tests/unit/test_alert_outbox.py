"""An alert saved while Kafka was down is still published: the outbox, and detection's errors."""

import asyncio
import socket
import time
import uuid
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import replace
from datetime import timedelta
from uuid import UUID

import pytest
from neo4j.exceptions import ServiceUnavailable

from common.adapters.kafka_publishing import AckedProducer
from common.kafka_access import KafkaAccess
from schemas.alerts import AlertRaised
from schemas.linking import EntityKind
from services.alerts import queries
from services.alerts.agents import around_each
from services.alerts.lifecycle import record_alert
from services.alerts.outbox import Refused, drain_leased, publish_unpublished
from services.alerts.ports import HistoryEntry, SetAside
from tests.support.factories import NOW
from tests.support.fakes.alert_store import FakeAlertStore
from tests.support.fakes.alert_store import alert_candidate as _candidate


class FakeOutboxStore(FakeAlertStore):
    """The lifecycle's fake store, with the outbox: every change saved waits in it."""

    def __init__(self) -> None:
        super().__init__()
        self.outbox: dict[str, AlertRaised] = {}  # event id -> the change
        self.marks = 0  # writes that marked changes published
        self.set_aside_changes: list[SetAside] = []

    async def save(
        self,
        alert: AlertRaised,
        *,
        anchor_id: str | None,
        history: HistoryEntry,
        replaces: UUID | None = None,
        cited_already: Iterable[str] = (),
    ) -> None:
        await super().save(alert, anchor_id=anchor_id, history=history, replaces=replaces)
        self.outbox[str(alert.event_id)] = alert

    async def unpublished(self, *, limit: int) -> list[AlertRaised]:
        return sorted(self.outbox.values(), key=lambda a: (a.updated_at, str(a.event_id)))[:limit]

    async def mark_published(self, alerts: Sequence[AlertRaised]) -> None:
        self.marks += 1
        for alert in alerts:
            self.outbox.pop(str(alert.event_id), None)

    async def set_aside(self, changes: Sequence[SetAside]) -> None:
        for change in changes:
            self.outbox.pop(str(change.alert.event_id))
            self.set_aside_changes.append(change)


class FlakyTopic:
    """The alerts topic: refuses sends while the broker is down, else keeps what it got."""

    def __init__(self) -> None:
        self.down = False
        self.sent: list[AlertRaised] = []

    async def send(self, alert: AlertRaised) -> Awaitable[object]:
        if self.down:
            raise ConnectionError("broker down")
        self.sent.append(alert)
        return acknowledged()


async def acknowledged() -> None:
    """What a send Kafka acknowledged gives."""


async def refused() -> None:
    """What a send Kafka did not acknowledge gives."""
    raise ConnectionError("not acknowledged")


def _record(store: FakeOutboxStore, reports: int, minutes: int) -> AlertRaised | None:
    return asyncio.run(
        record_alert(
            candidate=_candidate(reports),
            store=store,
            now=NOW + timedelta(minutes=minutes),
            new_id=uuid.uuid4,
        )
    )


def _drain(store: FakeOutboxStore, topic: FlakyTopic) -> list[AlertRaised]:
    return asyncio.run(publish_unpublished(outbox=store, send=topic.send))


def test_an_alert_whose_send_failed_is_published_by_the_next_drain() -> None:
    store, topic = FakeOutboxStore(), FlakyTopic()
    raised = _record(store, 3, 0)
    topic.down = True
    with pytest.raises(ConnectionError):
        _drain(store, topic)
    # The event is redelivered: de-duplication sees nothing new and raises nothing...
    assert _record(store, 3, 1) is None
    topic.down = False
    # ...but the change still waits in the outbox, and goes out once the broker is back.
    assert _drain(store, topic) == [raised]
    assert topic.sent == [raised] and not store.outbox


def test_a_published_alert_is_not_published_again() -> None:
    store, topic = FakeOutboxStore(), FlakyTopic()
    _record(store, 3, 0)
    assert len(_drain(store, topic)) == 1
    assert _drain(store, topic) == []
    assert len(topic.sent) == 1


def test_every_change_that_waited_is_published_in_order() -> None:
    store, topic = FakeOutboxStore(), FlakyTopic()
    raised = _record(store, 3, 0)
    updated = _record(store, 4, 5)
    assert _drain(store, topic) == [raised, updated]


def test_a_failed_send_leaves_that_alert_and_the_later_ones_for_the_next_drain() -> None:
    store, topic = FakeOutboxStore(), FlakyTopic()
    first = _record(store, 3, 0)
    second = asyncio.run(
        record_alert(
            candidate=replace(_candidate(2), fingerprint="shared_hotspot:location:y"),
            store=store,
            now=NOW + timedelta(minutes=1),
            new_id=uuid.uuid4,
        )
    )
    sent = 0

    async def fails_second(alert: AlertRaised) -> Awaitable[object]:
        nonlocal sent
        if sent == 1:
            raise ConnectionError("broker down")
        sent += 1
        topic.sent.append(alert)
        return acknowledged()

    with pytest.raises(ConnectionError):
        asyncio.run(publish_unpublished(outbox=store, send=fails_second))
    assert topic.sent == [first]
    assert list(store.outbox.values()) == [second]


def test_a_change_kafka_did_not_acknowledge_stays_with_every_later_one() -> None:
    store, topic = FakeOutboxStore(), FlakyTopic()
    changes = [_record(store, 3, 0), _record(store, 4, 5), _record(store, 5, 9)]
    acks = iter([acknowledged(), refused(), acknowledged()])

    async def second_refused(alert: AlertRaised) -> Awaitable[object]:
        topic.sent.append(alert)
        return next(acks)

    with pytest.raises(ConnectionError):
        asyncio.run(publish_unpublished(outbox=store, send=second_refused))
    # The third was taken, but stays: the next drain sends it again after the second.
    assert topic.sent == changes
    assert list(store.outbox.values()) == changes[1:]
    assert _drain(store, topic) == changes[1:] and not store.outbox


def test_a_change_kafka_refuses_for_good_is_set_aside_and_the_later_ones_go_out() -> None:
    # One refused as it was handed over (the producer's own size check), one by the broker
    # (its acknowledgement): neither holds back the changes after it.
    store, topic = FakeOutboxStore(), FlakyTopic()
    changes = [_raised(store, n) for n in range(3, 8)]
    too_large = {changes[1].event_id: "handed", changes[3].event_id: "acknowledged"}

    async def refuses_two(alert: AlertRaised) -> Awaitable[object]:
        if too_large.get(alert.event_id) == "handed":
            raise Refused("an event of 17,000,000 bytes, over Kafka's limit")
        topic.sent.append(alert)
        if too_large.get(alert.event_id) == "acknowledged":
            return _refused_by_broker()
        return acknowledged()

    published = asyncio.run(publish_unpublished(outbox=store, send=refuses_two, chunk=2))

    assert published == [changes[0], changes[2], changes[4]] and not store.outbox
    assert [(c.alert, c.reason) for c in store.set_aside_changes] == [
        (changes[1], "an event of 17,000,000 bytes, over Kafka's limit"),
        (changes[3], "the batch is over the broker's limit"),
    ]
    assert _drain(store, topic) == []  # set aside: not tried again by itself


def test_an_outage_after_a_refused_change_still_leaves_the_rest_for_the_next_drain() -> None:
    store, topic = FakeOutboxStore(), FlakyTopic()
    changes = [_raised(store, n) for n in range(3, 6)]
    acks = iter([_refused_by_broker(), refused(), acknowledged()])

    async def refuses_then_fails(alert: AlertRaised) -> Awaitable[object]:
        topic.sent.append(alert)
        return next(acks)

    with pytest.raises(ConnectionError):
        asyncio.run(publish_unpublished(outbox=store, send=refuses_then_fails))
    assert [c.alert for c in store.set_aside_changes] == changes[:1]
    assert list(store.outbox.values()) == changes[1:]


def _raised(store: FakeOutboxStore, reports: int) -> AlertRaised:
    raised = _record(store, reports, reports)
    assert raised is not None
    return raised


async def _refused_by_broker() -> None:
    raise Refused("the batch is over the broker's limit")


def test_a_chunk_of_changes_is_marked_published_in_one_write() -> None:
    store, topic = FakeOutboxStore(), FlakyTopic()
    changes = [_record(store, n, n) for n in range(3, 8)]
    published = asyncio.run(publish_unpublished(outbox=store, send=topic.send, chunk=2))
    assert published == changes and topic.sent == changes
    assert store.marks == 3 and not store.outbox


def test_each_change_waits_in_the_outbox_once_and_leaves_it_alone() -> None:
    # Marked only when the change's history entry is created: a retried write of a change
    # already published is not published again.
    created = queries.SAVE_ALERTS.split("ON CREATE SET h.")[1].split("MERGE (a)-[:HAS_HISTORY]")[0]
    assert "h.outbox = $outbox" in created and "save.body" in created
    assert "UNWIND $event_ids AS event_id" in queries.MARK_ALERTS_PUBLISHED
    assert "{event_id: event_id}" in queries.MARK_ALERTS_PUBLISHED


class FakeLease:
    """An outbox lease shared by fake workers: held by one name at a time."""

    def __init__(self) -> None:
        self.holder: str | None = None

    def of(self, worker: str) -> "WorkerLease":
        return WorkerLease(self, worker)


class WorkerLease:
    def __init__(self, shared: FakeLease, worker: str) -> None:
        self.shared, self.worker = shared, worker

    async def take(self) -> bool:
        if self.shared.holder in (None, self.worker):
            self.shared.holder = self.worker
            return True
        return False

    async def give_back(self) -> None:
        if self.shared.holder == self.worker:
            self.shared.holder = None


def test_two_workers_draining_at_once_publish_each_change_once_and_in_order() -> None:
    store, topic, lease = FakeOutboxStore(), FlakyTopic(), FakeLease()
    changes = [_record(store, 3, 0), _record(store, 4, 5), _record(store, 5, 9)]

    async def send(alert: AlertRaised) -> Awaitable[object]:
        await asyncio.sleep(0.01)  # the other worker asks for the lease meanwhile
        topic.sent.append(alert)
        return acknowledged()

    async def both() -> list[list[AlertRaised] | None]:
        return await asyncio.gather(
            *(
                drain_leased(outbox=store, lease=lease.of(w), send=send, wait_s=5.0)
                for w in ("a", "b")
            )
        )

    first, second = asyncio.run(both())
    assert first == changes and second == []  # b waited for a, then found nothing left
    assert topic.sent == changes and lease.holder is None


def test_a_drain_that_cannot_take_the_lease_in_time_publishes_nothing() -> None:
    store, topic, lease = FakeOutboxStore(), FlakyTopic(), FakeLease()
    _record(store, 3, 0)
    lease.holder = "a worker that is still draining"
    drained = asyncio.run(
        drain_leased(outbox=store, lease=lease.of("b"), send=topic.send, wait_s=0.1)
    )
    assert drained is None and topic.sent == [] and len(store.outbox) == 1


def test_a_drain_that_lost_its_lease_leaves_the_rest_to_the_new_holder() -> None:
    store, topic, lease = FakeOutboxStore(), FlakyTopic(), FakeLease()
    first, _ = _record(store, 3, 0), _record(store, 4, 5)

    async def send(alert: AlertRaised) -> Awaitable[object]:
        topic.sent.append(alert)
        lease.holder = "b"  # a's lease expired while it published; b took it
        return acknowledged()

    drained = asyncio.run(
        drain_leased(outbox=store, lease=lease.of("a"), send=send, wait_s=1.0, chunk=1)
    )
    assert drained == [first] and topic.sent == [first] and lease.holder == "b"


def _entities(*ids: str) -> list[tuple[EntityKind, str]]:
    return [(EntityKind.LOCATION, i) for i in ids]


def test_an_error_around_one_entity_loses_that_entity_only() -> None:
    alert = _record(FakeOutboxStore(), 2, 0)
    assert alert is not None

    async def around(kind: EntityKind, entity_id: str) -> list[AlertRaised]:
        if entity_id == "location:bad":
            raise KeyError("a detector bug")
        return [alert]

    found = asyncio.run(around_each(_entities("location:a", "location:bad", "location:b"), around))
    assert [len(f) for f in found] == [1, 0, 1]


def test_an_outage_around_one_entity_stops_the_others_and_is_raised_as_itself() -> None:
    finished: list[str] = []

    async def around(kind: EntityKind, entity_id: str) -> list[AlertRaised]:
        if entity_id == "location:down":
            raise ServiceUnavailable("neo4j restarting")
        await asyncio.sleep(0.5)
        finished.append(entity_id)
        return []

    with pytest.raises(ServiceUnavailable):
        asyncio.run(around_each(_entities("location:a", "location:down"), around))
    assert finished == []  # no leftover task goes on to race the retried batch


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_readiness_is_false_quickly_when_kafka_does_not_answer() -> None:
    producer = AckedProducer(
        access=KafkaAccess(f"127.0.0.1:{_closed_port()}"), timeout_s=0.5, client_id="test"
    )
    started = time.monotonic()
    assert producer.ready() is False
    assert time.monotonic() - started < 5
