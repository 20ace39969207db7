"""Use case: publish every alert change saved, until Kafka has acknowledged it.

Every change (the worker's new or updated alert, a user's acknowledgement, assignment, action,
closure or feedback through the API) is saved with its event marked unpublished (one write);
the worker publishes it afterwards and removes the mark only once Kafka acknowledged the event.
Each change is its own entry, so two changes made before a drain are both published, in order.
A send that failed (the broker restarting) leaves the mark, so the change is published by the
next drain. Without it the change was lost for good: faust acks a batch whose agent crashed,
and were the event redelivered, de-duplication would find the saved alert unchanged and raise
nothing.

Several alert workers drain one outbox one at a time: a drain first takes the outbox's lease
(waiting while another worker drains), renews it before each change and stops if it lost it,
and gives it back at the end. A worker that dies holding it holds it only until it expires.
"""

import asyncio
from collections.abc import Awaitable, Callable

from schemas.alerts import AlertRaised
from services.alerts.ports import AlertOutbox, OutboxLease

DRAIN_LIMIT = 500
LEASE_POLL_S = 0.05  # how often a drain waiting for the lease asks for it again


Publish = Callable[[AlertRaised], Awaitable[None]]


async def publish_unpublished(
    *,
    outbox: AlertOutbox,
    publish: Publish,
    limit: int = DRAIN_LIMIT,
    lease: OutboxLease | None = None,
) -> list[AlertRaised]:
    """Publish each waiting change, oldest first, marking each once acknowledged; what it sent.

    The first failed send raises and leaves that change and the later ones for the next drain.
    With a lease (already taken), it is renewed before each change; once lost, the rest is left
    to the worker that holds it.
    """
    published = []
    for alert in await outbox.unpublished(limit=limit):
        if lease is not None and not await lease.take():
            break
        await publish(alert)
        await outbox.mark_published(alert)
        published.append(alert)
    return published


async def drain_leased(
    *,
    outbox: AlertOutbox,
    lease: OutboxLease,
    publish: Publish,
    wait_s: float,
    limit: int = DRAIN_LIMIT,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> list[AlertRaised] | None:
    """Take the outbox's lease, waiting up to wait_s while another worker drains, then publish
    what waits and give the lease back; None when the lease could not be taken in time.

    Waiting (rather than leaving it to the drain under way) matters: that drain may have read
    the outbox before this worker's changes were saved.
    """
    for _ in range(max(1, round(wait_s / LEASE_POLL_S))):
        if await lease.take():
            break
        await sleep(LEASE_POLL_S)
    else:
        return None
    try:
        return await publish_unpublished(outbox=outbox, publish=publish, limit=limit, lease=lease)
    finally:
        await lease.give_back()
