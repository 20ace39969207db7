"""Use case: publish every alert change saved, until Kafka has acknowledged it.

Every change (the worker's new or updated alert, a user's acknowledgement, assignment, action,
closure or feedback through the API) is saved with its event marked unpublished (one write);
the worker publishes it afterwards and removes the mark only once Kafka acknowledged the event.
Each change is its own entry, so two changes made before a drain are both published, in order.
A send that failed (the broker restarting) leaves the mark, so the change is published by the
next drain. Without it the change was lost for good: faust acks a batch whose agent crashed,
and were the event redelivered, de-duplication would find the saved alert unchanged and raise
nothing.
"""

from collections.abc import Awaitable, Callable
from typing import Protocol

from schemas.alerts import AlertRaised

DRAIN_LIMIT = 500


class AlertOutbox(Protocol):
    """The alert changes saved but not yet published."""

    async def unpublished(self, *, limit: int) -> list[AlertRaised]:
        """The alert changes saved that Kafka has not acknowledged yet, oldest first."""
        ...

    async def mark_published(self, alert: AlertRaised) -> None:
        """Take this change of the alert (its event) out of the outbox."""
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
