"""Fixtures the integration tests share."""

import uuid
from collections.abc import Iterator

import pytest

from schemas.topics import TopicSpec
from tessera_cli.topics import delete_topics, ensure_topics


@pytest.fixture
def topic(kafka: str) -> Iterator[str]:
    """A private reports topic of three partitions, deleted afterwards."""
    name = f"test.{uuid.uuid4().hex[:8]}.reports"
    ensure_topics(bootstrap=kafka, specs=(TopicSpec(name, partitions=3, retention_ms=-1),))
    yield name
    delete_topics(bootstrap=kafka, names=[name])


def _private_topic(kafka: str, kind: str) -> Iterator[str]:
    name = f"test.{uuid.uuid4().hex[:8]}.{kind}"
    ensure_topics(bootstrap=kafka, specs=(TopicSpec(name, partitions=1, retention_ms=-1),))
    yield name
    delete_topics(bootstrap=kafka, names=[name])


@pytest.fixture
def decisions_topic(kafka: str) -> Iterator[str]:
    """A private resolution-decisions topic (one partition, as the real one), deleted after."""
    yield from _private_topic(kafka, "resolution-decisions")


@pytest.fixture
def retractions_topic(kafka: str) -> Iterator[str]:
    """A private retractions topic (one partition, as the real one), deleted after."""
    yield from _private_topic(kafka, "retractions")
