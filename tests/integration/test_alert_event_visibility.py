"""An updated alert's event reaches only those who may see every report the alert ever cited,
on the real Neo4j: the rule GET /v1/alerts applies, now on webhooks and the alerts topic too.

An alert raised on a police-only report and a shared one keeps its raised_at, its deadlines, its
status and its assignee when the police report leaves its evidence (out of the window, or
retracted and found again without it). Its update must not reach a receiver outside the police
report's conditions: they would learn when, and on what grounds, the police raised it.
"""

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from neo4j import Driver

from common.auth import Principal, Role
from common.settings import InfraSettings
from common.visibility import audiences_of
from schemas.alerts import AlertRaised, AlertSubject, AlertType, Evidence, Priority
from schemas.reports import ReportCreate
from services.alerts.delivery.visibility import may_see
from services.alerts.lifecycle import record_alert
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.store import Neo4jAlertStore
from tests.support import queries
from tests.support.factories import report_json, run_tag, shared_only_with, submitted
from tests.support.linking import async_driver, link_events

pytestmark = pytest.mark.integration

HOME, POLICE = "Synthetic Home A", "Synthetic Police"
DELETE_ALERTS = """
MATCH (a:Alert {fingerprint: $fingerprint})
OPTIONAL MATCH (a)-[:HAS_HISTORY]->(h:AlertHistory)
DETACH DELETE a, h
"""


@pytest.fixture
def reports(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[dict[str, Evidence]]:
    """A police-only report and two shared ones, linked (the alert's store reads them)."""
    tag = run_tag()

    def seen(name: str, **envelope: object) -> ReportCreate:
        event = {
            "type": "sighting",
            "persons": [{"name": f"{name} Synth{tag}", "role": "young_person"}],
            "place": {"name": f"Synthetic Arcade {tag}"},
        }
        return ReportCreate.model_validate(report_json(event, **envelope))

    events = {
        "police": submitted(seen("Ada", grading=shared_only_with(POLICE)), agency=POLICE),
        "shared": submitted(seen("Bea"), agency=HOME),
        "later": submitted(seen("Cal"), agency=HOME),
    }
    link_events(settings, list(events.values()))
    now = datetime.now(UTC)
    yield {
        name: Evidence(report_id=e.event_id, observed_at=now - timedelta(hours=i), grading="1A")
        for i, (name, e) in enumerate(events.items())
    }
    neo4j_driver.execute_query(
        queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
        report_ids=[str(e.event_id) for e in events.values()],
    )


def test_an_update_without_the_police_report_still_reaches_only_the_police(
    settings: InfraSettings, neo4j_driver: Driver, reports: dict[str, Evidence]
) -> None:
    fingerprint = f"shared_hotspot:location:visibility-{run_tag()}"

    def candidate(*cited: str) -> AlertCandidate:
        return AlertCandidate(
            type=AlertType.SHARED_HOTSPOT,
            fingerprint=fingerprint,
            priority=Priority.HIGH,
            summary="Synthetic hotspot",
            subjects=(AlertSubject(kind="location", id="location:x", display_name="x"),),
            evidence=tuple(reports[c] for c in cited),
            anchor_id="location:x",
        )

    async def detect() -> tuple[AlertRaised | None, AlertRaised | None]:
        async with async_driver(settings) as driver:
            store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
            raised = await record_alert(
                candidate=candidate("police", "shared"),
                store=store,
                now=datetime.now(UTC),
                new_id=uuid.uuid4,
            )
            updated = await record_alert(
                candidate=candidate("shared", "later"),  # the police report aged out
                store=store,
                now=datetime.now(UTC),
                new_id=uuid.uuid4,
            )
            return raised, updated

    try:
        raised, updated = asyncio.run(detect())
    finally:
        neo4j_driver.execute_query(DELETE_ALERTS, fingerprint=fingerprint)
    assert raised is not None and updated is not None
    assert updated.alert_id == raised.alert_id and updated.raised_at == raised.raised_at
    outside = audiences_of(Principal("k.worker", HOME, Role.SUBMITTER))
    inside = audiences_of(Principal("p.officer", POLICE, Role.POLICE))
    assert not may_see(raised, outside) and may_see(raised, inside)
    assert not may_see(updated, outside), "the update told the home of the police's alert"
    assert may_see(updated, inside)
