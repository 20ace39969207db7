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
from schemas.topics import TopicSpec
from services.network.analyst.decisions import decide_candidate
from services.network.analyst.publisher import KafkaPublisher
from services.network.analyst.reads import Neo4jAnalystGraph
from services.network.identities import new_person_id
from services.network.linking.replay import ReplayOutcome, replay
from tessera_cli.topics import delete_topics, ensure_topics
from tests.support import queries
from tests.support.factories import id_key, report_json, submitted

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


def _publish_at(kafka: KafkaAccess, placed: list[tuple[str, ReportSubmitted, int]]) -> None:
    """Publish each report on its topic with the timestamp given (Kafka keeps it)."""
    producer = KafkaProducer(**kafka.client_options(), acks="all")
    for topic, event, timestamp_ms in placed:
        producer.send(
            topic,
            key=event.partition_key(),
            value=event.model_dump_json().encode(),
            timestamp_ms=timestamp_ms,
        )
    producer.flush()
    producer.close()


def test_replay_merges_the_bulk_lane_with_the_live_one_in_time_order(
    settings: InfraSettings,
    kafka: KafkaAccess,
    topic: str,
    decisions_topic: str,
    retractions_topic: str,
    neo4j_driver: Driver,
) -> None:
    """Reports split between the live and the bulk topic, alternately, replay into the graph
    that the same reports on one topic, in the same time order, make."""
    run = uuid.uuid4().hex[:8]
    bulk_topic, one_topic = f"test.{run}.reports-bulk", f"test.{run}.reports-one"
    ensure_topics(
        access=kafka,
        specs=tuple(TopicSpec(n, partitions=3, retention_ms=-1) for n in (bulk_topic, one_topic)),
    )
    tag = uuid.uuid4().hex[:6]
    events = [submitted(r) for r in _reports(tag) + _reports(tag + "b")]
    report_ids = [str(e.event_id) for e in events]
    start = int(datetime.now(UTC).timestamp() * 1000) - 60_000
    stamps = [start + 10 * i for i in range(len(events))]
    _publish_at(
        kafka,
        [
            (bulk_topic if i % 2 else topic, event, stamp)
            for i, (event, stamp) in enumerate(zip(events, stamps, strict=True))
        ],
    )
    _publish_at(kafka, [(one_topic, e, s) for e, s in zip(events, stamps, strict=True)])

    def rebuilt(**topics_read: Any) -> tuple[ReplayOutcome, Any]:
        outcome = asyncio.run(
            replay(
                settings=settings,
                wipe_first=False,
                retractions_topic=retractions_topic,
                decisions_topic=decisions_topic,
                **topics_read,
            )
        )
        graph = _graph(neo4j_driver, report_ids)
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)
        return outcome, graph

    try:
        live_only, partial = rebuilt(topic=topic)  # without the bulk lane: half the reports
        assert live_only.linked == len(events) // 2
        both, merged = rebuilt(topic=topic, bulk_topic=bulk_topic)
        assert both.linked == len(events) and not both.missing_topics
        one, single = rebuilt(topic=one_topic)
        assert one.linked == len(events)
        # Dean Walsh's mentions (reports 0 and 2 live, 1 bulk) resolve as on one topic.
        assert merged == single and merged != partial

        missing = f"test.{run}.no-such-bulk-topic"
        absent, _ = rebuilt(topic=topic, bulk_topic=missing)
        assert absent.linked == len(events) // 2 and absent.missing_topics == [missing]
    finally:
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)
        delete_topics(access=kafka, names=[bulk_topic, one_topic])
