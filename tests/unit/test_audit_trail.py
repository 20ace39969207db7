"""One writer's audit trail over fakes of its ports: a hash chain per writer, an entry on the
topic and in the copy before a read may answer, and AuditUnavailable (so a 503) otherwise."""

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from common.audit.trail import AuditUnavailable
from common.auth import Principal, Role, TokenStore
from schemas.audit import GENESIS_HASH, AuditEntry, entry_hash, intact
from services.network.analyst.deps import get_graph
from services.network.analyst.main import create_app
from tests.support.fakes.audit import FakeAudit

ANALYST = Principal(user="a.analyst", agency="Synthetic Analysts", role=Role.ANALYST)


def _record(audit: FakeAudit, *subjects: str, action: str = "person.read") -> AuditEntry:
    return audit.trail.record(
        reader=ANALYST,
        action=action,
        purpose="ETAC review (synthetic)",
        subject_ids=list(subjects),
        parameters={"limit": 50, "since": None, "depth": 2},
    )


def test_entries_form_one_chain_in_order_with_each_hash_over_the_canonical_json() -> None:
    audit = FakeAudit()
    entries = [_record(audit, f"person:{i}") for i in range(3)]
    assert audit.entries == entries == audit.copy.saved
    assert [e.sequence for e in entries] == [0, 1, 2]
    assert len({e.chain_id for e in entries}) == 1
    assert [e.prev_hash for e in entries] == [GENESIS_HASH, entries[0].hash, entries[1].hash]
    wire = json.loads(entries[1].model_dump_json())
    unhashed = {k: v for k, v in wire.items() if k != "hash"}
    canonical = json.dumps(unhashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert entries[1].hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert intact(wire)
    assert not intact({**wire, "purpose": "something else"})


def test_an_entry_names_the_reader_its_subjects_once_and_what_was_asked() -> None:
    entry = _record(FakeAudit(), "person:b", "person:a", "person:b", action="network.read")
    assert (entry.user, entry.agency, entry.role) == ("a.analyst", "Synthetic Analysts", "analyst")
    assert (entry.action, entry.service) == ("network.read", "test")
    assert entry.subject_ids == ("person:a", "person:b")
    assert entry.parameters == ("depth=2", "limit=50")  # unset values are left out


def test_an_entry_kafka_did_not_acknowledge_fails_the_read_and_starts_a_new_chain() -> None:
    audit = FakeAudit()
    first = _record(audit, "person:a")
    audit.log.down = True
    with pytest.raises(AuditUnavailable):
        _record(audit, "person:b")
    assert audit.copy.saved == [first]  # never copied what the topic does not hold
    audit.log.down = False
    after = _record(audit, "person:c")
    # the refused entry may yet be on the topic: carrying on its sequence could fork the chain
    assert after.chain_id != first.chain_id
    assert (after.sequence, after.prev_hash) == (0, GENESIS_HASH)


def test_an_entry_that_cannot_be_copied_fails_the_read_and_is_copied_later() -> None:
    audit = FakeAudit()
    audit.copy.down = True
    with pytest.raises(AuditUnavailable):
        _record(audit, "person:a")
    (uncopied,) = audit.entries  # on the topic, the system of record, all the same
    audit.copy.down = False
    later = _record(audit, "person:b")
    assert audit.copy.saved == [uncopied, later]
    assert later.prev_hash == uncopied.hash  # the chain goes on: the topic holds both


def test_the_hash_covers_every_field() -> None:
    entry = _record(FakeAudit(), "person:a")
    fields = entry.model_dump(mode="json")
    for name in fields:
        if name != "hash":
            changed = {**fields, name: "tampered" if isinstance(fields[name], str) else 99}
            assert entry_hash(changed) != entry.hash, name


class FakeAuditGraph:
    def audit_entries(self, **params: Any) -> list[dict[str, Any]]:
        return [
            {
                "id": "e1",
                "at": "2026-11-23T12:00:00Z",
                "service": "network-api",
                "user": "a.analyst",
                "agency": "Synthetic Analysts",
                "role": "analyst",
                "action": "person.read",
                "purpose": "ETAC review",
                "subject_ids": ["person:synthetic-ava"],
                "parameters": [],
                "chain_id": "c1",
                "sequence": 0,
                "prev_hash": GENESIS_HASH,
                "hash": "f" * 64,
            }
        ]


def _client(
    tmp_path: Path, audit: FakeAudit, graph: Any, *, user: str, role: Role
) -> tuple[TestClient, dict[str, str]]:
    tokens = TokenStore(tmp_path / "users.json")
    tokens.add_agency("Synthetic Analysts")
    token = tokens.issue(user=user, agency="Synthetic Analysts", role=role)
    app = create_app()
    app.dependency_overrides[get_graph] = graph
    app.state.token_store = tokens
    app.state.audit_trail = audit.trail
    return TestClient(app), {"Authorization": f"Bearer {token}"}


def _admin_client(tmp_path: Path, audit: FakeAudit) -> tuple[TestClient, dict[str, str]]:
    return _client(tmp_path, audit, FakeAuditGraph, user="an.admin", role=Role.ADMIN)


def test_reading_the_audit_needs_a_purpose_and_is_audited_itself(tmp_path: Path) -> None:
    audit = FakeAudit()
    client, auth = _admin_client(tmp_path, audit)
    assert client.get("/v1/audit", headers=auth).status_code == 422
    page = client.get("/v1/audit", params={"purpose": "monthly audit review"}, headers=auth)
    assert page.status_code == 200
    assert page.json()["items"][0]["chain_id"] == "c1"
    (entry,) = audit.entries
    assert (entry.action, entry.user) == ("audit.read", "an.admin")
    assert entry.subject_ids == ("person:synthetic-ava",)


def test_an_analyst_read_that_cannot_be_audited_is_a_503_that_returns_nothing(
    tmp_path: Path,
) -> None:
    audit = FakeAudit()
    client, auth = _admin_client(tmp_path, audit)
    audit.log.down = True
    response = client.get("/v1/audit", params={"purpose": "monthly audit review"}, headers=auth)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "synthetic-ava" not in response.text


class FakeMissingGraph:
    """One child missing, seen since in another report."""

    def missing_now(self, **params: Any) -> list[dict[str, Any]]:
        return [
            {
                "person_id": "person:synthetic-ada",
                "name": "Ada Synth",
                "date_of_birth": None,
                "age": 14,
                "episode_id": "episode:1",
                "missing_since": "2026-11-30T20:00:00Z",
                "police_risk_grading": "medium",
                "report_id": "r-went-missing",
                "reported_by": "Synthetic Home",
                "last_seen_place": None,
                "last_seen_postcode": None,
                "missing_from": None,
                "missing_from_postcode": None,
                "since_report_id": "r-seen-since",
                "since_type": "sighting",
                "since_at": "2026-12-01T09:00:00Z",
                "since_places": [],
            }
        ]


def test_the_missing_page_is_audited_with_every_child_and_report_it_shows(
    tmp_path: Path,
) -> None:
    audit = FakeAudit()
    client, auth = _client(tmp_path, audit, FakeMissingGraph, user="a.analyst", role=Role.ANALYST)
    page = client.get("/v1/missing", params={"purpose": "daily missing review"}, headers=auth)
    assert page.status_code == 200, page.text
    (entry,) = audit.entries
    assert entry.action == "missing.list"
    assert set(entry.subject_ids) == {
        "person:synthetic-ada",
        "report:r-went-missing",
        "report:r-seen-since",
    }
