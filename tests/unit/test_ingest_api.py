"""The ingest HTTP adapter: authentication, validation, 202 only after the ack, 503 otherwise."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from common.auth import Role, TokenStore
from common.http_auth import get_token_store
from services.ingest.deps import get_publisher
from services.ingest.main import create_app
from services.ingest.publisher import PublishFailed
from tests.factories import sighting_json


class FakePublisher:
    def __init__(self, *, fail: bool = False) -> None:
        self.messages: list[tuple[str, bytes, bytes]] = []
        self.fail = fail

    def publish(self, *, topic: str, key: bytes, value: bytes) -> None:
        if self.fail:
            raise PublishFailed("broker down")
        self.messages.append((topic, key, value))


@pytest.fixture
def tokens(tmp_path: Path) -> TokenStore:
    return TokenStore(tmp_path / "users.json")


def _client(publisher: FakePublisher, tokens: TokenStore) -> TestClient:
    app = create_app()
    app.dependency_overrides[get_publisher] = lambda: publisher
    app.dependency_overrides[get_token_store] = lambda: tokens
    return TestClient(app)


def _auth(tokens: TokenStore, role: Role = Role.SUBMITTER) -> dict[str, str]:
    token = tokens.issue(user="k.worker", agency="Synthetic Home A", role=role)
    return {"Authorization": f"Bearer {token}"}


def test_requires_a_token(tokens: TokenStore) -> None:
    response = _client(FakePublisher(), tokens).post(
        "/v1/reports", json=sighting_json("Ava Synth", place="Synthetic Park")
    )
    assert response.status_code == 401


def test_accepts_a_report_and_stamps_the_caller_not_the_body(tokens: TokenStore) -> None:
    publisher = FakePublisher()
    response = _client(publisher, tokens).post(
        "/v1/reports",
        json=sighting_json("Ava Synth", place="Synthetic Park"),
        headers=_auth(tokens),
    )
    assert response.status_code == 202
    [(topic, key, value)] = publisher.messages
    event = json.loads(value)
    assert topic == "intel.reports.v1"
    assert event["event_id"] == response.json()["report_id"]
    assert (event["source_agency"], event["submitted_by"]) == ("Synthetic Home A", "k.worker")
    assert key == b"place|ZZ99 9ZZ|synthetic park"


def test_names_the_bad_field(tokens: TokenStore) -> None:
    body = sighting_json("Ava Synth", place="Synthetic Park")
    body["event"]["persons"][0]["date_of_birth"] = "not-a-date"
    response = _client(FakePublisher(), tokens).post(
        "/v1/reports", json=body, headers=_auth(tokens)
    )
    assert response.status_code == 422
    locations = [tuple(e["loc"]) for e in response.json()["detail"]]
    assert ("body", "event", "sighting", "persons", 0, "date_of_birth") in locations


def test_kafka_outage_is_a_503_with_retry_after(tokens: TokenStore) -> None:
    response = _client(FakePublisher(fail=True), tokens).post(
        "/v1/reports",
        json=sighting_json("Ava Synth", place="Synthetic Park"),
        headers=_auth(tokens),
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
