"""Every read of personal data is audited, on the real Kafka and Neo4j: the entry is on the audit
topic and in its Neo4j copy, with the reader, the purpose and every subject the read returned.

Analyst profiles (with the young people they show), exports and reads of the audit itself;
alert lists, details and the live stream; a webhook delivery (read by its subscription's agency);
ingest's report read; the web's list of shared children's profiles.
"""

import asyncio
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from common.adapters.audit.wiring import open_audit_trail
from common.auth import Role, TokenStore
from common.kafka_access import ALERTS, KafkaAccess
from common.settings import InfraSettings
from schemas.alerts import AlertRaised, AlertSubject
from schemas.audit import AuditEntry
from schemas.reports import ReportCreate
from services.alerts.audited import AuditedDeliveries
from services.alerts.config import Settings as AlertSettings
from services.alerts.delivery.notify import RetryPolicy, deliver
from services.alerts.delivery.ports import Attempt, DeliveryJob, JobStatus, PostResult, Subscription
from services.alerts.main import create_app as alerts_app
from services.ingest.config import Settings as IngestSettings
from services.ingest.main import create_app as ingest_app
from services.network.analyst.main import create_app as network_app
from services.network.config import Settings as NetworkSettings
from services.web.config import Settings as WebSettings
from services.web.main import create_app as web_app
from tests.support import queries
from tests.support.auditing import audited
from tests.support.delivery import LinkedReport, alert_citing, delete, linked_report
from tests.support.factories import report_json, run_tag, sighting_json, submitted
from tests.support.linking import link_events, save_alert
from tests.support.serving import serving

pytestmark = pytest.mark.integration

HOME, POLICE, ANALYSTS = "Synthetic Home A", "Synthetic Police", "Synthetic Analysts"
PASSWORD = "a long synthetic password"  # noqa: S105 - synthetic


