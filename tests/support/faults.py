"""What the fault tests share: a retrying submitter, waiting for the stream, and the checks.

The checks are the promise under test: every report ingest acknowledged (202) is in the graph
exactly once (no link counted it twice, no missing episode doubled), and every alert a planted
pattern must raise exists exactly once.
"""

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import pytest
from kafka import KafkaConsumer, TopicPartition
from neo4j import Driver

from common.kafka_access import KafkaAccess
from schemas.alerts import AlertRaised
from schemas.linking import EntitiesLinked
from schemas.reports import ReportSubmitted
from tessera_cli.kafka_principals import admin_access
from tessera_cli.topics import group_lag
from tests.support import queries
from tests.support.polling import eventually
from tests.support.population import ExpectedAlert, Population, SyntheticReport
from tests.support.stack import PrivateStack

T = TypeVar("T")
RETRY_PAUSE_S = 0.5


@dataclass
class Submitter:
    """Clients that POST reports with an Idempotency-Key each and retry until a 202.

    A connection refused or reset (ingest killed) and a 503 (Kafka down) are retried with the
    same key, as a partner's client is told to; anything else is recorded as refused.
    """

    url: str
    headers: dict[str, str]
    reports: list[SyntheticReport]
    clients: int = 4
    pause_s: float = 0.0  # between one client's submissions, to make a stream last
    deadline_s: float = 300.0
    acknowledged: dict[str, str] = field(default_factory=dict)  # report key -> report id
    retried: Counter[str] = field(default_factory=Counter)  # why requests were retried
    refused: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> "Submitter":
        """Start the clients in the background."""
        pending = iter(self.reports)
        self._threads = [
            threading.Thread(target=self._client, args=(pending,), daemon=True)
            for _ in range(self.clients)
        ]
        for thread in self._threads:
            thread.start()
        return self

    def _next(self, pending: Iterator[SyntheticReport]) -> SyntheticReport | None:
        with self._lock:
            return next(pending, None)

    def _client(self, pending: Iterator[SyntheticReport]) -> None:
        deadline = time.monotonic() + self.deadline_s
        with httpx.Client(timeout=30.0) as client:
            while (report := self._next(pending)) is not None:
                while time.monotonic() < deadline:
                    try:
                        response = client.post(
                            self.url,
                            json=report.body,
                            headers=self.headers | {"Idempotency-Key": report.key},
                        )
                    except httpx.TransportError as error:
                        self._retry(type(error).__name__, RETRY_PAUSE_S)
                        continue
                    if response.status_code == 202:
                        with self._lock:
                            self.acknowledged[report.key] = response.json()["report_id"]
                        break
                    if response.status_code == 503:
                        wait = float(response.headers.get("Retry-After", "1"))
                        self._retry("503", min(wait, 2.0))
                        continue
                    with self._lock:
                        self.refused[report.key] = f"{response.status_code} {response.text[:200]}"
                    break
                time.sleep(self.pause_s)

    def _retry(self, reason: str, pause: float) -> None:
        with self._lock:
            self.retried[reason] += 1
        time.sleep(pause)

    @property
    def count(self) -> int:
        """How many reports were acknowledged so far."""
        with self._lock:
            return len(self.acknowledged)

    def join(self) -> dict[str, str]:
        """Wait for every client; every report must have been acknowledged."""
        for thread in self._threads:
            thread.join(timeout=self.deadline_s + 60)
        assert not self.refused, f"reports refused: {list(self.refused.items())[:5]}"
        missing = [r.key for r in self.reports if r.key not in self.acknowledged]
        assert not missing, f"{len(missing)} reports never acknowledged, e.g. {missing[:5]}"
        return dict(self.acknowledged)


def consumed_everything(kafka: KafkaAccess, group: str, topic: str) -> bool:
    """Whether the consumer group has committed the end of every partition of the topic."""
    return group_lag(kafka, group, topic) <= 0


def wait_until_settled(stack: PrivateStack, *, timeout_s: float = 300.0) -> None:
    """Wait until both workers committed everything on the topics they read."""
    kafka = admin_access(stack.settings)
    for group, topic in (
        (stack.env["NETWORK_APP_ID"], stack.topics["reports"]),
        (stack.env["ALERTS_APP_ID"], stack.topics["linked"]),
    ):
        eventually(
            lambda g=group, t=topic: True if consumed_everything(kafka, g, t) else None,  # type: ignore[misc]
            timeout_s=timeout_s,
            what=f"consumer group {group} to commit the end of {topic}",
        )


def ids_on_topic(kafka: KafkaAccess, topic: str) -> list[str]:
    """The report id of every message on the topic, duplicates included."""
    return [
        str(ReportSubmitted.from_wire(value).event_id) for value in values_on_topic(kafka, topic)
    ]


