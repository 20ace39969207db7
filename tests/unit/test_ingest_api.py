"""The ingest HTTP adapter: authentication and roles, validation, idempotency, 202 only after
the ack, 503 otherwise, 413 for oversized bodies, and reading back one's own reports (audited)."""

import json
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from common.auth import Role, TokenStore
from schemas import topics
from services.ingest.deps import get_ledger, get_publisher, get_reader
from services.ingest.ledger import SqliteLedger
from services.ingest.main import create_app
from tests.support.examples import EVENTS
from tests.support.factories import report_json, sighting_json, synthetic_nhs_number
from tests.support.fakes.audit import FakeAudit
from tests.support.fakes.ingest_publisher import FakeKafka


@pytest.fixture
def kafka() -> FakeKafka:
    return FakeKafka()


@pytest.fixture
def audit() -> FakeAudit:
    return FakeAudit()


PURPOSE = {"purpose": "checking what we sent about a child"}


@pytest.fixture
def client(tmp_path: Path, kafka: FakeKafka, audit: FakeAudit) -> TestClient:
    tokens = TokenStore(tmp_path / "users.json")
    for agency in ("Synthetic Home A", "Synthetic Home B"):
        tokens.add_agency(agency)
    ledger = SqliteLedger(tmp_path / "ledger.sqlite3")
    app = create_app()
    app.dependency_overrides[get_publisher] = lambda: kafka
    app.dependency_overrides[get_reader] = lambda: kafka
    app.dependency_overrides[get_ledger] = lambda: ledger
    app.state.token_store = tokens  # where the routes and the body guard look
    app.state.audit_trail = audit.trail
    test_client = TestClient(app)
    test_client.tokens = tokens
    return test_client


def _auth(
    client: TestClient, role: Role = Role.SUBMITTER, agency: str = "Synthetic Home A"
) -> dict[str, str]:
    token = client.tokens.issue(user=f"user.{role.value}", agency=agency, role=role)
    return {"Authorization": f"Bearer {token}"}


BODY = sighting_json("Ava Synth", place="Synthetic Park")


def test_requires_a_token(client: TestClient) -> None:
    assert client.post("/v1/reports", json=BODY).status_code == 401
    assert (
        client.post(
            "/v1/reports", json=BODY, headers={"Authorization": "Bearer tsr_x.y"}
        ).status_code
        == 401
    )


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.SUBMITTER, True), (Role.POLICE, True), (Role.ANALYST, True), (Role.ADMIN, False)],
)
def test_role_matrix_for_submitting_and_reading(
    client: TestClient, role: Role, allowed: bool
) -> None:
    auth = _auth(client, role)
    posted = client.post("/v1/reports", json=BODY, headers=auth)
    assert posted.status_code == (202 if allowed else 403)
    batch = client.post("/v1/reports:batch", json={"reports": [BODY]}, headers=auth)
    assert batch.status_code == (202 if allowed else 403)
    if allowed:
        got = client.get(f"/v1/reports/{posted.json()['report_id']}", params=PURPOSE, headers=auth)
        assert got.status_code == 200


def test_accepts_a_report_and_stamps_the_caller_not_the_body(
    client: TestClient, kafka: FakeKafka
) -> None:
    response = client.post("/v1/reports", json=BODY, headers=_auth(client))
    assert response.status_code == 202
    [(topic, message)] = kafka.messages
    event = json.loads(message.value)
    assert topic == "intel.reports.v1"
    assert event["event_id"] == response.json()["report_id"]
    assert (event["source_agency"], event["submitted_by"]) == ("Synthetic Home A", "user.submitter")
    assert message.key == b"place|ZZ99 9ZZ|synthetic park"


def test_agency_in_the_body_is_refused(client: TestClient) -> None:
    response = client.post(
        "/v1/reports", json=BODY | {"source_agency": "Someone Else"}, headers=_auth(client)
    )
    assert response.status_code == 422
    assert ["body", "source_agency"] in [e["loc"] for e in response.json()["detail"]]


def test_names_every_bad_field(client: TestClient) -> None:
    body = json.loads(json.dumps(BODY))
    body["event"]["persons"][0]["date_of_birth"] = "not-a-date"
    body["grading"]["source"] = 9
    response = client.post("/v1/reports", json=body, headers=_auth(client))
    assert response.status_code == 422
    locations = [tuple(e["loc"]) for e in response.json()["detail"]]
    assert ("body", "event", "sighting", "persons", 0, "date_of_birth") in locations
    assert ("body", "grading", "source") in locations


