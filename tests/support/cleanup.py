"""Removing what a run wrote to the graph: its reports, the alerts citing them and whatever only
they mention, in batches (a benchmark's run can be a million reports). The places and people that
stay have their areas and traits worked out again without the removed reports, and the entities
that stay their latest links (once, at the end)."""

import uuid
from collections.abc import Iterable

from neo4j import Driver

from services.network import queries as network_queries
from services.network.linking import queries as linking_queries
from tests.support import queries
from tests.support.migrations import LATEST_LINKS_MIGRATION, run_migration

DELETE_BATCH = 1000


def delete_reports(driver: Driver, report_ids: Iterable[str | uuid.UUID], *, database: str) -> int:
    """Remove reports, the alerts citing them and whatever only they mention; say how many."""
    deleted = 0
    chunk: list[str] = []
    touched: set[str] = set()

    def flush() -> int:
        driver.execute_query(queries.DELETE_ALERTS_CITING, report_ids=chunk, database_=database)
        records, _, _ = driver.execute_query(
            queries.COUNT_REPORTS_AMONG, report_ids=chunk, database_=database
        )
        mentioned, _, _ = driver.execute_query(
            queries.ENTITIES_MENTIONED_BY, report_ids=chunk, database_=database
        )
        driver.execute_query(queries.DELETE_REPORTS, report_ids=chunk, database_=database)
        ids = mentioned[0]["ids"]
        touched.update(ids)
        driver.execute_query(linking_queries.REFRESH_PLACES, ids=ids, database_=database)
        driver.execute_query(
            network_queries.REFRESH_PERSONS, ids=ids, decision_id=None, database_=database
        )
        return int(records[0]["n"])

    for report_id in report_ids:
        chunk.append(str(report_id))
        if len(chunk) == DELETE_BATCH:
            deleted += flush()
            chunk = []
    if chunk:
        deleted += flush()
    stay = sorted(touched)
    for at in range(0, len(stay), DELETE_BATCH):
        ids = stay[at : at + DELETE_BATCH]
        driver.execute_query(queries.FORGET_LATEST_LINKS_OF, ids=ids, database_=database)
    run_migration(driver, LATEST_LINKS_MIGRATION, database=database)
    return deleted


def count_reports(driver: Driver, report_ids: list[str], *, database: str) -> int:
    """How many of the reports are in the graph."""
    records, _, _ = driver.execute_query(
        queries.COUNT_REPORTS_AMONG, report_ids=report_ids, database_=database
    )
    return int(records[0]["n"])
