"""Retracting a report through ingest: who may, 202 only after the ack, 503 otherwise, and the
ReportRetracted event that lands on the retractions topic."""

from pathlib import Path
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from common.auth import Role, TokenStore
from schemas.retractions import ReportRetracted
from schemas.topics import RETRACTIONS
from services.ingest.deps import get_ledger, get_publisher, get_reader
from services.ingest.ledger import SqliteLedger
from services.ingest.main import create_app
from tests.support.factories import sighting_json
from tests.support.fakes.ingest_publisher import FakeKafka

HOME_A, HOME_B = "Synthetic Home A", "Synthetic Home B"
REASON = {"reason": "entered against the wrong young person"}


@pytest.fixture
def kafka() -> FakeKafka:
    return FakeKafka()


@pytest.fixture
def tokens(tmp_path: Path) -> TokenStore:
    store = TokenStore(tmp_path / "users.json")
    for agency in (HOME_A, HOME_B, "Synthetic Admins"):
        store.add_agency(agency)
    return store


@pytest.fixture
def client(tmp_path: Path, kafka: FakeKafka, tokens: TokenStore) -> TestClient:
    ledger = SqliteLedger(tmp_path / "ledger.sqlite3")
    app = create_app()
    app.dependency_overrides[get_publisher] = lambda: kafka
    app.dependency_overrides[get_reader] = lambda: kafka
    app.dependency_overrides[get_ledger] = lambda: ledger
    app.state.token_store = tokens  # where the routes and the body guard look
    return TestClient(app)


def _auth(tokens: TokenStore, role: Role, agency: str = HOME_A) -> dict[str, str]:
    token = tokens.issue(user=f"user.{role.value}", agency=agency, role=role)
    return {"Authorization": f"Bearer {token}"}


def _submitted(client: TestClient, tokens: TokenStore) -> str:
    response = client.post(
        "/v1/reports",
        json=sighting_json("Ava Synth", place="Synthetic Park"),
        headers=_auth(tokens, Role.SUBMITTER),
    )
    assert response.status_code == 202
    report_id: str = response.json()["report_id"]
    return report_id


def test_the_submitting_agency_retracts_and_the_event_is_published(
    client: TestClient, kafka: FakeKafka, tokens: TokenStore
) -> None:
    report_id = _submitted(client, tokens)
    response = client.post(
        f"/v1/reports/{report_id}/retract", json=REASON, headers=_auth(tokens, Role.SUBMITTER)
    )
    assert response.status_code == 202, response.text
    (message,) = kafka.on(RETRACTIONS)
    event = ReportRetracted.from_wire(message.value)
    assert response.json()["retraction_id"] == str(event.event_id)
    assert (event.report_id, event.report_agency, event.source_agency) == (
        UUID(report_id),
        HOME_A,
        HOME_A,
    )
    assert event.retracted_by == "user.submitter" and event.reason == REASON["reason"]
    assert message.key == report_id.encode()


def test_an_admin_of_any_agency_may_retract(
    client: TestClient, kafka: FakeKafka, tokens: TokenStore
) -> None:
    report_id = _submitted(client, tokens)
    admin = _auth(tokens, Role.ADMIN, "Synthetic Admins")
    response = client.post(f"/v1/reports/{report_id}/retract", json=REASON, headers=admin)
    assert response.status_code == 202, response.text
    (message,) = kafka.on(RETRACTIONS)
    assert ReportRetracted.from_wire(message.value).report_agency == HOME_A


@pytest.mark.parametrize(
    ("role", "agency", "expected"),
    [
        (Role.SUBMITTER, HOME_B, 404),  # another agency's report is not revealed
        (Role.POLICE, HOME_A, 403),
        (Role.ANALYST, HOME_A, 403),
    ],
)
def test_who_may_not_retract(
    client: TestClient,
    kafka: FakeKafka,
    tokens: TokenStore,
    role: Role,
    agency: str,
    expected: int,
) -> None:
    report_id = _submitted(client, tokens)
    response = client.post(
        f"/v1/reports/{report_id}/retract", json=REASON, headers=_auth(tokens, role, agency)
    )
    assert response.status_code == expected
    assert kafka.on(RETRACTIONS) == []


def test_unknown_reports_are_404_and_a_reason_is_required(
    client: TestClient, tokens: TokenStore
) -> None:
    auth = _auth(tokens, Role.SUBMITTER)
    assert (
        client.post(f"/v1/reports/{uuid4()}/retract", json=REASON, headers=auth).status_code == 404
    )
    report_id = _submitted(client, tokens)
    for body in ({}, {"reason": "  "}, {**REASON, "by": "someone"}):
        response = client.post(f"/v1/reports/{report_id}/retract", json=body, headers=auth)
        assert response.status_code == 422, body
    assert client.post(f"/v1/reports/{report_id}/retract", json=REASON).status_code == 401


def test_kafka_down_is_a_503_with_retry_after(
    client: TestClient, kafka: FakeKafka, tokens: TokenStore
) -> None:
    report_id = _submitted(client, tokens)
    kafka.down = True
    response = client.post(
        f"/v1/reports/{report_id}/retract", json=REASON, headers=_auth(tokens, Role.SUBMITTER)
    )
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert kafka.on(RETRACTIONS) == []