@dataclass
class Readers:
    """A token store with a user of each kind, and a purpose of this test's own."""

    auth_file: Path
    tokens: dict[str, str]
    purpose: str

    def bearer(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def readers(tmp_path: Path) -> Readers:
    auth_file = tmp_path / "users.json"
    store = TokenStore(auth_file)
    for agency in (HOME, POLICE, ANALYSTS):
        store.add_agency(agency)
    tokens = {
        who: store.issue(user=user, agency=agency, role=role)
        for who, user, agency, role in (
            ("analyst", "a.analyst", ANALYSTS, Role.ANALYST),
            ("admin", "an.admin", ANALYSTS, Role.ADMIN),
            ("police", "pc.synth", POLICE, Role.POLICE),
            ("home", "k.worker", HOME, Role.SUBMITTER),
        )
    }
    for user in ("pc.synth", "k.worker"):
        store.set_password(user=user, password=PASSWORD)
    return Readers(auth_file, tokens, f"audit integration test {run_tag()}")


def _one(
    kafka: KafkaAccess, topic: str, driver: Driver, purpose: str, action: str
) -> tuple[AuditEntry, dict[str, Any]]:
    """The one entry of this action with this purpose, on the topic, and its Neo4j copy, which
    must hold the same entry."""
    entries, copies = audited(kafka, topic, driver, purpose=purpose)
    (entry,) = [e for e in entries if e.action == action]
    copy = copies[entry.id]
    assert copy["topic"] == topic
    assert (copy["chain_id"], copy["sequence"], copy["hash"]) == (
        entry.chain_id,
        entry.sequence,
        entry.hash,
    )
    assert (copy["user"], copy["purpose"]) == (entry.user, purpose)
    assert sorted(copy["subject_ids"]) == sorted(entry.subject_ids)
    return entry, copy


# ---- the analyst API


@pytest.fixture
def young_people(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[dict[str, str]]:
    tag = run_tag()
    body = sighting_json(f"Ava Synth{tag}", f"Ben Synth{tag}", place=f"Synthetic Park {tag}")
    event = submitted(ReportCreate.model_validate(body), agency=HOME)
    (linked,) = link_events(settings, [event])
    people = sorted(e.id for e in linked.entities if e.kind == "person")
    place = next(e.id for e in linked.entities if e.kind == "location")
    try:
        yield {"ava": people[0], "ben": people[1], "park": place}
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=[str(event.event_id)]
        )


def test_a_profile_records_the_young_people_it_returns_and_exports_and_audit_reads_are_recorded(
    kafka: KafkaAccess,
    audit_topic: str,
    neo4j_driver: Driver,
    readers: Readers,
    young_people: dict[str, str],
) -> None:
    settings = NetworkSettings(tessera_auth_file=str(readers.auth_file))
    assert settings.tessera_audit_topic == audit_topic
    purpose = {"purpose": readers.purpose}
    with TestClient(network_app(settings)) as client:
        place = young_people["park"]
        profile = client.get(
            f"/v1/entities/{place}", params=purpose, headers=readers.bearer("analyst")
        )
        assert profile.status_code == 200, profile.text
        shown = {y["person_id"] for y in profile.json()["young_people"]}
        assert shown == {young_people["ava"], young_people["ben"]}
        exported = client.get(
            f"/v1/entities/{young_people['ava']}/export",
            params={**purpose, "format": "graphml", "depth": 2},
            headers=readers.bearer("analyst"),
        )
        assert exported.status_code == 200, exported.text
        log = client.get(
            "/v1/audit",
            params={**purpose, "subject_id": young_people["ben"]},
            headers=readers.bearer("admin"),
        )
        assert log.status_code == 200, log.text

    read, _ = _one(kafka, audit_topic, neo4j_driver, readers.purpose, "entity.read")
    assert {place, *shown} <= set(read.subject_ids)
    assert (read.user, read.agency, read.role, read.service) == (
        "a.analyst",
        ANALYSTS,
        "analyst",
        "network-api",
    )
    export, _ = _one(kafka, audit_topic, neo4j_driver, readers.purpose, "export.graphml")
    assert {young_people["ava"], young_people["ben"], place} <= set(export.subject_ids)
    # GET /v1/audit answers from the Neo4j copy, new fields and all ...
    listed = {e["id"]: e for e in log.json()["items"]}
    assert listed[read.id]["chain_id"] == read.chain_id
    assert listed[export.id]["hash"] == export.hash
    # ... and is audited itself, with the subjects of the entries it returned
    audit_read, _ = _one(kafka, audit_topic, neo4j_driver, readers.purpose, "audit.read")
    assert audit_read.user == "an.admin" and young_people["ben"] in audit_read.subject_ids


# ---- the alert API, the live stream and webhooks


@pytest.fixture
def alert(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[AlertRaised]:
    report: LinkedReport = linked_report(settings, neo4j_driver)
    raised = alert_citing(report, summary="synthetic audited alert").model_copy(
        update={
            "subjects": (
                AlertSubject(kind="location", id=report.place_id, display_name="Synthetic Flat"),
                AlertSubject(kind="person", id=f"person:{run_tag()}", display_name="Ava Synth"),
            )
        }
    )
    save_alert(settings, raised, anchor_id=report.place_id)
    try:
        yield raised
    finally:
        delete(neo4j_driver, reports=[report], alerts=[raised])


def _subject_ids(alert: AlertRaised) -> set[str]:
    return {s.id for s in alert.subjects}


async def _streamed(
    url: str, headers: dict[str, str], params: dict[str, str], *, until: str
) -> None:
    """Follow the stream until it sends the alert with the id `until`."""
    async with (
        httpx.AsyncClient(timeout=15.0) as client,
        client.stream("GET", f"{url}/v1/alerts/stream", headers=headers, params=params) as answer,
    ):
        assert answer.status_code == 200, await answer.aread()
        async with asyncio.timeout(15.0):
            async for line in answer.aiter_lines():
                if line.startswith("data:"):
                    if json.loads(line.removeprefix("data:"))["alert_id"] == until:
                        return
    raise AssertionError("the stream ended")


def test_alert_lists_details_and_the_stream_record_the_subjects_of_the_alerts_they_send(
    kafka: KafkaAccess,
    audit_topic: str,
    neo4j_driver: Driver,
    readers: Readers,
    alert: AlertRaised,
) -> None:
    settings = AlertSettings(tessera_auth_file=str(readers.auth_file), alerts_stream_poll_s=0.1)
    police, purpose = readers.bearer("police"), {"purpose": readers.purpose}
    with serving(alerts_app(settings)) as url:
        listed = httpx.get(f"{url}/v1/alerts", params={**purpose, "limit": 200}, headers=police)
        assert listed.status_code == 200, listed.text
        detail = httpx.get(f"{url}/v1/alerts/{alert.alert_id}", params=purpose, headers=police)
        assert detail.status_code == 200, detail.text
        since = (alert.updated_at - timedelta(milliseconds=1)).isoformat()
        asyncio.run(_streamed(url, police, {**purpose, "since": since}, until=str(alert.alert_id)))

    page_ids = {s["id"] for a in listed.json()["items"] for s in a["subjects"]}
    listing, _ = _one(kafka, audit_topic, neo4j_driver, readers.purpose, "alerts.list")
    assert _subject_ids(alert) <= set(listing.subject_ids) and page_ids <= set(listing.subject_ids)
    assert (listing.user, listing.agency, listing.service) == ("pc.synth", POLICE, "alerts-api")
    read, _ = _one(kafka, audit_topic, neo4j_driver, readers.purpose, "alert.read")
    assert set(read.subject_ids) == _subject_ids(alert)
    assert f"alert_id={alert.alert_id}" in read.parameters
    # the batch that carried our alert was recorded (before it was sent) with its subjects
    entries, copies = audited(kafka, audit_topic, neo4j_driver, purpose=readers.purpose)
    (batch,) = [
        e
        for e in entries
        if e.action == "alerts.stream" and any(str(alert.alert_id) in p for p in e.parameters)
    ]
    assert _subject_ids(alert) <= set(batch.subject_ids)
    assert copies[batch.id]["hash"] == batch.hash


@dataclass
class Answered:
    async def post(self, url: str, *, body: bytes, headers: Mapping[str, str]) -> PostResult:
        return PostResult(status_code=204)


@dataclass
class Logged:
    async def claim(self, job: DeliveryJob) -> int | None:
        return 0

    async def record_attempt(self, attempt: Attempt, *, settles: JobStatus | None) -> None:
        return None


def test_a_webhook_delivery_is_recorded_as_read_by_the_subscriptions_agency(
    kafka: KafkaAccess, audit_topic: str, neo4j_driver: Driver, alert: AlertRaised
) -> None:
    settings = AlertSettings()
    name = f"Synthetic MASH {run_tag()}"  # the subscription's name is the delivery's purpose
    subscription = Subscription(
        id=f"sub-{run_tag()}",
        name=name,
        url="https://mash.invalid/tessera",
        secret="whsec_synthetic",  # noqa: S106 - a test value
        agency="Synthetic MASH",
        role="police",
        active=True,
        created_at=datetime.now(UTC),
    )
    job = DeliveryJob(
        subscription=subscription,
        event_id=str(alert.event_id),
        alert_id=str(alert.alert_id),
        body=alert.model_dump_json().encode(),
    )
    trail = open_audit_trail(settings, principal=ALERTS, service="alerts-worker")
    try:
        status = asyncio.run(
            deliver(
                job=job,
                poster=Answered(),
                store=Logged(),
                audit=AuditedDeliveries(trail),
                policy=RetryPolicy(),
                clock=lambda: datetime.now(UTC),
                sleep=asyncio.sleep,
            )
        )
    finally:
        trail.close()
    assert status is JobStatus.DELIVERED
    entry, _ = _one(
        kafka, audit_topic, neo4j_driver, f"webhook subscription {name!r}", "webhook.delivery"
    )
    assert (entry.user, entry.agency, entry.role) == (
        f"webhook:{subscription.id}",
        "Synthetic MASH",
        "police",
    )
    assert set(entry.subject_ids) == _subject_ids(alert)
    assert {f"event_id={alert.event_id}", "attempt=1"} <= set(entry.parameters)


# ---- ingest and the web


def test_an_ingest_report_read_is_recorded(
    kafka: KafkaAccess,
    audit_topic: str,
    neo4j_driver: Driver,
    readers: Readers,
    topic: str,
    tmp_path: Path,
) -> None:
    settings = IngestSettings(
        ingest_reports_topic=topic,
        ingest_ledger_file=str(tmp_path / "ledger.sqlite3"),
        tessera_auth_file=str(readers.auth_file),
    )
    home = readers.bearer("home")
    with TestClient(ingest_app(settings)) as client:
        body = sighting_json("Ava Synth", place="Synthetic Park")
        report_id = client.post("/v1/reports", json=body, headers=home).json()["report_id"]
        read = client.get(
            f"/v1/reports/{report_id}", params={"purpose": readers.purpose}, headers=home
        )
        assert read.status_code == 200, read.text
    entry, _ = _one(kafka, audit_topic, neo4j_driver, readers.purpose, "report.read")
    assert entry.subject_ids == (f"report:{report_id}",)
    assert (entry.user, entry.agency, entry.service) == ("k.worker", HOME, "ingest")


@dataclass
class Ingest:
    """Answers the web's report batch as ingest would."""

    async def call(self, service: object, method: str, path: str, **kwargs: Any) -> httpx.Response:
        count = len(kwargs["json"]["reports"])
        ids = [f"00000000-0000-0000-0000-00000000000{i}" for i in range(count)]
        return httpx.Response(202, json={"report_ids": ids, "count": count})

    async def aclose(self) -> None:
        return None


def test_the_webs_list_of_shared_profiles_is_recorded(
    kafka: KafkaAccess, audit_topic: str, neo4j_driver: Driver, readers: Readers, tmp_path: Path
) -> None:
    settings = WebSettings(
        tessera_auth_file=str(readers.auth_file),
        web_profiles_file=str(tmp_path / "profiles.sqlite3"),
        web_static_dir=str(tmp_path / "no-pages"),
    )
    with TestClient(web_app(settings), base_url="http://testserver") as client:
        client.app.state.upstream = Ingest()  # type: ignore[attr-defined]

        def sign_in(user: str) -> dict[str, str]:
            answer = client.post("/api/session", json={"user": user, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            return {"X-CSRF-Token": answer.json()["csrf_token"]}

        csrf = sign_in("k.worker")
        profile = {"name": "Ava Synth", "description": "Synthetic: green coat"}
        profile_id = client.post("/api/profiles", json=profile, headers=csrf).json()["id"]
        missing = report_json({"type": "missing_reported", "child": {"name": "Ava Synth"}})
        sent = client.post(
            "/api/reports", json={"reports": [missing], "profile_id": profile_id}, headers=csrf
        )
        assert sent.status_code == 202, sent.text
        sign_in("pc.synth")
        shared = client.get("/api/profiles", params={"purpose": readers.purpose})
        assert [p["id"] for p in shared.json()] == [profile_id]
    entry, _ = _one(kafka, audit_topic, neo4j_driver, readers.purpose, "profiles.list")
    assert entry.subject_ids == (f"profile:{profile_id}",)
    assert (entry.user, entry.agency, entry.service) == ("pc.synth", POLICE, "web")


def test_a_change_records_the_alert_it_shows_the_officer(
    kafka: KafkaAccess,
    audit_topic: str,
    neo4j_driver: Driver,
    readers: Readers,
    alert: AlertRaised,
) -> None:
    settings = AlertSettings(tessera_auth_file=str(readers.auth_file))
    with serving(alerts_app(settings)) as url:
        changed = httpx.post(
            f"{url}/v1/alerts/{alert.alert_id}/acknowledge", headers=readers.bearer("police")
        )
        assert changed.status_code == 200, changed.text

    entries, copies = audited(kafka, audit_topic, neo4j_driver, purpose="acknowledge the alert")
    (entry,) = [e for e in entries if f"alert_id={alert.alert_id}" in e.parameters]
    assert (entry.action, entry.user, entry.agency) == ("alert.acknowledge", "pc.synth", POLICE)
    assert set(entry.subject_ids) == _subject_ids(alert)
    assert copies[entry.id]["hash"] == entry.hash
