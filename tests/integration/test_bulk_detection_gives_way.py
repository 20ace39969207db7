"""Live before bulk in the alert worker, on the real Neo4j: while live work is in hand, the bulk
lane's detection finishes the entities already under way and starts no other; once the live lane
is idle it examines the rest."""

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from neo4j import Driver

from common.adapters.streaming import Neo4jConnection
from common.lanes import LiveFirst
from common.settings import InfraSettings
from services.alerts.agents import detect_batch
from services.alerts.config import Settings
from tests.support import queries
from tests.support.factories import run_tag, sighting, submitted
from tests.support.linking import link_events

pytestmark = pytest.mark.integration

REPORTS = 20  # one young person at a place of their own each: 40 entities, no pattern


@pytest.fixture
def report_ids(neo4j_driver: Driver) -> Iterator[list[str]]:
    ids: list[str] = []
    yield ids
    neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=ids)


def test_bulk_detection_examines_no_new_entity_while_live_work_is_in_hand(
    settings: InfraSettings, report_ids: list[str]
) -> None:
    tag = run_tag()
    events = [
        submitted(sighting(f"Yan{i} Gate{tag}", place=f"Synthetic Corner {tag} {i}"))
        for i in range(REPORTS)
    ]
    report_ids.extend(str(e.event_id) for e in events)
    batch = link_events(settings, events)
    entities = {(e.kind, e.id) for linked in batch for e in linked.entities}
    alert_settings = Settings(alerts_topic=f"test.{uuid.uuid4().hex[:8]}.alerts")
    slots = alert_settings.alerts_bulk_detection_concurrency
    assert len(entities) > 2 * slots

    async def scenario() -> tuple[int, int]:
        lanes = LiveFirst()
        turns = 0

        async def bulk_turn() -> None:
            nonlocal turns
            turns += 1  # an entity about to be examined, once the live lane lets it
            await lanes.bulk_turn()

        connection = Neo4jConnection(alert_settings)
        await connection.on_start()
        try:
            release = asyncio.Event()

            async def live_work() -> None:
                async with lanes.live():
                    await release.wait()

            live = asyncio.create_task(live_work())
            await asyncio.sleep(0)  # the live lane holds work from here on
            bulk = asyncio.create_task(
                detect_batch(batch, connection, alert_settings, bulk_turn, slots)
            )
            for _ in range(200):
                if turns >= slots:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.2)  # room for any entity that would wrongly start
            held_back_at = turns
            release.set()
            await live
            await bulk
            return held_back_at, turns
        finally:
            await connection.on_stop()

    held_back_at, examined = asyncio.run(scenario())
    assert held_back_at == slots  # only the entities already holding a detection slot
    assert examined == len(entities)  # and every entity once the live lane was idle
