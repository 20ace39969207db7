"""Fixtures the integration tests share."""

import os
import uuid
from collections.abc import Iterator

import pytest
from neo4j import Driver

from common.kafka_access import KafkaAccess
from schemas import topics
from schemas.topics import TopicSpec
from tessera_cli.topics import delete_topics, ensure_topics
from tests.support import queries


@pytest.fixture
def cleanup(neo4j_driver: Driver) -> Iterator[list[str]]:
    """Report ids a test adds to, deleted afterwards with whatever only they mention."""
    report_ids: list[str] = []
    yield report_ids
    neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)


@pytest.fixture
def topic(kafka: KafkaAccess) -> Iterator[str]:
    """A private reports topic of three partitions, deleted afterwards."""
    name = f"test.{uuid.uuid4().hex[:8]}.reports"
    ensure_topics(access=kafka, specs=(TopicSpec(name, partitions=3, retention_ms=-1),))
    yield name
    delete_topics(access=kafka, names=[name])


def _private_topic(kafka: KafkaAccess, kind: str) -> Iterator[str]:
    name = f"test.{uuid.uuid4().hex[:8]}.{kind}"
    ensure_topics(access=kafka, specs=(TopicSpec(name, partitions=1, retention_ms=-1),))
    yield name
    delete_topics(access=kafka, names=[name])


@pytest.fixture
def decisions_topic(kafka: KafkaAccess) -> Iterator[str]:
    """A private resolution-decisions topic (one partition, as the real one), deleted after."""
    yield from _private_topic(kafka, "resolution-decisions")


@pytest.fixture
def retractions_topic(kafka: KafkaAccess) -> Iterator[str]:
    """A private retractions topic (one partition, as the real one), deleted after."""
    yield from _private_topic(kafka, "retractions")


@pytest.fixture
def linked_topic(kafka: KafkaAccess) -> Iterator[str]:
    """A private entities-linked topic (one partition), deleted after."""
    yield from _private_topic(kafka, "entities-linked")


@pytest.fixture
def alerts_topic(kafka: KafkaAccess) -> Iterator[str]:
    """A private alerts topic (one partition, so its events read back in order), deleted after."""
    yield from _private_topic(kafka, "alerts")


@pytest.fixture(scope="session", autouse=True)
def audit_topic(kafka: KafkaAccess) -> Iterator[str]:
    """A private audit topic for the whole run (TESSERA_AUDIT_TOPIC): every service a test
    builds records its reads there, never on the installation's own audit. Its Neo4j copies
    stay (tagged with this topic): nothing may delete an audit entry, test ones included."""
    name = f"test.{uuid.uuid4().hex[:8]}.{topics.AUDIT}"
    ensure_topics(access=kafka, specs=(TopicSpec(name, partitions=1, retention_ms=-1),))
    before = os.environ.get("TESSERA_AUDIT_TOPIC")
    os.environ["TESSERA_AUDIT_TOPIC"] = name
    try:
        yield name
    finally:
        if before is None:
            os.environ.pop("TESSERA_AUDIT_TOPIC", None)
        else:
            os.environ["TESSERA_AUDIT_TOPIC"] = before
        delete_topics(access=kafka, names=[name])
