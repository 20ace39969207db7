"""Resolution decisions and splits: published before they are applied, nothing applied when Kafka
does not hold them, and the analyst API's answers for each outcome. Fakes of the ports."""

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from common.auth import Principal, Role, TokenStore
from schemas.resolution import ResolutionDecided, Verdict
from services.network.analyst import decisions
from services.network.analyst.deps import get_graph, get_publisher
from services.network.analyst.main import create_app
from services.network.analyst.ports import PublishFailed
from services.network.identities import split_person_id
from tests.support.factories import NOW
from tests.support.fakes.audit import FakeAudit

ANALYST = Principal(user="a.analyst", agency="Synthetic Analysts", role=Role.ANALYST)
R1, R2, R3 = (str(uuid.UUID(int=i)) for i in (1, 2, 3))


class FakeKafka:
    """A publisher over a list that fails on demand, and records the order of calls."""

    def __init__(self, log: list[str]) -> None:
        self.sent: list[tuple[str, bytes, bytes]] = []
        self.down = False
        self.log = log

    def publish(self, *, topic: str, key: bytes, value: bytes) -> None:
        if self.down:
            raise PublishFailed("broker down")
        self.log.append("published")
        self.sent.append((topic, key, value))


def _said(name: str) -> dict[str, Any]:
    return {"mentions": [{"name": name, "observed_on": "2026-11-20"}], "contacts": []}


class FakeGraph:
    """Two visible candidates, of which what the caller sees puts only a:b to them, and one
    person mentioned by three visible reports."""

    def __init__(self, log: list[str]) -> None:
        self.applied: list[dict[str, Any]] = []
        self.log = log
        self.facts = {
            "person:a": _said("Dean Walsh"),
            "person:b": _said("D. Walsh"),
            "person:c": _said("Kai Other"),  # alike to a only in reports the caller may not see
        }

    def candidate(self, *, candidate_id: str, audiences: list[str]) -> dict[str, Any] | None:
        pairs = {"candidate:a:b": "person:b", "candidate:a:c": "person:c"}
        if candidate_id not in pairs:
            return None
        return {"id": candidate_id, "person_a": "person:a", "person_b": pairs[candidate_id]}

    def person_match_facts(self, ids: list[str], *, audiences: list[str]) -> list[dict[str, Any]]:
        return [{"id": i, **self.facts[i]} for i in ids if i in self.facts]

    def split_check(
        self, *, person_id: str, report_ids: list[str], audiences: list[str]
    ) -> dict[str, Any] | None:
        if person_id != "person:a":
            return None
        visible = [r for r in report_ids if r in (R1, R2, R3, str(uuid.UUID(int=9)))]
        return {"id": person_id, "visible": visible, "mentioning": [R1, R2, R3]}

    def apply_decision(self, decision: dict[str, Any]) -> None:
        self.log.append("applied")
        self.applied.append(decision)


@pytest.fixture
def log() -> list[str]:
    return []


@pytest.fixture
def kafka(log: list[str]) -> FakeKafka:
    return FakeKafka(log)


@pytest.fixture
def graph(log: list[str]) -> FakeGraph:
    return FakeGraph(log)


def _split(graph: FakeGraph, kafka: FakeKafka, *report_ids: str) -> ResolutionDecided | None:
    return decisions.split_person(
        person_id="person:a",
        report_ids=[uuid.UUID(r) for r in report_ids],
        reason="two boys of the same name",
        principal=ANALYST,
        graph=graph,
        publisher=kafka,
        topic="decisions",
        now=NOW,
        new_id=uuid.uuid4,
    )


def _decide(
    graph: FakeGraph, kafka: FakeKafka, candidate_id: str, verdict: Verdict
) -> ResolutionDecided | None:
    return decisions.decide_candidate(
        candidate_id=candidate_id,
        verdict=verdict,
        reason="same school and placement",
        principal=ANALYST,
        graph=graph,
        publisher=kafka,
        topic="decisions",
        now=NOW,
        new_id=uuid.uuid4,
    )


def test_a_decision_is_published_then_applied(
    graph: FakeGraph, kafka: FakeKafka, log: list[str]
) -> None:
    decided = _decide(graph, kafka, "candidate:a:b", Verdict.SAME)
    assert decided is not None and log == ["published", "applied"]
    (topic, _, value) = kafka.sent[0]
    assert topic == "decisions" and ResolutionDecided.from_wire(value) == decided
    assert graph.applied[0]["id"] == decided.decision_id
    assert graph.applied[0]["decided_by"] == "a.analyst"


@pytest.mark.parametrize("verdict", [Verdict.SAME, Verdict.DIFFERENT])
def test_a_candidate_not_listed_to_the_caller_cannot_be_decided_by_them(
    graph: FakeGraph, kafka: FakeKafka, verdict: Verdict
) -> None:
    decided = _decide(graph, kafka, "candidate:a:c", verdict)
    assert decided is None and kafka.sent == [] and graph.applied == []


def test_nothing_is_applied_when_kafka_does_not_hold_the_decision(
    graph: FakeGraph, kafka: FakeKafka
) -> None:
    kafka.down = True
    with pytest.raises(PublishFailed):
        _split(graph, kafka, R2)
    assert graph.applied == []


