"""Alert delivery through the real processes: a raised alert reaches an open live stream and a
webhook subscription, POSTed signed by the alert worker's faust agent; an officer's closing of it
goes the same way, through the alerts topic."""

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pytest
from neo4j import Driver
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.alerts.config import Settings
from services.alerts.delivery import queries as delivery_queries
from services.alerts.delivery.notify import verify
from services.alerts.delivery.sealing import secret_box
from tests.support.factories import run_tag, sighting_json
from tests.support.kafka_reading import read_values
from tests.support.polling import eventually
from tests.support.serving import serving
from tests.support.stack import RunningStack

pytestmark = pytest.mark.e2e

SECRET = "whsec_e2e-test"  # noqa: S105 - a test value
TIMEOUT_S = 60.0
READ_DELIVERIES = """
MATCH (d:WebhookDelivery {subscription_id: $subscription_id, event_id: $event_id})
RETURN d.status_code AS status_code, d.outcome AS outcome
"""
DELETE_WEBHOOK = """
MATCH (s:WebhookSubscription {id: $id})
OPTIONAL MATCH (s)-[:HAS_JOB]->(j:WebhookJob)
OPTIONAL MATCH (j)-[:ATTEMPTED]->(d:WebhookDelivery)
DETACH DELETE s, j, d
"""


@dataclass
class Receiver:
    """Records every POST."""

    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    async def handle(self, request: Request) -> Response:
        self.received.append((dict(request.headers), await request.body()))
        return Response(status_code=204)


@pytest.fixture
def webhook(neo4j_driver: Driver) -> Iterator[tuple[str, Receiver]]:
    """A subscription for Synthetic Police officers, pointing at a local receiver."""
    receiver = Receiver()
    subscription_id = str(uuid.uuid4())
    with serving(Starlette(routes=[Route("/hook", receiver.handle, methods=["POST"])])) as url:
        neo4j_driver.execute_query(
            delivery_queries.ADD_WEBHOOK_SUBSCRIPTION,
            id=subscription_id,
            name=f"e2e {run_tag()}",
            url=f"{url}/hook",
            secret=secret_box(Settings()).seal(SECRET),  # as `tessera webhook add` keeps it
            agency="Synthetic Police",
            role="police",
            created_at=datetime.now(UTC).isoformat(),
        )
        try:
            yield subscription_id, receiver
        finally:
            neo4j_driver.execute_query(DELETE_WEBHOOK, id=subscription_id)


async def _first_alert_citing(
    running_stack: RunningStack, ids: list[str], connected: asyncio.Event
) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {running_stack.police_token}"}
    async with (
        httpx.AsyncClient(timeout=TIMEOUT_S) as client,
        client.stream(
            "GET",
            f"{running_stack.alerts_url}/v1/alerts/stream",
            params={"purpose": "end-to-end test"},
            headers=headers,
        ) as r,
    ):
        assert r.status_code == 200
        connected.set()
        async with asyncio.timeout(TIMEOUT_S):
            async for line in r.aiter_lines():
                if line.startswith("data:"):
                    alert: dict[str, object] = json.loads(line.removeprefix("data:"))
                    cited = {e["report_id"] for e in alert["evidence"]}  # type: ignore[attr-defined]
                    if len(ids) == 3 and set(ids) <= cited:
                        return alert
    raise AssertionError("the stream ended")


def test_a_raised_alert_reaches_the_live_stream_and_a_signed_webhook(
    running_stack: RunningStack, webhook: tuple[str, Receiver], neo4j_driver: Driver
) -> None:
    subscription_id, receiver = webhook
    tag = run_tag()
    place = f"Synthetic Arcade {tag}"

    async def scenario() -> dict[str, object]:
        connected = asyncio.Event()
        ids: list[str] = []
        streamed = asyncio.create_task(_first_alert_citing(running_stack, ids, connected))
        await asyncio.wait_for(connected.wait(), TIMEOUT_S)
        for name in ("Ava", "Ben", "Cai"):
            body = sighting_json(f"{name} Synth {tag}", place=place)
            ids.append(await asyncio.to_thread(running_stack.submit, body))
        alert = await streamed
        event_ids = {h.get("tessera-event-id") for h, _ in receiver.received}
        async with asyncio.timeout(TIMEOUT_S):
            while alert["event_id"] not in event_ids:
                await asyncio.sleep(0.2)
                event_ids = {h.get("tessera-event-id") for h, _ in receiver.received}
        return alert

    alert = asyncio.run(scenario())
    assert alert["type"] == "shared_hotspot"
    headers, body = next(
        (h, b) for h, b in receiver.received if h["tessera-event-id"] == alert["event_id"]
    )
    assert json.loads(body)["alert_id"] == alert["alert_id"]
    assert verify(
        secret=SECRET,
        timestamp=headers["tessera-timestamp"],
        body=body,
        signature=headers["tessera-signature"],
        now=int(datetime.now(UTC).timestamp()),
    )

    def logged() -> list[tuple[int, str]]:
        records, _, _ = neo4j_driver.execute_query(
            READ_DELIVERIES, subscription_id=subscription_id, event_id=alert["event_id"]
        )
        return [(r["status_code"], r["outcome"]) for r in records]

    deadline = time.monotonic() + 10.0
    while not logged() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert logged() == [(204, "delivered")]


def test_an_officers_closing_of_an_alert_is_published_on_the_topic_and_posted_to_the_webhook(
    running_stack: RunningStack, webhook: tuple[str, Receiver]
) -> None:
    """Issue 14: the API saves the change into the outbox; the worker publishes it (acks=all)
    on the alerts topic, whose webhook agent POSTs it like a raised alert."""
    _, receiver = webhook
    tag = run_tag()
    ids = {
        running_stack.submit(sighting_json(f"{name} Synth {tag}", place=f"Synthetic Pier {tag}"))
        for name in ("Ava", "Ben", "Cai")
    }

    def raised() -> dict[str, object] | None:
        return next(
            (
                a
                for a in running_stack.alerts()
                if ids <= {e["report_id"] for e in a["evidence"]}  # type: ignore[attr-defined]
            ),
            None,
        )

    alert = eventually(raised, timeout_s=TIMEOUT_S, what="the hotspot alert")
    response = httpx.post(
        f"{running_stack.alerts_url}/v1/alerts/{alert['alert_id']}/close",
        json={"reason": "strategy meeting held (synthetic)"},
        headers={"Authorization": f"Bearer {running_stack.police_token}"},
        timeout=10.0,
    )
    assert response.status_code == 200, response.text
    closed = response.json()
    assert (closed["status"], closed["change"]) == ("closed", "closed")

    def posted() -> bytes | None:
        return next(
            (b for h, b in receiver.received if h["tessera-event-id"] == closed["event_id"]), None
        )

    body = eventually(posted, timeout_s=TIMEOUT_S, what="the closing POSTed to the webhook")
    assert json.loads(body) == closed
    on_topic = [
        json.loads(v)
        for v in read_values(running_stack.kafka(), running_stack.topics["alerts"], 1)
        if json.loads(v)["alert_id"] == closed["alert_id"]
    ]
    assert [e["event_id"] for e in on_topic][-1] == closed["event_id"]
    assert [e["change"] for e in on_topic].count("closed") == 1  # published once