def test_a_malformed_identifier_is_a_422_naming_its_field_and_nothing_is_sent(
    client: TestClient, kafka: FakeKafka
) -> None:
    good = synthetic_nhs_number(7)
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)  # the check digit no longer matches
    body = json.loads(json.dumps(BODY))
    body["event"]["persons"][0] |= {"nhs_number": wrong, "pnc_id": "2009/0123456X"}
    response = client.post("/v1/reports", json=body, headers=_auth(client))
    assert response.status_code == 422
    errors = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    person = ("body", "event", "sighting", "persons", 0)
    assert "not a valid NHS number" in errors[(*person, "nhs_number")]
    assert "check letter does not match" in errors[(*person, "pnc_id")]
    assert wrong not in errors[(*person, "nhs_number")]
    assert kafka.messages == []
    body["event"]["persons"][0] |= {"nhs_number": f"{good[:3]} {good[3:6]} {good[6:]}"}
    del body["event"]["persons"][0]["pnc_id"]
    assert client.post("/v1/reports", json=body, headers=_auth(client)).status_code == 202
    assert (
        json.loads(kafka.messages[0][1].value)["report"]["event"]["persons"][0]["nhs_number"]
        == good
    )


def test_kafka_outage_is_a_503_with_retry_after_and_nothing_recorded(
    client: TestClient, kafka: FakeKafka
) -> None:
    kafka.down = True
    auth = _auth(client) | {"Idempotency-Key": "k-503"}
    response = client.post("/v1/reports", json=BODY, headers=auth)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    kafka.down = False
    retried = client.post("/v1/reports", json=BODY, headers=auth)
    assert retried.status_code == 202 and retried.json()["replayed"] is False
    assert len(kafka.messages) == 1


def test_a_retry_with_the_same_key_is_accepted_once(client: TestClient, kafka: FakeKafka) -> None:
    auth = _auth(client) | {"Idempotency-Key": "home-a-0001"}
    first = client.post("/v1/reports", json=BODY, headers=auth).json()
    second = client.post("/v1/reports", json=BODY, headers=auth).json()
    assert first["report_id"] == second["report_id"]
    assert (first["replayed"], second["replayed"]) == (False, True)
    assert len(kafka.messages) == 1


def test_the_same_key_for_a_different_report_is_a_409(client: TestClient) -> None:
    auth = _auth(client) | {"Idempotency-Key": "home-a-0002"}
    assert client.post("/v1/reports", json=BODY, headers=auth).status_code == 202
    other = sighting_json("Ben Synth", place="Synthetic Park")
    assert client.post("/v1/reports", json=other, headers=auth).status_code == 409


def test_keys_belong_to_one_agency(client: TestClient) -> None:
    a = client.post(
        "/v1/reports", json=BODY, headers=_auth(client) | {"Idempotency-Key": "shared"}
    ).json()
    b = client.post(
        "/v1/reports",
        json=BODY,
        headers=_auth(client, agency="Synthetic Home B") | {"Idempotency-Key": "shared"},
    ).json()
    assert a["report_id"] != b["report_id"]


def test_a_batch_is_accepted_whole_with_ids_in_order(client: TestClient, kafka: FakeKafka) -> None:
    reports = [report_json(EVENTS[kind]) for kind in sorted(EVENTS)]
    response = client.post("/v1/reports:batch", json={"reports": reports}, headers=_auth(client))
    assert response.status_code == 202
    ids = response.json()["report_ids"]
    assert len(ids) == len(reports) == len(kafka.messages)
    assert [json.loads(m.value)["event_id"] for _, m in kafka.messages] == ids


def test_a_batch_travels_live_unless_it_asks_for_the_bulk_lane(
    client: TestClient, kafka: FakeKafka
) -> None:
    body = {"reports": [BODY, BODY]}
    headers = _auth(client)
    for params, topic in (
        ({}, topics.REPORTS),
        ({"lane": "live"}, topics.REPORTS),
        ({"lane": "bulk"}, topics.REPORTS_BULK),
    ):
        kafka.messages.clear()
        response = client.post("/v1/reports:batch", params=params, json=body, headers=headers)
        assert response.status_code == 202, response.text
        assert [t for t, _ in kafka.messages] == [topic, topic]
    one = client.post("/v1/reports", params={"lane": "bulk"}, json=BODY, headers=headers)
    assert one.status_code == 202 and kafka.messages[-1][0] == topics.REPORTS  # always live


def test_an_unknown_lane_is_a_422_and_nothing_is_sent(client: TestClient, kafka: FakeKafka) -> None:
    response = client.post(
        "/v1/reports:batch",
        params={"lane": "express"},
        json={"reports": [BODY]},
        headers=_auth(client),
    )
    assert response.status_code == 422
    assert kafka.messages == []


def test_a_bulk_report_is_read_back_from_the_bulk_lane(
    client: TestClient, kafka: FakeKafka
) -> None:
    headers = _auth(client)
    sent = client.post(
        "/v1/reports:batch", params={"lane": "bulk"}, json={"reports": [BODY]}, headers=headers
    )
    (report_id,) = sent.json()["report_ids"]
    read = client.get(f"/v1/reports/{report_id}", params=PURPOSE, headers=headers)
    assert read.status_code == 200 and read.json()["report_id"] == report_id


