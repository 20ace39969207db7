"""The real ingest app (in process) against the real Kafka broker: every event type round-trips,
and an outage of the broker is a 503 that loses nothing and duplicates nothing."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from common.auth import Role, TokenStore
from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas.reports import ReportCreate
from services.ingest.config import Settings
from services.ingest.main import create_app
from tessera_cli import local_infra
from tests.support.examples import EVENTS
from tests.support.factories import report_json, sighting_json
from tests.support.kafka_reading import read_reports

pytestmark = pytest.mark.integration


@pytest.fixture
def ingest(
    kafka: KafkaAccess, topic: str, tmp_path: Path
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        ingest_reports_topic=topic,
        ingest_publish_timeout_s=3.0,
        ingest_ledger_file=str(tmp_path / "ledger.sqlite3"),
        tessera_auth_file=str(tmp_path / "users.json"),
    )
    tokens = TokenStore(Path(settings.tessera_auth_file))
    tokens.add_agency("Synthetic Home A")
    token = tokens.issue(user="k.worker", agency="Synthetic Home A", role=Role.SUBMITTER)
    with TestClient(create_app(settings)) as client:
        yield client, {"Authorization": f"Bearer {token}"}


def test_every_event_type_round_trips_api_kafka_consumer(
    ingest: tuple[TestClient, dict[str, str]], kafka: KafkaAccess, topic: str
) -> None:
    client, auth = ingest
    bodies = [report_json(EVENTS[kind]) for kind in sorted(EVENTS)]
    response = client.post("/v1/reports:batch", json={"reports": bodies}, headers=auth)
    assert response.status_code == 202, response.text
    ids = response.json()["report_ids"]

    events = {str(e.event_id): e for e in read_reports(kafka, topic, len(ids))}
    assert set(events) == set(ids)
    for report_id, body in zip(ids, bodies, strict=True):
        event = events[report_id]
        assert event.report == ReportCreate.model_validate(body)
        assert (event.source_agency, event.submitted_by) == ("Synthetic Home A", "k.worker")
    read_back = client.get(
        f"/v1/reports/{ids[0]}", params={"purpose": "checking a report we sent"}, headers=auth
    )
    assert read_back.status_code == 200
    assert read_back.json()["report"]["event"]["type"] == sorted(EVENTS)[0]


def test_kafka_down_is_a_503_then_the_retry_lands_once(
    ingest: tuple[TestClient, dict[str, str]], kafka: KafkaAccess, topic: str
) -> None:
    if local_infra.KAFKA.process.pid() is None:
        pytest.fail("this test restarts the broker: it needs the one `tessera infra up` started")
    client, auth = ingest
    before = client.post(
        "/v1/reports",
        json=sighting_json("Ava Synth", place="Synthetic Park"),
        headers=auth | {"Idempotency-Key": "before-outage"},
    )
    assert before.status_code == 202

    body = sighting_json("Ben Synth", place="Synthetic Park")
    retry = auth | {"Idempotency-Key": "during-outage"}
    local_infra.KAFKA.process.stop()
    try:
        refused = client.post("/v1/reports", json=body, headers=retry)
        assert refused.status_code == 503
        assert int(refused.headers["Retry-After"]) > 0
    finally:
        local_infra.start_kafka(
            secrets=Path(InfraSettings().kafka_secrets_dir), access=lambda: kafka
        )

    accepted = client.post("/v1/reports", json=body, headers=retry)
    for _ in range(10):  # the producer reconnects on its own; a client retries after Retry-After
        if accepted.status_code == 202:
            break
        accepted = client.post("/v1/reports", json=body, headers=retry)
    assert accepted.status_code == 202, accepted.text
    again = client.post("/v1/reports", json=body, headers=retry)
    assert again.json() == accepted.json() | {"replayed": True}

    events = read_reports(kafka, topic, 2)
    ids = [str(e.event_id) for e in events]
    assert sorted(set(ids)) == sorted({before.json()["report_id"], accepted.json()["report_id"]})
    assert len(ids) == 2, f"duplicates on the topic: {ids}"
