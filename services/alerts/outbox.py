"""Use case: publish every alert change the worker saved, until Kafka has acknowledged it.

The worker saves a new or updated alert already marked unpublished (one write), publishes it
afterwards and removes the mark only once Kafka acknowledged the event. A send that failed
(the broker restarting) leaves the mark, so the change is published by the next drain. Without
it the change was lost for good: faust acks a batch whose agent crashed, and were the event
redelivered, de-duplication would find the saved alert unchanged and raise nothing.
"""

from collections.abc import Awaitable, Callable
from typing import Protocol

from schemas.alerts import AlertRaised

DRAIN_LIMIT = 500


class AlertOutbox(Protocol):
    """The alert changes saved but not yet published."""

    async def unpublished(self, *, limit: int) -> list[AlertRaised]:
        """The alerts saved with a change Kafka has not acknowledged yet, oldest first."""
        ...

    async def mark_published(self, alert: AlertRaised) -> None:
        """Take the alert out of the outbox, unless it changed again since this version."""
        ...


Publish = Callable[[AlertRaised], Awaitable[None]]


async def publish_unpublished(
    *, outbox: AlertOutbox, publish: Publish, limit: int = DRAIN_LIMIT
) -> list[AlertRaised]:
    """Publish each waiting change, oldest first, marking each once acknowledged; what it sent.

    The first failed send raises and leaves that change and the later ones for the next drain.
    """
    published = []
    for alert in await outbox.unpublished(limit=limit):
        await publish(alert)
        await outbox.mark_published(alert)
        published.append(alert)
    return published
