"""Synthetic reports and alerts for the alert-delivery tests, visible as the worker makes them."""

import asyncio
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime

from neo4j import AsyncGraphDatabase, Driver

from common.adapters.kafka_publishing import AckedProducer
from common.settings import InfraSettings
from schemas.alerts import AlertRaised, AlertStatus, AlertSubject, AlertType, Evidence, Priority
from schemas.reports import ReportCreate
from services.alerts import queries as alert_queries
from services.alerts.outbox import Send
from services.alerts.ports import HistoryEntry
from services.alerts.store import Neo4jAlertStore
from tests.support import queries
from tests.support.factories import report_json, run_tag, shared_only_with, sighting_json, submitted
from tests.support.linking import link_events

HOME = "Synthetic Home A"

DELETE_ALERTS = """
MATCH (a:Alert)
WHERE a.id IN $alert_ids
OPTIONAL MATCH (a)-[:HAS_HISTORY]->(h:AlertHistory)
DETACH DELETE a, h
"""


async def _acknowledged() -> None:
    """What a change the producer already saw acknowledged gives."""


def acked_send(producer: AckedProducer, topic: str, *, pause_s: float = 0.0) -> Send:
    """An outbox's send through a test's producer: each change is on the topic (acks=all)
    before the next is handed over; `pause_s` after each, for another worker to act."""

    async def send(alert: AlertRaised) -> Awaitable[object]:
        record = (alert.fingerprint.encode(), alert.model_dump_json().encode())
        await asyncio.to_thread(producer.send_all, topic, [record])
        await asyncio.sleep(pause_s)
        return _acknowledged()

    return send


@dataclass(frozen=True)
class LinkedReport:
    """A report in the graph, the place it names, and the audiences that may see it."""

    id: str
    place_id: str
    observed_at: datetime
    audiences: tuple[str, ...]


def linked_report(
    settings: InfraSettings, driver: Driver, *, only_for: str | None = None
) -> LinkedReport:
    """Link a sighting submitted by a home: graded P, or C for the agency only_for names."""
    tag = run_tag()
    body = sighting_json(f"Ava Synth{tag}", place=f"Synthetic Flat {tag}")
    if only_for is not None:
        grading = shared_only_with(only_for)
        body = report_json(body["event"], grading=grading)
    event = submitted(ReportCreate.model_validate(body), agency=HOME)
    linked = link_events(settings, [event])
    place = next(e.id for e in linked[0].entities if e.kind == "location")
    records, _, _ = driver.execute_query(
        alert_queries.EXPLAIN_SUBGRAPH,
        requests=[{"for_id": "one", "entity_ids": [], "report_ids": [str(event.event_id)]}],
    )
    return LinkedReport(
        id=str(event.event_id),
        place_id=place,
        observed_at=event.report.observed_at,
        audiences=tuple(records[0]["rows"][0]["visibility"][0]),
    )


def alert_citing(report: LinkedReport, *, summary: str, at: datetime | None = None) -> AlertRaised:
    """A shared_hotspot alert on the report's place, its visibility that of the report."""
    now = at or datetime.now(UTC)
    return AlertRaised(
        event_id=uuid.uuid4(),
        occurred_at=now,
        alert_id=uuid.uuid4(),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=f"shared_hotspot:{report.place_id}:{run_tag()}",
        status=AlertStatus.OPEN,
        priority=Priority.MEDIUM,
        summary=summary,
        subjects=(
            AlertSubject(kind="location", id=report.place_id, display_name="Synthetic Flat"),
        ),
        evidence=(Evidence(report_id=uuid.UUID(report.id), observed_at=report.observed_at),),
        raised_at=now,
        updated_at=now,
        visibility=(report.audiences,),
    )


def acknowledge(settings: InfraSettings, alert: AlertRaised) -> AlertRaised:
    """Save the alert acknowledged now, as a new event over the version given."""
    now = datetime.now(UTC)
    changed = alert.model_copy(
        update={
            "event_id": uuid.uuid4(),
            "occurred_at": now,
            "updated_at": now,
            "status": AlertStatus.ACKNOWLEDGED,
        }
    )

    async def run() -> None:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        try:
            store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
            entry = HistoryEntry(at=now, by="test", action="acknowledged", status=changed.status)
            await store.save(changed, anchor_id=None, history=entry, replaces=alert.event_id)
        finally:
            await driver.close()

    asyncio.run(run())
    return changed


def delete(driver: Driver, *, reports: list[LinkedReport], alerts: list[AlertRaised]) -> None:
    """Remove the test's reports, what they mention, and its alerts with their history."""
    driver.execute_query(DELETE_ALERTS, alert_ids=[str(a.alert_id) for a in alerts])
    driver.execute_query(
        queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=[r.id for r in reports]
    )
