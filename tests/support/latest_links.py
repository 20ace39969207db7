"""Reading what a place keeps of its latest links, and what the schema migration works out."""

from collections import Counter

from neo4j import Driver

from schemas.graph import LatestLinkField, LatestLinkSpan
from tests.support import queries
from tests.support.migrations import LATEST_LINKS_MIGRATION, run_migration

Kept = tuple[Counter[str], list[str]]


def kept_latest_links(driver: Driver, place_id: str) -> Kept:
    """The place's latest links (each with how often it is kept) and its cutoffs; each
    audience's entries are where its span says, latest first, and the spans cover the list."""
    records, _, _ = driver.execute_query(queries.PLACE_LATEST_LINKS, place_id=place_id)
    links, spans = records[0]["links"], records[0]["spans"]
    assert_spanned(links, spans)
    return Counter(links), sorted(records[0]["cutoffs"] or [])


def assert_spanned(links: list[str], spans: list[str]) -> None:
    """Each audience's entries are the list's `[start..end]` its span gives, latest first, and
    nothing else is in the list."""
    covered, audiences = 0, set()
    for span in spans:
        fields = span.split("|")
        audience = fields[LatestLinkSpan.AUDIENCE]
        listed = links[int(fields[LatestLinkSpan.START]) : int(fields[LatestLinkSpan.END])]
        assert {e.split("|")[LatestLinkField.AUDIENCE] for e in listed} == {audience}, span
        assert listed == sorted(listed, reverse=True), span
        covered += len(listed)
        audiences.add(audience)
    assert covered == len(links)
    assert len(audiences) == len(spans)


def worked_out_latest_links(driver: Driver, place_id: str, *, database: str) -> Kept:
    """What the schema migration works out for the place from its links, left in its place."""
    driver.execute_query(queries.FORGET_LATEST_LINKS_OF, ids=[place_id])
    run_migration(driver, LATEST_LINKS_MIGRATION, database=database)
    return kept_latest_links(driver, place_id)
