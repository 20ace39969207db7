"""kill -9 of the ingest API under load: retried submissions land once, nothing else lands."""

import time

import pytest
from neo4j import Driver

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
REPORTS = 600


def test_ingest_killed_under_load(fault_stack: PrivateStack, neo4j_driver: Driver) -> None:
    population = Population(reports=REPORTS, seed=12, tag=run_tag())
    reports = list(population.reports())
    submitter = Submitter(
        url=f"{fault_stack.ingest_url}/v1/reports",
        headers=fault_stack.submitter_headers,
        reports=reports,
        clients=8,
        pause_s=0.01,
    ).start()
    eventually(
        lambda: True if submitter.count >= len(reports) // 4 else None,
        timeout_s=120,
        what="a quarter of the reports to be acknowledged",
    )
    fault_stack.kill("ingest-api")
    killed_at = submitter.count
    time.sleep(1.0)
    fault_stack.restart("ingest-api")
    ids = submitter.join()
    fault_stack.report_ids += ids.values()
    assert killed_at < len(reports), "every report was in before the kill: make the load longer"
    assert submitter.retried, "no request met the dead ingest: the kill did not happen under load"

    # A request killed between Kafka's ack and the 202 was retried with the same key, so it was
    # published again with the same id: duplicates on the topic, never an id nobody was told of.
    on_topic = ids_on_topic(admin_access(fault_stack.settings), fault_stack.topics["reports"])
    assert set(on_topic) == set(ids.values())

    check_nothing_lost_or_doubled(
        stack=fault_stack, driver=neo4j_driver, population=population, ids=ids
    )
