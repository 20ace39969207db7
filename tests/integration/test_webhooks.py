"""Webhooks against the real Neo4j and a real local HTTP receiver: subscriptions added with the
CLI, signed POSTs retried on 5xx with every attempt logged, handling code C respected, an event
delivered once however often it is read, and a user's change to an alert published on the real
alerts topic and delivered like a raised alert."""

import asyncio
import logging
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from neo4j import AsyncGraphDatabase, Driver
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from typer.testing import CliRunner

from common.adapters.audit.wiring import open_audit_trail
from common.adapters.kafka_publishing import AckedProducer
from common.auth import Role, TokenStore
from common.kafka_access import ALERTS, KafkaAccess, kafka_access
from common.settings import InfraSettings
from schemas.alerts import AlertChange, AlertRaised, AlertStatus
from services.alerts.audited import AuditedDeliveries
from services.alerts.config import Settings
from services.alerts.delivery import queries as delivery_queries
from services.alerts.delivery.notify import RetryPolicy, deliver, enqueue_alerts, verify
from services.alerts.delivery.ports import DeliveryJob, JobStatus, Subscription
from services.alerts.delivery.sealing import SecretBox, secret_box
from services.alerts.delivery.store import Neo4jWebhookStore
from services.alerts.delivery.webhooks import HttpxPoster
from services.alerts.main import create_app
from services.alerts.outbox import publish_unpublished
from services.alerts.store import Neo4jAlertStore
from tessera_cli.main import app as cli
from tests.support.delivery import LinkedReport, acked_send, alert_citing, delete, linked_report
from tests.support.kafka_reading import read_values
from tests.support.linking import save_alert
from tests.support.serving import serving

pytestmark = pytest.mark.integration

POLICE, OTHER_FORCE = "Synthetic Police", "Synthetic Other Force"

DELETE_WEBHOOKS = """
MATCH (s:WebhookSubscription)
WHERE s.id IN $ids
OPTIONAL MATCH (s)-[:HAS_JOB]->(j:WebhookJob)
OPTIONAL MATCH (j)-[:ATTEMPTED]->(d:WebhookDelivery)
DETACH DELETE s, j, d
"""
STORED_SECRETS = """
MATCH (s:WebhookSubscription)
WHERE s.id IN $ids
RETURN s.id AS id, s.secret AS secret
"""


@dataclass
class Receiver:
    """A local HTTP receiver: each path answers from its script, then 200."""

    scripts: dict[str, list[int]]
    received: dict[str, list[tuple[dict[str, str], bytes]]] = field(default_factory=dict)

    async def handle(self, request: Request) -> Response:
        path = request.url.path
        self.received.setdefault(path, []).append((dict(request.headers), await request.body()))
        script = self.scripts.get(path, [])
        return Response(status_code=script.pop(0) if script else 200)


