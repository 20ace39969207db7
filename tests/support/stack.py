"""The one harness that starts a private Tessera: its own topics, grants, ports, tokens and
processes, against the running Kafka and Neo4j.

The processes are the real services, started with the commands `tessera run` uses, on topics
named after the run (`<prefix>.<run>.<topic>`, with the partitions the real ones have) that the
services reach with exactly the grants they have in production, so nothing else reads what they
write and a grant the stack lacks fails here as it would there. A process can be killed (SIGKILL,
by its pid) and started again on the same topics, ports and consumer groups, and one service can
run as several processes (`start_service(name, instance=...)`) that share its consumer group.

The end-to-end and browser tests (`running_stack`), the scale-out tests, the fault tests and the
benchmarks all start their Tessera here.
"""

import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType

import httpx
from kafka import KafkaAdminClient
from kafka.errors import KafkaError
from neo4j import Driver

from common.auth import Role, TokenStore
from common.kafka_access import KafkaAccess
from common.keys import person_id_key
from common.settings import InfraSettings
from schemas import topics
from schemas.topics import TOPIC_SPECS
from services.alerts.config import Settings as AlertSettings
from services.ingest.config import Settings as IngestSettings
from services.network.config import Settings as NetworkSettings
from tessera_cli import stack
from tessera_cli.kafka_principals import (
    TopicNames,
    admin_access,
    revoke_grants,
    secure_services,
    service_grants,
)
from tessera_cli.topics import ensure_topics
from tests.support import queries
from tests.support.population import AGENCIES, BENCH_USER

READY_TIMEOUT_S = 120.0
ALL_SERVICES = ("network-worker", "alerts-worker", "ingest-api", "alerts-api")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# The short names the tests and benchmarks give the run's topics.
TOPIC_KEYS = {
    topics.REPORTS: "reports",
    topics.REPORTS_BULK: "reports_bulk",
    topics.REPORTS_DEAD_LETTER: "dead_letters",
    topics.ENTITIES_LINKED: "linked",
    topics.ENTITIES_LINKED_BULK: "linked_bulk",
    topics.ALERTS: "alerts",
    topics.RETRACTIONS: "retractions",
    topics.RESOLUTION_DECISIONS: "decisions",
    topics.AUDIT: "audit",
}


class StackFailed(Exception):
    """A process exited or did not become ready; the message has the end of its log."""


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def topic_settings(private: dict[str, str]) -> dict[str, str]:
    """Environment naming a private topic for every topic setting of every service.

    A service setting is a topic when its name ends in `_topic` and its default is one of
    Tessera's topics, so a topic added later is made private without changing this file.
    """
    env = {}
    for settings in (IngestSettings, NetworkSettings, AlertSettings):
        for name, setting in settings.model_fields.items():
            if name.endswith("_topic") and setting.default in private:
                env[name.upper()] = private[setting.default]
    return env


@dataclass
class Running:
    """One process of the private stack."""

    service: stack.Service
    process: subprocess.Popen[bytes]
    log: Path
    log_offset: int


