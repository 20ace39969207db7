"""Neo4j restarted in the middle of the stream: the workers wait, then lose and double nothing.

This restarts the shared Neo4j that `tessera infra up` started: run it only when nothing else
uses that Neo4j (`make test-faults` on its own).
"""

import time

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from tessera_cli import graph_setup, local_infra
from tessera_cli.kafka_principals import admin_access
from tessera_cli.topics import topic_end
from tests.support.faults import Submitter, check_nothing_lost_or_doubled
from tests.support.polling import eventually
from tests.support.population import Population, run_tag
from tests.support.stack import PrivateStack

pytestmark = pytest.mark.faults
REPORTS = 240
OUTAGE_S = 5.0


def test_neo4j_restarted_mid_stream(
    fault_stack: PrivateStack, neo4j_driver: Driver, settings: InfraSettings
) -> None:
    if local_infra.NEO4J.process.pid() is None:
        pytest.fail("this test restarts Neo4j: it needs the one `tessera infra up` started")
    population = Population(reports=REPORTS, seed=13, tag=run_tag())
    reports = list(population.reports())
    submitter = Submitter(
        url=f"{fault_stack.ingest_url}/v1/reports",
        headers=fault_stack.submitter_headers,
        reports=reports,
        pause_s=0.02,
    ).start()
    kafka = admin_access(settings)
    linked = fault_stack.topics["linked"]
    eventually(
        lambda: True if topic_end(kafka, linked) >= len(reports) // 4 else None,
        timeout_s=120,
        what="a quarter of the reports to be linked",
    )
    local_infra.NEO4J.process.stop()
    try:
        time.sleep(OUTAGE_S)  # ingest keeps accepting; the workers retry with backoff
    finally:
        local_infra.start_neo4j(
            connected=lambda: graph_setup.connected(settings),
            heap=settings.neo4j_heap,
            page_cache=settings.neo4j_page_cache,
        )
    ids = submitter.join()
    fault_stack.report_ids += ids.values()
    assert topic_end(kafka, linked) <= len(ids)

    check_nothing_lost_or_doubled(
        stack=fault_stack, driver=neo4j_driver, population=population, ids=ids
    )
