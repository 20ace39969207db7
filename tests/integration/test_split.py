"""Splitting a merged person through the analyst API, on the real Neo4j and Kafka: mentions and
the links they support move to a new person, shared links are divided, the two are kept apart,
the decision is on its topic, and a replay into a graph that lost everything applies it again."""

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaProducer
from neo4j import Driver

from common.auth import Role, TokenStore
from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas.entities import Person
from schemas.reports import ReportCreate, ReportSubmitted
from schemas.resolution import ResolutionDecided, Verdict
from services.network.analyst.main import create_app
from services.network.config import Settings
from services.network.identities import location_id, new_person_id, split_person_id
from services.network.linking.replay import replay
from tessera_cli.kafka_principals import admin_access
from tests.support import queries
from tests.support.factories import id_key, report_json, submitted
from tests.support.kafka_reading import read_values
from tests.support.latest_links import kept_latest_links, worked_out_latest_links

pytestmark = pytest.mark.integration

PURPOSE = {"purpose": "integration test of splitting a merge"}
DAY = timedelta(days=1)


@dataclass
class Split:
    client: TestClient
    auth: dict[str, str]
    settings: Settings
    events: list[ReportSubmitted]
    dean: str
    park: str
    arcade: str
    decision_ids: list[str]

    @property
    def report_ids(self) -> list[str]:
        return [str(e.event_id) for e in self.events]

    def split(self, *report_ids: str, **params: str) -> Any:
        return self.client.post(
            f"/v1/persons/{params.pop('person', self.dean)}/split",
            params={**PURPOSE, **params},
            json={"report_ids": list(report_ids), "reason": "two boys of the same name"},
            headers=self.auth,
        )


def _sighting(names: list[str], place: str, observed_at: datetime) -> ReportCreate:
    return ReportCreate.model_validate(
        report_json(
            {
                "type": "sighting",
                "persons": [
                    {"name": n, "role": "young_person", "date_of_birth": "2010-05-01"}
                    for n in names
                ],
                "place": {"name": place, "postcode": "ZZ99 7ZZ"},
            },
            observed_at=observed_at.isoformat(),
        )
    )


@pytest.fixture
def world(
    settings: InfraSettings,
    kafka: KafkaAccess,
    topic: str,
    decisions_topic: str,
    retractions_topic: str,
    neo4j_driver: Driver,
    tmp_path: Path,
) -> Iterator[Split]:
    """Three reports of "Dean Walsh" merged into one person (same name and date of birth):
    two at a park (one with Ava), one at an arcade; linked by replaying their topic."""
    tag = uuid.uuid4().hex[:6]
    now = datetime.now(UTC).replace(microsecond=0)
    dean, ava = f"Dean Walsh{tag}", f"Ava Synth{tag}"
    park, arcade = f"Synthetic Park {tag}", f"Synthetic Arcade {tag}"
    reports = [
        _sighting([dean, ava], park, now - 3 * DAY),
        _sighting([dean], park, now - 2 * DAY),
        _sighting([dean], arcade, now - DAY),
        _sighting([ava], arcade, now - DAY),
    ]
    events = [submitted(r) for r in reports]
    producer = KafkaProducer(**kafka.client_options(), acks="all")
    for event in events:
        producer.send(topic, key=event.partition_key(), value=event.model_dump_json().encode())
    producer.flush()
    producer.close()
    linked = asyncio.run(
        replay(
            settings=settings,
            topic=topic,
            wipe_first=False,
            retractions_topic=retractions_topic,
            decisions_topic=decisions_topic,
        )
    )
    assert linked.linked == len(events)

    auth_file = tmp_path / "users.json"
    store = TokenStore(auth_file)
    store.add_agency("Synthetic Analysts")
    token = store.issue(user="a.analyst", agency="Synthetic Analysts", role=Role.ANALYST)
    app_settings = Settings(
        tessera_auth_file=str(auth_file),
        network_decisions_topic=decisions_topic,
        network_publish_timeout_s=3.0,
    )
    place = reports[0].event.place  # type: ignore[union-attr]
    other = reports[2].event.place  # type: ignore[union-attr]
    world = Split(
        client=TestClient(create_app(app_settings)),
        auth={"Authorization": f"Bearer {token}"},
        settings=app_settings,
        events=events,
        dean=new_person_id(
            Person(name=dean, date_of_birth=date(2010, 5, 1)),
            report_id=uuid.uuid4(),
            index=0,
            key=id_key(),
        ),
        park=location_id(place, key=id_key()),
        arcade=location_id(other, key=id_key()),
        decision_ids=[],
    )
    try:
        with world.client:
            yield world
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=world.report_ids
        )
        neo4j_driver.execute_query(queries.DELETE_DECISIONS, ids=world.decision_ids)


