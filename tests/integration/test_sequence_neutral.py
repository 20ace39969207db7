"""Resolution that does not depend on the order reports arrive in (issue 15), on the real Neo4j.

Three reports of one boy: one with his date of birth and home address, one with only his name
and NHS number, one with his name, NHS number and home address. Whatever order they arrive in,
alone or in one batch, they make one person: when the order leaves the undated mention apart
(a candidate, because a name with a date of birth on one side only never merges on its own),
the report that gives that person the address the other has merges the two by an automatic
decision. A replay reproduces the merge; a split undoes it for good.
"""

import asyncio
import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from neo4j import AsyncGraphDatabase, Driver

from common.auth import Principal, Role
from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas.reports import ReportCreate, ReportSubmitted
from services.network.analyst.decisions import split_person
from services.network.analyst.publisher import KafkaPublisher
from services.network.analyst.reads import Neo4jAnalystGraph
from services.network.linking.graph import link_batch
from services.network.linking.replay import replay
from services.network.linking.reports import BatchLinked
from services.network.linking.rescoring import RESOLVER
from tests.support import queries
from tests.support.factories import (
    NOW,
    id_key,
    report_json,
    run_tag,
    submitted,
    synthetic_nhs_number,
)
from tests.support.kafka_reading import read_values

pytestmark = pytest.mark.integration

BORN = "2011-04-05"
ANALYST = Principal(user="a.analyst", agency="Synthetic Analysts", role=Role.ANALYST)


def _reports(tag: str) -> list[ReportSubmitted]:
    """R1 dated with an address; R2 undated with an NHS number; R3 undated, both."""
    name = f"Jayden Synthseq{tag}"
    nhs = synthetic_nhs_number(int(tag, 16) % 1_000_000)
    address = f"12 Synthetic Road {tag}, Synthtown"
    place = {"name": f"Synthetic Arcade {tag}", "postcode": "ZZ99 7SQ", "category": "town_centre"}
    said: list[dict[str, Any]] = [
        {"name": name, "date_of_birth": BORN, "home_address": address},
        {"name": name, "nhs_number": nhs},
        {"name": name, "nhs_number": nhs, "home_address": address},
    ]
    return [
        submitted(
            ReportCreate.model_validate(
                report_json(
                    {
                        "type": "sighting",
                        "persons": [{**person, "role": "young_person"}],
                        "place": place,
                    }
                )
            )
        )
        for person in said
    ]


async def _link_async(
    settings: InfraSettings, batches: list[list[ReportSubmitted]]
) -> list[BatchLinked]:
    driver = AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )
    try:
        return [
            await link_batch(
                driver=driver,
                database=settings.neo4j_database,
                events=batch,
                now=NOW,
                new_id=uuid.uuid4,
                id_key=id_key(),
            )
            for batch in batches
        ]
    finally:
        await driver.close()


def _link(settings: InfraSettings, batches: list[list[ReportSubmitted]]) -> list[BatchLinked]:
    return asyncio.run(_link_async(settings, batches))


def _people(driver: Driver, report_ids: list[str]) -> dict[str, str]:
    """Report id: the person its mention is now (after any merge moved it)."""
    records, _, _ = driver.execute_query(queries.MENTIONS_OF_REPORTS, report_ids=report_ids)
    return {r["report"]: r["entity"] for r in records if r["entity"].startswith("person:")}


@pytest.fixture
def cleanup(neo4j_driver: Driver) -> Iterator[list[str]]:
    """Report ids to delete afterwards, with their people and decisions."""
    report_ids: list[str] = []
    yield report_ids
    neo4j_driver.execute_query(queries.DELETE_DECISIONS_ABOUT_REPORTS, report_ids=report_ids)
    neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)


ORDERS = list(itertools.permutations(range(3)))


