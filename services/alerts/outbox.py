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

A change Kafka will never take as it is (an event larger than any producer or broker limit) is
set aside with the reason Kafka gave, kept whole in the store, and the changes after it are
published: one such change must not hold back every alert after it. `tessera outbox` lists what
was set aside and queues it again once the limit is raised.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from schemas.alerts import AlertRaised
from services.alerts.ports import AlertOutbox, OutboxLease, SetAside

log = logging.getLogger(__name__)

DRAIN_LIMIT = 500
CHUNK = 100  # changes handed to the producer before their acknowledgements are awaited
LEASE_POLL_S = 0.05  # how often a drain waiting for the lease asks for it again


# Hands a change to the producer (changes are sent in the order handed); what it returns
# completes once Kafka acknowledged the change, and raises if it was not. Either raises
# `Refused` when Kafka will never take that change as it is.
Send = Callable[[AlertRaised], Awaitable[Awaitable[object]]]


class Refused(Exception):
    """Kafka will never take this change as it is (its event is over a size limit, say); the
    message says why. Sending it again cannot help, so it is set aside."""


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
    A change Kafka refused for good (`Refused`) is set aside with the reason, and the drain
    goes on. With a lease (already taken), it is renewed before each chunk; once lost, the
    rest is left to the worker that holds it.
    """
    published: list[AlertRaised] = []
    waiting = await outbox.unpublished(limit=limit)
    for start in range(0, len(waiting), chunk):
        if lease is not None and not await lease.take():
            break
        sent = await _send_in_order(waiting[start : start + chunk], send)
        if sent.acknowledged:
            await outbox.mark_published(sent.acknowledged)
            published += sent.acknowledged
        if sent.refused:
            await outbox.set_aside(sent.refused)
            for change in sent.refused:
                log.error(
                    "alert change %s (alert %s) set aside, not published: %s; "
                    "`tessera outbox retry` queues it again",
                    change.alert.event_id,
                    change.alert.alert_id,
                    change.reason,
                )
        if sent.failure is not None:
            raise sent.failure
    return published


@dataclass(slots=True)
class _Sent:
    """What became of a chunk handed to the producer, up to its first failure: the changes
    acknowledged, those refused for good, and that failure (None when there was none)."""

    acknowledged: list[AlertRaised] = field(default_factory=list)
    refused: list[SetAside] = field(default_factory=list)
    failure: BaseException | None = None

    def took(self, change: AlertRaised, outcome: object) -> bool:
        """Note the outcome of one change's send; False once one failed (and was not refused)."""
        if isinstance(outcome, Refused):
            self.refused.append(SetAside(alert=change, reason=str(outcome)))
        elif isinstance(outcome, BaseException):
            self.failure = outcome
            return False
        else:
            self.acknowledged.append(change)
        return True


async def _send_in_order(changes: list[AlertRaised], send: Send) -> _Sent:
    """Hand the changes over in order and await their acknowledgements together."""
    handed: list[tuple[AlertRaised, Awaitable[object]]] = []
    failure: BaseException | None = None
    for change in changes:
        try:
            handed.append((change, await send(change)))
        except Refused as refusal:
            handed.append((change, _at_once(refusal)))
        except Exception as error:  # noqa: BLE001 - raised by the caller, after the marking
            failure = error
            break
    results = await asyncio.gather(*(ack for _, ack in handed), return_exceptions=True)
    sent = _Sent()
    for (change, _), result in zip(handed, results, strict=True):
        if not sent.took(change, result):
            return sent
    sent.failure = failure
    return sent


async def _at_once(refusal: Refused) -> None:
    """A send refused before it was handed over, awaited in its place among the others."""
    raise refusal


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
