"""The canary suite through the running services (issue 13): the web pages' API and the logs.

A tenant only a police-only address concern names, and a child a home reports missing and found
at the flat: the alert names the tenant. Signed in to the web pages as a police officer and an
analyst of another force, nothing shows the tenant (the alert, alert lists, person search, the
child's network); an analyst of the force named finds them. Then every service's log of this
run is searched for the canary values.
"""

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from common.auth import Role, TokenStore
from tests.support.factories import report_json, run_tag, shared_only_with
from tests.support.scenarios import child, expect_alert, processed, submit
from tests.support.stack import ARTIFACTS, RunningStack

pytestmark = pytest.mark.e2e

FORCE, OTHER = "Synthetic Police", "Synthetic Other Force"
PURPOSE = "canary suite: hunting for leaks through the web pages"
RESTRICTED = shared_only_with(FORCE)


def _signed_in(stack: RunningStack, agency: str, role: Role) -> httpx.Client:
    """A browser-like client of the web pages, signed in as a new user of that agency and role."""
    assert stack.auth_file is not None
    store = TokenStore(stack.auth_file)
    store.add_agency(agency)
    user = f"canary.{role.value}.{secrets.token_hex(3)}"
    store.issue(user=user, agency=agency, role=role)
    password = secrets.token_urlsafe(16)
    store.set_password(user=user, password=password)
    client = httpx.Client(base_url=stack.web_url, timeout=30.0)
    signed = client.post("/api/session", json={"user": user, "password": password})
    assert signed.status_code == 200, signed.text
    return client


def _texts(client: httpx.Client, *reads: tuple[str, dict[str, Any]]) -> list[str]:
    """What each read shows (a refusal shows its status only: it may repeat the request)."""
    shown = []
    for path, params in reads:
        answer = client.get(path, params=params)
        assert answer.status_code in {200, 404}, f"{path}: {answer.status_code} {answer.text}"
        shown.append(answer.text if answer.status_code == 200 else str(answer.status_code))
    return shown


def test_a_police_only_tenant_reaches_no_one_outside_through_the_web_pages_or_the_logs(
    running_stack: RunningStack,
) -> None:
    tag = run_tag()
    canaries = [f"Canary{tag}", f"Neddo{tag}", f"Narrwren{tag}"]
    tenant_name = f"Ned Canary{tag}"
    tenant = {"name": tenant_name, "nicknames": [f"Neddo{tag}"], "role": "adult"}
    kid = child(f"Tia Synth{tag}")
    flat = {"name": f"Synthetic Flat {tag}", "postcode": "ZZ99 4TF"}
    start = datetime.now(UTC) - timedelta(hours=12)
    concern = submit(
        running_stack,
        report_json(
            {"type": "address_concern", "place": flat, "tenant": tenant, "multiple_callers": True},
            grading=RESTRICTED,
            narrative=f"Police only: Narrwren{tag}.",
            observed_at=(start - timedelta(days=5)).isoformat(),
        ),
    )
    missing = submit(
        running_stack,
        report_json(
            {"type": "missing_reported", "child": kid, "last_seen_at": start.isoformat()},
            observed_at=start.isoformat(),
        ),
    )
    found_at = start + timedelta(hours=9)
    found = submit(
        running_stack,
        report_json(
            {
                "type": "missing_ended",
                "child": kid,
                "found_at": found_at.isoformat(),
                "found_place": flat,
            },
            observed_at=found_at.isoformat(),
        ),
    )
    alert = expect_alert(running_stack, "harbouring_adult", [missing, found, concern])
    assert tenant_name in {s["display_name"] for s in alert["subjects"]}
    processed(running_stack)

    officer = _signed_in(running_stack, OTHER, Role.POLICE)
    analyst = _signed_in(running_stack, OTHER, Role.ANALYST)
    insider = _signed_in(running_stack, FORCE, Role.ANALYST)
    search = {"name": tenant_name, "purpose": PURPOSE}
    child_hits = analyst.get(
        "/api/network/persons", params={"name": kid["name"], "purpose": PURPOSE}
    )
    assert child_hits.status_code == 200, child_hits.text
    (child_id,) = {hit["id"] for hit in child_hits.json()["items"]}
    outside = _texts(
        officer,
        (f"/api/alerts/alerts/{alert['alert_id']}", {"purpose": PURPOSE}),
        ("/api/alerts/alerts", {"type": "harbouring_adult", "limit": 200, "purpose": PURPOSE}),
    ) + _texts(
        analyst,
        ("/api/network/persons", search),
        ("/api/network/persons", {"name": f"Neddo{tag}", "purpose": PURPOSE}),
        (f"/api/network/entities/{child_id}", {"purpose": PURPOSE}),
        (f"/api/network/entities/{child_id}/network", {"depth": 2, "purpose": PURPOSE}),
        (f"/api/network/entities/{child_id}/export", {"format": "csv", "purpose": PURPOSE}),
        (f"/api/alerts/alerts/{alert['alert_id']}", {"purpose": PURPOSE}),
    )
    assert outside[0] == "404", "the alert citing a police-only report reached another force"
    leaked = [c for c in canaries for text in outside if c.lower() in text.lower()]
    assert not leaked, f"{leaked} reached a caller outside the conditions"
    inside = insider.get("/api/network/persons", params=search)
    assert inside.status_code == 200 and tenant_name in inside.text

    logs = {path.name: path.read_text(errors="replace") for path in ARTIFACTS.glob("e2e-*.log")}
    assert logs, "no service logs to search"
    logged = [
        (name, c) for name, text in logs.items() for c in canaries if c.lower() in text.lower()
    ]
    assert not logged, f"canaries in the services' logs: {logged}"