class PrivateStack:
    """Some of Tessera's processes on topics, ports and a token store of their own."""

    def __init__(
        self,
        *,
        settings: InfraSettings,
        workdir: Path,
        services: tuple[str, ...] = ALL_SERVICES,
        extra_env: dict[str, str] | None = None,
        prefix: str = "bench",
        agencies: tuple[str, ...] = AGENCIES,
        submitter: str = BENCH_USER,
        police: tuple[str, str] = ("pc.bench", AGENCIES[2]),  # the police user and its force
        log_dir: Path | None = None,
        log_prefix: str = "",
    ) -> None:
        self.settings = settings
        self.workdir = workdir
        self.wanted = services
        self.run = uuid.uuid4().hex[:8]
        self.prefix = prefix
        self.log_dir = log_dir or workdir
        self.log_prefix = log_prefix
        # Every topic Tessera has, under a name of this run's, and by its short name.
        self.private = {spec.name: f"{prefix}.{self.run}.{spec.name}" for spec in TOPIC_SPECS}
        self.topics = {key: self.private[name] for name, key in TOPIC_KEYS.items()}
        self.grants = TopicNames.renamed(
            lambda topic: f"{prefix}.{self.run}.{topic}", group_prefix=f"{prefix}-{self.run}"
        )
        self.ports = {
            "ingest": free_port(),
            "network": free_port(),
            "alerts": free_port(),
            "web": free_port(),
        }
        self.ingest_url = f"http://127.0.0.1:{self.ports['ingest']}"
        self.network_url = f"http://127.0.0.1:{self.ports['network']}"
        self.alerts_url = f"http://127.0.0.1:{self.ports['alerts']}"
        self.web_url = f"http://127.0.0.1:{self.ports['web']}"
        self.auth_file = workdir / "users.json"
        tokens = TokenStore(self.auth_file)
        for agency in agencies:
            tokens.add_agency(agency)
        self.submitter_token = tokens.issue(user=submitter, agency=agencies[0], role=Role.SUBMITTER)
        self.police_token = tokens.issue(user=police[0], agency=police[1], role=Role.POLICE)
        self.groups = {
            "network": f"{prefix}-{self.run}-network",
            "alerts": f"{prefix}-{self.run}-alerts",
        }
        self.partner_prefix = f"{prefix}.{self.run}.{topics.PARTNER_PREFIX}"
        self.env = {
            **os.environ,
            "TESSERA_AUTH_FILE": str(self.auth_file),
            "KAFKA_SECRETS_DIR": str(Path(settings.kafka_secrets_dir).resolve()),
            "TESSERA_PERSON_ID_KEY": person_id_key(InfraSettings()).hex(),
            "INGEST_LEDGER_FILE": str(workdir / "ledger.sqlite3"),
            "NETWORK_APP_ID": self.groups["network"],
            "ALERTS_APP_ID": self.groups["alerts"],
            "NETWORK_PARTNER_TOPIC_PREFIX": self.partner_prefix,
            "NETWORK_BRIDGE_GROUP": f"{prefix}-{self.run}-bridge",
            **topic_settings(self.private),
            **(extra_env or {}),
        }
        self.running: dict[str, Running] = {}
        self.report_ids: list[str] = []  # what a test had acknowledged, for its clean-up
        self._secured = False

    @property
    def submitter_headers(self) -> dict[str, str]:
        """The Authorization header of the run's submitter."""
        return {"Authorization": f"Bearer {self.submitter_token}"}

    def __enter__(self) -> "PrivateStack":
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def create_topics(self) -> None:
        """Create the run's topics with the partitions the real ones have (kept forever), and
        grant the services on them what they have on the real ones."""
        admin = admin_access(self.settings)
        ensure_topics(
            access=admin,
            specs=tuple(
                replace(spec, name=self.private[spec.name], retention_ms=-1) for spec in TOPIC_SPECS
            ),
        )
        secure_services(admin, Path(self.settings.kafka_secrets_dir), self.grants)
        self._secured = True

    def start(self) -> None:
        """Create the topics and start every wanted service, waiting until each is ready."""
        try:
            self.create_topics()
            for name in self.wanted:
                self.start_service(name)
        except BaseException:
            self.stop()
            raise

    def _service(self, name: str) -> stack.Service:
        services = stack.services(
            ingest_port=self.ports["ingest"],
            network_port=self.ports["network"],
            alerts_port=self.ports["alerts"],
            web_port=self.ports["web"],
        )
        return next(s for s in services if s.name == name)

    def start_service(
        self,
        name: str,
        *,
        instance: str | None = None,
        wait: bool = True,
        env: Mapping[str, str] | None = None,
    ) -> Running:
        """Start one service (again); `instance` names a further process of it, in a folder of
        its own, and `env` sets more of its environment. Its output goes to
        `<log_dir>/<log_prefix><instance or name>.log`, appended to on a restart."""
        key = instance or name
        service = self._service(name)
        log = self.log_dir / f"{self.log_prefix}{key}.log"
        workdir = self.workdir if instance is None else self.workdir / instance
        workdir.mkdir(parents=True, exist_ok=True)
        again = key in self.running
        offset = log.stat().st_size if again and log.exists() else 0
        with log.open("ab" if again else "wb") as out:
            process = subprocess.Popen(
                list(service.command),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**self.env, **dict(service.env), **(env or {})},
                cwd=workdir,
                start_new_session=True,
            )
        running = Running(service, process, log, offset)
        self.running[key] = running
        if wait:
            self.wait_ready(key)
        return running

    def wait_ready(self, name: str, *, timeout_s: float = READY_TIMEOUT_S) -> float:
        """Wait until the process answers its health check (or, a worker, logs Ready)."""
        running = self.running[name]
        began = time.monotonic()
        while time.monotonic() - began < timeout_s:
            if running.process.poll() is not None:
                raise StackFailed(f"{name} exited:\n{self.log_tail(name)}")
            if running.service.health_url is not None:
                try:
                    if httpx.get(running.service.health_url, timeout=1.0).status_code == 200:
                        return time.monotonic() - began
                except httpx.HTTPError:
                    pass
            else:
                seen = running.log.read_bytes()[running.log_offset :]
                if stack.WORKER_READY.encode() in seen:
                    return time.monotonic() - began
            time.sleep(0.2)
        raise StackFailed(f"{name} not ready in {timeout_s:.0f}s:\n{self.log_tail(name)}")

    def pid(self, name: str) -> int:
        """The pid of a running process."""
        return self.running[name].process.pid

    def kill(self, name: str) -> None:
        """kill -9 the process (by its pid) and reap it."""
        running = self.running[name]
        running.process.send_signal(signal.SIGKILL)
        running.process.wait(timeout=30)

    def restart(self, name: str) -> Running:
        """Start a killed or stopped process again on the same topics, ports and group."""
        service = self.running[name].service.name
        return self.start_service(service, instance=None if name == service else name)

    def log_tail(self, name: str, lines: int = 40) -> str:
        """The end of a process's log."""
        running = self.running.get(name)
        log = running.log if running else self.log_dir / f"{self.log_prefix}{name}.log"
        if not log.exists():
            return "(no log)"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, *, delete_topics_too: bool = True) -> None:
        """Stop every process (TERM, then KILL after 30 s), revoke the run's grants and delete
        its topics."""
        for running in reversed(list(self.running.values())):
            if running.process.poll() is None:
                running.process.terminate()
        for running in self.running.values():
            try:
                running.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                running.process.kill()
                running.process.wait(timeout=10)
        self.running.clear()
        if self._secured:
            revoke_grants(admin_access(self.settings), service_grants(self.grants))
            self._secured = False
        if delete_topics_too:
            self.delete_topics()

    def delete_topics(self, *, attempts: int = 10) -> None:
        """Delete the run's topics, again until none is listed (a delete right after a worker
        stopped can leave a topic or two behind)."""
        admin = KafkaAdminClient(**admin_access(self.settings).client_options())
        try:
            left = list(self.private.values())
            for _ in range(attempts):
                left = [name for name in left if name in set(admin.list_topics())]
                if not left:
                    return
                try:
                    admin.delete_topics(left)
                except KafkaError as error:
                    print(f"warning: deleting topics of run {self.run}: {error}")  # noqa: T201
                time.sleep(1.0)
            print(f"warning: topics of run {self.run} not deleted: {left}")  # noqa: T201
        finally:
            admin.close()


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


