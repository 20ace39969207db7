"""How the alert worker hands an outbox change to Kafka, and tells a refusal for good (an event
over the producer's or the broker's size limit) from an outage."""

from collections.abc import Awaitable, Iterator
from contextlib import contextmanager

import faust
from aiokafka.errors import MessageSizeTooLargeError, RecordListTooLargeError, RecordTooLargeError

from schemas.alerts import AlertRaised
from services.alerts.outbox import Refused, Send

# What Kafka refuses for the message itself, however often it is sent: the producer's check of
# its size (before compression; the setting STREAM_MAX_EVENT_BYTES) and the
# broker's of its batch (after). faust wraps the producer's in a ProducerSendError.
TOO_LARGE = (MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError)


def _too_large(error: BaseException | None) -> str | None:
    """The name of the size refusal among the error and what caused it, if one is."""
    while error is not None:
        if isinstance(error, TOO_LARGE):
            return type(error).__name__
        error = error.__cause__
    return None


@contextmanager
def _refusals_named(size: int) -> Iterator[None]:
    """Raise a size refusal as `Refused`, with the event's size; anything else as it is."""
    try:
        yield
    except Exception as error:
        refusal = _too_large(error)
        if refusal is None:
            raise
        raise Refused(f"an event of {size:,} bytes, over Kafka's size limit ({refusal})") from error


def sender(topic: faust.TopicT) -> Send:
    """Send each change to the topic keyed by its fingerprint, acks=all."""

    async def send(alert: AlertRaised) -> Awaitable[object]:
        value = alert.model_dump_json().encode()
        with _refusals_named(len(value)):
            handed = await topic.send(key=alert.fingerprint.encode(), value=value)

        async def acknowledged() -> object:
            with _refusals_named(len(value)):
                return await handed

        return acknowledged()

    return send
