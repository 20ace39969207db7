"""A batch of reports linked in one transaction resolves people across the batch."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from neo4j import AsyncGraphDatabase, Driver

from common.settings import InfraSettings
from schemas.linking import EntitiesLinked
from schemas.reports import ReportSubmitted
from services.network.graph import link_batch
from tests import queries
from tests.factories import run_tag, sighting, submitted

pytestmark = pytest.mark.integration


def _link(settings: InfraSettings, events: list[ReportSubmitted]) -> list[EntitiesLinked]:
    async def run() -> list[EntitiesLinked]:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        try:
            return await link_batch(
                driver=driver,
                database=settings.neo4j_database,
                events=events,
                now=datetime.now(UTC),
                new_id=uuid.uuid4,
            )
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
