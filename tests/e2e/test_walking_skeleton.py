"""The walking skeleton through real processes, Kafka and Neo4j: report in, alert out."""

import json
import subprocess
import uuid

import pytest
from kafka import KafkaConsumer
from neo4j import Driver

from tests import queries
from tests.e2e.conftest import RunningStack
from tests.e2e.polling import eventually
from tests.e2e.scenarios import processed
from tests.factories import run_tag, sighting, sighting_json, submitted

pytestmark = pytest.mark.e2e


def test_three_young_people_at_one_place_raise_a_cited_hotspot_alert(
    running_stack: RunningStack, neo4j_driver: Driver
) -> None:
    tag = run_tag()
    place = f"Synthetic Chip Shop {tag}"
    ids = [
        running_stack.submit(sighting_json(f"{name} Synth {tag}", place=place))
        for name in ("Ava", "Ben", "Cai")
    ]

    def report_in_graph() -> bool | None:
        records, _, _ = neo4j_driver.execute_query(queries.COUNT_REPORTS, report_id=ids[0])
        return True if records[0]["n"] == 1 else None

    eventually(report_in_graph, what="the first report to be read back from Neo4j by its id")

    def hotspot_alert() -> dict[str, object] | None:
        for alert in running_stack.alerts():
            cited = {e["report_id"] for e in alert["evidence"]}  # type: ignore[attr-defined]
            if alert["type"] == "shared_hotspot" and set(ids) <= cited:
                return alert
        return None

    alert = eventually(hotspot_alert, what="a shared_hotspot alert citing all three reports")
    names = {s["display_name"] for s in alert["subjects"]}  # type: ignore[attr-defined]
    assert {f"{n} Synth {tag}" for n in ("Ava", "Ben", "Cai")} | {place} == names


def test_two_young_people_raise_nothing(running_stack: RunningStack, neo4j_driver: Driver) -> None:
    tag = run_tag()
    place = f"Synthetic Bus Shelter {tag}"
    ids = [
        running_stack.submit(sighting_json(f"{n} Synth {tag}", place=place)) for n in ("Dee", "Eli")
    ]

    def both_linked() -> bool | None:
        counts = [
            neo4j_driver.execute_query(queries.COUNT_REPORTS, report_id=i)[0][0]["n"] for i in ids
        ]
        return True if counts == [1, 1] else None

    eventually(both_linked, what="both reports in the graph")
    processed(running_stack)
    assert not [a for a in running_stack.alerts() if place in a["summary"]]  # type: ignore[operator]


def test_a_malformed_message_goes_to_dead_letters_and_the_stream_goes_on(
    running_stack: RunningStack, kafka: str, neo4j_driver: Driver
) -> None:
    _kcat_produce(kafka, running_stack.topics["reports"], "bad", "{not json")
    tag = run_tag()
    good = running_stack.submit(sighting_json(f"Fay Synth {tag}", place=f"Synthetic Park {tag}"))

    consumer = KafkaConsumer(
        running_stack.topics["dead_letters"],
        bootstrap_servers=kafka,
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        consumer_timeout_ms=30_000,
    )
    try:
        parked = next(m for m in consumer if m.key == b"bad")
    finally:
        consumer.close()
    rejected = json.loads(parked.value)
    assert rejected["original"] == "{not json"
    assert "Invalid JSON" in rejected["reason"]

    def good_one_linked() -> bool | None:
        records, _, _ = neo4j_driver.execute_query(queries.COUNT_REPORTS, report_id=good)
        return True if records[0]["n"] == 1 else None

    eventually(good_one_linked, what="the good report after the bad one to reach Neo4j")


def _kcat_produce(kafka: str, topic: str, key: str, value: str) -> None:
    subprocess.run(
        ["kcat", "-P", "-b", kafka, "-t", topic, "-k", key, "-X", "acks=all"],
        input=value.encode(),
        check=True,
        timeout=30,
    )


def test_a_partner_publishing_with_kcat_is_linked(
    running_stack: RunningStack, kafka: str, neo4j_driver: Driver
) -> None:
    """A non-Python client (librdkafka) publishes straight onto the reports topic."""
    tag = run_tag()
    event = submitted(sighting(f"Gus Synth {tag}", place=f"Synthetic Arcade {tag}"))
    running_stack.report_ids.append(str(event.event_id))
    _kcat_produce(kafka, running_stack.topics["reports"], "partner", event.model_dump_json())

    def linked() -> bool | None:
        records, _, _ = neo4j_driver.execute_query(
            queries.COUNT_REPORTS, report_id=str(event.event_id)
        )
        return True if records[0]["n"] == 1 else None

    eventually(linked, what="the kcat-published report to be read back from Neo4j")
