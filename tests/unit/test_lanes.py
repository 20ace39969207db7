"""Live before bulk: the bulk lane waits while the live lane holds work, and gets its turn
each time the live lane goes idle, so neither waits for ever."""

import asyncio

from common.kafka_access import ALERTS, INGEST, NETWORK
from common.lanes import LiveFirst
from schemas import topics
from tessera_cli.kafka_principals import TopicNames, service_grants


def test_the_bulk_lane_waits_while_live_work_is_in_hand() -> None:
    async def scenario() -> list[str]:
        lanes = LiveFirst()
        order: list[str] = []
        live_started = asyncio.Event()
        release = asyncio.Event()

        async def live() -> None:
            async with lanes.live():
                live_started.set()
                await release.wait()
                order.append("live done")

        async def bulk() -> None:
            await live_started.wait()
            await lanes.bulk_turn()
            order.append("bulk step")

        tasks = [asyncio.create_task(live()), asyncio.create_task(bulk())]
        await live_started.wait()
        for _ in range(5):
            await asyncio.sleep(0)
        assert lanes.live_in_hand and order == []  # bulk is held back
        release.set()
        await asyncio.gather(*tasks)
        return order

    assert asyncio.run(scenario()) == ["live done", "bulk step"]


def test_the_bulk_lane_goes_at_once_when_live_is_idle_and_between_live_batches() -> None:
    async def scenario() -> int:
        lanes = LiveFirst()
        await asyncio.wait_for(lanes.bulk_turn(), timeout=1)  # nothing live: no wait
        steps = 0

        async def busy_live() -> None:
            for _ in range(20):  # batch after batch, as under a steady live stream
                async with lanes.live():
                    await asyncio.sleep(0.001)

        async def bulk() -> None:
            nonlocal steps
            while True:
                await lanes.bulk_turn()
                steps += 1
                await asyncio.sleep(0)

        worker = asyncio.create_task(bulk())
        await busy_live()
        worker.cancel()
        return steps

    assert asyncio.run(scenario()) > 1  # bulk took turns between live batches: never starved


def _grants(principal: str) -> set[tuple[str, str]]:
    names = TopicNames()
    return {(g.operation.name, g.name) for g in service_grants(names) if g.principal == principal}


def test_only_ingest_network_and_alerts_may_use_the_bulk_lane() -> None:
    ingest, network, alerts = (
        _grants(INGEST),
        _grants(NETWORK),
        _grants(ALERTS),
    )
    assert {("WRITE", topics.REPORTS_BULK), ("READ", topics.REPORTS_BULK)} <= ingest
    assert {("READ", topics.REPORTS_BULK), ("WRITE", topics.ENTITIES_LINKED_BULK)} <= network
    assert ("READ", topics.ENTITIES_LINKED_BULK) in alerts
    everyone_else = {
        g.principal
        for g in service_grants(TopicNames())
        if g.name in (topics.REPORTS_BULK, topics.ENTITIES_LINKED_BULK)
    }
    assert everyone_else == {INGEST, NETWORK, ALERTS}


def test_a_private_stack_renames_the_bulk_lane_too() -> None:
    names = TopicNames.renamed(lambda topic: f"e2e.x.{topic}", group_prefix="e2e-x")
    assert names.reports_bulk == f"e2e.x.{topics.REPORTS_BULK}"
    assert names.linked_bulk == f"e2e.x.{topics.ENTITIES_LINKED_BULK}"
