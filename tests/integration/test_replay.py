"""Replaying the reports topic into a graph without those reports gives the same graph, and
analysts' decisions survive the replay, even into a graph that lost them: they come back from
their own topic."""

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from kafka import KafkaProducer
from neo4j import Driver

from common.auth import Principal, Role
from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas.entities import Person
from schemas.reports import ReportCreate, ReportSubmitted
from schemas.resolution import ResolutionDecided, Verdict
from services.network.decisions import decide_candidate
from services.network.publisher import KafkaPublisher
from services.network.reads import Neo4jAnalystGraph
from services.network.replay import ReplayOutcome, replay
from services.network.resolve import new_person_id
from tests import queries
from tests.factories import id_key, report_json, submitted

pytestmark = pytest.mark.integration


def _reports(tag: str) -> list[ReportCreate]:
    def young(name: str, **extra: Any) -> dict[str, Any]:
        return {"name": name, "role": "young_person", **extra}

    place = {"name": f"Synthetic Take-away {tag}", "postcode": "ZZ99 3AA", "category": "take_away"}
    events: list[dict[str, Any]] = [
        {
            "type": "sighting",
            "persons": [young(f"Dean Walsh{tag}"), young(f"Ava Synth{tag}")],
            "place": place,
        },
        {"type": "sighting", "persons": [young(f"D. Walsh{tag}")], "place": place},
        {
            "type": "sighting",
            "persons": [young(f"Walsh{tag} Dean"), young(f"Ben Synth{tag}")],
            "place": place,
        },
        {
            "type": "vehicle_sighting",
            "vehicle": {"vrm": "ZZ51 QRS", "colour": "black"},
            "place": place,
            "got_in": [young(f"Ava Synth{tag}")],
        },
        {
            "type": "association",
            "person_a": young(f"Ben Synth{tag}"),
            "person_b": {"name": f"Carl Adult{tag}", "role": "adult"},
            "nature": "risky_adult",
        },
        {
            "type": "phone_contact",
            "subject": young(f"Ava Synth{tag}"),
            "contacted_by": ["07700 900456"],
        },
    ]
    return [ReportCreate.model_validate(report_json(e)) for e in events]


def _graph(driver: Driver, report_ids: list[str]) -> tuple[list[tuple[Any, ...]], list[Any]]:
    records, _, _ = driver.execute_query(queries.MENTIONS_OF_REPORTS, report_ids=report_ids)
    mentions = sorted(tuple(r.values()) for r in records)
    ids = sorted({m[2] for m in mentions})
    records, _, _ = driver.execute_query(queries.LINKS_AMONG, ids=ids)
    links = sorted(
        (
            r["type"],
            r["source"],
            r["target"],
            r["count"],
            sorted(r["report_ids"] or []),
            r["first_seen"],
            r["last_seen"],
            r["status"],
            sorted(r["details"] or []),
        )
        for r in records
        if r["type"] != "SAME_AS"
    )
    same_as = sorted((r["source"], r["target"]) for r in records if r["type"] == "SAME_AS")
    return mentions, [links, same_as]


ANALYST = Principal(user="a.analyst", agency="Synthetic Analysts", role=Role.ANALYST)


def _publish(kafka: KafkaAccess, topic: str, events: list[ReportSubmitted]) -> None:
    producer = KafkaProducer(**kafka.client_options(), acks="all")
    for event in events:
        producer.send(topic, key=event.partition_key(), value=event.model_dump_json().encode())
    producer.flush()
    producer.close()


def _replay(
    settings: InfraSettings, topic: str, decisions_topic: str, retractions_topic: str
) -> ReplayOutcome:
    return asyncio.run(
        replay(
            settings=settings,
            topic=topic,
            wipe_first=False,
            retractions_topic=retractions_topic,
            decisions_topic=decisions_topic,
        )
    )


