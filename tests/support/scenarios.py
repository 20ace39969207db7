"""Helpers for the acceptance scenarios: submit through the API, wait for the alert, time it.

Every alert a scenario waits for adds one line to test-artifacts/alert-latency.jsonl: the time
from the submission of the last report it cites to the alert's update that cites them all. The
terminal summary of the test run prints the median and the 95th percentile.
"""

import json
from datetime import UTC, datetime
from typing import Any

from tessera_cli.topics import group_lag
from tests.support.polling import eventually
from tests.support.stack import ARTIFACTS, RunningStack

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


def processed(stack: RunningStack) -> None:
    """Prove every report submitted so far was linked and then examined by the detectors.

    Each worker commits an offset only once it has handled what came before it. So once the
    network worker has committed the whole reports topic, every EntitiesLinked event is on its
    topic; once the alert worker has committed that topic too, every detection has run.
    """
    for worker, topic in (("network", "reports"), ("alerts", "linked")):
        group, name = stack.groups[worker], stack.topics[topic]

        def caught_up(group: str = group, name: str = name) -> bool | None:
            return True if group_lag(stack.kafka(), group, name) == 0 else None

        eventually(caught_up, what=f"the {worker} worker to commit everything on {name}")