def every_service(
    settings: InfraSettings, kafka: KafkaAccess, neo4j_driver: Driver, workdir: Path
) -> Iterator[RunningStack]:
    """Start every process of Tessera (the web's too) on a private set of topics, yield what
    the end-to-end and browser tests use of it, then stop it and remove the reports the tests
    submitted. Each process logs to test-artifacts/e2e-<name>.log."""
    ARTIFACTS.mkdir(exist_ok=True)
    private = PrivateStack(
        settings=settings,
        workdir=workdir,
        services=tuple(s.name for s in stack.services()),
        extra_env={"ALERTS_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]'},  # the tests' receivers
        prefix="e2e",
        agencies=("Synthetic Home A", "Synthetic Police"),
        submitter="k.worker",
        police=("pc.synth", "Synthetic Police"),
        log_dir=ARTIFACTS,
        log_prefix="e2e-",
    )
    private.start()  # stops what it started if a process is not ready
    running = RunningStack(
        ingest_url=private.ingest_url,
        alerts_url=private.alerts_url,
        submitter_token=private.submitter_token,
        police_token=private.police_token,
        topics=private.topics,
        network_url=private.network_url,
        web_url=private.web_url,
        auth_file=private.auth_file,
        access=kafka,
        groups=private.groups,
        partner_prefix=private.partner_prefix,
    )
    try:
        yield running
    finally:
        private.stop()
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=running.report_ids
        )