def test_a_split_gets_a_deterministic_person_and_names_its_reports(
    graph: FakeGraph, kafka: FakeKafka
) -> None:
    split = _split(graph, kafka, R3, R2)
    assert split is not None and split.decision is Verdict.SPLIT
    assert split.person_b == split_person_id("person:a", [R2, R3])
    assert split.person_b == split_person_id("person:a", [R3, R2])
    assert [str(r) for r in split.report_ids] == [R2, R3]
    assert graph.applied[0]["report_ids"] == [R2, R3]


def test_a_split_refuses_reports_not_about_the_person_or_leaving_none(
    graph: FakeGraph, kafka: FakeKafka
) -> None:
    with pytest.raises(decisions.SplitRefused, match="do not mention"):
        _split(graph, kafka, R2, str(uuid.UUID(int=9)))
    with pytest.raises(decisions.SplitRefused, match="must stay"):
        _split(graph, kafka, R1, R2, R3)
    assert _split(graph, kafka, str(uuid.uuid4())) is None  # not visible: 404
    assert kafka.sent == [] and graph.applied == []


def test_a_decision_event_must_fit_its_verdict() -> None:
    common = {
        "event_id": str(uuid.uuid4()),
        "occurred_at": NOW.isoformat(),
        "source_agency": "Synthetic Analysts",
        "decided_by": "a.analyst",
        "reason": "two boys of the same name",
        "person_a": "person:a",
        "person_b": "person:b",
    }
    with pytest.raises(ValueError, match="names the reports"):
        ResolutionDecided.from_wire(json.dumps({**common, "decision": "split"}))
    with pytest.raises(ValueError, match="names its candidate"):
        ResolutionDecided.from_wire(json.dumps({**common, "decision": "same"}))


@pytest.fixture
def audit() -> FakeAudit:
    return FakeAudit()


@pytest.fixture
def client(tmp_path: Path, graph: FakeGraph, kafka: FakeKafka, audit: FakeAudit) -> TestClient:
    tokens = TokenStore(tmp_path / "users.json")
    tokens.add_agency("Synthetic Analysts")
    token = tokens.issue(user="a.analyst", agency="Synthetic Analysts", role=Role.ANALYST)
    app = create_app()
    app.dependency_overrides[get_graph] = lambda: graph
    app.dependency_overrides[get_publisher] = lambda: kafka
    app.state.token_store = tokens  # where the routes and the body guard look
    app.state.audit_trail = audit.trail
    test_client = TestClient(app)
    test_client.headers["Authorization"] = f"Bearer {token}"
    return test_client


PURPOSE = {"purpose": "unit test of decisions"}


def test_the_api_answers_503_with_retry_after_when_kafka_is_down(
    client: TestClient, graph: FakeGraph, kafka: FakeKafka
) -> None:
    kafka.down = True
    decided = client.post(
        "/v1/resolution/candidates/candidate:a:b/decision",
        params=PURPOSE,
        json={"decision": "same", "reason": "same school and placement"},
    )
    split = client.post(
        "/v1/persons/person:a/split",
        params=PURPOSE,
        json={"report_ids": [R2], "reason": "two boys of the same name"},
    )
    for response in (decided, split):
        assert response.status_code == 503, response.text
        assert int(response.headers["Retry-After"]) > 0
    assert graph.applied == []


def test_the_split_call_answers_201_404_and_422_and_audits_each(
    client: TestClient, audit: FakeAudit
) -> None:
    body = {"report_ids": [R2], "reason": "two boys of the same name"}
    made = client.post("/v1/persons/person:a/split", params=PURPOSE, json=body)
    assert made.status_code == 201, made.text
    assert made.json()["new_person_id"] == split_person_id("person:a", [R2])
    missing = client.post("/v1/persons/person:zz/split", params=PURPOSE, json=body)
    assert missing.status_code == 404
    everything = {**body, "report_ids": [R1, R2, R3]}
    refused = client.post("/v1/persons/person:a/split", params=PURPOSE, json=everything)
    assert refused.status_code == 422
    (error,) = refused.json()["detail"]  # shaped as FastAPI's own 422, naming the field
    assert error["loc"] == ["body", "report_ids"] and "must stay" in error["msg"]
    assert client.post("/v1/persons/person:a/split", json=body).status_code == 422  # no purpose
    assert audit.actions() == ["person.split"] * 3
    assert audit.entries[0].purpose == PURPOSE["purpose"]
    assert f"report_ids={R2}" in audit.entries[0].parameters


@pytest.mark.parametrize(
    "path", ["/v1/persons/person:a/split", "/v1/resolution/candidates/candidate:a:b/decision"]
)
def test_a_body_json_text_cannot_echo_is_a_422_naming_the_field(
    client: TestClient, path: str
) -> None:
    """Fuzzing: the 422 echoed a lone surrogate it could not write, so the caller got a 500."""
    body = f'{{"report_ids": ["{R2}"], "decision": "same", "reason": "\\ud800 synthetic"}}'
    answer = client.post(
        path, params=PURPOSE, content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422, answer.text
    assert ["body", "reason"] in [error["loc"] for error in answer.json()["detail"]]
