"""Several network workers resolving at once make the people one worker makes (issue 15).

Workers in one consumer group link different partitions at the same moment. Mentions of one new
person spelt two ways (a typo, the names swapped) get different ids, so without care each worker
would read the graph before the other wrote and create the person again. Each batch locks its
rare match keys until it commits: the second worker waits, then finds the person. Here the
"workers" are concurrent transactions of the worker's own use case on the real Neo4j.
"""

import asyncio
import random
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import AsyncDriver, AsyncGraphDatabase, Driver

from common.settings import InfraSettings
from schemas.reports import ReportCreate, ReportSubmitted
from services.network.linking.graph import link_batch
from tests.support import queries
from tests.support.factories import NOW, id_key, report_json, run_tag, submitted

pytestmark = pytest.mark.integration

GIVEN = ["Jayden", "Olivia", "Mason", "Amelia", "Tyler", "Sophie", "Kieran", "Chloe"]
SURNAMES = ["Walsh", "Okafor", "Brennan", "Kowalski", "Patel", "Hughes", "Murphy", "Begum"]


def _typo(name: str) -> str:
    """One letter dropped from the middle: a slip of a key."""
    return name[:2] + name[3:]


def _mentions(tag: str) -> list[list[dict[str, Any]]]:
    """Per person, four ways partners wrote them: as is, a typo in the given name, the parts
    swapped, a postcode instead of the address. Every pair of them is certainly one child."""
    people = []
    for i, (given, surname) in enumerate(zip(GIVEN, SURNAMES, strict=True)):
        family = f"{surname}cc{tag}"
        born = f"2010-0{1 + i % 9}-1{i}"
        address = f"{i + 3} Synthetic Close {tag}, Synthtown"
        people.append(
            [
                {"name": f"{given} {family}", "date_of_birth": born, "home_address": address},
                {
                    "name": f"{_typo(given)} {family}",
                    "date_of_birth": born,
                    "home_address": address,
                },
                {"name": f"{family} {given}", "date_of_birth": born, "home_address": address},
                {"name": f"{given} {family}", "date_of_birth": born, "home_postcode": "ZZ99 3CC"},
            ]
        )
    return people


def _report(person: dict[str, Any], tag: str) -> ReportSubmitted:
    place = {"name": f"Synthetic Park {tag}", "postcode": "ZZ99 3CC", "category": "park"}
    event = {
        "type": "sighting",
        "persons": [{**person, "role": "young_person"}],
        "place": place,
    }
    return submitted(ReportCreate.model_validate(report_json(event)))


def _driver(settings: InfraSettings) -> AsyncDriver:
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )


async def _worker(settings: InfraSettings, batches: list[list[ReportSubmitted]]) -> None:
    """One network worker: its own connection, its partition's batches in order."""
    driver = _driver(settings)
    try:
        for batch in batches:
            await link_batch(
                driver=driver,
                database=settings.neo4j_database,
                events=batch,
                now=NOW,
                new_id=uuid.uuid4,
                id_key=id_key(),
            )
    finally:
        await driver.close()


async def _workers(settings: InfraSettings, partitions: list[list[list[ReportSubmitted]]]) -> None:
    await asyncio.gather(*(_worker(settings, batches) for batches in partitions))


def _clusters(
    driver: Driver, reports: dict[str, tuple[int, int]]
) -> set[frozenset[tuple[int, int]]]:
    """Which mentions (person, variant) ended up as one person."""
    records, _, _ = driver.execute_query(queries.MENTIONS_OF_REPORTS, report_ids=list(reports))
    by_person: dict[str, set[tuple[int, int]]] = {}
    for r in records:
        if r["entity"].startswith("person:"):
            by_person.setdefault(r["entity"], set()).add(reports[r["report"]])
    return {frozenset(mentions) for mentions in by_person.values()}


@pytest.fixture
def cleanup(neo4j_driver: Driver) -> Iterator[list[str]]:
    """Report ids to delete afterwards, with their people."""
    report_ids: list[str] = []
    yield report_ids
    neo4j_driver.execute_query(queries.DELETE_DECISIONS_ABOUT_REPORTS, report_ids=report_ids)
    neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)


def test_two_workers_given_one_new_person_at_once_make_one_person(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    tag = run_tag()
    people = _mentions(tag)
    # Each worker gets one spelling of every child, in the same order: eight races at once.
    first = [_report(ways[1], tag) for ways in people]
    second = [_report(ways[2], tag) for ways in people]
    reports = {
        str(r.event_id): (i, v) for v, side in ((1, first), (2, second)) for i, r in enumerate(side)
    }
    cleanup += list(reports)

    asyncio.run(_workers(settings, [[[r] for r in first], [[r] for r in second]]))

    assert _clusters(neo4j_driver, reports) == {
        frozenset({(i, 1), (i, 2)}) for i in range(len(people))
    }


def test_one_worker_and_three_workers_make_the_same_people(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    shuffled = random.Random(15)  # noqa: S311 - a repeatable order, not a secret
    truth = {frozenset((i, v) for v in range(4)) for i in range(len(GIVEN))}
    found = []
    for workers in (1, 3):
        tag = run_tag()
        order = [(i, v) for i in range(len(GIVEN)) for v in range(4)]
        shuffled.shuffle(order)
        mentions = _mentions(tag)
        reports = {(i, v): _report(mentions[i][v], tag) for i, v in order}
        cleanup += [str(r.event_id) for r in reports.values()]
        # Kafka's partitions: the reports dealt out in turn, each worker taking batches of four.
        partitions = [[reports[key] for key in order[p::workers]] for p in range(workers)]
        batched = [[part[b : b + 4] for b in range(0, len(part), 4)] for part in partitions]
        asyncio.run(_workers(settings, batched))
        found.append(_clusters(neo4j_driver, {str(r.event_id): key for key, r in reports.items()}))
    assert found[0] == truth
    assert found[1] == found[0]
