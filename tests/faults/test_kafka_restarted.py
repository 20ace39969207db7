"""The Kafka broker restarted in the middle of the stream: 503s are retried, nothing is lost.

This restarts the shared broker that `tessera infra up` started: run it only when nothing else
uses that broker (`make test-faults` on its own).
"""

import time
from pathlib import Path

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from tessera_cli import local_infra
from tessera_cli.kafka_principals import admin_access
from tests.support.faults import (
    Submitter,
    check_nothing_lost_or_doubled,
    ids_on_topic,
)
from tests.support.polling import eventually
from tests.support.population import Population, run_tag
from tests.support.stack import PrivateStack

pytestmark = pytest.mark.faults
REPORTS = 300
OUTAGE_S = 5.0


def test_kafka_restarted_mid_stream(
    fault_stack: PrivateStack, neo4j_driver: Driver, settings: InfraSettings
) -> None:
    if local_infra.KAFKA.process.pid() is None:
        pytest.fail("this test restarts the broker: it needs the one `tessera infra up` started")
    population = Population(reports=REPORTS, seed=14, tag=run_tag())
    reports = list(population.reports())
    submitter = Submitter(
        url=f"{fault_stack.ingest_url}/v1/reports",
        headers=fault_stack.submitter_headers,
        reports=reports,
        pause_s=0.05,
    ).start()
    eventually(
        lambda: True if submitter.count >= len(reports) // 4 else None,
        timeout_s=120,
        what="a quarter of the reports to be acknowledged",
    )
    local_infra.KAFKA.process.stop()
    try:
        time.sleep(OUTAGE_S)  # ingest answers 503 meanwhile; the clients retry with their keys
    finally:
        local_infra.start_kafka(
            secrets=Path(settings.kafka_secrets_dir), access=lambda: admin_access(settings)
        )
    ids = submitter.join()
    fault_stack.report_ids += ids.values()
    assert submitter.retried, "no submission met the outage: it did not happen under load"

    on_topic = ids_on_topic(admin_access(settings), fault_stack.topics["reports"])
    assert set(on_topic) == set(ids.values())
    check_nothing_lost_or_doubled(
        stack=fault_stack, driver=neo4j_driver, population=population, ids=ids
    )
