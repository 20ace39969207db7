"""The analyst API's transaction timeout reaches the real Neo4j, which ends a transaction that
outlives it; the adapter reports that as QueryTimedOut."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from services.network.analyst.analysis import QueryTimedOut
from services.network.analyst.reads import Neo4jAnalystGraph

pytestmark = pytest.mark.integration

TIMEOUT_S = 0.5
# Neo4j checks for transactions past their timeout every 2 s (db.transaction.monitor.check.interval)
ENDED_WITHIN_S = TIMEOUT_S + 2 + 5
HOLD_DECISION = "CREATE (:ResolutionDecision {id: $id})"


def test_a_decision_held_up_past_the_timeout_is_ended_and_reported(
    settings: InfraSettings, neo4j_driver: Driver
) -> None:
    """A decision whose id another transaction is still creating waits for that lock, which
    never comes: only the timeout ends it (without one it would wait for as long as the lock is
    held)."""
    decision_id = f"decision:test-timeout:{uuid.uuid4()}"
    graph = Neo4jAnalystGraph(
        driver=neo4j_driver, database=settings.neo4j_database, timeout_s=TIMEOUT_S
    )
    decision = {
        "id": decision_id,
        "event_id": str(uuid.uuid4()),
        "candidate_id": "candidate:test-timeout",
        "person_a": "person:test-timeout-a",
        "person_b": "person:test-timeout-b",
        "decision": "same",
        "report_ids": [],
        "reason": "synthetic timeout test",
        "decided_by": "a.analyst",
        "agency": "Synthetic Analysts",
        "decided_at": "2026-01-01T00:00:00+00:00",
    }
    with (
        ThreadPoolExecutor(max_workers=1) as pool,
        neo4j_driver.session(database=settings.neo4j_database) as session,
    ):
        holder = session.begin_transaction()
        try:
            holder.run(HOLD_DECISION, id=decision_id).consume()
            started = time.monotonic()
            applying = pool.submit(graph.apply_decision, decision)
            with pytest.raises(QueryTimedOut, match=r"ran out of time after 0\.5 s"):
                applying.result(timeout=ENDED_WITHIN_S)
            assert time.monotonic() - started >= TIMEOUT_S
        finally:
            holder.rollback()  # releases the lock, so a hung apply ends too
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (d:ResolutionDecision {id: $id}) RETURN count(d) AS n", id=decision_id
    )
    assert records[0]["n"] == 0  # neither transaction left anything
