"""Schemathesis property tests of the web's API over HTTP, signed in: the web and the three
service APIs it calls run as servers on loopback ports (each with its lifespan, on the real
Kafka and Neo4j, with a demo-like graph linked first), as a deployment runs them. Each request
carries a live session's cookie and, for a change, its CSRF token; real profile, entity, alert
and report ids stand in for generated ones. No generated request gets a 5xx, and every answer
keeps to the OpenAPI description."""

import uuid
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from neo4j import Driver
from schemathesis.core.parameters import ParameterLocation

from common.auth import Role, TokenStore
from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas.alerts import AlertRaised, AlertStatus, AlertType, Evidence, Priority
from schemas.topics import TopicSpec
from services.alerts.config import Settings as AlertsSettings
from services.alerts.main import create_app as create_alerts_app
from services.ingest.config import Settings as IngestSettings
from services.ingest.main import create_app as create_ingest_app
from services.network.analyst.main import create_app as create_network_app
from services.network.config import Settings as NetworkSettings
from services.web.config import Settings as WebSettings
from services.web.deps import COOKIE, CSRF_HEADER
from services.web.main import create_app as create_web_app
from services.web.sessions import session_key
from services.web.upstream import Service
from tessera_cli.topics import delete_topics, ensure_topics
from tests.support import queries
from tests.support.demo_graph import HOME, DemoGraph, demo_graph
from tests.support.examples import EVENTS
from tests.support.factories import report_json
from tests.support.fuzzing import EXCLUDED, FUZZ, Case, use_real_ids
from tests.support.linking import save_alert
from tests.support.serving import serving

pytestmark = pytest.mark.integration

BODY, HEADER = ParameterLocation.BODY, ParameterLocation.HEADER
PASSWORD = "a long synthetic password"  # noqa: S105 - synthetic
PURPOSE = "fuzzing the web's API with synthetic data"
CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Who is signed in for a call: the service a forwarded call goes to decides, else a key worker.
ROLE_FOR = {Service.NETWORK: Role.ANALYST, Service.ALERTS: Role.POLICE}

# The live stream never ends, so it cannot be fuzzed request by request; its own tests cover it.
web_api = schemathesis.openapi.from_dict(create_web_app(WebSettings()).openapi()).exclude(
    path="/api/alerts/stream"
)


@dataclass
class SignedIn:
    """A live session: its cookie and CSRF token."""

    cookie: str
    csrf_token: str


