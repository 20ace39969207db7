"""Link synthetic reports straight into the real Neo4j, as the network worker would."""

import asyncio
import uuid

from neo4j import AsyncGraphDatabase

from common.settings import InfraSettings
from schemas.linking import EntitiesLinked
from schemas.reports import ReportSubmitted
from services.network.graph import Neo4jGraphStore, Neo4jPersonIndex
from services.network.linking import link_report
from tests.factories import NOW


def link_events(settings: InfraSettings, events: list[ReportSubmitted]) -> list[EntitiesLinked]:
    """Link events one after another with the worker's use case and adapters."""

    async def run() -> list[EntitiesLinked]:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        try:
            store = Neo4jGraphStore(driver=driver, database=settings.neo4j_database)
            index = Neo4jPersonIndex(driver=driver, database=settings.neo4j_database)
            return [
                await link_report(
                    event=event, graph=store, people=index, now=NOW, new_id=uuid.uuid4
                )
                for event in events
            ]
        finally:
            await driver.close()

    return asyncio.run(run())
