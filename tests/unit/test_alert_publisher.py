"""The alert worker's send tells a change Kafka will never take (too large) from an outage."""

import asyncio
import uuid
from collections.abc import Awaitable
from typing import Any, cast

import faust
import pytest
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError, RecordListTooLargeError
from faust.exceptions import ProducerSendError

from schemas.alerts import AlertRaised
from services.alerts.lifecycle import record_alert
from services.alerts.outbox import Refused
from services.alerts.publisher import sender
from tests.support.factories import NOW
from tests.support.fakes.alert_store import FakeAlertStore, alert_candidate


class FakeTopic:
    """A faust topic whose send raises `handing` (as faust raises the producer's errors), or
    whose acknowledgement raises `acknowledging` (as the broker's)."""

    def __init__(
        self, *, handing: BaseException | None = None, acknowledging: BaseException | None = None
    ) -> None:
        self.handing, self.acknowledging = handing, acknowledging
        self.sent: list[tuple[bytes, bytes]] = []

    async def send(self, *, key: bytes, value: bytes) -> Awaitable[object]:
        if self.handing is not None:
            raise self.handing
        self.sent.append((key, value))
        return self._acknowledged()

    async def _acknowledged(self) -> object:
        if self.acknowledging is not None:
            raise self.acknowledging
        return "metadata"


def _alert() -> AlertRaised:
    raised = asyncio.run(
        record_alert(
            candidate=alert_candidate(3), store=FakeAlertStore(), now=NOW, new_id=uuid.uuid4
        )
    )
    assert raised is not None
    return raised


def _send(topic: FakeTopic, alert: AlertRaised) -> object:
    async def both() -> object:
        return await (await sender(cast(faust.TopicT, topic))(alert))

    return asyncio.run(both())


def _wrapped(error: Exception) -> ProducerSendError:
    """What faust raises for an error of the producer's: the error as its cause."""
    try:
        raise ProducerSendError(f"Error while sending: {error!r}") from error
    except ProducerSendError as wrapped:
        return wrapped


def test_a_change_is_sent_keyed_by_its_fingerprint_and_acknowledged() -> None:
    topic, alert = FakeTopic(), _alert()
    assert _send(topic, alert) == "metadata"
    assert topic.sent == [(alert.fingerprint.encode(), alert.model_dump_json().encode())]


@pytest.mark.parametrize(
    "topic",
    [
        FakeTopic(handing=_wrapped(MessageSizeTooLargeError("over max_request_size"))),
        FakeTopic(acknowledging=MessageSizeTooLargeError()),
        FakeTopic(acknowledging=RecordListTooLargeError()),
    ],
    ids=["producer's check", "broker's message", "broker's batch"],
)
def test_a_change_over_a_size_limit_is_refused_with_its_size(topic: FakeTopic) -> None:
    alert = _alert()
    with pytest.raises(Refused) as refused:
        _send(topic, alert)
    size = len(alert.model_dump_json().encode())
    assert f"an event of {size:,} bytes, over Kafka's size limit" in str(refused.value)


@pytest.mark.parametrize(
    "error",
    [_wrapped(KafkaConnectionError("broker down")), KafkaConnectionError("broker down")],
    ids=["handing over", "acknowledgement"],
)
def test_an_outage_is_not_a_refusal_and_is_raised_as_itself(error: Any) -> None:
    handing = error if isinstance(error, ProducerSendError) else None
    topic = FakeTopic(handing=handing, acknowledging=None if handing else error)
    with pytest.raises(type(error)):
        _send(topic, _alert())