@dataclass
class WebUnderTest:
    """The web (served on a loopback port), its users' sessions and the real ids to use."""

    url: str
    app: FastAPI
    sessions: dict[Role, SignedIn] = field(default_factory=dict)
    profiles: list[str] = field(default_factory=list)
    paths: dict[Service, list[str]] = field(default_factory=dict)

    def sign_in(self, role: Role) -> SignedIn:
        """Sign the role's user in over HTTP, as the page does; keep the session."""
        # The fuzzing's own wrong passwords slow down this address; this is not a guess.
        self.app.state.throttle.succeeded("127.0.0.1")
        answer = httpx.post(
            f"{self.url}/api/session", json={"user": _user(role), "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        self.sessions[role] = SignedIn(answer.cookies[COOKIE], answer.json()["csrf_token"])
        return self.sessions[role]

    def session(self, role: Role) -> SignedIn:
        """The role's live session; signed in again when a generated sign-out ended it."""
        signed_in = self.sessions.get(role)
        if signed_in is None or self.app.state.sessions.get(session_key(signed_in.cookie)) is None:
            return self.sign_in(role)
        return signed_in


def _user(role: Role) -> str:
    return f"fuzz.{role.value}"


def _private_topic(kafka: KafkaAccess, kind: str, stack: ExitStack) -> str:
    name = f"test.{uuid.uuid4().hex[:8]}.{kind}"
    ensure_topics(access=kafka, specs=(TopicSpec(name, partitions=1, retention_ms=-1),))
    stack.callback(delete_topics, access=kafka, names=[name])
    return name


def _alert(settings: InfraSettings, graph: DemoGraph) -> AlertRaised:
    now = datetime.now(UTC)
    alert = AlertRaised(
        event_id=uuid.uuid4(),
        occurred_at=now,
        alert_id=uuid.uuid4(),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=f"shared_hotspot:location:fuzz-{graph.tag}",
        status=AlertStatus.OPEN,
        priority=Priority.MEDIUM,
        summary="3 young people linked to Synthetic Park",
        subjects=(),
        evidence=(Evidence(report_id=uuid.UUID(graph.report_ids[0]), observed_at=now),),
        raised_at=now,
        updated_at=now,
    )
    save_alert(settings, alert, anchor_id=f"location:fuzz-{graph.tag}")
    return alert


def _forwarded_paths(graph: DemoGraph, alert_id: str) -> dict[Service, list[str]]:
    """Paths of each service's /v1 API with real ids, as the pages call them."""
    entity, person, report = graph.entities[0], graph.persons[0], graph.report_ids[0]
    candidate = graph.candidates[0] if graph.candidates else "no-candidate"
    return {
        Service.NETWORK: [
            "persons",
            f"entities/{entity}",
            f"entities/{person}/network",
            f"entities/{person}/export",
            f"persons/{person}/co-presence",
            f"persons/{person}/split",
            "paths",
            "resolution/candidates",
            f"resolution/candidates/{candidate}/decision",
            "audit",
        ],
        Service.ALERTS: [
            "alerts",
            f"alerts/{alert_id}",
            f"alerts/{alert_id}/acknowledge",
            f"alerts/{alert_id}/close",
            "webhooks/deliveries",
        ],
        Service.INGEST: [
            "reports",
            "reports:batch",
            f"reports/{report}",
            f"reports/{report}/retract",
        ],
    }


@pytest.fixture(scope="module")
def web(
    settings: InfraSettings,
    kafka: KafkaAccess,
    neo4j_driver: Driver,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[WebUnderTest]:
    """The web and the three services on loopback ports, sharing one user store, with a key
    worker, a police officer and a police analyst signed in and one profile kept."""
    folder = tmp_path_factory.mktemp("web-fuzz")
    auth_file = str(folder / "users.json")
    with ExitStack() as stack:
        graph = stack.enter_context(demo_graph(settings, neo4j_driver))
        police = graph.restricted_to  # so the police users see the restricted report too
        agencies = {Role.SUBMITTER: HOME, Role.POLICE: police, Role.ANALYST: police}
        tokens = TokenStore(Path(auth_file))
        for role, agency in agencies.items():
            tokens.add_agency(agency)
            tokens.issue(user=_user(role), agency=agency, role=role)
            tokens.set_password(user=_user(role), password=PASSWORD)
        alert = _alert(settings, graph)
        stack.callback(
            neo4j_driver.execute_query,
            queries.DELETE_ALERT_AND_HISTORY,
            alert_id=str(alert.alert_id),
        )
        ingest = stack.enter_context(
            serving(
                create_ingest_app(
                    IngestSettings(
                        tessera_auth_file=auth_file,
                        ingest_reports_topic=_private_topic(kafka, "reports", stack),
                        ingest_retractions_topic=_private_topic(kafka, "retractions", stack),
                        ingest_publish_timeout_s=5.0,
                        ingest_ledger_file=str(folder / "ledger.sqlite3"),
                    )
                )
            )
        )
        network = stack.enter_context(
            serving(
                create_network_app(
                    NetworkSettings(
                        tessera_auth_file=auth_file,
                        network_decisions_topic=_private_topic(kafka, "decisions", stack),
                    )
                )
            )
        )
        alerts = stack.enter_context(
            serving(
                create_alerts_app(
                    AlertsSettings(
                        tessera_auth_file=auth_file, alerts_topic=f"test.{graph.tag}.alerts"
                    )
                )
            )
        )
        app = create_web_app(
            WebSettings(
                tessera_auth_file=auth_file,
                web_profiles_file=str(folder / "profiles.sqlite3"),
                web_static_dir=str(folder / "no-pages"),
                web_ingest_url=ingest,
                web_network_url=network,
                web_alerts_url=alerts,
                web_upstream_timeout_s=10.0,
            )
        )
        target = WebUnderTest(url=stack.enter_context(serving(app)), app=app)
        target.paths = _forwarded_paths(graph, str(alert.alert_id))
        keeper = target.sign_in(Role.SUBMITTER)
        created = httpx.post(
            f"{target.url}/api/profiles",
            json={"name": f"Robin Synth {graph.tag}", "date_of_birth": "2011-02-03"},
            cookies={COOKIE: keeper.cookie},
            headers={CSRF_HEADER: keeper.csrf_token},
        )
        assert created.status_code == 201, created.text
        target.profiles.append(created.json()["id"])
        yield target


def _service(case: Case) -> Service | None:
    try:
        return Service(str((case.path_parameters or {}).get("service")))
    except ValueError:
        return None


def _use_real_body(case: Case, web: WebUnderTest) -> None:
    """When the body is meant to be valid: a form's reports as a page sends them, about a
    profiled child; a sign-in with a real user's password. One body in three keeps what was
    generated."""
    meta = case.meta
    body = case.body
    if not isinstance(body, dict) or (meta is not None and meta.is_negative_at(BODY)):
        return
    if not zlib.crc32(repr(body).encode()) % 3:
        return
    if "reports" in body:
        missing = report_json(dict(EVENTS["missing_reported"]))
        case.body = {**body, "reports": [missing], "profile_id": web.profiles[0]}
    elif "password" in body:
        case.body = {"user": _user(Role.SUBMITTER), "password": PASSWORD}


@web_api.parametrize()
@FUZZ
def test_web_api_answers_no_5xx_and_keeps_to_its_description(case: Case, web: WebUnderTest) -> None:
    service = _service(case)
    use_real_ids(
        case,
        path={"profile_id": web.profiles, "path": web.paths.get(service, []) if service else []},
    )
    _use_real_body(case, web)
    signed_in = web.session(ROLE_FOR.get(service, Role.SUBMITTER) if service else Role.SUBMITTER)
    headers: dict[str, Any] = {}
    meta = case.meta
    if case.method.upper() in CHANGES and not (meta is not None and meta.is_negative_at(HEADER)):
        headers[CSRF_HEADER] = signed_in.csrf_token
    # The sign-in is fuzzed signed out: with a session's cookie it would end that session first.
    cookies = (
        {} if case.path == "/api/session" and case.method == "POST" else {COOKIE: signed_in.cookie}
    )
    case.call_and_validate(
        base_url=web.url,
        headers=headers,
        cookies=cookies,
        params={"purpose": PURPOSE} if service else None,
        excluded_checks=EXCLUDED,
    )
