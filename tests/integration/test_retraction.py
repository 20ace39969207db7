"""Retracting a report, on the real Kafka and Neo4j: ingest publishes the retraction (acks=all),
the network worker's use case withdraws the report from every link it supports, analysts no
longer see it, and a replay withdraws it again."""

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from common.auth import Role, TokenStore
from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas.entities import Person, Place
from schemas.reports import ReportCreate
from schemas.retractions import ReportRetracted
from services.ingest.config import Settings as IngestSettings
from services.ingest.main import create_app as create_ingest_app
from services.network.analyst.main import create_app as create_network_app
from services.network.config import Settings as NetworkSettings
from services.network.identities import location_id, new_person_id
from services.network.linking.graph import Neo4jGraphStore
from services.network.linking.replay import replay
from services.network.linking.retractions import withdraw_retracted
from tessera_cli.kafka_principals import admin_access
from tests.support import queries
from tests.support.factories import id_key, run_tag, sighting_json, submitted
from tests.support.kafka_reading import read_values
from tests.support.linking import async_driver, link_events

pytestmark = pytest.mark.integration

HOME, OTHER_HOME, ADMINS = "Synthetic Home A", "Synthetic Home B", "Synthetic Admins"
PURPOSE = {"purpose": "integration test of retraction"}
REASON = {"reason": "entered against the wrong young person"}


@dataclass
class Stack:
    ingest: TestClient
    network: TestClient
    tokens: dict[str, dict[str, str]]
    settings: InfraSettings
    topics: dict[str, str]
    report_ids: list[str]
    ava: str
    park: str

    def retract(self, who: str, report_id: str, body: dict[str, Any] | None = None) -> Any:
        return self.ingest.post(
            f"/v1/reports/{report_id}/retract",
            json=REASON if body is None else body,
            headers=self.tokens[who],
        )

    def withdraw_what_was_published(self, expected: int) -> list[ReportRetracted]:
        """What the network worker's agent does with each message on the retractions topic."""
        values = read_values(admin_access(self.settings), self.topics["retractions"], expected)
        events = [ReportRetracted.from_wire(v) for v in values]

        async def run() -> None:
            async with async_driver(self.settings) as driver:
                store = Neo4jGraphStore(driver=driver, database=self.settings.neo4j_database)
                for event in events:
                    await withdraw_retracted(
                        event=event, graph=store, now=datetime.now(UTC), new_id=uuid.uuid4
                    )

        asyncio.run(run())
        return events

    def analyst(self, path: str) -> Any:
        return self.network.get(path, params=PURPOSE, headers=self.tokens["analyst"])


@pytest.fixture
def stack(
    settings: InfraSettings,
    kafka: KafkaAccess,
    topic: str,
    retractions_topic: str,
    decisions_topic: str,
    neo4j_driver: Driver,
    tmp_path: Path,
) -> Iterator[Stack]:
    """Two reports from one home that both saw Ava at the park, submitted through ingest and
    linked by replaying the reports topic (as the worker links them)."""
    auth_file = tmp_path / "users.json"
    store = TokenStore(auth_file)
    for agency in (HOME, OTHER_HOME, ADMINS):
        store.add_agency(agency)

    def bearer(user: str, agency: str, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {store.issue(user=user, agency=agency, role=role)}"}

    tokens = {
        "submitter": bearer("k.worker", HOME, Role.SUBMITTER),
        "other_home": bearer("o.worker", OTHER_HOME, Role.SUBMITTER),
        "police": bearer("pc.synth", HOME, Role.POLICE),
        "admin": bearer("an.admin", ADMINS, Role.ADMIN),
        "analyst": bearer("a.analyst", ADMINS, Role.ANALYST),
    }
    ingest_settings = IngestSettings(
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        ingest_reports_topic=topic,
        ingest_retractions_topic=retractions_topic,
        ingest_publish_timeout_s=5.0,
        ingest_ledger_file=str(tmp_path / "ledger.sqlite3"),
        tessera_auth_file=str(auth_file),
    )
    network_settings = NetworkSettings(
        tessera_auth_file=str(auth_file), network_decisions_topic=decisions_topic
    )
    tag = run_tag()
    name, place = f"Ava Synth{tag}", f"Synthetic Park {tag}"
    topics = {"reports": topic, "retractions": retractions_topic, "decisions": decisions_topic}
    report_ids: list[str] = []
    try:
        with (
            TestClient(create_ingest_app(ingest_settings)) as ingest,
            TestClient(create_network_app(network_settings)) as network,
        ):
            for _ in range(2):
                accepted = ingest.post(
                    "/v1/reports",
                    json=sighting_json(name, place=place),
                    headers=tokens["submitter"],
                )
                assert accepted.status_code == 202, accepted.text
                report_ids.append(accepted.json()["report_id"])
            linked = asyncio.run(
                replay(
                    settings=settings,
                    topic=topic,
                    wipe_first=False,
                    retractions_topic=retractions_topic,
                    decisions_topic=decisions_topic,
                )
            )
            assert linked.linked == 2
            ava = new_person_id(
                Person(name=name, date_of_birth=date(2010, 5, 1)),
                report_id=uuid.uuid4(),
                index=0,
                key=id_key(),
            )
            park = location_id(Place(name=place, postcode="ZZ99 9ZZ"), key=id_key())
            yield Stack(ingest, network, tokens, settings, topics, report_ids, ava, park)
    finally:
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)