def _confirm_dean(
    settings: InfraSettings, kafka: KafkaAccess, decisions_topic: str, driver: Driver, tag: str
) -> ResolutionDecided:
    """An analyst confirms that "D. Walsh" is Dean Walsh, as the API does it."""
    graph = Neo4jAnalystGraph(driver=driver, database=settings.neo4j_database)
    dean = new_person_id(
        Person(name=f"Dean Walsh{tag}"), report_id=uuid.uuid4(), index=0, key=id_key()
    )
    (candidate,) = graph.possible_matches(
        audiences=["all"], status="pending", person_id=dean, offset=0, limit=10
    )
    publisher = KafkaPublisher(access=kafka, timeout_s=10.0)
    try:
        decided = decide_candidate(
            candidate_id=candidate["id"],
            verdict=Verdict.SAME,
            reason="replay test",
            principal=ANALYST,
            graph=graph,
            publisher=publisher,
            topic=decisions_topic,
            now=datetime.now(UTC),
            new_id=uuid.uuid4,
        )
    finally:
        publisher.close()
    assert decided is not None
    return decided


def test_replay_into_a_graph_without_the_reports_gives_the_same_graph(
    settings: InfraSettings,
    kafka: KafkaAccess,
    topic: str,
    decisions_topic: str,
    retractions_topic: str,
    neo4j_driver: Driver,
) -> None:
    tag = uuid.uuid4().hex[:6]
    events: list[ReportSubmitted] = [submitted(r) for r in _reports(tag)]
    report_ids = [str(e.event_id) for e in events]
    _publish(kafka, topic, events)
    decision_ids: list[str] = []
    try:
        first = _replay(settings, topic, decisions_topic, retractions_topic)
        assert first.linked == len(events)
        decided = _confirm_dean(settings, kafka, decisions_topic, neo4j_driver, tag)
        decision_ids.append(decided.decision_id)
        before = _graph(neo4j_driver, report_ids)
        merged = {m[2] for m in before[0]}
        assert decided.person_a in merged and decided.person_b not in merged, "one person now"

        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)
        assert _graph(neo4j_driver, report_ids)[0] == []
        again = _replay(settings, topic, decisions_topic, retractions_topic)
        assert again.linked == len(events) and again.decisions >= 1
        assert _graph(neo4j_driver, report_ids) == before
    finally:
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)
        neo4j_driver.execute_query(queries.DELETE_DECISIONS, ids=decision_ids)


def test_decisions_come_back_from_their_topic_into_a_graph_that_lost_them(
    settings: InfraSettings,
    kafka: KafkaAccess,
    topic: str,
    decisions_topic: str,
    retractions_topic: str,
    neo4j_driver: Driver,
) -> None:
    tag = uuid.uuid4().hex[:6]
    events: list[ReportSubmitted] = [submitted(r) for r in _reports(tag)]
    report_ids = [str(e.event_id) for e in events]
    _publish(kafka, topic, events)
    decision_ids: list[str] = []
    try:
        _replay(settings, topic, decisions_topic, retractions_topic)
        decided = _confirm_dean(settings, kafka, decisions_topic, neo4j_driver, tag)
        decision_ids.append(decided.decision_id)
        before = _graph(neo4j_driver, report_ids)
        same = {"a": decided.person_a, "b": decided.person_b}
        assert neo4j_driver.execute_query(queries.SAME_AS_BETWEEN, same)[0][0]["n"] == 1

        # Everything this test made is gone, the analyst's decision too: a brand-new database.
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)
        neo4j_driver.execute_query(queries.DELETE_DECISIONS, ids=decision_ids)
        assert _graph(neo4j_driver, report_ids) == ([], [[], []])
        assert neo4j_driver.execute_query(queries.COUNT_DECISIONS, ids=decision_ids)[0][0]["n"] == 0

        again = _replay(settings, topic, decisions_topic, retractions_topic)
        assert again.linked == len(events) and again.decisions >= 1
        assert neo4j_driver.execute_query(queries.COUNT_DECISIONS, ids=decision_ids)[0][0]["n"] == 1
        assert neo4j_driver.execute_query(queries.SAME_AS_BETWEEN, same)[0][0]["n"] == 1
        assert _graph(neo4j_driver, report_ids) == before
    finally:
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)
        neo4j_driver.execute_query(queries.DELETE_DECISIONS, ids=decision_ids)
