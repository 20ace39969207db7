"""Kafka (KRaft) and Neo4j 5.26 Community from Maven Central jars, on 127.0.0.1, no Docker."""

import base64
import hashlib
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common.kafka_access import KafkaAccess
from common.private_files import write_private
from tessera_cli.kafka_certificates import ensure_certificates
from tessera_cli.kafka_principals import ensure_broker_credentials
from tessera_cli.paths import INFRA, LOGS, STATE, ensure_state_dirs
from tessera_cli.processes import ManagedProcess, port_open, wait_until

JAVA_17 = Path("/usr/lib/jvm/java-17-openjdk-amd64/bin/java")
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies"
HEALTH_TIMEOUT_S = 120.0

KAFKA_PORTS = (9092, 9093)
NEO4J_PORTS = (7687,)


class InfraError(Exception):
    """Something the user must fix; the message says what and how."""


@dataclass(frozen=True, slots=True)
class Server:
    """One of the two servers: where its recipe, jars and data live."""

    name: str
    main_class: str
    ports: tuple[int, ...]

    @property
    def recipe(self) -> Path:
        return INFRA / "local" / self.name

    @property
    def lib(self) -> Path:
        return STATE / f"{self.name}-lib"

    @property
    def data(self) -> Path:
        return STATE / f"{self.name}-data"

    @property
    def process(self) -> ManagedProcess:
        return ManagedProcess(name=self.name, marker=self.main_class)


KAFKA = Server("kafka", "kafka.Kafka", KAFKA_PORTS)
NEO4J = Server("neo4j", "org.neo4j.server.CommunityEntryPoint", NEO4J_PORTS)
SERVERS = (KAFKA, NEO4J)


# ---- Java and jars ---------------------------------------------------------------------------


def java() -> str:
    """The Java 17 executable: JAVA_HOME if set, else Debian's OpenJDK 17, else `java`."""
    candidates = []
    if home := os.environ.get("JAVA_HOME"):
        candidates.append(Path(home) / "bin" / "java")
    candidates.append(JAVA_17)
    if found := shutil.which("java"):
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.exists() and _java_major(candidate) in (17, 21):
            return str(candidate)
    raise InfraError(
        "Java 17 (or 21) is required: Neo4j 5.26 supports only these and Kafka 4 needs 17+. "
        "Install it (apt-get install -y openjdk-17-jre-headless) or set JAVA_HOME to it."
    )


def _java_major(executable: Path) -> int | None:
    result = subprocess.run(
        [str(executable), "-version"], capture_output=True, text=True, check=False
    )
    match = re.search(r'version "(\d+)', result.stderr)
    return int(match.group(1)) if match else None


def _pom_digest(server: Server) -> str:
    return hashlib.sha256((server.recipe / "pom.xml").read_bytes()).hexdigest()


def jars_ready(server: Server) -> bool:
    """Whether the jar cache is complete and matches the pom it was fetched for."""
    stamp = server.lib / ".fetched"
    return stamp.exists() and stamp.read_text().strip() == _pom_digest(server)