def test_one_bad_report_refuses_the_batch_and_is_named(
    client: TestClient, kafka: FakeKafka
) -> None:
    bad = json.loads(json.dumps(BODY))
    bad["event"]["place"]["postcode"] = "nowhere"
    response = client.post(
        "/v1/reports:batch", json={"reports": [BODY, bad]}, headers=_auth(client)
    )
    assert response.status_code == 422
    locations = [tuple(e["loc"]) for e in response.json()["detail"]]
    assert ("body", "reports", 1, "event", "sighting", "place", "postcode") in locations
    assert kafka.messages == []


def test_batches_hold_at_most_1000(client: TestClient) -> None:
    response = client.post(
        "/v1/reports:batch", json={"reports": [BODY] * 1001}, headers=_auth(client)
    )
    assert response.status_code == 422


def test_oversized_bodies_are_a_413(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kafka: FakeKafka
) -> None:
    from services.ingest.config import Settings

    app = create_app(Settings(ingest_max_body_bytes=2_000))
    response = TestClient(app).post(
        "/v1/reports", content=b"x" * 5_000, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert "larger than 2000 bytes" in response.json()["detail"]


def test_an_agency_reads_its_own_report_and_no_other(client: TestClient) -> None:
    report_id = client.post("/v1/reports", json=BODY, headers=_auth(client)).json()["report_id"]
    mine = client.get(f"/v1/reports/{report_id}", params=PURPOSE, headers=_auth(client))
    assert mine.status_code == 200
    assert mine.json()["report"]["event"]["type"] == "sighting"
    assert mine.json()["source_agency"] == "Synthetic Home A"
    theirs = client.get(
        f"/v1/reports/{report_id}",
        params=PURPOSE,
        headers=_auth(client, agency="Synthetic Home B"),
    )
    assert theirs.status_code == 404
    unknown = client.get(f"/v1/reports/{UUID(int=7)}", params=PURPOSE, headers=_auth(client))
    assert unknown.status_code == 404


def test_reading_a_report_needs_a_purpose_and_is_audited(
    client: TestClient, audit: FakeAudit
) -> None:
    auth = _auth(client)
    report_id = client.post("/v1/reports", json=BODY, headers=auth).json()["report_id"]
    missing = client.get(f"/v1/reports/{report_id}", headers=auth)
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["query", "purpose"]
    assert client.get(f"/v1/reports/{report_id}", params=PURPOSE, headers=auth).status_code == 200
    (entry,) = audit.entries
    assert (entry.action, entry.subject_ids) == ("report.read", (f"report:{report_id}",))
    assert (entry.user, entry.agency, entry.purpose) == (
        "user.submitter",
        "Synthetic Home A",
        PURPOSE["purpose"],
    )


def test_a_report_read_that_cannot_be_audited_is_a_503_that_returns_nothing(
    client: TestClient, audit: FakeAudit
) -> None:
    auth = _auth(client)
    report_id = client.post("/v1/reports", json=BODY, headers=auth).json()["report_id"]
    audit.copy.down = True
    response = client.get(f"/v1/reports/{report_id}", params=PURPOSE, headers=auth)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "Ava" not in response.text and "sighting" not in response.text


def test_a_report_the_form_sent_without_its_grading_answered_is_refused_naming_each(
    client: TestClient, kafka: FakeKafka
) -> None:
    """The form asks both grading questions and never answers them for the user (issue 18);
    the server agrees: nothing is assumed, each unanswered one is named, nothing is sent."""
    body = json.loads(json.dumps(BODY))
    body["grading"] = {"handling": "P"}
    response = client.post("/v1/reports", json=body, headers=_auth(client))
    assert response.status_code == 422
    missing = {tuple(e["loc"]) for e in response.json()["detail"] if e["type"] == "missing"}
    assert missing == {("body", "grading", "source"), ("body", "grading", "intelligence")}
    assert kafka.messages == []


@pytest.mark.parametrize(
    "event",
    [
        {  # young people seen together at a place, as the form sends it
            "type": "sighting",
            "persons": [
                {"name": "Ava Synth", "role": "young_person"},
                {"name": "Jay", "role": "young_person"},
                {"description": "two boys about 15, one in a red jacket", "role": "young_person"},
            ],
            "place": {"name": "Synthetic Chicken", "postcode": "ZZ99 4CS", "category": "take_away"},
        },
        {  # an adult approaching children at a take-away (domain.md AS-1)
            "type": "approach",
            "approached": [
                {"name": "Ava Synth", "role": "young_person"},
                {"name": "Jay", "role": "young_person"},
            ],
            "approachers": [
                {
                    "nicknames": ["Tiny"],
                    "description": "man about 25, grey tracksuit",
                    "role": "adult",
                }
            ],
            "place": {"name": "Synthetic Chicken", "postcode": "ZZ99 4CS", "category": "take_away"},
            "purpose": "drug_trafficking",
            "purpose_detail": "Offered them £50 to carry a bag (synthetic).",
        },
    ],
)
def test_the_forms_new_reports_are_accepted(
    client: TestClient, kafka: FakeKafka, event: dict[str, object]
) -> None:
    response = client.post("/v1/reports", json=report_json(event), headers=_auth(client))
    assert response.status_code == 202, response.text
    assert len(kafka.messages) == 1
