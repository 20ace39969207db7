"""kill -9 of the network worker in the middle of the stream loses and doubles nothing."""

import time

import pytest
from neo4j import Driver

from tessera_cli.kafka_principals import admin_access
from tessera_cli.topics import topic_end
from tests.support.faults import Submitter, check_nothing_lost_or_doubled
from tests.support.polling import eventually
from tests.support.population import Population, run_tag
from tests.support.stack import PrivateStack

pytestmark = pytest.mark.faults
REPORTS = 240


def test_network_worker_killed_mid_stream(fault_stack: PrivateStack, neo4j_driver: Driver) -> None:
    population = Population(reports=REPORTS, seed=11, tag=run_tag())
    reports = list(population.reports())
    submitter = Submitter(
        url=f"{fault_stack.ingest_url}/v1/reports",
        headers=fault_stack.submitter_headers,
        reports=reports,
        pause_s=0.1,  # about 40 reports a second: the stream lasts about six seconds
    ).start()
    kafka = admin_access(fault_stack.settings)
    linked = fault_stack.topics["linked"]

    # Killed while reports are still arriving: had they all been on the topic first, the worker
    # could take them in one batch and be done before a quarter showed as linked.
    eventually(
        lambda: True if topic_end(kafka, linked) >= REPORTS // 4 else None,
        timeout_s=120,
        what="a quarter of the reports to be linked",
    )
    fault_stack.kill("network-worker")
    at_kill = topic_end(kafka, linked)
    assert at_kill < REPORTS, "the worker finished before it was killed: make the stream longer"
    time.sleep(1.0)
    fault_stack.restart("network-worker")
    ids = submitter.join()
    fault_stack.report_ids += ids.values()

    check_nothing_lost_or_doubled(
        stack=fault_stack, driver=neo4j_driver, population=population, ids=ids
    )