def _seen_at(driver: Driver, stack: Stack) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(
        queries.READ_SEEN_AT, person_id=stack.ava, location_id=stack.park
    )
    return [r.data() for r in records]


def test_retracting_each_report_withdraws_its_part_of_the_link(
    stack: Stack, neo4j_driver: Driver
) -> None:
    first, second = stack.report_ids
    (both,) = _seen_at(neo4j_driver, stack)
    assert both["count"] == 2 and set(both["report_ids"]) == {first, second}

    accepted = stack.retract("submitter", first)
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["report_id"] == first
    (event,) = stack.withdraw_what_was_published(1)
    assert (event.report_id, event.report_agency, event.retracted_by) == (
        uuid.UUID(first),
        HOME,
        "k.worker",
    )
    assert _seen_at(neo4j_driver, stack) == [{"count": 1, "report_ids": [second]}]
    marked = neo4j_driver.execute_query(queries.REPORT_RETRACTION, report_id=first)[0][0]
    assert marked["retracted"] is True and marked["reason"] == REASON["reason"]
    assert marked["by"] == "k.worker"

    timeline = stack.analyst(f"/v1/entities/{stack.ava}").json()["timeline"]
    assert [t["report_id"] for t in timeline] == [second]
    edges = stack.analyst(f"/v1/entities/{stack.ava}/network").json()["edges"]
    (seen,) = [e for e in edges if e["type"] == "SEEN_AT"]
    assert seen["reports"] == [second] and seen["count"] == 1

    # The same retraction again (a redelivery): nothing changes.
    stack.withdraw_what_was_published(1)
    assert _seen_at(neo4j_driver, stack) == [{"count": 1, "report_ids": [second]}]

    # An admin retracts the other report: the link has no report left, and goes.
    assert stack.retract("admin", second).status_code == 202
    stack.withdraw_what_was_published(2)
    assert _seen_at(neo4j_driver, stack) == []
    assert stack.analyst(f"/v1/entities/{stack.ava}").status_code == 404
    assert stack.analyst(f"/v1/entities/{stack.ava}/network").status_code == 404
    # The reports are kept for audit, marked, with the mentions they made.
    records, _, _ = neo4j_driver.execute_query(queries.MENTIONED_BY, id=stack.ava)
    assert set(records[0]["report_ids"]) == {first, second}


def test_a_replay_withdraws_the_retracted_reports_again(
    stack: Stack, settings: InfraSettings, neo4j_driver: Driver
) -> None:
    first, second = stack.report_ids
    assert stack.retract("submitter", first).status_code == 202
    stack.withdraw_what_was_published(1)
    after = _seen_at(neo4j_driver, stack)

    neo4j_driver.execute_query(
        queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=stack.report_ids
    )
    again = asyncio.run(
        replay(
            settings=settings,
            topic=stack.topics["reports"],
            wipe_first=False,
            retractions_topic=stack.topics["retractions"],
            decisions_topic=stack.topics["decisions"],
        )
    )
    assert (again.linked, again.retracted) == (2, 1)
    assert _seen_at(neo4j_driver, stack) == after == [{"count": 1, "report_ids": [second]}]
    marked = neo4j_driver.execute_query(queries.REPORT_RETRACTION, report_id=first)[0][0]
    assert marked["retracted"] is True


def test_a_retraction_that_arrives_before_its_report_links_nothing(
    settings: InfraSettings, neo4j_driver: Driver
) -> None:
    tag = run_tag()
    event = submitted(
        ReportCreate.model_validate(sighting_json(f"Ben Synth{tag}", place=f"Synthetic Park {tag}"))
    )
    report_id = str(event.event_id)
    retraction = ReportRetracted(
        event_id=uuid.uuid4(),
        occurred_at=event.occurred_at,
        source_agency=HOME,
        retracted_by="k.worker",
        report_id=event.event_id,
        report_agency=HOME,
        reason=REASON["reason"],
    )

    async def withdraw() -> None:
        async with async_driver(settings) as driver:
            store = Neo4jGraphStore(driver=driver, database=settings.neo4j_database)
            await withdraw_retracted(
                event=retraction, graph=store, now=datetime.now(UTC), new_id=uuid.uuid4
            )

    try:
        asyncio.run(withdraw())
        (linked,) = link_events(settings, [event])
        assert linked.entities == (), "a retracted report mentions nobody, so nothing to examine"
        marked = neo4j_driver.execute_query(queries.REPORT_RETRACTION, report_id=report_id)[0][0]
        assert marked["retracted"] is True
        records, _, _ = neo4j_driver.execute_query(queries.COUNT_REPORTS, report_id=report_id)
        assert records[0]["n"] == 1
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=[report_id]
        )


def test_who_may_retract(stack: Stack) -> None:
    first, _ = stack.report_ids
    assert stack.retract("other_home", first).status_code == 404  # not revealed
    assert stack.retract("police", first).status_code == 403
    assert stack.retract("submitter", str(uuid.uuid4())).status_code == 404
    assert stack.retract("submitter", first, {}).status_code == 422  # a reason is required
    assert stack.retract("submitter", first, {"reason": "x", "extra": 1}).status_code == 422
