"""More network workers on a partitioned topic share the work, and one leaving loses nothing.

Two worker processes join one consumer group on a private reports topic (six partitions, as the
real one); each links some of the reports, every report is linked exactly once, and after one
worker stops the other takes over its partitions and links what follows.
"""

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaProducer
from neo4j import Driver

from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from tests.support import queries
from tests.support.factories import run_tag, sighting, submitted
from tests.support.polling import eventually
from tests.support.stack import ARTIFACTS, PrivateStack

pytestmark = pytest.mark.e2e

LINKED_LINE = re.compile(r"linked (\d+) reports")  # the worker's line for each batch
COUNT_LINKED = """
UNWIND $report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->()
RETURN count(DISTINCT r) AS reports, count(m) AS mentions
"""


@pytest.fixture
def two_workers(
    settings: InfraSettings, tmp_path: Path
) -> Iterator[tuple[str, list[tuple[subprocess.Popen[bytes], Path]]]]:
    ARTIFACTS.mkdir(exist_ok=True)
    private = PrivateStack(
        settings=settings,
        workdir=tmp_path,
        services=(),
        extra_env={"PYTHONUNBUFFERED": "1"},  # the test counts each worker's log lines as written
        prefix="test",
        log_dir=ARTIFACTS,
        log_prefix="scale-out-",
    )
    with private:
        workers = [private.start_service("network-worker", instance=name) for name in ("a", "b")]
        yield private.topics["reports"], [(w.process, w.log) for w in workers]


def _publish(kafka: KafkaAccess, topic: str, tag: str, first: int, count: int) -> list[str]:
    events = [
        # A different first name each: "Synth{tag}x1" and "x2" are one typo apart, so the
        # same first name would make all of them one person.
        submitted(sighting(f"Yan{i} Synth{tag}", place=f"Synthetic Corner {tag} {i}"))
        for i in range(first, first + count)
    ]
    producer = KafkaProducer(**kafka.client_options(), acks="all")
    for event in events:
        producer.send(topic, key=event.partition_key(), value=event.model_dump_json().encode())
    producer.flush()
    producer.close()
    return [str(e.event_id) for e in events]


def _all_linked(neo4j_driver: Driver, ids: list[str]) -> bool | None:
    records, _, _ = neo4j_driver.execute_query(COUNT_LINKED, report_ids=ids)
    row = records[0]
    # One person and one place per sighting: two mentions each, once.
    return True if row["reports"] == len(ids) and row["mentions"] == 2 * len(ids) else None


def test_two_workers_share_the_partitions_and_one_leaving_loses_nothing(
    kafka: KafkaAccess,
    neo4j_driver: Driver,
    two_workers: tuple[str, list[tuple[subprocess.Popen[bytes], Path]]],
) -> None:
    topic, workers = two_workers
    tag = run_tag()
    ids = _publish(kafka, topic, tag, 0, 60)
    try:
        eventually(lambda: _all_linked(neo4j_driver, ids), timeout_s=120, what="60 reports linked")

        def linked_by() -> list[int] | None:
            counts = [
                sum(int(n) for n in LINKED_LINE.findall(log.read_text())) for _, log in workers
            ]
            return counts if sum(counts) >= len(ids) else None

        counts = eventually(linked_by, timeout_s=30, what="each linked report in a worker's log")
        assert all(n > 0 for n in counts), f"each worker should link some: {counts}"

        leaving, _ = workers[0]
        leaving.terminate()
        leaving.wait(timeout=60)
        more = _publish(kafka, topic, tag, 60, 20)
        ids += more
        eventually(
            lambda: _all_linked(neo4j_driver, ids),
            timeout_s=120,
            what="the reports published after one worker left, linked by the other",
        )
    finally:
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=ids)
