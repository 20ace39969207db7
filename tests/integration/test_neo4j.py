"""The network graph store and the schema migration against the real Neo4j."""

import asyncio

import pytest
from neo4j import AsyncGraphDatabase, Driver

from common.settings import InfraSettings
from services.network.identities import location_id, new_person_id
from services.network.linking.graph import Neo4jGraphStore
from services.network.linking.reports import build_report_graph
from tessera_cli.graph_setup import connected, migrate
from tests.support import queries
from tests.support.factories import id_key, run_tag, sighting, submitted, young_person

pytestmark = pytest.mark.integration


def _write_twice(settings: InfraSettings, graph_rows: object) -> None:
    async def write() -> None:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        try:
            store = Neo4jGraphStore(driver=driver, database=settings.neo4j_database)
            await store.write_report(graph_rows)  # type: ignore[arg-type]
            await store.write_report(graph_rows)  # type: ignore[arg-type]
        finally:
            await driver.close()

    asyncio.run(write())


def test_writing_a_report_twice_is_one_report_and_one_sighting(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    tag = run_tag()
    report = sighting(f"Ava Synth {tag}", f"Ben Synth {tag}", place=f"Synthetic Park {tag}")
    event = submitted(report)
    cleanup.append(str(event.event_id))

    _write_twice(settings, build_report_graph(event, id_key=id_key()))

    records, _, _ = neo4j_driver.execute_query(queries.COUNT_REPORTS, report_id=str(event.event_id))
    assert records[0]["n"] == 1
    records, _, _ = neo4j_driver.execute_query(
        queries.READ_SEEN_AT,
        person_id=new_person_id(
            young_person(f"Ava Synth {tag}"), report_id=event.event_id, index=0, key=id_key()
        ),
        location_id=location_id(report.event.place, key=id_key()),  # type: ignore[union-attr]
    )
    assert records[0]["count"] == 1
    assert records[0]["report_ids"] == [str(event.event_id)]


def test_migration_is_safe_to_rerun(settings: InfraSettings, neo4j_driver: Driver) -> None:
    migrate(settings)
    assert migrate(settings) == []
    records, _, _ = neo4j_driver.execute_query(queries.LIST_CONSTRAINTS)
    assert {
        "report_id",
        "person_id",
        "location_id",
        "alert_id",
        "alert_open_fingerprint",
        "alert_outbox_lease",
    } <= set(records[0]["names"])


def test_health_check_passes_on_a_store_whose_password_is_set(settings: InfraSettings) -> None:
    """The check `tessera infra up` polls, on a store that is past its first start."""
    assert connected(settings) is True
    assert connected(settings) is True
