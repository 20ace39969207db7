"""Use case: follow the alerts a receiver may see as they are raised or change, resumably.

Alerts come in (updated_at, alert id) order after a cursor, written `<updated_at ISO>|<alert id>`
and sent as each event's id, so a client resumes where it stopped. Every change of an alert
(new evidence, acknowledgement, closure) moves its updated_at and so comes again.

A writer stamps updated_at before it commits, so an alert can commit with a time a little
behind one already sent. While connected, each poll therefore looks `overlap` back from the
cursor and sends what it has not sent yet: such an alert arrives late rather than never, with
its own (earlier) cursor as id. A resumed stream starts exactly after its cursor.

Each poll's alerts are recorded in the audit before any of them is sent; if they cannot be, the
stream ends there (a client resumes after the last event it received).
"""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from schemas.alerts import AlertRaised
from services.alerts.delivery.ports import AlertFeed, ChangedAlert, Cursor, FeedUnavailable
from services.alerts.delivery.visibility import may_see

log = logging.getLogger(__name__)


async def follow_alerts(
    *,
    feed: AlertFeed,
    audiences: Sequence[str],
    start: Cursor,
    poll_s: float,
    overlap: timedelta,
    batch: int,
    sleep: Callable[[float], Awaitable[None]],
    record: Callable[[Sequence[AlertRaised]], Awaitable[None]],
    still_allowed: Callable[[], bool] = lambda: True,
) -> AsyncIterator[ChangedAlert]:
    """Every change after start to an alert the audiences may see, polling until the caller
    is no longer allowed (their token expired or was revoked, or their role changed).

    Each batch is given to `record` (the audit) before it is sent; what `record` raises ends
    the stream with nothing of that batch sent."""
    cursor = start
    sent: dict[str, datetime] = {}  # changes already sent that a look-back can find again
    while True:
        if not still_allowed():
            log.info("alert stream: the caller's token is no longer valid; the stream ends")
            return
        floor = max(start, Cursor(cursor.at - overlap))
        try:
            changed = await feed.changed_since(
                since=floor, audiences=audiences, skip=list(sent), limit=batch
            )
        except FeedUnavailable as error:
            log.warning("alert stream: the store is unavailable, polling again: %s", error)
            await sleep(poll_s)
            continue
        visible: list[ChangedAlert] = []
        for item in changed:
            # The store filtered by the graph; the event's own visibility must agree as well.
            if may_see(item.alert, audiences):
                visible.append(item)
            else:
                log.info("alert %s withheld from the stream by its visibility", item.cursor)
        if visible:
            await record([item.alert for item in visible])
        for item in changed:
            sent[item.key] = item.cursor.at
            cursor = max(cursor, item.cursor)
        for item in visible:
            yield item
        horizon = cursor.at - overlap
        sent = {key: at for key, at in sent.items() if at >= horizon}
        if len(changed) < batch:
            await sleep(poll_s)