def values_on_topic(kafka: KafkaAccess, topic: str) -> list[bytes]:
    """Every message value on the topic, from the beginning to the end it has now."""
    consumer = KafkaConsumer(**kafka.client_options(), group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        values: list[bytes] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(
            consumer.position(p) < end[p] for p in partitions
        ):
            for records in consumer.poll(timeout_ms=500).values():
                values += [r.value for r in records]
        return values
    finally:
        consumer.close()


def assert_each_report_announced(stack: PrivateStack, report_ids: list[str]) -> None:
    """Every report in the graph was announced on the linked topic: none was written and then
    left without the EntitiesLinked event its detection waits for."""
    linked = values_on_topic(admin_access(stack.settings), stack.topics["linked"])
    announced = {str(EntitiesLinked.model_validate_json(v).report_id) for v in linked}
    silent = [i for i in report_ids if i not in announced]
    assert not silent, f"{len(silent)} linked reports never announced on the topic: {silent[:5]}"


def assert_alerts_published(stack: PrivateStack, fingerprints: list[str]) -> None:
    """Each expected alert is on the alerts topic too: saved in the graph is not enough."""
    published = values_on_topic(admin_access(stack.settings), stack.topics["alerts"])
    on_topic = {AlertRaised.model_validate_json(v).fingerprint for v in published}
    unpublished = [f for f in fingerprints if f not in on_topic]
    assert not unpublished, f"alerts saved but never published: {unpublished}"


def assert_each_report_once(driver: Driver, report_ids: list[str]) -> None:
    """Every report is in the graph once, and no link or missing episode counted one twice."""
    records, _, _ = driver.execute_query(queries.COUNT_EACH_REPORT_OR_NONE, report_ids=report_ids)
    counts = {r["id"]: r["n"] for r in records}
    absent = [i for i, n in counts.items() if n == 0]
    assert not absent, f"{len(absent)} acknowledged reports are not in the graph: {absent[:5]}"
    assert all(n == 1 for n in counts.values())
    records, _, _ = driver.execute_query(queries.LINKS_COUNTED_TWICE, report_ids=report_ids)
    assert not records, f"links that counted a report twice: {[r.data() for r in records]}"


def assert_episodes_once(driver: Driver, population: Population) -> None:
    """Each escalating child has exactly the three episodes, each ended once."""
    for alert in population.expected_alerts():
        if alert.type == "missing_escalation":
            records, _, _ = driver.execute_query(queries.MISSING_EPISODES_OF, name=alert.anchor)
            assert (records[0]["episodes"], records[0]["ended"]) == (3, 3), alert.anchor


def expected_alerts_present(
    driver: Driver, expected: list[ExpectedAlert], ids: dict[str, str]
) -> list[str] | None:
    """The fingerprints of the expected alerts, once every one exists; None until then."""
    fingerprints = []
    for alert in expected:
        about = _alerts_citing_all(driver, alert, ids)
        if not about:
            return None
        assert len(about) == 1, f"{alert.type} on {alert.anchor}: {len(about)} alerts"
        fingerprints.append(str(about[0]["fingerprint"]))
    return fingerprints


def _alerts_citing_all(driver: Driver, alert: ExpectedAlert, ids: dict[str, str]) -> list[Any]:
    records, _, _ = driver.execute_query(
        queries.ALERTS_CITING_ALL, type=alert.type, report_ids=[ids[k] for k in alert.report_keys]
    )
    return [r for r in records if _anchor(r["body"]) == alert.anchor]


def _anchor(body: str) -> str:
    return str(json.loads(body)["subjects"][0]["display_name"])


def describe_missing_alerts(
    driver: Driver, expected: list[ExpectedAlert], ids: dict[str, str]
) -> str:
    """Which expected alerts are missing, and what the graph has instead: the alerts of that
    type about the anchor and which of the reports they must cite they do cite."""
    lines = []
    for alert in expected:
        if _alerts_citing_all(driver, alert, ids):
            continue
        wanted = {ids[k] for k in alert.report_keys}
        records, _, _ = driver.execute_query(queries.ALERTS_OF_TYPE, type=alert.type)
        found = [
            f"{r['fingerprint']} cites {len(wanted & set(r['report_ids']))}/{len(wanted)}"
            for r in records
            if _anchor(r["body"]) == alert.anchor
        ]
        lines.append(f"{alert.pattern} ({alert.type} on {alert.anchor}): {found or 'no alert'}")
    return "; ".join(lines)


def assert_alerts_once(driver: Driver, fingerprints: list[str]) -> None:
    """One alert node per fingerprint: duplicates of an event updated it, never raised another."""
    for fingerprint in fingerprints:
        records, _, _ = driver.execute_query(
            queries.COUNT_ALERTS_WITH_FINGERPRINT, fingerprint=fingerprint
        )
        assert records[0]["n"] == 1, f"{records[0]['n']} alerts with fingerprint {fingerprint}"


def check_nothing_lost_or_doubled(
    *, stack: PrivateStack, driver: Driver, population: Population, ids: dict[str, str]
) -> None:
    """The promise: acknowledged reports in the graph once, expected alerts there once."""
    report_ids = list(ids.values())
    wait_until_settled(stack)
    assert_each_report_once(driver, report_ids)
    assert_episodes_once(driver, population)
    assert_each_report_announced(stack, report_ids)
    expected = population.expected_alerts()
    # Both workers committed the end of their topics, so detection is over: an alert missing
    # now is lost, not late. The failure says which ones, and what the graph has instead.
    try:
        fingerprints = eventually(
            lambda: expected_alerts_present(driver, expected, ids),
            timeout_s=120,
            what=f"the {len(expected)} alerts the planted patterns must raise",
        )
    except pytest.fail.Exception as missing:
        pytest.fail(f"{missing}: {describe_missing_alerts(driver, expected, ids)}")
    assert_alerts_once(driver, fingerprints)
    assert_alerts_published(stack, fingerprints)
