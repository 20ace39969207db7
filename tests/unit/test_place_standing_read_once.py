"""What a place is (its category and drugs-house status, with their reports) is read once for
every detector of the place: at a county-wide place the read goes through thousands of mentions,
and P01 and P02 both need it."""

import asyncio
from collections import Counter
from datetime import UTC, datetime
from typing import Any, cast

from neo4j import AsyncDriver

from schemas.linking import EntityKind
from services.alerts import queries
from services.alerts.batched_reads import Rows, one_at_a_time
from services.alerts.config import Settings
from services.alerts.detection import detect
from services.alerts.detection_context import Context

PLACE = "place-synthetic-1"
SAID = [{"id": "report-1", "observed_at": "2026-11-30T10:00:00+00:00"}]


class Graph:
    """Answers the profile and the standing of one take-away; nothing else is linked to it."""

    def __init__(self) -> None:
        self.asked: Counter[str] = Counter()

    async def run(self, query: str, params: dict[str, Any]) -> Rows:
        self.asked[query] += 1
        await asyncio.sleep(0)  # the detectors run together: let them overlap
        if query == queries.ENTITY_PROFILE:
            flags = ("drugs_house", "vulnerable_tenant", "went_missing", "departed")
            more = ("order_subject", "harbourer", "young")
            return [{"for_id": PLACE, "kind": "location"} | dict.fromkeys(flags + more, False)]
        if query == queries.GET_STANDING:
            return [
                {
                    "for_id": PLACE,
                    "id": PLACE,
                    "kind": "location",
                    "category": "take_away",
                    "category_reports": SAID,
                    "drugs_house_reports": [],
                    "complete": True,
                }
            ]
        return []


def test_every_detector_of_a_place_shares_one_read_of_what_the_place_is() -> None:
    graph = Graph()
    ctx = Context(
        driver=cast(AsyncDriver, None),  # every read goes through `reads`
        database="neo4j",
        settings=Settings(),
        now=datetime(2026, 12, 1, tzinfo=UTC),
        reads=one_at_a_time(graph.run),
    )

    assert asyncio.run(detect(EntityKind.LOCATION, PLACE, ctx)) == []

    assert graph.asked[queries.GET_STANDING] == 1
    assert sum(graph.asked.values()) > 3  # P01, P02 and the other place detectors did run


def test_each_detection_reads_what_the_place_is_now() -> None:
    graph = Graph()
    ctx = Context(
        driver=cast(AsyncDriver, None),
        database="neo4j",
        settings=Settings(),
        now=datetime(2026, 12, 1, tzinfo=UTC),
        reads=one_at_a_time(graph.run),
    )

    for _ in range(2):
        asyncio.run(detect(EntityKind.LOCATION, PLACE, ctx))

    assert graph.asked[queries.GET_STANDING] == 2  # shared within a detection, never across
