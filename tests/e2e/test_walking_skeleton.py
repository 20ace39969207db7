"""The walking skeleton through real processes, Kafka and Neo4j: report in, alert out."""

import json
import subprocess
import uuid
from pathlib import Path

import pytest
from kafka import KafkaConsumer
from neo4j import Driver

from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from tessera_cli.kafka_principals import TopicNames, add_partner
from tests.support import queries
from tests.support.factories import run_tag, sighting, sighting_json, submitted
from tests.support.polling import eventually
from tests.support.scenarios import processed
from tests.support.stack import RunningStack

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
    running_stack: RunningStack, kafka: KafkaAccess, neo4j_driver: Driver, tmp_path: Path
) -> None:
    sent = _kcat_produce(
        kafka.write_librdkafka_config(tmp_path / "admin.conf"),
        running_stack.topics["reports"],
        "bad",
        "{not",
    )
    assert sent.returncode == 0, sent.stderr
    tag = run_tag()
    good = running_stack.submit(sighting_json(f"Fay Synth {tag}", place=f"Synthetic Park {tag}"))

    consumer = KafkaConsumer(
        running_stack.topics["dead_letters"],
        **kafka.client_options(),
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        consumer_timeout_ms=30_000,
    )
    try:
        parked = next(m for m in consumer if m.key == b"bad")
    finally:
        consumer.close()
    rejected = json.loads(parked.value)
    assert rejected["original"] == "{not"
    assert "Invalid JSON" in rejected["reason"]

    def good_one_linked() -> bool | None:
        records, _, _ = neo4j_driver.execute_query(queries.COUNT_REPORTS, report_id=good)
        return True if records[0]["n"] == 1 else None

    eventually(good_one_linked, what="the good report after the bad one to reach Neo4j")


def _kcat_produce(
    config: Path, topic: str, key: str, value: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["kcat", "-F", str(config), "-P", "-t", topic, "-k", key, "-X", "acks=all"],
        input=value,
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


def test_a_partner_publishing_with_kcat_is_linked_under_its_own_agency(
    running_stack: RunningStack, kafka: KafkaAccess, neo4j_driver: Driver, tmp_path: Path
) -> None:
    """A partner's librdkafka client, with its own credentials, publishes to its inbound topic
    a report that claims another agency; it is linked under the partner's own agency."""
    agency = "Synthetic Home A"
    names = TopicNames(partner_prefix=running_stack.partner_prefix)
    credential, topic = add_partner(kafka, Path(InfraSettings().kafka_secrets_dir), agency, names)
    partner = KafkaAccess(kafka.bootstrap_servers, credential, kafka.cafile)
    config = partner.write_librdkafka_config(tmp_path / "partner.conf")
    tag = run_tag()
    event = submitted(sighting(f"Gus Synth {tag}", place=f"Synthetic Arcade {tag}"))
    forged = event.model_copy(update={"source_agency": "Synthetic Police"})
    running_stack.report_ids.append(str(event.event_id))

    sent = _kcat_produce(config, topic, "partner", forged.model_dump_json())
    assert sent.returncode == 0, sent.stderr

    def linked_as() -> str | None:
        records, _, _ = neo4j_driver.execute_query(
            queries.REPORT_AGENCY, report_id=str(event.event_id)
        )
        return str(records[0]["agency"]) if records else None

    assert eventually(linked_as, what="the partner's report to be linked") == agency
