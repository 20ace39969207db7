"""Kafka is a channel too: nobody reads or writes it without an identity, and each identity
does only its own job. Driven with kcat (librdkafka) and kafka-python against the real broker,
with the grants `tessera infra up` makes, applied to a private copy of every topic (so probes
never land on the real ones)."""

import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from kafka import KafkaProducer
from kafka.errors import KafkaError

from common import kafka_access as principals
from common.kafka_access import Credential, KafkaAccess, read_credential
from common.settings import InfraSettings
from schemas import topics
from tessera_cli.kafka_principals import (
    TopicNames,
    add_partner,
    remove_partner,
    revoke_grants,
    secure_services,
    service_grants,
)
from tessera_cli.topics import delete_topics, ensure_topics

SECRETS = Path(InfraSettings().kafka_secrets_dir)


@pytest.fixture(scope="module")
def names(kafka: KafkaAccess) -> Iterator[TopicNames]:
    """Every topic under a private name, with the services' real grants on those names."""
    run = uuid.uuid4().hex[:8]
    names = TopicNames.renamed(lambda topic: f"acl.{run}.{topic}", group_prefix=f"acl-{run}")
    private = [replace(spec, name=f"acl.{run}.{spec.name}") for spec in topics.TOPIC_SPECS]
    ensure_topics(access=kafka, specs=tuple(private))
    secure_services(kafka, SECRETS, names)
    yield names
    revoke_grants(kafka, service_grants(names))
    delete_topics(access=kafka, names=[spec.name for spec in private])


def _kcat(*args: str, value: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["kcat", *args], input=value, capture_output=True, text=True, check=False, timeout=60
    )


def _produce(config: Path, topic: str) -> subprocess.CompletedProcess[str]:
    return _kcat("-F", str(config), "-P", "-t", topic, "-k", "probe", "-X", "acks=all", value="{}")


def _consume(config: Path, topic: str) -> subprocess.CompletedProcess[str]:
    return _kcat("-F", str(config), "-C", "-t", topic, "-o", "beginning", "-e", "-q")


@pytest.fixture
def partner(kafka: KafkaAccess, names: TopicNames) -> Iterator[tuple[KafkaAccess, str]]:
    """A partner agency of this test only: its access and its inbound topic."""
    agency = f"Synthetic Partner {uuid.uuid4().hex[:8]}"
    credential, topic = add_partner(kafka, SECRETS, agency, names)
    yield KafkaAccess(kafka.bootstrap_servers, credential, kafka.cafile), topic
    remove_partner(kafka, SECRETS, agency)
    delete_topics(access=kafka, names=[topic])


def test_anonymous_clients_can_neither_read_nor_write(kafka: KafkaAccess) -> None:
    plain = ("-b", kafka.bootstrap_servers, "-m", "5")
    assert _kcat(*plain, "-L").returncode != 0
    assert _kcat(*plain, "-C", "-t", topics.REPORTS, "-e", "-q").returncode != 0
    assert _kcat(*plain, "-P", "-t", topics.REPORTS, value="{}").returncode != 0
    # TLS alone, without signing in, is refused as well.
    tls = (*plain, "-X", "security.protocol=SSL", "-X", f"ssl.ca.location={kafka.cafile}")
    assert _kcat(*tls, "-L").returncode != 0


def test_a_wrong_password_is_refused(kafka: KafkaAccess, tmp_path: Path) -> None:
    ingest = read_credential(SECRETS, principals.INGEST)
    wrong = Credential(ingest.username, ingest.password.__class__("not-the-password"))
    config = KafkaAccess(kafka.bootstrap_servers, wrong, kafka.cafile).write_librdkafka_config(
        tmp_path / "w"
    )
    refused = _kcat("-F", str(config), "-L", "-m", "5")
    assert refused.returncode != 0
    assert "Authentication failed" in refused.stderr


def test_a_partner_writes_only_to_its_own_inbound_topic(
    partner: tuple[KafkaAccess, str], names: TopicNames, tmp_path: Path
) -> None:
    access, inbound = partner
    config = access.write_librdkafka_config(tmp_path / "partner.conf")
    own = _produce(config, inbound)
    assert own.returncode == 0, own.stderr
    others = (names.reports, names.retractions, names.decisions, names.alerts, names.linked)
    for topic in (*others, names.audit):
        refused = _produce(config, topic)
        assert refused.returncode != 0, f"the partner wrote to {topic}"
        assert "authorization failed" in refused.stderr.lower()
    # ... and reads nothing, not even what it wrote itself.
    for topic in (inbound, names.reports, names.alerts):
        assert _consume(config, topic).returncode != 0, f"the partner read {topic}"


def test_a_removed_partner_can_no_longer_sign_in(
    kafka: KafkaAccess, names: TopicNames, tmp_path: Path
) -> None:
    agency = f"Synthetic Partner {uuid.uuid4().hex[:8]}"
    credential, topic = add_partner(kafka, SECRETS, agency, names)
    try:
        partner = KafkaAccess(kafka.bootstrap_servers, credential, kafka.cafile)
        config = partner.write_librdkafka_config(tmp_path / "partner.conf")
        assert _produce(config, topic).returncode == 0
        remove_partner(kafka, SECRETS, agency)
        refused = _produce(config, topic)
        assert refused.returncode != 0
    finally:
        delete_topics(access=kafka, names=[topic])