def fetch(server: Server, *, force: bool = False, echo: Callable[[str], None] = print) -> None:
    """Download the server's jars with Maven into the ignored cache, unless already there."""
    if jars_ready(server) and not force:
        return
    if shutil.which("mvn") is None:
        raise InfraError("Maven (mvn) is required to fetch the jars: apt-get install -y maven")
    ensure_state_dirs()
    staging = server.lib.with_name(server.lib.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    echo(f"fetching {server.name} jars from Maven Central (first time only; takes minutes)...")
    started = time.monotonic()
    result = subprocess.run(
        [
            "mvn",
            "-B",
            "-q",
            "-f",
            str(server.recipe / "pom.xml"),
            DEPENDENCY_PLUGIN,
            "-DincludeScope=runtime",
            f"-DoutputDirectory={staging}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise InfraError(
            f"Maven could not fetch the {server.name} jars (exit {result.returncode}):\n"
            f"{(result.stdout + result.stderr)[-3000:]}\n"
            "If the local Maven cache is corrupt, remove ~/.m2/repository/org/apache/kafka "
            "or ~/.m2/repository/org/neo4j and run `tessera infra fetch --force`."
        )
    (staging / ".fetched").write_text(_pom_digest(server))
    shutil.rmtree(server.lib, ignore_errors=True)
    staging.rename(server.lib)
    echo(f"{server.name} jars ready in {time.monotonic() - started:.0f}s")


# ---- Kafka -----------------------------------------------------------------------------------


def render_kafka_config(
    secrets: Path,
    *,
    template: Path,
    out: Path,
    data_dir: str,
    secrets_in_broker: str | None = None,
) -> Path:
    """A broker configuration from a template, with its data folder, certificates and passwords.

    The certificates and the broker's and administrator's passwords are made in `secrets` the
    first time; the file is written readable by its owner only, as it holds passwords.
    `secrets_in_broker` is where the broker sees that folder (a container's mount).
    """
    broker, admin = ensure_broker_credentials(secrets)
    ensure_certificates(secrets)
    text = template.read_text()
    for placeholder, value in (
        ("@DATA_DIR@", data_dir),
        ("@SECRETS_DIR@", secrets_in_broker or str(secrets.resolve())),
        ("@BROKER_PASSWORD@", broker.password.get_secret_value()),
        ("@ADMIN_PASSWORD@", admin.password.get_secret_value()),
    ):
        text = text.replace(placeholder, value)
    return write_private(out, text)


def _kafka_config(secrets: Path) -> Path:
    """The local broker's configuration (infra/local/kafka/server.properties, rendered)."""
    return render_kafka_config(
        secrets,
        template=KAFKA.recipe / "server.properties",
        out=STATE / "kafka-server.properties",
        data_dir=str(KAFKA.data),
    )


def kafka_version() -> str:
    """The Kafka version the recipe fetches (from its pom)."""
    match = re.search(r"<kafka.version>([^<]+)<", (KAFKA.recipe / "pom.xml").read_text())
    if match is None:
        raise InfraError(f"{KAFKA.recipe / 'pom.xml'} names no kafka.version")
    return match.group(1)


def _version_stamp() -> Path:
    """Which Kafka version formatted the data folder (kept beside it)."""
    return KAFKA.data.with_name(f"{KAFKA.data.name}.version")


def _set_aside_newer_data(echo: Callable[[str], None]) -> None:
    """Move away a data folder another Kafka version formatted (4.4's cannot be read by 3.9)."""
    stamp = _version_stamp()
    version = kafka_version()
    if not (KAFKA.data / "meta.properties").exists():
        return
    if stamp.exists() and stamp.read_text().strip() == version:
        return
    aside = KAFKA.data.with_name(f"{KAFKA.data.name}.before-{version}-{int(time.time())}")
    KAFKA.data.rename(aside)
    echo(
        f"kafka: the data in {KAFKA.data} was written by another Kafka version and cannot be "
        f"read by {version}; it was moved to {aside} and the broker starts empty "
        "(re-import the reports, then `tessera replay --wipe` rebuilds the graph)"
    )


def _format_kafka(config: Path) -> None:
    if (KAFKA.data / "meta.properties").exists():
        return
    cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
    result = subprocess.run(
        [
            java(),
            "-Xmx256m",
            "-cp",
            f"{KAFKA.lib}/*",
            "kafka.tools.StorageTool",
            "format",
            # Joined to its option: an id may begin with "-" (one in 64), which the tool's
            # parser would otherwise take for an option and fail on.
            f"--cluster-id={cluster_id}",
            "-c",
            str(config),
            "--ignore-formatted",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise InfraError(f"formatting Kafka's storage failed:\n{result.stdout}{result.stderr}")
    _version_stamp().write_text(kafka_version())


def _kafka_healthy(access: Callable[[], KafkaAccess]) -> Callable[[], bool]:
    def check() -> bool:
        from kafka import KafkaAdminClient

        admin = KafkaAdminClient(**access().client_options(), request_timeout_ms=3000)
        try:
            return bool(admin.describe_cluster()["brokers"])
        finally:
            admin.close()

    return check


def start_kafka(
    *, secrets: Path, access: Callable[[], KafkaAccess], echo: Callable[[str], None] = print
) -> str:
    """Start the broker unless ours is already running; wait until it serves metadata.

    The broker's certificates and its own and the administrator's passwords are made in
    `secrets` the first time; `access` is how the administrator reaches it then.
    """
    stale = KAFKA.process.clear_stale()
    if KAFKA.process.pid() is not None:
        return "kafka: already running"
    _refuse_busy_ports(KAFKA)
    fetch(KAFKA)
    config = _kafka_config(secrets)
    _set_aside_newer_data(echo)
    _format_kafka(config)
    KAFKA.process.start(
        [
            java(),
            "-Xms512m",
            "-Xmx512m",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dkafka.logs.dir={LOGS}",
            f"-Dlog4j.configuration=file:{KAFKA.recipe / 'log4j.properties'}",
            "-cp",
            f"{KAFKA.lib}/*",
            KAFKA.main_class,
            str(config),
        ]
    )
    took = wait_until(
        _kafka_healthy(access), process=KAFKA.process, timeout_s=HEALTH_TIMEOUT_S, what="Kafka"
    )
    return _started(stale, f"kafka: started on 127.0.0.1:9092 in {took:.1f}s")


# ---- Neo4j -----------------------------------------------------------------------------------


def _neo4j_home(page_cache: str) -> Path:
    home = NEO4J.data
    (home / "conf").mkdir(parents=True, exist_ok=True)
    recipe = (NEO4J.recipe / "neo4j.conf").read_text()
    (home / "conf" / "neo4j.conf").write_text(
        f"{recipe.rstrip()}\nserver.memory.pagecache.size={page_cache}\n"
    )
    return home


def start_neo4j(
    *, connected: Callable[[], bool], heap: str = "1g", page_cache: str = "256m"
) -> str:
    """Start Neo4j unless ours is already running, with this heap and page cache (sizes such as
    `512m` or `2g`); wait until Bolt answers RETURN 1."""
    stale = NEO4J.process.clear_stale()
    if NEO4J.process.pid() is not None:
        return "neo4j: already running"
    _refuse_busy_ports(NEO4J)
    fetch(NEO4J)
    home = _neo4j_home(page_cache)
    NEO4J.process.start(
        [
            java(),
            f"-Xms{heap}",
            f"-Xmx{heap}",
            "-XX:+UseG1GC",
            "-XX:-OmitStackTraceInFastThrow",
            "-Dfile.encoding=UTF-8",
            "-cp",
            f"{NEO4J.lib}/*",
            NEO4J.main_class,
            f"--home-dir={home}",
            f"--config-dir={home / 'conf'}",
            "--console-mode",
        ]
    )
    took = wait_until(connected, process=NEO4J.process, timeout_s=HEALTH_TIMEOUT_S, what="Neo4j")
    return _started(stale, f"neo4j: started on 127.0.0.1:7687 in {took:.1f}s")


def _started(stale: str | None, message: str) -> str:
    return f"{stale}\n{message}" if stale else message


# ---- common ----------------------------------------------------------------------------------


def _refuse_busy_ports(server: Server) -> None:
    busy = [port for port in server.ports if port_open(port)]
    if busy:
        ports = ", ".join(str(p) for p in busy)
        raise InfraError(
            f"cannot start {server.name}: port {ports} on 127.0.0.1 is in use by another "
            f"process, not by Tessera's {server.name}. Find it with "
            f"`ss -ltnp 'sport = :{busy[0]}'`, stop it, then run `tessera infra up` again."
        )


def stop_all() -> list[str]:
    """Stop both servers (Kafka first, so nothing writes while Neo4j closes its store)."""
    return [server.process.stop(timeout_s=30.0) for server in SERVERS]


def status_lines() -> list[tuple[str, str, str]]:
    """Name, state and detail of each server."""
    rows = []
    for server in SERVERS:
        pid = server.process.pid()
        ports = ", ".join(str(p) for p in server.ports)
        if pid is not None:
            state = "running" if all(port_open(p) for p in server.ports[:1]) else "starting"
            rows.append(
                (server.name, state, f"pid {pid}, ports {ports}, log {server.process.log_file}")
            )
        elif any(port_open(p) for p in server.ports):
            rows.append((server.name, "port busy", f"ports {ports} held by another process"))
        else:
            rows.append(
                (
                    server.name,
                    "stopped",
                    f"jars {'cached' if jars_ready(server) else 'not fetched'}",
                )
            )
    return rows


def running() -> bool:
    """Whether both of our servers are running."""
    return all(server.process.pid() is not None for server in SERVERS)
