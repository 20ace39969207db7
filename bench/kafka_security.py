"""What SASL over TLS costs: the same kafka-python clients in plain text and in SASL_SSL.

A scratch broker (its own folder and free ports; the fetched jars are reused) is started from
the real configuration, infra/local/kafka/server.properties, plus one plain-text listener that
only this benchmark has: the baseline, measured in the same run against the same broker.

Measured on each listener: a new client's connection and first metadata (what a process pays
at start, and ingest's readiness probe pays each time), one report-sized message at a time
sent with acks=all (what each 202 waits for), a burst of report-sized messages sent with
acks=all and an idempotent producer (ingest and the workers), and reading them back.

    .venv/bin/python -m bench.kafka_security --messages 20000
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ACLOperation, NewTopic, ResourceType

from common.kafka_access import INGEST, KafkaAccess, read_credential
from common.settings import InfraSettings
from tessera_cli import local_infra
from tessera_cli.kafka_principals import Grant, admin_access, apply_grants, upsert_scram_users

MESSAGE_BYTES = 1200  # about one report on the reports topic


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _start_broker(scratch: Path, secrets: Path) -> tuple[subprocess.Popen[bytes], int, int]:
    """The real broker configuration on free ports, plus a plain-text listener (ANONYMOUS)."""
    plain, secure, controller = _free_port(), _free_port(), _free_port()
    template = (local_infra.KAFKA.recipe / "server.properties").read_text()
    template = template.replace(
        "listeners=SASL_SSL://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093",
        f"listeners=SASL_SSL://127.0.0.1:{secure},PLAIN://127.0.0.1:{plain},"
        f"CONTROLLER://127.0.0.1:{controller}",
    )
    template = template.replace(
        "advertised.listeners=SASL_SSL://127.0.0.1:9092",
        f"advertised.listeners=SASL_SSL://127.0.0.1:{secure},PLAIN://127.0.0.1:{plain}",
    )
    template = template.replace("1@127.0.0.1:9093", f"1@127.0.0.1:{controller}")
    template = template.replace(
        "listener.security.protocol.map=CONTROLLER:SASL_SSL,SASL_SSL:SASL_SSL",
        "listener.security.protocol.map=CONTROLLER:SASL_SSL,SASL_SSL:SASL_SSL,PLAIN:PLAINTEXT",
    )
    # The baseline's clients are anonymous: on this scratch broker only, they may do anything.
    template = template.replace(
        "super.users=User:tessera-broker;User:tessera-admin",
        "super.users=User:tessera-broker;User:tessera-admin;User:ANONYMOUS",
    )
    (scratch / "template.properties").write_text(template)
    config = local_infra.render_kafka_config(
        secrets,
        template=scratch / "template.properties",
        out=scratch / "server.properties",
        data_dir=str(scratch / "data"),
    )
    lib = f"{local_infra.KAFKA.lib}/*"
    java = local_infra.java()
    subprocess.run(
        [
            java,
            "-Xmx256m",
            "-cp",
            lib,
            "kafka.tools.StorageTool",
            "format",
            "-t",
            "bench0000000000000000A",
            "-c",
            str(config),
        ],  # fmt: skip
        check=True,
        capture_output=True,
    )
    log = (scratch / "kafka.out").open("wb")
    broker = subprocess.Popen(
        [
            java,
            "-Xms512m",
            "-Xmx512m",
            "-XX:+UseG1GC",
            f"-Dlog4j.configuration=file:{local_infra.KAFKA.recipe / 'log4j.properties'}",
            "-cp",
            lib,
            "kafka.Kafka",
            str(config),
        ],  # fmt: skip
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return broker, plain, secure


def _wait_ready(access: KafkaAccess, broker: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if broker.poll() is not None:
            raise SystemExit("the scratch broker exited")
        try:
            admin = KafkaAdminClient(**access.client_options(), request_timeout_ms=3000)
            admin.close()
            return
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.5)
    raise SystemExit("the scratch broker did not start in 120 s")


def _connect(access: KafkaAccess) -> float:
    began = time.perf_counter()
    consumer = KafkaConsumer(**access.client_options(), group_id=None)
    consumer.topics()
    took = time.perf_counter() - began
    consumer.close()
    return took


def _one_at_a_time(access: KafkaAccess, topic: str, count: int) -> list[float]:
    producer = KafkaProducer(**access.client_options(), acks="all", enable_idempotence=True)
    value = os.urandom(MESSAGE_BYTES // 2).hex().encode()
    producer.send(topic, value=value).get(timeout=30)  # connected and warm
    times = []
    for _ in range(count):
        began = time.perf_counter()
        producer.send(topic, value=value).get(timeout=30)
        times.append(time.perf_counter() - began)
    producer.close()
    return times


def _burst(access: KafkaAccess, topic: str, count: int) -> float:
    producer = KafkaProducer(
        **access.client_options(), acks="all", enable_idempotence=True, linger_ms=5
    )
    values = [os.urandom(MESSAGE_BYTES // 2).hex().encode() for _ in range(min(count, 1000))]
    producer.send(topic, value=values[0]).get(timeout=30)
    began = time.perf_counter()
    for i in range(count):
        producer.send(topic, key=str(i).encode(), value=values[i % len(values)])
    producer.flush(timeout=300)
    took = time.perf_counter() - began
    producer.close()
    return count / took


def _read_back(access: KafkaAccess, topic: str, count: int) -> float:
    consumer = KafkaConsumer(**access.client_options(), group_id=None, enable_auto_commit=False)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    consumer.assign(partitions)
    consumer.seek_to_beginning()
    began = time.perf_counter()
    read = 0
    while read < count:
        for records in consumer.poll(timeout_ms=1000).values():
            read += len(records)
    took = time.perf_counter() - began
    consumer.close()
    return read / took


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _row(what: str, plain: float, secure: float, show: Callable[[float], str], unit: str) -> None:
    ratio = secure / plain if plain else float("nan")
    print(f"  {what:<44} {show(plain):>14} {show(secure):>14}   x{ratio:.2f} {unit}")


def _p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98]


def _measure(access: KafkaAccess, topic: str, args: argparse.Namespace) -> dict[str, float]:
    singles = _one_at_a_time(access, topic, args.single)
    return {
        "connect": statistics.median(_connect(access) for _ in range(args.connections)),
        "p50": statistics.median(singles),
        "p99": _p99(singles),
        "burst": _burst(access, topic, args.messages),
        "read": _read_back(access, topic, args.messages),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000, help="each burst's size")
    parser.add_argument("--single", type=int, default=500, help="one-at-a-time sends")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="alternating which goes first")
    args = parser.parse_args()
    settings = InfraSettings()
    secrets = Path(settings.kafka_secrets_dir)
    scratch = Path(tempfile.mkdtemp(prefix="tessera-bench-kafka-"))
    broker, plain_port, secure_port = _start_broker(scratch, secrets)
    try:
        admin = admin_access(settings)
        secure_admin = KafkaAccess(f"127.0.0.1:{secure_port}", admin.credential, admin.cafile)
        _wait_ready(secure_admin, broker)
        # A service principal (SCRAM-SHA-512), as ingest and the workers sign in.
        service = read_credential(secrets, INGEST)
        setup = KafkaAdminClient(**secure_admin.client_options())
        upsert_scram_users(setup, [service])
        apply_grants(  # ACLs as a service has them, so their check is part of what is measured
            setup,
            [
                Grant(INGEST, operation, ResourceType.TOPIC, "secure-", prefixed=True)
                for operation in (ACLOperation.READ, ACLOperation.WRITE)
            ],
        )
        topics = [f"{side}-{n}" for n in range(args.rounds) for side in ("plain", "secure")]
        setup.create_topics([NewTopic(name, 6, 1) for name in topics])
        setup.close()
        sides = {
            "plain": KafkaAccess(f"127.0.0.1:{plain_port}"),
            "secure": KafkaAccess(f"127.0.0.1:{secure_port}", service, admin.cafile),
        }
        figures: dict[str, list[dict[str, float]]] = {"plain": [], "secure": []}
        for n in range(args.rounds):
            order = ("plain", "secure") if n % 2 == 0 else ("secure", "plain")
            for side in order:
                figures[side].append(_measure(sides[side], f"{side}-{n}", args))
        print(
            f"Kafka {local_infra.kafka_version()}, one scratch broker, {args.rounds} rounds "
            "(medians; which goes first alternates): the same kafka-python clients on a "
            "plain-text listener (the baseline) and as a SCRAM-SHA-512 principal over TLS"
        )
        print(f"  {'':<44} {'plain text':>14} {'SASL_SSL':>14}   ratio")

        def median(side: str, key: str) -> float:
            return statistics.median(f[key] for f in figures[side])

        rate = "{:,.0f}".format
        for key, label, show, unit in (
            ("connect", "new client: connect + metadata", _ms, ""),
            ("p50", "one report-sized message, acks=all: p50", _ms, ""),
            ("p99", "one report-sized message, acks=all: p99", _ms, ""),
            ("burst", f"{args.messages:,} messages, acks=all: per second", rate, "throughput"),
            ("read", "reading them back: per second", rate, "throughput"),
        ):
            _row(label, median("plain", key), median("secure", key), show, unit)
    finally:
        broker.terminate()
        broker.wait(timeout=60)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
