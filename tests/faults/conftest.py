"""A private Tessera per fault test, whose processes the test kills and starts again.

Fault tests run only when asked for (`make test-faults`, i.e. `pytest -m faults`): some of them
restart the shared Kafka broker or Neo4j server, which would break any other test running then.
"""

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from tests.support.cleanup import delete_reports
from tests.support.stack import ARTIFACTS, PrivateStack

SERVICES = ("network-worker", "alerts-worker", "ingest-api")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave fault tests out unless the marker expression names them."""
    if "faults" in (config.option.markexpr or ""):
        return
    faults = [item for item in items if item.get_closest_marker("faults")]
    if faults:
        config.hook.pytest_deselected(items=faults)
        items[:] = [item for item in items if not item.get_closest_marker("faults")]


@pytest.fixture
def fault_stack(
    request: pytest.FixtureRequest,
    settings: InfraSettings,
    kafka: KafkaAccess,
    neo4j_driver: Driver,
    tmp_path: Path,
) -> Iterator[PrivateStack]:
    """Network worker, alert worker and ingest API on topics of their own."""
    stack = PrivateStack(settings=settings, workdir=tmp_path, services=SERVICES, prefix="faults")
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        ARTIFACTS.mkdir(exist_ok=True)
        # One set per run: a flaky failure's logs must outlive the passing runs after it.
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for log in tmp_path.glob("*.log"):
            shutil.copy(log, ARTIFACTS / f"faults-{request.node.name}-{stamp}-{log.name}")
        delete_reports(neo4j_driver, stack.report_ids, database=settings.neo4j_database)
