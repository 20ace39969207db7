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
