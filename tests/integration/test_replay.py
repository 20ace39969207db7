"""Replaying the reports topic into a graph without those reports gives the same graph, and
analysts' decisions survive the replay."""

import asyncio
import uuid
from typing import Any

import pytest
from kafka import KafkaProducer
from neo4j import Driver

from common.settings import InfraSettings
from schemas.entities import Person
from schemas.reports import ReportCreate, ReportSubmitted
from services.network.reads import Neo4jAnalystGraph
from services.network.replay import replay
from services.network.resolve import new_person_id
from tests import queries
from tests.factories import report_json, submitted

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


def test_replay_into_a_graph_without_the_reports_gives_the_same_graph(
    settings: InfraSettings, kafka: str, topic: str, neo4j_driver: Driver
) -> None:
    tag = uuid.uuid4().hex[:6]
    events: list[ReportSubmitted] = [submitted(r) for r in _reports(tag)]
    report_ids = [str(e.event_id) for e in events]
    producer = KafkaProducer(bootstrap_servers=kafka, acks="all")
    for event in events:
        producer.send(topic, key=event.partition_key(), value=event.model_dump_json().encode())
    producer.flush()
    producer.close()
    try:
        first = asyncio.run(replay(settings=settings, topic=topic, wipe_first=False))
        assert first.linked == len(events)
        graph = Neo4jAnalystGraph(driver=neo4j_driver, database=settings.neo4j_database)
        dean = new_person_id(Person(name=f"Dean Walsh{tag}"), report_id=uuid.uuid4(), index=0)
        (candidate,) = graph.possible_matches(
            audiences=["all"], status="pending", person_id=dean, offset=0, limit=10
        )
        decided = graph.decide(
            candidate_id=candidate["id"],
            audiences=["all"],
            decision={
                "id": f"decision:{uuid.uuid4()}",
                "decision": "same",
                "status": "confirmed",
                "reason": "replay test",
                "decided_by": "a.analyst",
                "agency": "Synthetic Analysts",
                "decided_at": "2026-11-23T12:00:00+00:00",
            },
        )
        assert decided is not None
        before = _graph(neo4j_driver, report_ids)
        assert before[1][1], "the confirmed match is a SAME_AS link"

        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)
        assert _graph(neo4j_driver, report_ids)[0] == []
        again = asyncio.run(replay(settings=settings, topic=topic, wipe_first=False))
        assert again.linked == len(events) and again.decisions >= 1
        assert _graph(neo4j_driver, report_ids) == before
    finally:
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)
