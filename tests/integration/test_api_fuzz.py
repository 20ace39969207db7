"""Schemathesis property tests of the ingest and alerts HTTP APIs, in process, against the real
Kafka broker and the real Neo4j: no generated request gets a 5xx, and every answer keeps to the
OpenAPI description. Below them, the 5xx found by hand that schemathesis does not generate.
The analyst API and the web have suites of their own (test_analyst_api_fuzz.py,
test_web_api_fuzz.py); what they share is in tests/support/fuzzing.py."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from neo4j import Driver

from common.auth import Role, TokenStore
from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas.alerts import AlertRaised, AlertStatus, AlertType, Evidence, Priority
from schemas.topics import TopicSpec
from services.alerts.config import Settings as AlertsSettings
from services.alerts.main import create_app as create_alerts_app
from services.ingest.config import Settings as IngestSettings
from services.ingest.main import create_app as create_ingest_app
from tessera_cli.topics import delete_topics, ensure_topics
from tests.support import queries
from tests.support.factories import run_tag
from tests.support.fuzzing import (
    EXCLUDED,
    FUZZ,
    AppUnderTest,
    Case,
    StandInBearer,
    real_token,
)
from tests.support.linking import save_alert

pytestmark = pytest.mark.integration

INGEST = AppUnderTest()
ingest_api = schemathesis.openapi.from_dict(create_ingest_app(IngestSettings()).openapi())
ingest_api.app = INGEST
ingest_api.auth(refresh_interval=None)(StandInBearer)

ALERTS = AppUnderTest()
# The live stream never ends, so it cannot be fuzzed request by request; its own tests cover it.
alerts_api = schemathesis.openapi.from_dict(create_alerts_app(AlertsSettings()).openapi()).exclude(
    path="/v1/alerts/stream"
)
alerts_api.app = ALERTS
alerts_api.auth(refresh_interval=None)(StandInBearer)


def _token(path: Path, *, agency: str, user: str, role: Role) -> str:
    tokens = TokenStore(path)
    tokens.add_agency(agency)
    return tokens.issue(user=user, agency=agency, role=role)


@pytest.fixture
def ingest(kafka: KafkaAccess, tmp_path: Path) -> Iterator[AppUnderTest]:
    """The ingest app on a private topic, and a real submitter's token."""
    topic = f"test.{uuid.uuid4().hex[:8]}.reports"
    ensure_topics(access=kafka, specs=(TopicSpec(topic, partitions=1, retention_ms=-1),))
    auth_file = tmp_path / "users.json"
    INGEST.token = _token(
        auth_file, agency="Synthetic Home A", user="k.worker", role=Role.SUBMITTER
    )
    INGEST.app = create_ingest_app(
        IngestSettings(
            kafka_bootstrap_servers=kafka.bootstrap_servers,
            ingest_reports_topic=topic,
            ingest_bulk_reports_topic=topic,  # both lanes on the private topic
            ingest_publish_timeout_s=5.0,
            ingest_ledger_file=str(tmp_path / "ledger.sqlite3"),
            tessera_auth_file=str(auth_file),
        )
    )
    # schemathesis starts the app's lifespan on the first request and its pytest plugin stops
    # it when the test ends, before this teardown runs.
    yield INGEST
    INGEST.app = INGEST.token = None
    delete_topics(access=kafka, names=[topic])


@pytest.fixture
def alert(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[AlertRaised]:
    """One synthetic alert in the real graph, so no page is necessarily empty; deleted after."""
    now = datetime.now(UTC)
    alert = AlertRaised(
        event_id=uuid.uuid4(),
        occurred_at=now,
        alert_id=uuid.uuid4(),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=f"shared_hotspot:location:fuzz-{run_tag()}",
        status=AlertStatus.OPEN,
        priority=Priority.MEDIUM,
        summary="3 young people linked to Synthetic Park",
        subjects=(),
        evidence=(Evidence(report_id=uuid.uuid4(), observed_at=now),),
        raised_at=now,
        updated_at=now,
    )
    save_alert(settings, alert, anchor_id=f"location:fuzz-{run_tag()}")
    yield alert
    neo4j_driver.execute_query(queries.DELETE_ALERT_AND_HISTORY, alert_id=str(alert.alert_id))


@pytest.fixture
def alerts(
    settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path, alert: AlertRaised
) -> Iterator[AppUnderTest]:
    """The alert API on the real Neo4j, and a real police officer's token."""
    auth_file = tmp_path / "users.json"
    ALERTS.token = _token(auth_file, agency="Synthetic Police", user="pc.synth", role=Role.POLICE)
    ALERTS.app = create_alerts_app(
        AlertsSettings(
            neo4j_uri=settings.neo4j_uri,
            neo4j_user=settings.neo4j_user,
            neo4j_password=settings.neo4j_password,
            neo4j_database=settings.neo4j_database,
            tessera_auth_file=str(auth_file),
        )
    )
    yield ALERTS
    ALERTS.app = ALERTS.token = None


@ingest_api.parametrize()
@FUZZ
def test_ingest_api_answers_no_5xx_and_keeps_to_its_description(
    case: Case, ingest: AppUnderTest
) -> None:
    case.call_and_validate(headers=real_token(case, ingest), excluded_checks=EXCLUDED)


@alerts_api.parametrize()
@FUZZ
def test_alerts_api_answers_no_5xx_and_keeps_to_its_description(
    case: Case, alerts: AppUnderTest
) -> None:
    case.call_and_validate(headers=real_token(case, alerts), excluded_checks=EXCLUDED)


def _client_of(target: AppUnderTest) -> tuple[TestClient, dict[str, str]]:
    assert target.app is not None
    return TestClient(target.app), {"Authorization": f"Bearer {target.token}"}


@pytest.mark.parametrize(
    "body",
    ['{"reports": [1e999]}', '{"reports": ["\\ud800"]}'],
    ids=["infinite-number", "lone-surrogate"],
)
def test_ingest_refuses_input_json_cannot_echo_with_a_422(ingest: AppUnderTest, body: str) -> None:
    """Bodies schemathesis does not generate: parsed, they hold what JSON text cannot carry."""
    client, auth = _client_of(ingest)
    with client:
        response = client.post(
            "/v1/reports:batch", content=body, headers=auth | {"Content-Type": "application/json"}
        )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "reports", 0]


def test_alerts_refuse_an_offset_past_the_bound_with_a_422(alerts: AppUnderTest) -> None:
    client, auth = _client_of(alerts)
    with client:
        response = client.get(
            "/v1/alerts", params={"offset": 2**63, "purpose": "fuzzing review"}, headers=auth
        )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["query", "offset"]
