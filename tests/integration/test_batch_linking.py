"""A batch of reports linked in one transaction resolves people across the batch."""

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from neo4j import AsyncGraphDatabase, Driver

from common.settings import InfraSettings
from schemas.entities import Person, PersonRole
from schemas.linking import EntitiesLinked
from schemas.reports import ReportCreate, ReportSubmitted
from services.network.linking.graph import link_batch
from tests.support import queries
from tests.support.factories import id_key, report_json, run_tag, sighting, submitted
from tests.support.linking import link_events

pytestmark = pytest.mark.integration


def _link(settings: InfraSettings, events: list[ReportSubmitted]) -> list[EntitiesLinked]:
    async def run() -> list[EntitiesLinked]:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        try:
            batch = await link_batch(
                driver=driver,
                database=settings.neo4j_database,
                events=events,
                now=datetime.now(UTC),
                new_id=uuid.uuid4,
                id_key=id_key(),
            )
            return batch.linked
        finally:
            await driver.close()

    return asyncio.run(run())


def test_one_person_in_two_reports_of_one_batch_is_one_node(
    settings: InfraSettings, neo4j_driver: Driver
) -> None:
    tag = run_tag()
    events = [
        submitted(sighting(f"Zed Synth{tag}", place=f"Synthetic Arcade {tag}")),
        submitted(sighting(f"zed  SYNTH{tag}", place=f"Synthetic Bus Stop {tag}")),
        submitted(sighting(f"Ola Synth{tag}", place=f"Synthetic Arcade {tag}")),
    ]
    ids = [str(e.event_id) for e in events]
    try:
        linked = _link(settings, events)
        assert [str(e.report_id) for e in linked] == ids
        people = {
            entity.id
            for event in linked[:2]
            for entity in event.entities
            if entity.kind == "person"
        }
        assert len(people) == 1, "the second report resolved to the person the first created"
        again = _link(settings, events)  # a redelivered batch changes nothing
        assert [str(e.report_id) for e in again] == ids
        records, _, _ = neo4j_driver.execute_query(
            "UNWIND $ids AS id MATCH (:Report {id: id})-[m:MENTIONS]->() RETURN count(m) AS n",
            ids=ids,
        )
        assert records[0]["n"] == 6
    finally:
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=ids)


def _snapshot(driver: Driver, ids: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    def rows(query: str, **params: Any) -> list[tuple[Any, ...]]:
        records, _, _ = driver.execute_query(query, **params)
        return sorted(tuple(str(v) for v in r.values()) for r in records)

    mentions = rows(queries.MENTIONS_OF_REPORTS, report_ids=ids)
    entities = sorted({m[2] for m in mentions})
    return {
        "mentions": mentions,
        "links": rows(queries.LINKS_AMONG, ids=entities),
        "episodes": rows(queries.EPISODES_OF_REPORTS, report_ids=ids),
        "people": rows(queries.PEOPLE_OF_REPORTS, report_ids=ids),
    }


def test_a_batch_writes_the_graph_that_one_report_at_a_time_writes(
    settings: InfraSettings, neo4j_driver: Driver
) -> None:
    tag = run_tag()
    child = {"name": f"Kai Synth{tag}", "date_of_birth": "2010-03-04", "role": "young_person"}
    home = {"name": f"Synthetic Home {tag}", "category": "care_home"}
    flat = {"name": f"Synthetic Flat {tag}", "postcode": "ZZ99 4AB"}

    def missing(day: int) -> dict[str, Any]:
        return {
            "type": "missing_reported",
            "child": child,
            "placement": home,
            "last_seen_at": f"2026-11-{day:02d}T18:00:00+00:00",
        }

    def found(day: int) -> dict[str, Any]:
        return {
            "type": "missing_ended",
            "child": child,
            "found_at": f"2026-11-{day:02d}T06:00:00+00:00",
            "found_place": flat,
            "found_with": [{"name": f"Rex Adult{tag}", "role": "adult"}],
        }

    bodies: list[dict[str, Any]] = [
        missing(10),
        found(12),
        found(13),  # found again with no open episode: an episode known by its end only
        missing(15),
        found(16),
        {
            "type": "sighting",
            "persons": [
                {"name": f"K. Synth{tag}", "role": "young_person", "nicknames": ["kaz"]},
                {"name": f"Rex Adult{tag}", "role": "adult"},
            ],
            "place": flat,
        },
        {
            "type": "vehicle_sighting",
            "vehicle": {"vrm": "ZZ61 ABC", "colour": "silver"},
            "place": flat,
            "got_in": [child],
        },
    ]
    events = [submitted(ReportCreate.model_validate(report_json(b))) for b in bodies]
    ids = [str(e.event_id) for e in events]
    try:
        link_events(settings, events)  # one transaction per report, in turn
        one_at_a_time = _snapshot(neo4j_driver, ids)
        assert len(one_at_a_time["episodes"]) == 3
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=ids)
        assert _snapshot(neo4j_driver, ids)["mentions"] == []
        _link(settings, events)
        assert _snapshot(neo4j_driver, ids) == one_at_a_time
    finally:
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=ids)


def test_namesakes_with_no_birthday_living_apart_stay_two_people(
    settings: InfraSettings, neo4j_driver: Driver
) -> None:
    """The same full name with no date of birth gives one id in every report; a mention whose
    home is elsewhere is another child of that name, not the person the id belongs to."""
    tag = run_tag()
    name = f"Wyn Synth{tag}"

    def seen(postcode: str) -> ReportSubmitted:
        report = sighting(name, place=f"Synthetic Arcade {tag}")
        event = report.event.model_copy(
            update={
                "persons": [Person(name=name, home_postcode=postcode, role=PersonRole.YOUNG_PERSON)]
            }
        )
        return submitted(report.model_copy(update={"event": event}))

    events = [seen("ZZ99 1AB"), seen("ZZ99 7XY"), seen("ZZ99 1AB")]
    ids = [str(e.event_id) for e in events]
    try:
        people = [
            next(e.id for e in linked.entities if e.kind == "person")
            for event in events
            for linked in _link(settings, [event])
        ]
        assert people[0] != people[1], "a namesake living elsewhere is another child"
        assert people[2] == people[0], "the same name at the same home is the same child"
    finally:
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=ids)
