"""The web's backend over HTTP: the session cookie, CSRF on every change, sign-out revoking the
token in the shared user store, calls forwarded with the session's own token, and profiles
shared with police only while the child is missing."""

import logging
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from common.auth import InvalidToken, Role, TokenStore
from services.web.config import Settings
from services.web.main import create_app
from services.web.upstream import Service, Upstream
from tests.support.fakes.audit import FakeAudit

PASSWORD = "a long synthetic password"  # noqa: S105 - synthetic
# An analyst's search for an invented child: none of it may reach a log at INFO or below.
CANARY_SEARCH = {
    "name": "Canary Synthname",
    "date_of_birth": "2011-01-02",
    "phone": "07700 900123",
    "purpose": "Canaryreview of a synthetic referral",
}
CANARIES = ("Canary", "Synthname", "2011-01-02", "900123")


@dataclass
class FakeUpstream:
    """Records what the web sent to the services and answers like ingest and the alert API."""

    calls: list[tuple[Service, str, str, str, Any]] = field(default_factory=list)

    async def call(
        self,
        service: Service,
        method: str,
        path: str,
        *,
        token: str,
        params: httpx.QueryParams | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        self.calls.append((service, method, path, token, json if json is not None else content))
        if path == "reports:batch":
            ids = [f"00000000-0000-0000-0000-00000000000{i}" for i in range(len(json["reports"]))]
            return httpx.Response(202, json={"report_ids": ids, "count": len(ids)})
        return httpx.Response(200, json={"items": [], "path": path, "query": str(params)})

    async def aclose(self) -> None:
        return None


@pytest.fixture(scope="module")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Users with passwords, made once: argon2 is slow on purpose."""
    path = tmp_path_factory.mktemp("users") / "users.json"
    tokens = TokenStore(path)
    for agency in (
        "Synthetic Home A",
        "Synthetic Home B",
        "Synthetic Police",
        "Synthetic Police B",
    ):
        tokens.add_agency(agency)
    for user, agency, role in (
        ("k.worker", "Synthetic Home A", Role.SUBMITTER),
        ("b.worker", "Synthetic Home B", Role.SUBMITTER),
        ("pc.synth", "Synthetic Police", Role.POLICE),
        ("pc.other", "Synthetic Police B", Role.POLICE),
        ("an.alyst", "Synthetic Police", Role.ANALYST),
    ):
        tokens.issue(user=user, agency=agency, role=role)
        tokens.set_password(user=user, password=PASSWORD)
    return path


@pytest.fixture
def store(tmp_path: Path, users_file: Path) -> TokenStore:
    shutil.copy(users_file, tmp_path / "users.json")
    return TokenStore(tmp_path / "users.json")


@pytest.fixture
def upstream() -> FakeUpstream:
    return FakeUpstream()


@pytest.fixture
def audit() -> FakeAudit:
    return FakeAudit()


POLICE_PURPOSE = {"purpose": "looking for a missing child (synthetic)"}


@pytest.fixture
def client(
    tmp_path: Path, store: TokenStore, upstream: FakeUpstream, audit: FakeAudit
) -> Iterator[TestClient]:
    settings = Settings(
        tessera_auth_file=str(tmp_path / "users.json"),
        web_profiles_file=str(tmp_path / "profiles.sqlite3"),
        web_static_dir=str(tmp_path / "no-pages"),
    )
    with TestClient(create_app(settings), base_url="http://testserver") as test_client:
        test_client.app.state.upstream = upstream  # type: ignore[attr-defined]
        test_client.app.state.audit_trail.close()  # type: ignore[attr-defined]
        test_client.app.state.audit_trail = audit.trail  # type: ignore[attr-defined]
        yield test_client


def _sign_in(client: TestClient, user: str = "k.worker") -> str:
    answer = client.post("/api/session", json={"user": user, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["csrf_token"])


def test_sign_in_sets_an_http_only_strict_cookie(client: TestClient) -> None:
    answer = client.post("/api/session", json={"user": "k.worker", "password": PASSWORD})
    cookie = answer.headers["set-cookie"].lower()
    assert "tessera_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" not in cookie  # plain http on this machine; https makes it Secure
    assert answer.json()["role"] == "submitter"
    assert client.get("/api/session").json()["user"] == "k.worker"


def test_the_cookie_is_secure_over_https(tmp_path: Path, store: TokenStore) -> None:
    settings = Settings(
        tessera_auth_file=str(tmp_path / "users.json"),
        web_profiles_file=str(tmp_path / "profiles.sqlite3"),
    )
    with TestClient(create_app(settings), base_url="https://testserver") as https:
        answer = https.post("/api/session", json={"user": "k.worker", "password": PASSWORD})
    assert "secure" in answer.headers["set-cookie"].lower()


def test_a_wrong_password_is_401_and_signed_out_reads_are_401(client: TestClient) -> None:
    answer = client.post("/api/session", json={"user": "k.worker", "password": "wrong"})
    assert answer.status_code == 401
    assert client.get("/api/session").status_code == 401
    assert client.get("/api/alerts/alerts").status_code == 401


def test_changes_need_the_sessions_csrf_token(client: TestClient, upstream: FakeUpstream) -> None:
    csrf = _sign_in(client, "pc.synth")
    path = "/api/alerts/alerts/2b1f7c52-4a4e-4a77-9b0e-1d8f0c7f2a11/acknowledge"
    assert client.post(path).status_code == 403
    assert client.post(path, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert upstream.calls == []
    assert client.post(path, headers={"X-CSRF-Token": csrf}).status_code == 200
    assert [c[:3] for c in upstream.calls] == [
        (Service.ALERTS, "POST", "alerts/2b1f7c52-4a4e-4a77-9b0e-1d8f0c7f2a11/acknowledge")
    ]


def test_requests_from_another_site_are_refused(client: TestClient) -> None:
    answer = client.post(
        "/api/session",
        json={"user": "k.worker", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert answer.status_code == 403
    csrf = _sign_in(client)
    answer = client.delete(
        "/api/session", headers={"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"}
    )
    assert answer.status_code == 403


def test_calls_go_out_with_the_sessions_own_token_which_sign_out_revokes(
    client: TestClient, upstream: FakeUpstream, store: TokenStore
) -> None:
    csrf = _sign_in(client, "an.alyst")
    answer = client.get("/api/network/persons", params={"name": "Ava", "purpose": "a review"})
    assert answer.status_code == 200
    service, method, path, token, _ = upstream.calls[0]
    assert (service, method, path) == (Service.NETWORK, "GET", "persons")
    assert "purpose=a+review" in answer.json()["query"]
    assert store.verify(token).user == "an.alyst"  # the services see the user, not the web
    assert client.delete("/api/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    with pytest.raises(InvalidToken):
        store.verify(token)
    assert client.get("/api/session").status_code == 401


@pytest.mark.parametrize("path", ["%2E%2E/admin", "a/%2E%2E/%2E%2E/b", "persons/%2E/x", "a//b"])
def test_forwarded_paths_stay_inside_the_services_v1_api(
    client: TestClient, upstream: FakeUpstream, path: str
) -> None:
    _sign_in(client, "an.alyst")
    answer = client.get(f"/api/network/{path}")
    assert answer.status_code == 404
    assert upstream.calls == []


def test_asking_whether_the_session_lasts_does_not_keep_it_alive(client: TestClient) -> None:
    csrf = _sign_in(client)
    assert client.get("/api/session/status").json()["csrf_token"] == csrf
    client.delete("/api/session", headers={"X-CSRF-Token": csrf})
    assert client.get("/api/session/status").status_code == 401


def test_security_headers_and_no_store(client: TestClient) -> None:
    _sign_in(client)
    answer = client.get("/api/session")
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-frame-options"] == "DENY"


def _profile(name: str = "Ava Synth") -> dict[str, Any]:
    return {
        "name": name,
        "date_of_birth": "2011-04-05",
        "description": "Short, dark hair, green coat (synthetic)",
        "photo": "data:image/png;base64,iVBORw0KGgo=",
        "phones": ["07700 900123"],
        "associates": [{"name": "Dean Synth", "role": "adult"}],
        "places": [{"name": "Synthetic Fryer", "postcode": "ZZ99 1AA", "category": "take_away"}],
    }


def _missing_report(
    event_type: str = "missing_reported", conditions: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    grading: dict[str, Any] = {"source": 1, "intelligence": "A", "handling": "P"}
    if conditions:
        grading |= {"handling": "C", "conditions": conditions}
    return {
        "observed_at": "2026-11-20T14:05:00Z",
        "grading": grading,
        "event": {"type": event_type, "child": {"name": "Ava Synth"}},
    }


def test_a_profile_reaches_only_the_police_its_missing_report_may_reach(
    client: TestClient,
) -> None:
    """A missing report coded C for one force shares the profile with that force alone; one
    for the police role, with every force."""
    csrf = _sign_in(client, "k.worker")
    profile_id = client.post(
        "/api/profiles", json=_profile(), headers={"X-CSRF-Token": csrf}
    ).json()["id"]
    seen: dict[str, dict[str, bool]] = {}
    for name, conditions in (
        ("one force", {"agencies": ["Synthetic Police B"]}),
        ("police role", {"roles": ["police"]}),
    ):
        csrf = _sign_in(client, "k.worker")
        sent = client.post(
            "/api/reports",
            json={"reports": [_missing_report(conditions=conditions)], "profile_id": profile_id},
            headers={"X-CSRF-Token": csrf},
        )
        assert sent.status_code == 202, sent.text
        for officer in ("pc.synth", "pc.other"):
            _sign_in(client, officer)
            listed = client.get("/api/profiles", params=POLICE_PURPOSE).json()
            read = client.get(f"/api/profiles/{profile_id}", params=POLICE_PURPOSE)
            assert (read.status_code == 200) == (profile_id in {p["id"] for p in listed})
            seen.setdefault(name, {})[officer] = read.status_code == 200
    assert seen == {
        "one force": {"pc.synth": False, "pc.other": True},
        "police role": {"pc.synth": True, "pc.other": True},
    }


def test_a_profile_reaches_police_only_while_the_child_is_missing(
    client: TestClient, upstream: FakeUpstream, audit: FakeAudit
) -> None:
    csrf = _sign_in(client, "k.worker")
    created = client.post("/api/profiles", json=_profile(), headers={"X-CSRF-Token": csrf})
    assert created.status_code == 201, created.text
    profile_id = created.json()["id"]
    assert created.json()["profile"]["phones"] == ["+447700900123"]

    csrf = _sign_in(client, "pc.synth")
    assert client.get("/api/profiles", params=POLICE_PURPOSE).json() == []
    assert client.get(f"/api/profiles/{profile_id}", params=POLICE_PURPOSE).status_code == 404

    csrf = _sign_in(client, "k.worker")
    sent = client.post(
        "/api/reports",
        json={"reports": [_missing_report()], "profile_id": profile_id},
        headers={"X-CSRF-Token": csrf, "Idempotency-Key": "draft-1"},
    )
    assert sent.status_code == 202, sent.text
    assert upstream.calls[-1][:3] == (Service.INGEST, "POST", "reports:batch")

    _sign_in(client, "pc.synth")
    shared = client.get("/api/profiles", params=POLICE_PURPOSE).json()
    assert [p["id"] for p in shared] == [profile_id]
    seen = client.get(f"/api/profiles/{profile_id}", params=POLICE_PURPOSE).json()
    assert seen["profile"]["photo"].startswith("data:image/png")
    assert seen["shared_report_id"] == "00000000-0000-0000-0000-000000000000"
    # every police read is audited, the empty list before the child went missing too
    assert audit.actions() == ["profiles.list", "profiles.list", "profile.read"]
    assert audit.entries[1].subject_ids == (f"profile:{profile_id}",)
    assert {e.user for e in audit.entries} == {"pc.synth"}
    assert {e.purpose for e in audit.entries} == {POLICE_PURPOSE["purpose"]}

    csrf = _sign_in(client, "k.worker")
    found = client.post(
        "/api/reports",
        json={"reports": [_missing_report("missing_ended")], "profile_id": profile_id},
        headers={"X-CSRF-Token": csrf},
    )
    assert found.status_code == 202
    _sign_in(client, "pc.synth")
    assert client.get("/api/profiles", params=POLICE_PURPOSE).json() == []
    assert client.get(f"/api/profiles/{profile_id}", params=POLICE_PURPOSE).status_code == 404


def test_police_read_profiles_only_for_a_purpose_and_never_unaudited(
    client: TestClient, audit: FakeAudit
) -> None:
    csrf = _sign_in(client, "k.worker")
    profile_id = client.post(
        "/api/profiles", json=_profile(), headers={"X-CSRF-Token": csrf}
    ).json()["id"]
    sent = client.post(
        "/api/reports",
        json={"reports": [_missing_report()], "profile_id": profile_id},
        headers={"X-CSRF-Token": csrf},
    )
    assert sent.status_code == 202
    assert client.get("/api/profiles").status_code == 200  # the home's own: no purpose asked
    _sign_in(client, "pc.synth")
    for path in ("/api/profiles", f"/api/profiles/{profile_id}"):
        missing = client.get(path)
        assert missing.status_code == 422
        assert missing.json()["detail"][0]["loc"] == ["query", "purpose"]
    assert audit.entries == []
    audit.log.down = True
    for path in ("/api/profiles", f"/api/profiles/{profile_id}"):
        refused = client.get(path, params=POLICE_PURPOSE)
        assert refused.status_code == 503
        assert "Ava" not in refused.text and profile_id not in refused.text


def test_a_home_sees_and_reports_on_only_its_own_childrens_profiles(
    client: TestClient, upstream: FakeUpstream
) -> None:
    csrf = _sign_in(client, "k.worker")
    profile_id = client.post(
        "/api/profiles", json=_profile(), headers={"X-CSRF-Token": csrf}
    ).json()["id"]
    csrf = _sign_in(client, "b.worker")
    assert client.get("/api/profiles").json() == []
    assert client.get(f"/api/profiles/{profile_id}").status_code == 404
    changed = client.put(
        f"/api/profiles/{profile_id}", json=_profile("Renamed"), headers={"X-CSRF-Token": csrf}
    )
    assert changed.status_code == 404
    sent = client.post(
        "/api/reports",
        json={"reports": [_missing_report()], "profile_id": profile_id},
        headers={"X-CSRF-Token": csrf},
    )
    assert sent.status_code == 404
    assert upstream.calls == []


def test_a_profile_photo_must_be_an_image(client: TestClient) -> None:
    csrf = _sign_in(client)
    bad = {**_profile(), "photo": "data:text/html;base64,PHNjcmlwdD4="}
    answer = client.post("/api/profiles", json=bad, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 422


def test_a_forwarded_search_logs_none_of_its_terms(
    tmp_path: Path, store: TokenStore, caplog: pytest.LogCaptureFixture
) -> None:
    sent: list[httpx.Request] = []

    def services(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"items": []})

    settings = Settings(
        tessera_auth_file=str(tmp_path / "users.json"),
        web_profiles_file=str(tmp_path / "profiles.sqlite3"),
        web_static_dir=str(tmp_path / "no-pages"),
    )
    upstream = Upstream(
        urls={service: f"http://{service.value}.invalid" for service in Service},
        timeout_s=5.0,
        transport=httpx.MockTransport(services),
    )
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(settings), base_url="http://testserver") as web:
        web.app.state.upstream = upstream  # type: ignore[attr-defined]
        _sign_in(web, "an.alyst")
        answer = web.get("/api/network/persons", params=CANARY_SEARCH)
    assert answer.status_code == 200
    assert "Canary" in str(sent[0].url)  # the search did go out, with its terms
    logged = [r.getMessage() for r in caplog.records if r.levelno <= logging.INFO]
    assert [line for line in logged if any(canary in line for canary in CANARIES)] == []


def test_repeated_wrong_passwords_are_slowed_down_with_retry_after_not_a_locked_name(
    client: TestClient,
) -> None:
    """Issue 14: sign-in is throttled per client address; no name is ever locked out."""
    for _ in range(3):
        wrong = client.post("/api/session", json={"user": "pc.synth", "password": "x" * 12})
        assert wrong.status_code == 401, wrong.text
    delayed = client.post("/api/session", json={"user": "pc.synth", "password": PASSWORD})
    assert delayed.status_code == 429
    assert int(delayed.headers["Retry-After"]) >= 1


def test_a_405_names_every_method_the_path_takes(client: TestClient) -> None:
    """Starlette named only its first route's (`Allow: GET` on /api/session); fuzzing found it."""
    answer = client.request("OPTIONS", "/api/session")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST, DELETE"


def test_only_the_three_services_are_forwarded(client: TestClient, upstream: FakeUpstream) -> None:
    """A POST to one of the web's own paths is a 405, not a call to a service named `session`."""
    csrf = _sign_in(client)
    answer = client.post("/api/session/status", headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 405, answer.text
    assert answer.headers["allow"] == "GET"
    assert client.get("/api/nowhere/persons").status_code == 404
    assert upstream.calls == []


def test_what_json_text_cannot_carry_is_a_422_never_a_500(client: TestClient) -> None:
    """Fuzzing: a lone surrogate in a report failed the call to ingest, and the 422 echoing one
    failed to render; both were 500s."""
    client.app.state.upstream = Upstream(  # type: ignore[attr-defined]
        urls=dict.fromkeys(Service, "http://service.invalid"),
        timeout_s=1.0,
        transport=httpx.MockTransport(lambda _: httpx.Response(202, json={"report_ids": []})),
    )
    json_text = {"Content-Type": "application/json"}
    signing_in = client.post(
        "/api/session", content='{"user": "\\ud800", "password": "x"}', headers=json_text
    )
    assert signing_in.status_code == 422, signing_in.text
    csrf = _sign_in(client)
    sent = client.post(
        "/api/reports",
        content='{"reports": [{"narrative": "\\ud800"}]}',
        headers=json_text | {"X-CSRF-Token": csrf},
    )
    assert sent.status_code == 422, sent.text
    assert sent.json()["detail"][0]["loc"] == ["body", "reports"]
