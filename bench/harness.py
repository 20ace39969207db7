"""A private Tessera for benchmarks and fault tests: its own topics, ports, tokens and processes.

The processes are the real services, started with the same commands `tessera run` uses (as
tests/e2e/conftest.py does), against the running Kafka and Neo4j but on topics named after the
run, so nothing else reads what they write. A process can be killed (SIGKILL, by its pid) and
started again on the same topics, ports and consumer groups.
"""

import math
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType

import httpx
from kafka import KafkaAdminClient
from kafka.errors import KafkaError
from neo4j import Driver, GraphDatabase

from bench.population import AGENCIES, BENCH_USER
from common.auth import Role, TokenStore
from common.keys import person_id_key
from common.settings import InfraSettings
from schemas import topics
from schemas.topics import TOPIC_SPECS
from services.alerts.config import Settings as AlertSettings
from services.ingest.config import Settings as IngestSettings
from services.network.config import Settings as NetworkSettings
from tessera_cli import stack
from tessera_cli.kafka_principals import TopicNames, admin_access, secure_services
from tessera_cli.topics import ensure_topics

READY_TIMEOUT_S = 120.0
ALL_SERVICES = ("network-worker", "alerts-worker", "ingest-api", "alerts-api")


class StackFailed(Exception):
    """A process exited or did not become ready; the message has the end of its log."""


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: Iterable[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..100) of the values; nan when there are none."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def neo4j_driver(settings: InfraSettings) -> Driver:
    """A sync driver to the running Neo4j."""
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )


def topic_settings(private: dict[str, str]) -> dict[str, str]:
    """Environment naming a private topic for every topic setting of every service.

    A service setting is a topic when its name ends in `_topic` and its default is one of
    Tessera's topics, so a topic added later is made private without changing this file.
    """
    env = {}
    for settings in (IngestSettings, NetworkSettings, AlertSettings):
        for name, field in settings.model_fields.items():
            if name.endswith("_topic") and field.default in private:
                env[name.upper()] = private[field.default]
    return env


@dataclass
class Running:
    """One service process of the private stack."""

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
    ) -> None:
        self.settings = settings
        self.workdir = workdir
        self.wanted = services
        self.run = uuid.uuid4().hex[:8]
        self.prefix = prefix
        # Every topic Tessera has, under a name of this run's; the short names for the four the
        # benchmarks and fault tests read.
        self.private = {spec.name: f"{prefix}.{self.run}.{spec.name}" for spec in TOPIC_SPECS}
        self.topics = {
            "reports": self.private[topics.REPORTS],
            "dead_letters": self.private[topics.REPORTS_DEAD_LETTER],
            "linked": self.private[topics.ENTITIES_LINKED],
            "alerts": self.private[topics.ALERTS],
        }
        self.ports = {"ingest": free_port(), "network": free_port(), "alerts": free_port()}
        self.ingest_url = f"http://127.0.0.1:{self.ports['ingest']}"
        self.alerts_url = f"http://127.0.0.1:{self.ports['alerts']}"
        auth_file = workdir / "users.json"
        tokens = TokenStore(auth_file)
        for agency in AGENCIES:
            tokens.add_agency(agency)
        self.submitter_token = tokens.issue(
            user=BENCH_USER, agency=AGENCIES[0], role=Role.SUBMITTER
        )
        self.police_token = tokens.issue(user="pc.bench", agency=AGENCIES[2], role=Role.POLICE)
        self.env = {
            **os.environ,
            "TESSERA_AUTH_FILE": str(auth_file),
            "KAFKA_SECRETS_DIR": str(Path(settings.kafka_secrets_dir).resolve()),
            "TESSERA_PERSON_ID_KEY": person_id_key(InfraSettings()).hex(),
            "INGEST_LEDGER_FILE": str(workdir / "ledger.sqlite3"),
            "NETWORK_APP_ID": f"{prefix}-{self.run}-network",
            "ALERTS_APP_ID": f"{prefix}-{self.run}-alerts",
            **topic_settings(self.private),
            **(extra_env or {}),
        }
        self.running: dict[str, Running] = {}

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
        """Create the run's topics with the partitions and retention the real ones have."""
        admin = admin_access(self.settings)
        ensure_topics(
            access=admin,
            specs=tuple(
                replace(spec, name=self.private[spec.name], retention_ms=-1) for spec in TOPIC_SPECS
            ),
        )
        # The services connect as themselves, with the ACLs they have on the real topics.
        names = TopicNames.renamed(
            lambda topic: f"{self.prefix}.{self.run}.{topic}",
            group_prefix=f"{self.prefix}-{self.run}",
        )
        secure_services(admin, Path(self.settings.kafka_secrets_dir), names)

    def start(self) -> None:
        """Create the topics and start every wanted service, waiting until each is ready."""
        self.create_topics()
        try:
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
        )
        return next(s for s in services if s.name == name)

    def start_service(self, name: str, *, wait: bool = True) -> Running:
        """Start one service (again), its output appended to its log in the work folder."""
        service = self._service(name)
        log = self.workdir / f"{name}.log"
        offset = log.stat().st_size if log.exists() else 0
        with log.open("ab") as out:
            process = subprocess.Popen(
                list(service.command),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                cwd=self.workdir,
                start_new_session=True,
            )
        running = Running(service, process, log, offset)
        self.running[name] = running
        if wait:
            self.wait_ready(name)
        return running

    def wait_ready(self, name: str, *, timeout_s: float = READY_TIMEOUT_S) -> float:
        """Wait until the service answers its health check (or, a worker, logs Ready)."""
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
        """The pid of a running service."""
        return self.running[name].process.pid

    def kill(self, name: str) -> None:
        """kill -9 the service's process (by its pid) and reap it."""
        running = self.running[name]
        running.process.send_signal(signal.SIGKILL)
        running.process.wait(timeout=30)

    def restart(self, name: str) -> Running:
        """Start a killed or stopped service again on the same topics, ports and group."""
        return self.start_service(name)

    def log_tail(self, name: str, lines: int = 40) -> str:
        """The end of a service's log."""
        log = self.workdir / f"{name}.log"
        if not log.exists():
            return "(no log)"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, *, delete_topics_too: bool = True) -> None:
        """Stop every process (TERM, then KILL after 30 s) and delete the run's topics."""
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
                    print(f"warning: deleting topics of run {self.run}: {error}")
                time.sleep(1.0)
            print(f"warning: topics of run {self.run} not deleted: {left}")
        finally:
            admin.close()