def _service(name: str, kafka: KafkaAccess) -> KafkaAccess:
    return KafkaAccess(kafka.bootstrap_servers, read_credential(SECRETS, name), kafka.cafile)


def _can_write(access: KafkaAccess, topic: str) -> bool:
    producer = KafkaProducer(**access.client_options(), acks="all", max_block_ms=10_000)
    try:
        producer.send(topic, key=b"probe", value=b"{}").get(timeout=15)
        return True
    except KafkaError:
        return False
    finally:
        producer.close(timeout=5)


def _can_read(access: KafkaAccess, topic: str, folder: Path) -> bool:
    """Whether kcat, as this principal, reads the topic to its end without an error."""
    folder.mkdir(parents=True, exist_ok=True)
    read = _consume(access.write_librdkafka_config(folder / f"{access.username}.conf"), topic)
    return read.returncode == 0 and "authorization failed" not in read.stderr.lower()


@pytest.mark.parametrize(
    ("principal", "topic"),
    [
        (principals.INGEST, "alerts"),  # ingest publishes reports; it never reads alerts
        (principals.INGEST, "decisions"),
        (principals.ALERTS, "reports"),
        (principals.ALERTS, "reports_bulk"),
        (principals.ANALYST, "reports"),
        (principals.ANALYST, "reports_bulk"),
        (principals.WEB, "reports_bulk"),
        (principals.BRIDGE, "linked_bulk"),
        (principals.WEB, "reports"),
        (principals.WEB, "audit"),  # services write the audit; only the administrator reads it
        (principals.BRIDGE, "alerts"),
    ],
)
def test_a_service_cannot_read_what_is_not_its_job(
    kafka: KafkaAccess, names: TopicNames, principal: str, topic: str, tmp_path: Path
) -> None:
    assert not _can_read(_service(principal, kafka), getattr(names, topic), tmp_path)


@pytest.mark.parametrize(
    ("principal", "topic"),
    [
        (principals.INGEST, "alerts"),
        (principals.NETWORK, "retractions"),  # only ingest retracts
        (principals.NETWORK, "alerts"),  # only the alert service raises alerts
        (principals.ANALYST, "retractions"),
        (principals.ANALYST, "alerts"),
        (principals.ALERTS, "reports"),
        (principals.WEB, "reports"),  # the web goes through ingest
        (principals.BRIDGE, "retractions"),
        # the bulk lane: only ingest puts reports on it, only the network worker links them
        (principals.BRIDGE, "reports_bulk"),  # partners' reports are live
        (principals.ANALYST, "reports_bulk"),
        (principals.ALERTS, "reports_bulk"),
        (principals.ALERTS, "linked_bulk"),
        (principals.ANALYST, "linked_bulk"),  # a decision's people are announced live
        (principals.INGEST, "linked_bulk"),
    ],
)
def test_a_service_cannot_write_what_is_not_its_job(
    kafka: KafkaAccess, names: TopicNames, principal: str, topic: str
) -> None:
    assert not _can_write(_service(principal, kafka), getattr(names, topic))


@pytest.mark.parametrize(
    ("principal", "topic"),
    [
        (principals.INGEST, "reports"),
        (principals.INGEST, "reports_bulk"),  # `lane=bulk`, as `tessera import` sends
        (principals.INGEST, "retractions"),
        (principals.NETWORK, "linked"),
        (principals.NETWORK, "linked_bulk"),
        (principals.NETWORK, "dead_letters"),
        (principals.NETWORK, "decisions"),  # the resolver's automatic merges
        (principals.ANALYST, "decisions"),
        (principals.ANALYST, "linked"),  # people a decision changed, for detection
        (principals.ALERTS, "alerts"),
        (principals.WEB, "audit"),
        (principals.BRIDGE, "reports"),
    ],
)
def test_each_service_can_write_what_is_its_job(
    kafka: KafkaAccess, names: TopicNames, principal: str, topic: str
) -> None:
    """The positive side, so the refusals above are not a broken connection."""
    assert _can_write(_service(principal, kafka), getattr(names, topic))


def test_each_worker_can_read_what_is_its_job(
    kafka: KafkaAccess, names: TopicNames, tmp_path: Path
) -> None:
    assert _can_read(_service(principals.NETWORK, kafka), names.retractions, tmp_path)
    assert _can_read(_service(principals.ALERTS, kafka), names.linked, tmp_path)
    assert _can_read(_service(principals.INGEST, kafka), names.reports, tmp_path)
    assert _can_read(_service(principals.INGEST, kafka), names.reports_bulk, tmp_path)
    assert _can_read(_service(principals.NETWORK, kafka), names.reports_bulk, tmp_path)
    assert _can_read(_service(principals.ALERTS, kafka), names.linked_bulk, tmp_path)
