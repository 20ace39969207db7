"""Reading what a place keeps of its latest links, and what the schema migration works out."""

from collections import Counter

from neo4j import Driver

from tests.support import queries
from tests.support.migrations import LATEST_LINKS_MIGRATION, run_migration

Kept = tuple[Counter[str], list[str]]


def kept_latest_links(driver: Driver, place_id: str) -> Kept:
    """The place's latest links (each with how often it is kept) and its cutoffs."""
    records, _, _ = driver.execute_query(queries.PLACE_LATEST_LINKS, place_id=place_id)
    return Counter(records[0]["links"]), sorted(records[0]["cutoffs"] or [])


def worked_out_latest_links(driver: Driver, place_id: str, *, database: str) -> Kept:
    """What the schema migration works out for the place from its links, left in its place."""
    driver.execute_query(queries.FORGET_LATEST_LINKS_OF, ids=[place_id])
    run_migration(driver, LATEST_LINKS_MIGRATION, database=database)
    return kept_latest_links(driver, place_id)
