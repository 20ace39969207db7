"""Helpers for the acceptance scenarios: submit through the API, wait for the alert, time it.

Every alert a scenario waits for adds one line to test-artifacts/alert-latency.jsonl: the time
from the submission of the last report it cites to the alert's update that cites them all. The
terminal summary of the test run prints the median and the 95th percentile.
"""

import json
from datetime import UTC, datetime
from typing import Any

from tests.e2e.conftest import ARTIFACTS, RunningStack
from tests.e2e.test_walking_skeleton import eventually

LATENCY_LOG = ARTIFACTS / "alert-latency.jsonl"
_submitted_at: dict[str, datetime] = {}


def child(name: str, **extra: Any) -> dict[str, Any]:
    """A synthetic young person, 15 years old."""
    return {"name": name, "role": "young_person", "date_of_birth": "2011-03-04", **extra}


def adult(name: str, **extra: Any) -> dict[str, Any]:
    """A synthetic adult of concern."""
    return {"name": name, "role": "adult", "estimated_age": 30, **extra}


def submit(stack: RunningStack, body: dict[str, Any]) -> str:
    """Submit a report through the ingest API and remember when."""
    submitted_at = datetime.now(UTC)
    report_id = stack.submit(body)
    _submitted_at[report_id] = submitted_at
    return report_id


def alert_citing(stack: RunningStack, alert_type: str, ids: list[str]) -> dict[str, Any] | None:
    """The alert of a type that cites every one of the reports, if any."""
    for alert in stack.alerts():
        cited = {e["report_id"] for e in alert["evidence"]}  # type: ignore[attr-defined]
        if alert["type"] == alert_type and set(ids) <= cited:
            return alert
    return None


def expect_alert(
    stack: RunningStack, alert_type: str, ids: list[str], *, timeout_s: float = 60.0
) -> dict[str, Any]:
    """Wait for the alert citing the reports, and log its submission-to-alert latency."""
    alert = eventually(
        lambda: alert_citing(stack, alert_type, ids),
        timeout_s=timeout_s,
        what=f"a {alert_type} alert citing {len(ids)} report(s)",
    )
    last = max(_submitted_at[i] for i in ids if i in _submitted_at)
    latency = datetime.fromisoformat(alert["updated_at"]) - last
    LATENCY_LOG.parent.mkdir(parents=True, exist_ok=True)
    with LATENCY_LOG.open("a") as log:
        log.write(json.dumps({"type": alert_type, "seconds": latency.total_seconds()}) + "\n")
    return alert


def types_citing(stack: RunningStack, ids: list[str]) -> set[str]:
    """The types of every alert that cites any of the reports."""
    return {
        str(alert["type"])
        for alert in stack.alerts()
        if {e["report_id"] for e in alert["evidence"]} & set(ids)  # type: ignore[attr-defined]
    }


def processed(stack: RunningStack, tag: str) -> None:
    """Prove the stream has gone past everything submitted so far: a marker alert arrives."""
    marker = adult(f"Marker Adult{tag}")
    ids = [
        submit(
            stack,
            {
                "observed_at": datetime.now(UTC).isoformat(),
                "grading": {"source": 2, "intelligence": "B", "handling": "P"},
                "event": {
                    "type": "association",
                    "person_a": child(f"{first} Marker{tag}"),
                    "person_b": marker,
                    "nature": "risky_adult",
                },
            },
        )
        for first in ("Una", "Vic")
    ]
    eventually(
        lambda: alert_citing(stack, "adult_linked_to_children", ids),
        what="the marker alert, showing every earlier report was processed",
    )
