"""Runs the real services as processes on their own topics, against real Kafka and Neo4j.

The stack is the tests' one harness (tests/support/stack.py); this file only makes it a fixture.
"""

from collections.abc import Iterator

import pytest
from neo4j import Driver

from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from tests.support.stack import RunningStack, every_service


@pytest.fixture(scope="session")
def running_stack(
    settings: InfraSettings,
    kafka: KafkaAccess,
    neo4j_driver: Driver,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningStack]:
    """Start every process (ingest, the network and alert workers, the partner bridge, the APIs
    and the web) on a private set of topics."""
    yield from every_service(settings, kafka, neo4j_driver, tmp_path_factory.mktemp("stack"))
