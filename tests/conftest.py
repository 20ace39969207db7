"""Shared fixtures. Integration and e2e tests FAIL (never skip) when Kafka or Neo4j is missing."""

import socket
from collections.abc import Iterator

import pytest
from neo4j import Driver, GraphDatabase

from common.settings import InfraSettings


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
def kafka(settings: InfraSettings) -> str:
    """Kafka's bootstrap address; fails the test when the broker is not up."""
    bootstrap = settings.kafka_bootstrap_servers.split(",")[0]
    if not _reachable(bootstrap):
        pytest.fail(f"Kafka is not reachable at {bootstrap}: run `make infra-up` (or `make test`)")
    return settings.kafka_bootstrap_servers


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
