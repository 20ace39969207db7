"""Two alert workers in one consumer group share the work, and each alert is raised once and
each webhook delivered once (issue 17).

A network worker links reports from a private topic; two alert worker processes (one app id,
so one consumer group) share the partitions of the linked entities and alerts topics. Three
young people are seen at each of several places, each sighting its own report, so the linked
events of one place land on different partitions and both workers examine the place at once.
Each place gets one alert, raised once on the alerts topic, and the webhook subscription gets
each event once although both workers sweep the pending jobs every second.
"""

import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from kafka import KafkaProducer
from neo4j import Driver
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas.alerts import AlertChange, AlertRaised
from services.alerts.config import Settings
from services.alerts.delivery import queries as delivery_queries
from services.alerts.delivery.sealing import secret_box
from tests.support import queries
from tests.support.factories import run_tag, sighting, submitted
from tests.support.kafka_reading import read_values
from tests.support.polling import eventually
from tests.support.serving import serving
from tests.support.stack import ARTIFACTS, PrivateStack

pytestmark = pytest.mark.e2e

PLACES = 6
SECRET = "whsec_scale-out"  # noqa: S105 - a test value
ALERTS_CITING = """
UNWIND $report_ids AS report_id
MATCH (a:Alert)-[:CITES]->(:Report {id: report_id})
WITH DISTINCT a
RETURN a.fingerprint AS fingerprint, a.id AS id, a.event_id AS event_id
"""
DELETE_ALERTS = """
MATCH (a:Alert)
WHERE a.id IN $ids
OPTIONAL MATCH (a)-[:HAS_HISTORY]->(h:AlertHistory)
DETACH DELETE a, h
"""
DELETE_WEBHOOK = """
MATCH (s:WebhookSubscription {id: $id})
OPTIONAL MATCH (s)-[:HAS_JOB]->(j:WebhookJob)
OPTIONAL MATCH (j)-[:ATTEMPTED]->(d:WebhookDelivery)
DETACH DELETE s, j, d
"""


@dataclass
class Receiver:
    """Records the event id of every POST."""

    received: list[str] = field(default_factory=list)

    async def handle(self, request: Request) -> Response:
        self.received.append(request.headers["tessera-event-id"])
        return Response(status_code=204)


@dataclass
class Stack:
    topics: dict[str, str]
    workers: list[tuple[subprocess.Popen[bytes], Path]]  # the two alert workers and their logs
    receiver: Receiver


@pytest.fixture
def two_alert_workers(
    settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path
) -> Iterator[Stack]:
    ARTIFACTS.mkdir(exist_ok=True)
    private = PrivateStack(
        settings=settings,
        workdir=tmp_path,
        services=(),
        extra_env={
            "PYTHONUNBUFFERED": "1",
            "ALERTS_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]',
            "ALERTS_WEBHOOK_SWEEP_S": "1",  # both workers find every pending job, again and again
        },
        prefix="test",  # one ALERTS_APP_ID for both alert workers: one consumer group
        log_dir=ARTIFACTS,
        log_prefix="alert-scale-out-",
    )
    receiver = Receiver()
    subscription_id = str(uuid.uuid4())
    try:
        with (
            serving(Starlette(routes=[Route("/hook", receiver.handle, methods=["POST"])])) as url,
            private,
        ):
            neo4j_driver.execute_query(
                delivery_queries.ADD_WEBHOOK_SUBSCRIPTION,
                id=subscription_id,
                name=f"scale-out {private.run}",
                url=f"{url}/hook",
                secret=secret_box(Settings()).seal(SECRET),
                agency="Synthetic Police",
                role="police",
                created_at=datetime.now(UTC).isoformat(),
            )
            private.start_service("network-worker", instance="network")
            workers = [
                private.start_service("alerts-worker", instance=name)
                for name in ("alerts-a", "alerts-b")
            ]
            yield Stack(private.topics, [(w.process, w.log) for w in workers], receiver)
    finally:
        neo4j_driver.execute_query(DELETE_WEBHOOK, id=subscription_id)


def _publish(kafka: KafkaAccess, topic: str, tag: str) -> list[str]:
    seen = datetime.now(UTC) - timedelta(hours=1)
    events = [
        submitted(
            sighting(
                f"Yan{person} Synth{tag}x{place}",
                place=f"Synthetic Arcade {tag} {place}",
                observed_at=seen,
            )
        )
        for place in range(PLACES)
        for person in range(3)
    ]
    producer = KafkaProducer(**kafka.client_options(), acks="all")
    for event in events:
        # Keyed by report, not place: one place's sightings land on different partitions.
        producer.send(
            topic, key=str(event.event_id).encode(), value=event.model_dump_json().encode()
        )
    producer.flush()
    producer.close()
    return [str(e.event_id) for e in events]


def test_two_alert_workers_raise_each_alert_once_and_deliver_each_webhook_once(
    kafka: KafkaAccess, neo4j_driver: Driver, two_alert_workers: Stack
) -> None:
    names = two_alert_workers.topics
    ids = _publish(kafka, names["reports"], run_tag())
    alert_ids: list[str] = []
    try:

        def every_place_alerted() -> list[dict[str, str]] | None:
            records, _, _ = neo4j_driver.execute_query(ALERTS_CITING, report_ids=ids)
            rows = [r.data() for r in records]
            alert_ids[:] = [r["id"] for r in rows]
            places = {r["fingerprint"] for r in rows if r["fingerprint"].startswith("shared_")}
            return rows if len(places) == PLACES else None

        rows = eventually(every_place_alerted, timeout_s=120, what="an alert at every place")

        def both_worked() -> list[int] | None:
            counts = [
                log.read_text().count("detected around") for _, log in two_alert_workers.workers
            ]
            return counts if all(counts) else None

        counts = eventually(both_worked, timeout_s=30, what="detection in each alert worker's log")
        assert len(counts) == 2

        time.sleep(3)  # let any late duplicate arrive before counting
        records, _, _ = neo4j_driver.execute_query(ALERTS_CITING, report_ids=ids)
        rows = [r.data() for r in records]
        alert_ids[:] = [r["id"] for r in rows]
        per_fingerprint = Counter(r["fingerprint"] for r in rows)
        assert all(n == 1 for n in per_fingerprint.values()), per_fingerprint

        # On the alerts topic: each alert raised once, each change published once.
        events = [
            AlertRaised.model_validate_json(v)
            for v in read_values(kafka, names["alerts"], len(rows))
        ]
        mine = [e for e in events if str(e.alert_id) in set(alert_ids)]
        raised = Counter(str(e.alert_id) for e in mine if e.change == AlertChange.RAISED)
        assert raised == Counter(alert_ids), raised
        published = Counter(str(e.event_id) for e in mine)
        assert all(n == 1 for n in published.values()), published

        # Every event delivered to the webhook, once, although both workers sweep the jobs.
        receiver = two_alert_workers.receiver
        eventually(
            lambda: True if set(published) <= set(receiver.received) else None,
            timeout_s=60,
            what="every alert event delivered to the webhook",
        )
        time.sleep(3)  # three more sweeps by each worker
        delivered = Counter(receiver.received)
        assert {e: delivered[e] for e in published} == dict.fromkeys(published, 1), delivered
    finally:
        neo4j_driver.execute_query(DELETE_ALERTS, ids=alert_ids)
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=ids)
