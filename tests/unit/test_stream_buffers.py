"""A bulk lane's full buffer must never stop the live lane's messages (bench/RESULTS.md, "Live
before bulk"): faust stops fetching a partition once its agent's buffer is four fifths full, and
hands on what it had fetched; the fifth left must hold more than one fetch of the smallest event
a worker reads."""

from datetime import UTC, datetime
from uuid import uuid4

from mode.utils.queues import FlowControlQueue

from common.adapters.streaming import FETCH_BYTES, STREAM_BUFFER
from schemas.linking import EntitiesLinked, EntityKind, LinkedEntity


def _smallest_event_bytes() -> int:
    now = datetime.now(UTC)
    event = EntitiesLinked(
        event_id=uuid4(),
        occurred_at=now,
        report_id=uuid4(),
        observed_at=now,
        entities=(LinkedEntity(kind=EntityKind.PHONE, id="phone:+447700900001"),),
    )
    return len(event.model_dump_json().encode())


def test_the_room_left_after_fetching_stops_holds_more_than_one_fetch() -> None:
    paused_at = STREAM_BUFFER / FlowControlQueue.pressure_high_ratio  # faust's own threshold
    one_fetch = FETCH_BYTES // _smallest_event_bytes()
    assert STREAM_BUFFER - paused_at > 2 * one_fetch