def _links(driver: Driver, entity_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    records, _, _ = driver.execute_query(queries.LINKS_OF, id=entity_id)
    return {(r["type"], r["other"]): r.data() for r in records}


def _mentioned_by(driver: Driver, entity_id: str) -> set[str]:
    records, _, _ = driver.execute_query(queries.MENTIONED_BY, id=entity_id)
    return set(records[0]["report_ids"])


def _state(driver: Driver, world: Split, new: str) -> Any:
    return (
        _mentioned_by(driver, world.dean),
        _mentioned_by(driver, new),
        _links(driver, world.dean),
        _links(driver, new),
    )


def test_a_split_moves_mentions_and_divides_links(world: Split, neo4j_driver: Driver) -> None:
    r1, r2, r3, _ = world.report_ids
    before = _links(neo4j_driver, world.dean)
    assert before[("SEEN_AT", world.park)]["count"] == 2

    response = world.split(r3, r2)
    assert response.status_code == 201, response.text
    body = response.json()
    world.decision_ids.append(body["id"])
    new = split_person_id(world.dean, [r2, r3])
    assert body["new_person_id"] == new and body["person_id"] == world.dean
    assert sorted(body["report_ids"]) == sorted([r2, r3])

    assert _mentioned_by(neo4j_driver, world.dean) == {r1}
    assert _mentioned_by(neo4j_driver, new) == {r2, r3}
    kept, moved = _links(neo4j_driver, world.dean), _links(neo4j_driver, new)
    # The park link was shared: divided, first and last seen from the reports each kept.
    park = kept[("SEEN_AT", world.park)]
    assert (park["count"], park["report_ids"]) == (1, [r1])
    assert park["first_seen"] == park["last_seen"] == before[("SEEN_AT", world.park)]["first_seen"]
    assert all(e.endswith(r1) for e in park["evidence"])
    new_park = moved[("SEEN_AT", world.park)]
    assert (new_park["count"], new_park["report_ids"]) == (1, [r2])
    assert new_park["first_seen"] == new_park["last_seen"] != park["first_seen"]
    # The arcade link was the moved report's only: it moved whole.
    assert ("SEEN_AT", world.arcade) not in kept
    assert moved[("SEEN_AT", world.arcade)]["report_ids"] == [r3]
    assert (
        neo4j_driver.execute_query(queries.NOT_SAME_AS_BETWEEN, a=world.dean, b=new)[0][0]["n"] == 1
    )
    # What the places keep of their latest links names the new person for the moved reports.
    for place in (world.park, world.arcade):
        latest = kept_latest_links(neo4j_driver, place)
        database = world.settings.neo4j_database
        assert worked_out_latest_links(neo4j_driver, place, database=database) == latest
        assert any(new in entry for entry in latest[0]), place

    # What each person keeps of their earliest reports (to name them) is of their own reports.
    for person, earliest in ((world.dean, r1), (new, r2)):
        records, _, _ = neo4j_driver.execute_query(queries.PERSON_FIRST_SAID, person_id=person)
        kept = records[0]["said_first"] + records[0]["said_first_role"]
        assert kept and {entry[22:58] for entry in kept} == {earliest}, person

    profile = world.client.get(f"/v1/entities/{new}", params=PURPOSE, headers=world.auth)
    assert profile.status_code == 200, profile.text
    assert {t["report_id"] for t in profile.json()["timeline"]} == {r2, r3}
    network = world.client.get(
        f"/v1/entities/{world.dean}/network", params=PURPOSE, headers=world.auth
    ).json()
    assert world.arcade not in {n["id"] for n in network["nodes"]}

    settings = world.settings
    (value,) = read_values(admin_access(settings), settings.network_decisions_topic, 1)
    published = ResolutionDecided.from_wire(value)
    assert published.decision is Verdict.SPLIT and published.decision_id == body["id"]
    assert (published.person_a, published.person_b) == (world.dean, new)


def test_a_split_is_applied_again_by_a_replay_into_a_graph_that_lost_it(
    world: Split,
    settings: InfraSettings,
    topic: str,
    decisions_topic: str,
    retractions_topic: str,
    neo4j_driver: Driver,
) -> None:
    _, r2, r3, _ = world.report_ids
    response = world.split(r2, r3)
    assert response.status_code == 201, response.text
    world.decision_ids.append(response.json()["id"])
    new = response.json()["new_person_id"]
    after = _state(neo4j_driver, world, new)

    neo4j_driver.execute_query(
        queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=world.report_ids
    )
    neo4j_driver.execute_query(queries.DELETE_DECISIONS, ids=world.decision_ids)
    assert _mentioned_by(neo4j_driver, new) == set()
    again = asyncio.run(
        replay(
            settings=settings,
            topic=topic,
            wipe_first=False,
            retractions_topic=retractions_topic,
            decisions_topic=decisions_topic,
        )
    )
    assert again.linked == len(world.events) and again.decisions >= 1
    assert _state(neo4j_driver, world, new) == after

    # Applied again on a graph that has it, nothing changes (a replay without --wipe).
    asyncio.run(
        replay(
            settings=settings,
            topic=topic,
            wipe_first=False,
            retractions_topic=retractions_topic,
            decisions_topic=decisions_topic,
        )
    )
    assert _state(neo4j_driver, world, new) == after


def test_a_split_refuses_what_it_cannot_do(world: Split, neo4j_driver: Driver) -> None:
    r1, r2, r3, ava_only = world.report_ids
    assert world.split(r2, person="person:nobody").status_code == 404
    assert world.split(str(uuid.uuid4())).status_code == 404
    not_dean = world.split(ava_only)
    assert not_dean.status_code == 422
    (error,) = not_dean.json()["detail"]
    assert error["loc"] == ["body", "report_ids"] and ava_only in error["msg"]
    everything = world.split(r1, r2, r3)
    assert everything.status_code == 422
    no_purpose = world.client.post(
        f"/v1/persons/{world.dean}/split",
        json={"report_ids": [r2], "reason": "two boys of the same name"},
        headers=world.auth,
    )
    assert no_purpose.status_code == 422
    assert _mentioned_by(neo4j_driver, world.dean) == {r1, r2, r3}

    # Refused splits are audited too: who tried what, why.
    records, _, _ = neo4j_driver.execute_query(
        queries.COUNT_AUDITED, action="person.split", id=world.dean
    )
    assert records[0]["n"] >= 3


def test_kafka_not_holding_the_split_is_a_503_and_nothing_changes(
    world: Split, neo4j_driver: Driver, tmp_path: Path
) -> None:
    _, r2, _, _ = world.report_ids
    unpublished = Settings(
        tessera_auth_file=world.settings.tessera_auth_file,
        network_decisions_topic=f"test.{uuid.uuid4().hex[:8]}.missing",
        network_publish_timeout_s=1.0,
    )
    with TestClient(create_app(unpublished)) as client:
        response = client.post(
            f"/v1/persons/{world.dean}/split",
            params=PURPOSE,
            json={"report_ids": [r2], "reason": "two boys of the same name"},
            headers=world.auth,
        )
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    new = split_person_id(world.dean, [r2])
    assert _mentioned_by(neo4j_driver, new) == set()
    assert r2 in _mentioned_by(neo4j_driver, world.dean)
