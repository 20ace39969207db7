"""A small synthetic demo: three young people seen at one take-away, which raises a hotspot
alert, and a boy whose missing episodes escalate until he is found out of area in a raid.

Every name and place here is invented; postcodes use the ZZ99 pseudo-postcode area that
no real address has.
"""

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from common.auth import Role, TokenStore

DEMO_HOME = "Demo Children's Home (synthetic)"
DEMO_POLICE = "Demo Constabulary (synthetic)"
# Who signs in to the web in the demo: a home's key worker, a police officer, a police analyst.
DEMO_WEB_USERS = ("demo.keyworker", "demo.officer", "demo.analyst")


@dataclass(frozen=True, slots=True)
class DemoTokens:
    """The demo users' tokens, printed once."""

    submitter: str
    police: str
    analyst: str


def issue_demo_tokens(store_path: Path) -> DemoTokens:
    """Issue a token for a home's key worker, one for a police officer and one for an analyst."""
    store = TokenStore(store_path)
    store.add_agency(DEMO_HOME)
    store.add_agency(DEMO_POLICE)
    return DemoTokens(
        submitter=store.issue(user="demo.keyworker", agency=DEMO_HOME, role=Role.SUBMITTER),
        police=store.issue(user="demo.officer", agency=DEMO_POLICE, role=Role.POLICE),
        analyst=store.issue(user="demo.analyst", agency=DEMO_POLICE, role=Role.ANALYST),
    )


def set_demo_passwords(store_path: Path) -> dict[str, str]:
    """Give each demo web user a new random password (printed once); add the analyst if new."""
    store = TokenStore(store_path)
    store.add_agency(DEMO_POLICE)
    if not any(p.user == "demo.analyst" for p in store.users()):
        store.issue(user="demo.analyst", agency=DEMO_POLICE, role=Role.ANALYST)
    passwords = {}
    for user in DEMO_WEB_USERS:
        passwords[user] = secrets.token_urlsafe(12)
        store.set_password(user=user, password=passwords[user])
    return passwords


def demo_reports(now: datetime) -> list[dict[str, object]]:
    """Three sightings at one take-away over a week, each naming a different young person."""
    place = {
        "name": "Golden Fryer Take-away (synthetic)",
        "postcode": "ZZ99 1AA",
        "category": "take_away",
    }
    people = [
        ("Alex Demo-Rowan", "2010-03-14"),
        ("Jordan Demo-Price", "2009-11-02"),
        ("Casey Demo-Lund", "2011-06-21"),
    ]
    return [
        {
            "observed_at": (now - timedelta(days=7 - 3 * i)).isoformat(),
            "grading": {"source": 2, "intelligence": "B", "handling": "P"},
            "concerns": ["cce"],
            "narrative": "Seen outside the shop talking with an older male (synthetic demo).",
            "event": {
                "type": "sighting",
                "persons": [
                    {"name": name, "date_of_birth": dob, "role": "young_person"},
                    {"description": "older male in a grey car (synthetic)", "role": "adult"},
                ],
                "place": place,
            },
        }
        for i, (name, dob) in enumerate(people)
    ]


def _report(at: datetime, event: dict[str, object], narrative: str) -> dict[str, object]:
    return {
        "observed_at": at.isoformat(),
        "grading": {"source": 2, "intelligence": "B", "handling": "P"},
        "concerns": ["cce"],
        "narrative": f"{narrative} (synthetic demo)",
        "event": event,
    }


def missing_story(now: datetime) -> list[dict[str, object]]:
    """Escalating missing episodes, a car the evening before, found out of area in a raid."""
    boy = {
        "name": "Riley Demo-Hart",
        "date_of_birth": "2011-09-09",
        "role": "young_person",
        "home_local_authority": "Demo Borough",
        "flags": {"learning_disability": True},
    }
    reports = []
    for days, hours in ((75, 4), (45, 9)):
        start = now - timedelta(days=days)
        reports.append(
            _report(
                start,
                {"type": "missing_reported", "child": boy, "last_seen_at": start.isoformat()},
                "Did not return to the home",
            )
        )
        reports.append(
            _report(
                start + timedelta(hours=hours),
                {
                    "type": "missing_ended",
                    "child": boy,
                    "found_at": (start + timedelta(hours=hours)).isoformat(),
                    "circumstances": "returned",
                },
                "Returned by himself",
            )
        )
    start = now - timedelta(days=4)
    reports += [
        _report(
            start - timedelta(hours=2),
            {
                "type": "vehicle_sighting",
                "vehicle": {"vrm": "ZZ51 DMO", "colour": "grey", "make": "hatchback"},
                "place": {"name": "Demo Children's Home (synthetic)", "category": "care_home"},
                "got_in": [boy],
                "driver": {"description": "male, early 20s (synthetic)", "role": "adult"},
            },
            "Collected by a grey hatchback",
        ),
        _report(
            start,
            {"type": "missing_reported", "child": boy, "last_seen_at": start.isoformat()},
            "Did not return after being collected",
        ),
        _report(
            now - timedelta(hours=6),
            {
                "type": "missing_ended",
                "child": boy,
                "found_at": (now - timedelta(hours=6)).isoformat(),
                "found_place": {
                    "name": "Flat 2, Demo Court (synthetic)",
                    "postcode": "ZZ99 7LN",
                    "police_force_area": "Demoshire Police",
                },
                "found_with": [{"name": "Marcus Demo-Vale", "role": "adult"}],
                "items_found": [{"kind": "drugs"}, {"kind": "cash"}],
                "condition": ["unkempt"],
                "circumstances": "found_in_raid",
            },
            "Found in a drugs raid, out of area",
        ),
    ]
    return reports


def load(*, ingest_url: str, tokens: DemoTokens) -> list[str]:
    """Submit the demo reports; return the ids of the take-away sightings."""
    ids = []
    now = datetime.now(UTC)
    with httpx.Client(base_url=ingest_url, timeout=30.0) as client:
        for report in missing_story(now):
            response = client.post(
                "/v1/reports", json=report, headers={"Authorization": f"Bearer {tokens.submitter}"}
            )
            response.raise_for_status()
        for report in demo_reports(now):
            response = client.post(
                "/v1/reports", json=report, headers={"Authorization": f"Bearer {tokens.submitter}"}
            )
            response.raise_for_status()
            ids.append(response.json()["report_id"])
    return ids


def wait_for_alert(
    *, alerts_url: str, token: str, report_ids: list[str], timeout_s: float = 60.0
) -> dict[str, object] | None:
    """Poll the alert API until an alert cites every demo report."""
    deadline = time.monotonic() + timeout_s
    wanted = set(report_ids)
    with httpx.Client(base_url=alerts_url, timeout=10.0) as client:
        while time.monotonic() < deadline:
            response = client.get(
                "/v1/alerts",
                params={"type": "shared_hotspot", "purpose": "loading the demo data"},
                headers={"Authorization": f"Bearer {token}"},
            )
            if response.status_code == httpx.codes.OK:
                for alert in response.json()["items"]:
                    cited = {e["report_id"] for e in alert["evidence"]}
                    if wanted <= cited:
                        return dict(alert)
            time.sleep(0.5)
    return None
