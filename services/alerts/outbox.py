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
(waiting while another worker drains), renews it before each chunk of changes and stops if it
lost it, and gives it back at the end. A worker that dies holding it holds it only until it
expires.
"""

import asyncio
from collections.abc import Awaitable, Callable

from schemas.alerts import AlertRaised
from services.alerts.ports import AlertOutbox, OutboxLease

DRAIN_LIMIT = 500
CHUNK = 100  # changes handed to the producer before their acknowledgements are awaited
LEASE_POLL_S = 0.05  # how often a drain waiting for the lease asks for it again


# Hands a change to the producer (changes are sent in the order handed); what it returns
# completes once Kafka acknowledged the change, and raises if it was not.
Send = Callable[[AlertRaised], Awaitable[Awaitable[object]]]


async def publish_unpublished(
    *,
    outbox: AlertOutbox,
    send: Send,
    limit: int = DRAIN_LIMIT,
    lease: OutboxLease | None = None,
    chunk: int = CHUNK,
) -> list[AlertRaised]:
    """Publish each waiting change, oldest first, marking them once acknowledged; what it sent.

    A chunk of changes is handed to the producer in order and its acknowledgements awaited
    together, then marked in one write: one round trip to Kafka and one to the store a chunk,
    not one of each a change. The first change not acknowledged raises, once the changes
    before it are marked; it and every later one stay for the next drain (a later one Kafka
    did take is then sent again after it, so the last copy of each alert is its latest).
    With a lease (already taken), it is renewed before each chunk; once lost, the rest is
    left to the worker that holds it.
    """
    published: list[AlertRaised] = []
    waiting = await outbox.unpublished(limit=limit)
    for start in range(0, len(waiting), chunk):
        if lease is not None and not await lease.take():
            break
        acknowledged, failure = await _send_in_order(waiting[start : start + chunk], send)
        if acknowledged:
            await outbox.mark_published(acknowledged)
            published += acknowledged
        if failure is not None:
            raise failure
    return published


async def _send_in_order(
    changes: list[AlertRaised], send: Send
) -> tuple[list[AlertRaised], BaseException | None]:
    """Hand the changes over in order, await their acknowledgements; the acknowledged ones up
    to the first that failed, and that failure."""
    acks: list[Awaitable[object]] = []
    failure: BaseException | None = None
    for change in changes:
        try:
            acks.append(await send(change))
        except Exception as error:  # noqa: BLE001 - raised by the caller, after the marking
            failure = error
            break
    results = await asyncio.gather(*acks, return_exceptions=True)
    acknowledged: list[AlertRaised] = []
    for change, result in zip(changes, results, strict=False):
        if isinstance(result, BaseException):
            return acknowledged, result
        acknowledged.append(change)
    return acknowledged, failure


async def drain_leased(
    *,
    outbox: AlertOutbox,
    lease: OutboxLease,
    send: Send,
    wait_s: float,
    limit: int = DRAIN_LIMIT,
    chunk: int = CHUNK,
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
        return await publish_unpublished(
            outbox=outbox, send=send, limit=limit, lease=lease, chunk=chunk
        )
    finally:
        await lease.give_back()