class ScopedStore(Neo4jWebhookStore):
    """The real store, blind to subscriptions other than this test's (others may exist)."""

    def __init__(self, *, ids: set[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._ids = ids

    async def active_subscriptions(self) -> list[Subscription]:
        return [s for s in await super().active_subscriptions() if s.id in self._ids]


@dataclass
class Hooks:
    """Two subscriptions added with the CLI, their secrets, and the receiver behind them."""

    receiver: Receiver
    secrets: dict[str, str]  # agency -> secret
    ids: dict[str, str]  # agency -> subscription id
    auth_file: Path
    restricted: LinkedReport
    shared: LinkedReport
    url: str  # the receiver's


def _add_webhook(runner: CliRunner, env: dict[str, str], *, agency: str, url: str) -> str:
    result = runner.invoke(
        cli,
        ["webhook", "add", "--name", f"{agency} hook", "--url", url, "--agency", agency]
        + ["--role", "police"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


@pytest.fixture
def hooks(settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path) -> Iterator[Hooks]:
    auth_file = tmp_path / "users.json"
    tokens = TokenStore(auth_file)
    for agency in (POLICE, OTHER_FORCE):
        tokens.add_agency(agency)
    receiver = Receiver(scripts={"/police": [500, 500]})
    runner, env = CliRunner(), {"TESSERA_AUTH_FILE": str(auth_file), "COLUMNS": "300"}
    restricted = linked_report(settings, neo4j_driver, only_for=POLICE)
    shared = linked_report(settings, neo4j_driver)
    ids: dict[str, str] = {}
    try:
        with serving(
            Starlette(routes=[Route("/{path}", receiver.handle, methods=["POST"])])
        ) as url:
            secrets = {
                agency: _add_webhook(runner, env, agency=agency, url=f"{url}/{path}")
                for agency, path in ((POLICE, "police"), (OTHER_FORCE, "other"))
            }
            listed = runner.invoke(cli, ["webhook", "list"], env=env).output
            for agency in (POLICE, OTHER_FORCE):
                assert secrets[agency].startswith("whsec_")
                assert secrets[agency] not in listed
                found = re.search(rf"([0-9a-f-]{{36}}) .*{agency} hook", listed)
                assert found, listed
                ids[agency] = found.group(1)
            yield Hooks(receiver, secrets, ids, auth_file, restricted, shared, url)
    finally:
        neo4j_driver.execute_query(DELETE_WEBHOOKS, ids=list(ids.values()))
        delete(neo4j_driver, reports=[restricted, shared], alerts=[])


async def _run(
    settings: InfraSettings,
    hooks: Hooks,
    alerts: list[AlertRaised],
    secrets: SecretBox | None = None,
) -> list[Any]:
    """What the worker does for each alert event: keep the jobs, then deliver them; last, the
    jobs still pending. Secrets are opened as the worker's settings say, unless told."""
    driver = AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )
    mine = set(hooks.ids.values())
    store = ScopedStore(
        ids=mine,
        driver=driver,
        database=settings.neo4j_database,
        secrets=secrets or secret_box(Settings()),
    )
    results: list[Any] = []
    # Every delivery is audited, as the worker's are (on the run's private audit topic).
    trail = open_audit_trail(Settings(), principal=ALERTS, service="test")
    audit = AuditedDeliveries(trail)
    try:
        async with httpx.AsyncClient(timeout=5.0) as client:
            for alert in alerts:
                jobs = await enqueue_alerts(alerts=[alert], store=store, now=datetime.now(UTC))
                results.append(
                    [
                        (job.subscription.id, await _deliver(job, store, client, audit))
                        for job in jobs
                    ]
                )
            results.append([j.key for j in await store.pending() if j.subscription.id in mine])
    finally:
        await driver.close()
        trail.close()
    return results


async def _deliver(
    job: DeliveryJob,
    store: Neo4jWebhookStore,
    client: httpx.AsyncClient,
    audit: AuditedDeliveries,
) -> JobStatus:
    return await deliver(
        job=job,
        poster=HttpxPoster(client, allowed_hosts=["127.0.0.1"]),  # the test's own receiver
        store=store,
        audit=audit,
        policy=RetryPolicy(max_attempts=5, base_wait_s=0.01, max_wait_s=0.05),
        clock=lambda: datetime.now(UTC),
        sleep=asyncio.sleep,
    )


def test_a_c_coded_alert_is_posted_signed_and_retried_only_to_those_allowed_to_see_it(
    settings: InfraSettings, hooks: Hooks
) -> None:
    restricted = alert_citing(hooks.restricted, summary="synthetic C-coded alert")
    police, other = hooks.ids[POLICE], hooks.ids[OTHER_FORCE]

    first, pending = asyncio.run(_run(settings, hooks, [restricted]))

    assert first == [(police, JobStatus.DELIVERED)]
    assert "/other" not in hooks.receiver.received  # its agency may not see the C report
    attempts = hooks.receiver.received["/police"]
    assert len(attempts) == 3  # 500, 500, then 200
    body = restricted.model_dump_json().encode()
    for sent_headers, sent_body in attempts:
        assert sent_body == body
        assert sent_headers["tessera-event-id"] == str(restricted.event_id)
        assert verify(
            secret=hooks.secrets[POLICE],
            timestamp=sent_headers["tessera-timestamp"],
            body=sent_body,
            signature=sent_headers["tessera-signature"],
            now=int(datetime.now(UTC).timestamp()),
        )
    assert not verify(
        secret=hooks.secrets[OTHER_FORCE],
        timestamp=attempts[0][0]["tessera-timestamp"],
        body=attempts[0][1],
        signature=attempts[0][0]["tessera-signature"],
        now=int(datetime.now(UTC).timestamp()),
    )
    assert pending == []

    # The worker restarts and reads the same event again: it is not delivered twice.
    again, _ = asyncio.run(_run(settings, hooks, [restricted]))
    assert again == []
    assert len(hooks.receiver.received["/police"]) == 3

    # An alert on a shared report goes to both.
    shared = alert_citing(hooks.shared, summary="synthetic shared alert")
    both, _ = asyncio.run(_run(settings, hooks, [shared]))
    assert sorted(both) == sorted([(police, JobStatus.DELIVERED), (other, JobStatus.DELIVERED)])
    assert len(hooks.receiver.received["/other"]) == 1

    # The delivery log, for admins, newest first.
    admin = TokenStore(hooks.auth_file).issue(user="admin.synth", agency=POLICE, role=Role.ADMIN)
    with TestClient(create_app(Settings(tessera_auth_file=str(hooks.auth_file)))) as client:
        page = client.get(
            "/v1/webhooks/deliveries",
            params={"subscription": police, "limit": 3},
            headers={"Authorization": f"Bearer {admin}"},
        ).json()
    assert page["total"] == 4 and page["next_offset"] == 3
    logged = [(d["event_id"], d["attempt"], d["status_code"], d["outcome"]) for d in page["items"]]
    assert logged == [
        (str(shared.event_id), 1, 200, "delivered"),
        (str(restricted.event_id), 3, 200, "delivered"),
        (str(restricted.event_id), 2, 500, "retry"),
    ]


def _signed_with(secret: str, received: tuple[dict[str, str], bytes]) -> bool:
    headers, body = received
    return verify(
        secret=secret,
        timestamp=headers["tessera-timestamp"],
        body=body,
        signature=headers["tessera-signature"],
        now=int(datetime.now(UTC).timestamp()),
    )


def _stored_secrets(driver: Driver, hooks: Hooks) -> dict[str, str]:
    records, _, _ = driver.execute_query(STORED_SECRETS, ids=list(hooks.ids.values()))
    return {r["id"]: r["secret"] for r in records}


async def _seal_plain_secrets(settings: InfraSettings) -> int:
    """What the alert worker does at start and at every sweep."""
    driver = AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )
    try:
        store = Neo4jWebhookStore(
            driver=driver, database=settings.neo4j_database, secrets=secret_box(Settings())
        )
        return await store.seal_plain_secrets()
    finally:
        await driver.close()


def test_neo4j_keeps_only_the_sealed_secret(hooks: Hooks, neo4j_driver: Driver) -> None:
    stored = _stored_secrets(neo4j_driver, hooks)
    for agency, secret in hooks.secrets.items():
        kept = stored[hooks.ids[agency]]
        assert kept.startswith("fernet:")
        assert secret.removeprefix("whsec_") not in kept
        assert secret_box(Settings()).open(kept) == secret


def test_a_secret_kept_in_plain_text_before_sealing_still_signs_and_gets_sealed(
    settings: InfraSettings, hooks: Hooks, neo4j_driver: Driver
) -> None:
    legacy, plain = str(uuid.uuid4()), f"whsec_synthetic-legacy-{uuid.uuid4().hex}"
    neo4j_driver.execute_query(
        delivery_queries.ADD_WEBHOOK_SUBSCRIPTION,
        id=legacy,
        name="legacy hook",
        url=f"{hooks.url}/legacy",
        secret=plain,  # as `tessera webhook add` stored it before secrets were sealed
        agency=POLICE,
        role="police",
        created_at=datetime.now(UTC).isoformat(),
    )
    hooks.ids["legacy"] = legacy  # deleted with the others

    before = alert_citing(hooks.shared, summary="synthetic alert before sealing")
    first, _ = asyncio.run(_run(settings, hooks, [before]))
    assert (legacy, JobStatus.DELIVERED) in first
    assert _signed_with(plain, hooks.receiver.received["/legacy"][0])

    assert asyncio.run(_seal_plain_secrets(settings)) >= 1
    kept = _stored_secrets(neo4j_driver, hooks)[legacy]
    assert kept.startswith("fernet:")
    assert plain.removeprefix("whsec_") not in kept

    after = alert_citing(hooks.shared, summary="synthetic alert after sealing")
    second, _ = asyncio.run(_run(settings, hooks, [after]))
    assert (legacy, JobStatus.DELIVERED) in second
    assert _signed_with(plain, hooks.receiver.received["/legacy"][1])


def test_under_the_wrong_key_nothing_is_sent_the_jobs_wait_and_the_log_says_why(
    settings: InfraSettings, hooks: Hooks, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = Settings(alerts_webhook_secrets_key=SecretStr(Fernet.generate_key().decode()))
    alert = alert_citing(hooks.shared, summary="synthetic alert under the wrong key")
    police, other = hooks.ids[POLICE], hooks.ids[OTHER_FORCE]

    with caplog.at_level(logging.ERROR):
        held, pending = asyncio.run(_run(settings, hooks, [alert], secrets=secret_box(wrong)))
    assert sorted(held) == sorted([(police, JobStatus.PENDING), (other, JobStatus.PENDING)])
    assert hooks.receiver.received == {}
    assert len(pending) == 2
    assert "sealed with another key than ALERTS_WEBHOOK_SECRETS_KEY" in caplog.text

    # With the right key, the jobs that waited are delivered, signed with the secrets (the
    # worker hands them on when its sweep finds them pending, or the event is read again).
    again, pending = asyncio.run(_run(settings, hooks, [alert]))
    assert sorted(again) == sorted([(police, JobStatus.DELIVERED), (other, JobStatus.DELIVERED)])
    assert pending == []
    assert _signed_with(hooks.secrets[OTHER_FORCE], hooks.receiver.received["/other"][0])


async def _drain_outbox(settings: InfraSettings, topic: str) -> list[AlertRaised]:
    """What the alert worker does after each batch and every few seconds: publish each change
    waiting in the topic's outbox, acks=all, as its own principal, keyed by the fingerprint,
    and take it out once Kafka acknowledged it."""
    producer = AckedProducer(
        access=kafka_access(settings, default_user=ALERTS), timeout_s=10, client_id="test-alerts"
    )
    driver = AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )

    try:
        store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database, outbox=topic)
        return await publish_unpublished(outbox=store, send=acked_send(producer, topic))
    finally:
        await driver.close()
        producer.close()


def test_a_users_change_is_an_event_on_the_alerts_topic_and_reaches_only_allowed_webhooks(
    settings: InfraSettings,
    hooks: Hooks,
    kafka: KafkaAccess,
    alerts_topic: str,
    neo4j_driver: Driver,
) -> None:
    """Issue 14: closing an alert is published once on the real broker, in the alert's event
    shape, and goes to the subscription that may see the alert and not the one that may not."""
    raised = alert_citing(hooks.restricted, summary="synthetic C-coded alert")
    save_alert(settings, raised, anchor_id=hooks.restricted.place_id)  # as the worker raised it
    token = TokenStore(hooks.auth_file).issue(user="pc.synth", agency=POLICE, role=Role.POLICE)
    app = create_app(Settings(tessera_auth_file=str(hooks.auth_file), alerts_topic=alerts_topic))
    try:
        with TestClient(app) as client:
            response = client.post(
                f"/v1/alerts/{raised.alert_id}/close",
                json={"reason": "safeguarding plan agreed (synthetic)"},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert response.status_code == 200, response.text
        closed = AlertRaised.model_validate(response.json())
        assert (closed.status, closed.change) == (AlertStatus.CLOSED, AlertChange.CLOSED)

        assert asyncio.run(_drain_outbox(settings, alerts_topic)) == [closed]
        assert asyncio.run(_drain_outbox(settings, alerts_topic)) == []  # published once
        [value] = read_values(kafka, alerts_topic, 1)
        event = AlertRaised.model_validate_json(value)
        assert event == closed and event.visibility == raised.visibility

        # The webhook agent reads the event from the topic: only Synthetic Police may see it.
        delivered, pending = asyncio.run(_run(settings, hooks, [event]))
        assert delivered == [(hooks.ids[POLICE], JobStatus.DELIVERED)] and pending == []
        assert "/other" not in hooks.receiver.received
        sent_headers, sent_body = hooks.receiver.received["/police"][-1]
        assert sent_body == value  # the topic's event, byte for byte
        assert sent_headers["tessera-event-id"] == str(closed.event_id)
    finally:
        delete(neo4j_driver, reports=[], alerts=[raised])
