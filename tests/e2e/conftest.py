"""Runs the real services as processes on their own topics, against real Kafka and Neo4j."""

import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from neo4j import Driver

from common.auth import Role, TokenStore
from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas import topics
from schemas.topics import TopicSpec
from tessera_cli import stack
from tessera_cli.kafka_principals import (
    TopicNames,
    revoke_grants,
    secure_services,
    service_grants,
)
from tessera_cli.topics import delete_topics, ensure_topics
from tests.support import queries
from tests.support.factories import id_key

READY_TIMEOUT_S = 90.0
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningStack:
    """A private Tessera: its URLs, tokens, topics, and the reports the tests submitted."""

    ingest_url: str
    alerts_url: str
    submitter_token: str
    police_token: str
    topics: dict[str, str]
    report_ids: list[str] = field(default_factory=list)
    network_url: str = ""
    web_url: str = ""
    auth_file: Path | None = None
    access: KafkaAccess | None = None
    groups: dict[str, str] = field(default_factory=dict)  # worker -> its consumer group
    partner_prefix: str = ""  # the partner bridge reads <prefix><agency>.reports.v1

    def kafka(self) -> KafkaAccess:
        """Kafka as the administrator."""
        if self.access is None:
            raise RuntimeError("the stack was built without Kafka access")
        return self.access

    def submit(self, body: dict[str, object]) -> str:
        """POST a report as the submitter and remember its id for clean-up."""
        response = httpx.post(
            f"{self.ingest_url}/v1/reports",
            json=body,
            headers={"Authorization": f"Bearer {self.submitter_token}"},
            timeout=30.0,
        )
        assert response.status_code == 202, response.text
        report_id = str(response.json()["report_id"])
        self.report_ids.append(report_id)
        return report_id

    def retract(self, report_id: str, reason: str) -> None:
        """Retract a report as the submitter who sent it."""
        response = httpx.post(
            f"{self.ingest_url}/v1/reports/{report_id}/retract",
            json={"reason": reason},
            headers={"Authorization": f"Bearer {self.submitter_token}"},
            timeout=30.0,
        )
        assert response.status_code == 202, response.text

    def alerts(self) -> list[dict[str, object]]:
        """Every alert the police user can read, page by page."""
        alerts: list[dict[str, object]] = []
        offset: int | None = 0
        while offset is not None:
            response = httpx.get(
                f"{self.alerts_url}/v1/alerts",
                params={"limit": 200, "offset": offset, "purpose": "end-to-end test"},
                headers={"Authorization": f"Bearer {self.police_token}"},
                timeout=10.0,
            )
            assert response.status_code == 200, response.text
            page = response.json()
            alerts += page["items"]
            offset = page["next_offset"]
        return alerts


