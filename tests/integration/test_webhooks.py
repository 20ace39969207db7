"""Webhooks against the real Neo4j and a real local HTTP receiver: subscriptions added with the
CLI, signed POSTs retried on 5xx with every attempt logged, handling code C respected, and an
event delivered once however often it is read."""

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from neo4j import AsyncGraphDatabase, Driver
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from typer.testing import CliRunner

from common.auth import Role, TokenStore
from common.settings import InfraSettings
from schemas.alerts import AlertRaised
from services.alerts.config import Settings
from services.alerts.delivery.notify import (
    DeliveryJob,
    JobStatus,
    RetryPolicy,
    Subscription,
    deliver,
    enqueue_alert,
    verify,
)
from services.alerts.delivery.store import Neo4jWebhookStore
from services.alerts.delivery.webhooks import HttpxPoster
from services.alerts.main import create_app
from tessera_cli.main import app as cli
from tests.delivery import LinkedReport, alert_citing, delete, linked_report
from tests.serving import serving

pytestmark = pytest.mark.integration

POLICE, OTHER_FORCE = "Synthetic Police", "Synthetic Other Force"

DELETE_WEBHOOKS = """
MATCH (s:WebhookSubscription)
WHERE s.id IN $ids
OPTIONAL MATCH (s)-[:HAS_JOB]->(j:WebhookJob)
OPTIONAL MATCH (j)-[:ATTEMPTED]->(d:WebhookDelivery)
DETACH DELETE s, j, d
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
            yield Hooks(receiver, secrets, ids, auth_file, restricted, shared)
    finally:
        neo4j_driver.execute_query(DELETE_WEBHOOKS, ids=list(ids.values()))
        delete(neo4j_driver, reports=[restricted, shared], alerts=[])


async def _run(settings: InfraSettings, hooks: Hooks, alerts: list[AlertRaised]) -> list[Any]:
    """What the worker does for each alert event: keep the jobs, then deliver them."""
    driver = AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )
    mine = set(hooks.ids.values())
    store = ScopedStore(ids=mine, driver=driver, database=settings.neo4j_database)
    results: list[Any] = []
    try:
        async with httpx.AsyncClient(timeout=5.0) as client:
            for alert in alerts:
                jobs = await enqueue_alert(alert=alert, store=store, now=datetime.now(UTC))
                results.append(
                    [(job.subscription.id, await _deliver(job, store, client)) for job in jobs]
                )
            results.append([j.key for j in await store.pending() if j.subscription.id in mine])
    finally:
        await driver.close()
    return results


async def _deliver(
    job: DeliveryJob, store: Neo4jWebhookStore, client: httpx.AsyncClient
) -> JobStatus:
    return await deliver(
        job=job,
        poster=HttpxPoster(client, allowed_hosts=["127.0.0.1"]),  # the test's own receiver
        store=store,
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
