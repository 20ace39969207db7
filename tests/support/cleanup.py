"""Removing what a run wrote to the graph: its reports, the alerts citing them and whatever only
they mention, in batches (a benchmark's run can be a million reports). The places and people that
stay have their areas and traits worked out again without the removed reports, and the entities
that stay their latest links, once, at the end: a county-wide place is mentioned in nearly every
batch of a large run, and its thousands of mentions were read again after each batch (a million
reports now take about five minutes to remove: bench/RESULTS.md)."""

import uuid
from collections.abc import Callable, Iterable

from neo4j import Driver

from services.network import queries as network_queries
from services.network.linking import queries as linking_queries
from tests.support import queries
from tests.support.migrations import LATEST_LINKS_MIGRATION, run_migration

DELETE_BATCH = 1000
# Told, after each batch, the step ("reports", then "what stays"), how many of it are done and
# how many there are in all (None while the reports are an iterator not yet read to its end).
Progress = Callable[[str, int, int | None], None]


def delete_reports(
    driver: Driver,
    report_ids: Iterable[str | uuid.UUID],
    *,
    database: str,
    progress: Progress | None = None,
) -> int:
    """Remove reports, the alerts citing them and whatever only they mention; say how many."""
    told = progress or (lambda step, done, total: None)
    total = len(report_ids) if isinstance(report_ids, list | tuple) else None
    handled = 0
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
        touched.update(mentioned[0]["ids"])
        return int(records[0]["n"])

    for report_id in report_ids:
        chunk.append(str(report_id))
        if len(chunk) == DELETE_BATCH:
            deleted += flush()
            handled += len(chunk)
            told("reports", handled, total)
            chunk = []
    if chunk:
        deleted += flush()
        told("reports", handled + len(chunk), total)
    stay = sorted(touched)  # those gone with their last report are simply not found
    for at in range(0, len(stay), DELETE_BATCH):
        ids = stay[at : at + DELETE_BATCH]
        driver.execute_query(linking_queries.REFRESH_PLACES, ids=ids, database_=database)
        driver.execute_query(
            network_queries.REFRESH_PERSONS, ids=ids, decision_id=None, database_=database
        )
        driver.execute_query(queries.FORGET_LATEST_LINKS_OF, ids=ids, database_=database)
        told("what stays", at + len(ids), len(stay))
    run_migration(driver, LATEST_LINKS_MIGRATION, database=database)
    return deleted


def count_reports(driver: Driver, report_ids: list[str], *, database: str) -> int:
    """How many of the reports are in the graph."""
    records, _, _ = driver.execute_query(
        queries.COUNT_REPORTS_AMONG, report_ids=report_ids, database_=database
    )
    return int(records[0]["n"])
