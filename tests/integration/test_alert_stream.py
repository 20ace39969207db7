"""The live alert stream over real HTTP (uvicorn) and the real Neo4j: only what the caller may
see, in order, resumable by Last-Event-ID, with lifecycle changes (users' changes through the API
too, to those who may see the alert only)."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from neo4j import Driver

from common.auth import Role, TokenStore
from common.settings import InfraSettings
from schemas.alerts import AlertChange, AlertRaised, AlertStatus
from services.alerts.config import Settings
from services.alerts.main import create_app
from tests.support.delivery import LinkedReport, acknowledge, alert_citing, delete, linked_report
from tests.support.linking import save_alert
from tests.support.serving import serving

pytestmark = pytest.mark.integration

POLICE, OTHER_FORCE = "Synthetic Police", "Synthetic Other Force"
TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Event:
    """One server-sent event."""

    id: str
    event: str
    alert: AlertRaised


@dataclass
class Stream:
    """The alert API served on a free port, tokens of two forces, and what the test saved."""

    url: str
    tokens: dict[str, str]
    settings: InfraSettings
    restricted: LinkedReport  # handling code C, for Synthetic Police only
    shared: LinkedReport  # handling code P
    alerts: list[AlertRaised]

    def save(self, alert: AlertRaised, report: LinkedReport) -> AlertRaised:
        self.alerts.append(alert)
        save_alert(self.settings, alert, anchor_id=report.place_id)
        return alert


@pytest.fixture
def stream(settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path) -> Iterator[Stream]:
    auth = tmp_path / "users.json"
    store = TokenStore(auth)
    tokens = {}
    for i, agency in enumerate((POLICE, OTHER_FORCE)):
        store.add_agency(agency)
        tokens[agency] = store.issue(user=f"officer.{i}", agency=agency, role=Role.POLICE)
    # Users' changes wait in the outbox of a topic no worker reads, never the real one's.
    app = create_app(
        Settings(
            tessera_auth_file=str(auth),
            alerts_stream_poll_s=0.1,
            alerts_topic=f"test.{uuid.uuid4().hex[:8]}.alerts",
        )
    )
    restricted = linked_report(settings, neo4j_driver, only_for=POLICE)
    shared = linked_report(settings, neo4j_driver)
    assert restricted.audiences != ("all",) and shared.audiences == ("all",)
    state = Stream("", tokens, settings, restricted, shared, [])
    try:
        with serving(app) as url:
            state.url = url
            yield state
    finally:
        delete(neo4j_driver, reports=[restricted, shared], alerts=state.alerts)


async def _events(response: httpx.Response) -> AsyncIterator[Event]:
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line.startswith(":"):
            continue  # a keep-alive ping
        if line:
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
            continue
        if "data" in fields:
            alert = AlertRaised.model_validate_json(fields["data"])
            yield Event(id=fields.get("id", ""), event=fields.get("event", ""), alert=alert)
        fields = {}


async def _collect(
    stream: Stream,
    agency: str,
    *,
    ours: set[str],
    until: Callable[[AlertRaised], bool],
    connected: asyncio.Event | None = None,
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> list[Event]:
    """The events about our alerts, up to the one `until` accepts."""
    got: list[Event] = []
    auth = {"Authorization": f"Bearer {stream.tokens[agency]}"} | (headers or {})
    params = {"purpose": "synthetic stream test"} | (params or {})  # reads state a purpose
    async with (
        httpx.AsyncClient(timeout=TIMEOUT_S) as client,
        client.stream(
            "GET", f"{stream.url}/v1/alerts/stream", headers=auth, params=params
        ) as response,
    ):
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        if connected is not None:
            connected.set()
        async with asyncio.timeout(TIMEOUT_S):
            async for event in _events(response):
                if str(event.alert.alert_id) in ours:
                    got.append(event)
                    if until(event.alert):
                        return got
    raise AssertionError("the stream ended")


def _ids(events: list[Event]) -> list[str]:
    return [str(e.alert.alert_id) for e in events]


def test_a_c_coded_alert_reaches_only_the_streams_its_conditions_allow(stream: Stream) -> None:
    async def scenario() -> tuple[list[Event], list[Event], AlertRaised, AlertRaised]:
        ready = {POLICE: asyncio.Event(), OTHER_FORCE: asyncio.Event()}
        ours: set[str] = set()
        last: list[str] = []

        def is_last(alert: AlertRaised) -> bool:
            return str(alert.alert_id) in last

        tasks = {
            agency: asyncio.create_task(
                _collect(stream, agency, ours=ours, until=is_last, connected=ready[agency])
            )
            for agency in ready
        }
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in ready.values())), TIMEOUT_S)
        # Saved after both streams started (they start from now): the C alert first.
        restricted = alert_citing(stream.restricted, summary="synthetic C-coded alert")
        shared = alert_citing(stream.shared, summary="synthetic shared alert")
        ours.update({str(restricted.alert_id), str(shared.alert_id)})
        last.append(str(shared.alert_id))
        await asyncio.to_thread(stream.save, restricted, stream.restricted)
        await asyncio.to_thread(stream.save, shared, stream.shared)
        return await tasks[POLICE], await tasks[OTHER_FORCE], restricted, shared

    police, other, restricted, shared = asyncio.run(scenario())
    assert _ids(police) == [str(restricted.alert_id), str(shared.alert_id)]
    # In (updated_at, id) order the C alert would have come first: it never will.
    assert _ids(other) == [str(shared.alert_id)]
    assert {e.event for e in police} == {"alert"}
    assert police[0].alert.visibility == (stream.restricted.audiences,)


def test_the_stream_replays_since_a_time_resumes_after_its_last_event_and_shows_changes(
    stream: Stream,
) -> None:
    since = datetime.now(UTC)
    first = stream.save(alert_citing(stream.shared, summary="first"), stream.shared)
    second = stream.save(alert_citing(stream.shared, summary="second"), stream.shared)
    ours = {str(first.alert_id), str(second.alert_id)}

    def is_second(alert: AlertRaised) -> bool:
        return alert.alert_id == second.alert_id

    replayed = asyncio.run(
        _collect(stream, POLICE, ours=ours, until=is_second, params={"since": since.isoformat()})
    )
    assert _ids(replayed) == [str(first.alert_id), str(second.alert_id)]
    assert replayed[0].id == f"{first.updated_at.isoformat()}|{first.alert_id}"

    def is_acknowledged(alert: AlertRaised) -> bool:
        return alert.status is AlertStatus.ACKNOWLEDGED

    async def resume() -> list[Event]:
        connected = asyncio.Event()
        task = asyncio.create_task(
            _collect(
                stream,
                POLICE,
                ours=ours,
                until=is_acknowledged,
                connected=connected,
                headers={"Last-Event-ID": replayed[0].id},
            )
        )
        await asyncio.wait_for(connected.wait(), TIMEOUT_S)
        await asyncio.to_thread(acknowledge, stream.settings, first)
        return await task

    resumed = asyncio.run(resume())
    # After the first alert's cursor: the second, then the first again once it changed.
    assert _ids(resumed) == [str(second.alert_id), str(first.alert_id)]
    assert resumed[1].alert.status is AlertStatus.ACKNOWLEDGED


def test_a_change_made_through_the_api_reaches_only_the_streams_that_may_see_the_alert(
    stream: Stream,
) -> None:
    restricted = stream.save(alert_citing(stream.restricted, summary="C"), stream.restricted)
    shared = stream.save(alert_citing(stream.shared, summary="shared"), stream.shared)
    ours = {str(restricted.alert_id), str(shared.alert_id)}

    def change(alert: AlertRaised, action: str, body: dict[str, str] | None = None) -> None:
        response = httpx.post(
            f"{stream.url}/v1/alerts/{alert.alert_id}/{action}",
            json=body,
            headers={"Authorization": f"Bearer {stream.tokens[POLICE]}"},
            timeout=TIMEOUT_S,
        )
        assert response.status_code == 200, response.text

    def is_shared(alert: AlertRaised) -> bool:
        return alert.alert_id == shared.alert_id

    async def scenario() -> tuple[list[Event], list[Event]]:
        ready = {POLICE: asyncio.Event(), OTHER_FORCE: asyncio.Event()}
        tasks = {
            agency: asyncio.create_task(
                _collect(stream, agency, ours=ours, until=is_shared, connected=ready[agency])
            )
            for agency in ready
        }
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in ready.values())), TIMEOUT_S)
        # Both were raised before the streams started (they start from now): only changes come.
        await asyncio.to_thread(change, restricted, "close", {"reason": "plan agreed (synthetic)"})
        await asyncio.to_thread(change, shared, "acknowledge")
        return await tasks[POLICE], await tasks[OTHER_FORCE]

    police, other = asyncio.run(scenario())
    assert [(str(e.alert.alert_id), e.alert.change) for e in police] == [
        (str(restricted.alert_id), AlertChange.CLOSED),
        (str(shared.alert_id), AlertChange.ACKNOWLEDGED),
    ]
    assert police[0].alert.status is AlertStatus.CLOSED
    assert police[0].alert.visibility == (stream.restricted.audiences,)
    # The other force may not see the C alert, so it never hears that it was closed.
    assert [(str(e.alert.alert_id), e.alert.change) for e in other] == [
        (str(shared.alert_id), AlertChange.ACKNOWLEDGED)
    ]


def test_an_open_stream_ends_once_its_token_is_revoked(stream: Stream, tmp_path: Path) -> None:
    """Issue 14: a revoked token's stream stops within 30 s (here: at the next poll)."""
    store = TokenStore(tmp_path / "users.json")
    token = store.issue(user="officer.revoked", agency=POLICE, role=Role.POLICE)

    async def scenario() -> float:
        async with (
            httpx.AsyncClient(timeout=TIMEOUT_S) as client,
            client.stream(
                "GET",
                f"{stream.url}/v1/alerts/stream",
                params={"purpose": "synthetic stream test"},
                headers={"Authorization": f"Bearer {token}"},
            ) as response,
        ):
            assert response.status_code == 200
            await asyncio.sleep(0.5)
            assert store.revoke(token)
            revoked_at = asyncio.get_running_loop().time()
            async with asyncio.timeout(TIMEOUT_S):
                async for _ in response.aiter_lines():
                    pass  # pings until the server ends the stream
            return asyncio.get_running_loop().time() - revoked_at

    assert asyncio.run(scenario()) < 30.0
