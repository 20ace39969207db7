"""The network worker loses nothing when Neo4j restarts in the middle of the stream."""

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from tessera_cli import graph_setup, local_infra
from tests.support import queries
from tests.support.factories import run_tag, sighting_json
from tests.support.polling import eventually
from tests.support.stack import RunningStack

pytestmark = pytest.mark.e2e
REPORTS = 40


def test_neo4j_restart_mid_stream_loses_and_duplicates_nothing(
    running_stack: RunningStack, neo4j_driver: Driver, settings: InfraSettings
) -> None:
    if local_infra.NEO4J.process.pid() is None:
        pytest.fail("this test restarts Neo4j: it needs the one `tessera infra up` started")
    tag = run_tag()
    ids = [
        running_stack.submit(sighting_json(f"Kid{i} Synth{tag}", place=f"Synthetic Lido {tag}"))
        for i in range(REPORTS // 2)
    ]
    local_infra.NEO4J.process.stop()
    try:
        # Accepted while the graph is down: they wait on Kafka, the worker retries.
        ids += [
            running_stack.submit(sighting_json(f"Kid{i} Synth{tag}", place=f"Synthetic Lido {tag}"))
            for i in range(REPORTS // 2, REPORTS)
        ]
    finally:
        local_infra.start_neo4j(
            connected=lambda: graph_setup.connected(settings),
            heap=settings.neo4j_heap,
            page_cache=settings.neo4j_page_cache,
        )

    def all_linked_once() -> bool | None:
        records, _, _ = neo4j_driver.execute_query(queries.COUNT_EACH_REPORT, report_ids=ids)
        counts = {r["id"]: r["n"] for r in records}
        assert all(n <= 1 for n in counts.values()), f"a report written twice: {counts}"
        return True if len(counts) == len(ids) else None

    eventually(all_linked_once, timeout_s=120, what=f"all {REPORTS} reports in Neo4j once")
    records, _, _ = neo4j_driver.execute_query(
        queries.READ_SEEN_AT_OF_PLACE, place=f"Synthetic Lido {tag}"
    )
    assert sum(r["count"] for r in records) == REPORTS