def _wait_ready(service: stack.Service, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{service.name} exited:\n{log.read_text()[-3000:]}")
        if service.health_url is not None:
            try:
                if httpx.get(service.health_url, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
        elif stack.WORKER_READY in log.read_text(errors="replace"):
            return
        time.sleep(0.3)
    pytest.fail(f"{service.name} not ready in {READY_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def running_stack(
    kafka: KafkaAccess, neo4j_driver: Driver, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStack]:
    """Start ingest, the network and alert workers and the alert API on a private set of topics."""
    run = uuid.uuid4().hex[:8]
    names = {
        "reports": f"e2e.{run}.{topics.REPORTS}",
        "reports_bulk": f"e2e.{run}.{topics.REPORTS_BULK}",
        "dead_letters": f"e2e.{run}.{topics.REPORTS_DEAD_LETTER}",
        "linked": f"e2e.{run}.{topics.ENTITIES_LINKED}",
        "linked_bulk": f"e2e.{run}.{topics.ENTITIES_LINKED_BULK}",
        "alerts": f"e2e.{run}.{topics.ALERTS}",
        "retractions": f"e2e.{run}.{topics.RETRACTIONS}",
        "decisions": f"e2e.{run}.{topics.RESOLUTION_DECISIONS}",
        "audit": f"e2e.{run}.{topics.AUDIT}",
    }
    ensure_topics(
        access=kafka,
        specs=tuple(TopicSpec(n, partitions=3, retention_ms=-1) for n in names.values()),
    )
    # Outside the tests' own prefix (test.*): the services get exactly the grants they have in
    # production, on this run's names, so a grant the stack lacks fails here as it would there.
    grants = TopicNames.renamed(lambda topic: f"e2e.{run}.{topic}", group_prefix=f"e2e-{run}")
    secure_services(kafka, Path(InfraSettings().kafka_secrets_dir), grants)
    workdir = tmp_path_factory.mktemp("stack")
    auth_file = workdir / "users.json"
    tokens = TokenStore(auth_file)
    tokens.add_agency("Synthetic Home A")
    tokens.add_agency("Synthetic Police")
    ingest_port, network_port, alerts_port = _free_port(), _free_port(), _free_port()
    web_port = _free_port()
    env = {
        **os.environ,
        "TESSERA_AUTH_FILE": str(auth_file),
        "KAFKA_SECRETS_DIR": str(Path(InfraSettings().kafka_secrets_dir).resolve()),
        "TESSERA_PERSON_ID_KEY": id_key().hex(),
        "TESSERA_AUDIT_TOPIC": names["audit"],  # every service records its reads there
        "INGEST_REPORTS_TOPIC": names["reports"],
        "INGEST_BULK_REPORTS_TOPIC": names["reports_bulk"],
        "INGEST_RETRACTIONS_TOPIC": names["retractions"],
        "NETWORK_RETRACTIONS_TOPIC": names["retractions"],
        "NETWORK_DECISIONS_TOPIC": names["decisions"],
        "NETWORK_APP_ID": f"e2e-{run}-network",
        "NETWORK_REPORTS_TOPIC": names["reports"],
        "NETWORK_DEAD_LETTER_TOPIC": names["dead_letters"],
        "NETWORK_ENTITIES_LINKED_TOPIC": names["linked"],
        "NETWORK_BULK_REPORTS_TOPIC": names["reports_bulk"],
        "NETWORK_BULK_ENTITIES_LINKED_TOPIC": names["linked_bulk"],
        "ALERTS_APP_ID": f"e2e-{run}-alerts",
        "NETWORK_PARTNER_TOPIC_PREFIX": f"e2e.{run}.{topics.PARTNER_PREFIX}",
        "NETWORK_BRIDGE_GROUP": f"e2e-{run}-bridge",
        "ALERTS_ENTITIES_LINKED_TOPIC": names["linked"],
        "ALERTS_BULK_ENTITIES_LINKED_TOPIC": names["linked_bulk"],
        "ALERTS_TOPIC": names["alerts"],
        "ALERTS_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]',  # the tests' own webhook receivers
    }
    ARTIFACTS.mkdir(exist_ok=True)
    started: list[tuple[stack.Service, subprocess.Popen[bytes], Path]] = []
    running: RunningStack | None = None
    try:
        for service in stack.services(
            ingest_port=ingest_port,
            network_port=network_port,
            alerts_port=alerts_port,
            web_port=web_port,
        ):
            log = ARTIFACTS / f"e2e-{service.name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    list(service.command),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env={**env, **dict(service.env)},
                    cwd=workdir,
                )
            started.append((service, process, log))
            _wait_ready(service, process, log)
        running = RunningStack(
            ingest_url=f"http://127.0.0.1:{ingest_port}",
            alerts_url=f"http://127.0.0.1:{alerts_port}",
            submitter_token=tokens.issue(
                user="k.worker", agency="Synthetic Home A", role=Role.SUBMITTER
            ),
            police_token=tokens.issue(user="pc.synth", agency="Synthetic Police", role=Role.POLICE),
            topics=names,
            network_url=f"http://127.0.0.1:{network_port}",
            web_url=f"http://127.0.0.1:{web_port}",
            auth_file=auth_file,
            access=kafka,
            groups={"network": env["NETWORK_APP_ID"], "alerts": env["ALERTS_APP_ID"]},
            partner_prefix=env["NETWORK_PARTNER_TOPIC_PREFIX"],
        )
        yield running
    finally:
        for _, process, _ in reversed(started):
            process.terminate()
        for _, process, _ in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        if running is not None:
            neo4j_driver.execute_query(
                queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=running.report_ids
            )
        revoke_grants(kafka, service_grants(grants))
        delete_topics(access=kafka, names=list(names.values()))
