"""A small synthetic demo: three young people seen at one take-away, which raises an alert.

Every name and place here is invented; postcodes use the ZZ99 pseudo-postcode area that
no real address has.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from common.auth import Role, TokenStore

DEMO_HOME = "Demo Children's Home (synthetic)"
DEMO_POLICE = "Demo Constabulary (synthetic)"


@dataclass(frozen=True, slots=True)
class DemoTokens:
    """The demo users' tokens, printed once."""

    submitter: str
    police: str


def issue_demo_tokens(store_path: Path) -> DemoTokens:
    """Issue a token for a home's key worker and one for a police officer."""
    store = TokenStore(store_path)
    store.add_agency(DEMO_HOME)
    store.add_agency(DEMO_POLICE)
    return DemoTokens(
        submitter=store.issue(user="demo.keyworker", agency=DEMO_HOME, role=Role.SUBMITTER),
        police=store.issue(user="demo.officer", agency=DEMO_POLICE, role=Role.POLICE),
    )


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


def load(*, ingest_url: str, tokens: DemoTokens) -> list[str]:
    """Submit the demo reports; return their ids."""
    ids = []
    with httpx.Client(base_url=ingest_url, timeout=30.0) as client:
        for report in demo_reports(datetime.now(UTC)):
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
                params={"type": "shared_hotspot"},
                headers={"Authorization": f"Bearer {token}"},
            )
            if response.status_code == httpx.codes.OK:
                for alert in response.json()["items"]:
                    cited = {e["report_id"] for e in alert["evidence"]}
                    if wanted <= cited:
                        return dict(alert)
            time.sleep(0.5)
    return None
