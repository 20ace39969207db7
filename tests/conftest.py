"""Shared fixtures. Integration and e2e tests FAIL (never skip) when Kafka or Neo4j is missing."""

import json
import math
import socket
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver, GraphDatabase

from common.kafka_access import ADMIN, KafkaAccess, kafka_access
from common.logs import quiet_neo4j_notifications
from common.settings import InfraSettings
from tests.support.kafka_reading import grant_test_topics

quiet_neo4j_notifications()


def _reachable(host_port: str) -> bool:
    host, port = host_port.rsplit(":", 1)
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((host, int(port))) == 0


@pytest.fixture(scope="session")
def settings() -> InfraSettings:
    """The infrastructure settings the tests use: the same as every process."""
    return InfraSettings()


@pytest.fixture(scope="session")
def kafka(settings: InfraSettings) -> KafkaAccess:
    """Kafka as the administrator; fails the test when the broker is not up.

    The service principals may also use the tests' private topics and groups (test.*, test-*),
    so a service built in a test connects as itself, as in production.
    """
    bootstrap = settings.kafka_bootstrap_servers.split(",")[0]
    if not _reachable(bootstrap):
        pytest.fail(f"Kafka is not reachable at {bootstrap}: run `make infra-up` (or `make test`)")
    access = kafka_access(settings, default_user=ADMIN)
    grant_test_topics(access)
    return access


@pytest.fixture(scope="session")
def neo4j_driver(settings: InfraSettings) -> Iterator[Driver]:
    """A driver to the real Neo4j; fails the test when the server is not up."""
    driver = GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )
    try:
        driver.verify_connectivity()
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"Neo4j is not reachable at {settings.neo4j_uri}: {error}; run `make infra-up`")
    yield driver
    driver.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Make the number of tests that really ran against Kafka and Neo4j visible."""
    passed = terminalreporter.stats.get("passed", [])
    failed = terminalreporter.stats.get("failed", [])
    real = [r for r in passed + failed if "/integration/" in r.nodeid or "/e2e/" in r.nodeid]
    if real:
        ok = sum(1 for r in real if r.passed)
        terminalreporter.write_line(
            f"tests executed against real Kafka and Neo4j: {len(real)} ({ok} passed)"
        )
    _latency_summary(terminalreporter)


def _latency_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Median and 95th percentile of submission-to-alert time in the scenarios of this run."""
    log = Path(__file__).resolve().parents[1] / "test-artifacts" / "alert-latency.jsonl"
    if not log.exists():
        return
    seconds = sorted(json.loads(line)["seconds"] for line in log.read_text().splitlines())
    if seconds:
        p95 = seconds[min(len(seconds) - 1, math.ceil(0.95 * len(seconds)) - 1)]
        terminalreporter.write_line(
            f"submission to alert over {len(seconds)} scenario alerts: "
            f"median {statistics.median(seconds):.2f} s, p95 {p95:.2f} s"
        )


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start each run with an empty latency log."""
    log = Path(__file__).resolve().parents[1] / "test-artifacts" / "alert-latency.jsonl"
    log.unlink(missing_ok=True)