@pytest.mark.parametrize("order", ORDERS, ids=["".join(str(i + 1) for i in o) for o in ORDERS])
@pytest.mark.parametrize("together", [False, True], ids=["one-by-one", "one-batch"])
def test_every_order_makes_one_person(
    settings: InfraSettings,
    neo4j_driver: Driver,
    cleanup: list[str],
    order: tuple[int, ...],
    together: bool,
) -> None:
    reports = _reports(run_tag())
    ordered = [reports[i] for i in order]
    cleanup += [str(r.event_id) for r in reports]
    batches = [ordered] if together else [[r] for r in ordered]

    outcomes = _link(settings, batches)

    people = _people(neo4j_driver, cleanup)
    assert len(people) == 3 and len(set(people.values())) == 1, people
    decided = [d for outcome in outcomes for d in outcome.decided]
    if order in {(0, 1, 2), (1, 0, 2)}:  # the undated mention was left apart, then merged
        (decision,) = decided
        assert decision.automatic and decision.decided_by == RESOLVER
        assert decision.decision == "same" and decision.person_a in people.values()
        assert "address: exact" in decision.reason
        merged = neo4j_driver.execute_query(
            queries.SAME_AS_BETWEEN, {"a": decision.person_a, "b": decision.person_b}
        )
        assert merged[0][0]["n"] == 1
    else:
        assert decided == []


def _publish(kafka: KafkaAccess, topic: str, events: list[ReportSubmitted]) -> None:
    publisher = KafkaPublisher(access=kafka, timeout_s=10.0)
    try:
        for event in events:
            publisher.publish(
                topic=topic, key=event.partition_key(), value=event.model_dump_json().encode()
            )
    finally:
        publisher.close()


def test_a_replay_reproduces_the_automatic_merge_and_a_split_undoes_it(
    settings: InfraSettings,
    kafka: KafkaAccess,
    topic: str,
    decisions_topic: str,
    retractions_topic: str,
    neo4j_driver: Driver,
    cleanup: list[str],
) -> None:
    reports = _reports(run_tag())
    cleanup += [str(r.event_id) for r in reports]
    _publish(kafka, topic, reports)

    def rebuilt() -> dict[str, str]:
        asyncio.run(
            replay(
                settings=settings,
                topic=topic,
                wipe_first=False,
                retractions_topic=retractions_topic,
                decisions_topic=decisions_topic,
            )
        )
        return _people(neo4j_driver, cleanup)

    first = rebuilt()
    assert len(set(first.values())) == 1, "the replay's linking merged them"
    neo4j_driver.execute_query(queries.DELETE_DECISIONS_ABOUT_REPORTS, report_ids=cleanup)
    neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=cleanup)
    assert _people(neo4j_driver, cleanup) == {}
    assert rebuilt() == first, "a graph rebuilt from Kafka has the same person"

    # An analyst splits the dated report off: it stays apart, whatever is linked next.
    (person,) = set(first.values())
    graph = Neo4jAnalystGraph(driver=neo4j_driver, database=settings.neo4j_database)
    publisher = KafkaPublisher(access=kafka, timeout_s=10.0)
    try:
        split = split_person(
            person_id=person,
            report_ids=[reports[0].event_id],
            reason="a different boy with the same name",
            principal=ANALYST,
            graph=graph,
            publisher=publisher,
            topic=decisions_topic,
            now=datetime.now(UTC),
            new_id=uuid.uuid4,
        )
    finally:
        publisher.close()
    assert split is not None
    again = submitted(reports[2].report)  # the undated boy with his NHS number, seen again
    cleanup.append(str(again.event_id))
    (outcome,) = _link(settings, [[again]])
    assert outcome.decided == []
    after = _people(neo4j_driver, cleanup)
    assert after[str(reports[0].event_id)] == split.person_b
    assert {after[str(r.event_id)] for r in reports[1:]} | {after[str(again.event_id)]} == {person}
    apart = {"a": person, "b": split.person_b}
    assert neo4j_driver.execute_query(queries.NOT_SAME_AS_BETWEEN, apart)[0][0]["n"] == 1
    assert len(read_values(kafka, decisions_topic, expected=1)) == 1
