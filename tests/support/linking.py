"""Synthetic data written straight into the real Neo4j with the services' own adapters."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TypeVar

from neo4j import AsyncDriver, AsyncGraphDatabase

from common.settings import InfraSettings
from schemas.alerts import AlertRaised, AlertStatus, AlertSubject, AlertType, Evidence, Priority
from schemas.linking import EntitiesLinked
from schemas.reports import ReportCreate, ReportSubmitted
from schemas.retractions import ReportRetracted
from services.alerts.config import Settings as AlertSettings
from services.alerts.detection import Context
from services.alerts.lifecycle import record_alert
from services.alerts.ports import Explanation, HistoryEntry
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.store import Neo4jAlertStore
from services.network.linking.graph import Neo4jGraphStore, link_batch
from services.network.linking.retractions import withdraw_retracted
from tests.support.factories import (
    NOW,
    id_key,
    report_json,
    shared_only_with,
    sighting_json,
    submitted,
)

T = TypeVar("T")


@asynccontextmanager
async def async_driver(settings: InfraSettings) -> AsyncIterator[AsyncDriver]:
    """An async driver on the test Neo4j, closed afterwards."""
    driver = AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )
    try:
        yield driver
    finally:
        await driver.close()


def detect_with(
    settings: InfraSettings, find: Callable[[Context], Awaitable[T]], *, now: datetime
) -> T:
    """Run detection against the test Neo4j in the context the alert worker gives it (its
    default settings), with the clock at `now`."""

    async def run() -> T:
        async with async_driver(settings) as driver:
            ctx = Context(
                driver=driver, database=settings.neo4j_database, settings=AlertSettings(), now=now
            )
            return await find(ctx)

    return asyncio.run(run())


def link_events(
    settings: InfraSettings, events: list[ReportSubmitted], *, together: bool = False
) -> list[EntitiesLinked]:
    """Link events one after another with the worker's use case and adapters, or `together` as
    one batch (each statement writes the rows of all of them, as the worker's batches do)."""
    batches = [events] if together else [[event] for event in events]

    async def run() -> list[EntitiesLinked]:
        async with async_driver(settings) as driver:
            linked: list[EntitiesLinked] = []
            for events_of_batch in batches:
                batch = await link_batch(
                    driver=driver,
                    database=settings.neo4j_database,
                    events=events_of_batch,
                    now=NOW,
                    new_id=uuid.uuid4,
                    id_key=id_key(),
                )
                linked += batch.linked
            return linked

    return asyncio.run(run())


def linked_one(
    settings: InfraSettings, reports: list[ReportSubmitted], kind: str, *, together: bool = False
) -> str:
    """Link the reports (in this order, or in one batch); the one entity of the kind
    (`location`, `person`) they are about."""
    linked = link_events(settings, reports, together=together)
    (entity_id,) = {e.id for event in linked for e in event.entities if e.kind == kind}
    return str(entity_id)


def save_alert(settings: InfraSettings, alert: AlertRaised, *, anchor_id: str) -> None:
    """Store an alert as the alert worker does."""

    async def run() -> None:
        async with async_driver(settings) as driver:
            store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
            entry = HistoryEntry(
                at=alert.updated_at, by="test", action="raised", status=alert.status
            )
            await store.save(alert, anchor_id=anchor_id, history=entry)

    asyncio.run(run())


def retract(settings: InfraSettings, report_id: str, *, agency: str = "Synthetic Home A") -> None:
    """Withdraw a report with the network worker's use case, as a retraction by its agency."""
    event = ReportRetracted(
        event_id=uuid.uuid4(),
        occurred_at=NOW,
        report_id=uuid.UUID(report_id),
        report_agency=agency,
        retracted_by="k.worker",
        source_agency=agency,
        reason="entered in error (synthetic)",
    )

    async def run() -> None:
        async with async_driver(settings) as driver:
            store = Neo4jGraphStore(driver=driver, database=settings.neo4j_database)
            await withdraw_retracted(event=event, graph=store, now=NOW, new_id=uuid.uuid4)

    asyncio.run(run())


def record(
    settings: InfraSettings,
    candidate: AlertCandidate,
    *,
    now: datetime = NOW,
    store_type: type[Neo4jAlertStore] = Neo4jAlertStore,
) -> AlertRaised | None:
    """Raise or update the alert for a candidate with the worker's use case on the real store
    (or a subclass of it, `store_type`)."""

    async def run() -> AlertRaised | None:
        async with async_driver(settings) as driver:
            store = store_type(driver=driver, database=settings.neo4j_database)
            return await record_alert(candidate=candidate, store=store, now=now, new_id=uuid.uuid4)

    return asyncio.run(run())


class WholeStore(Neo4jAlertStore):
    """The store, explaining every alert whole."""

    async def _changed(
        self, previous: AlertRaised, entity_ids: list[str], report_ids: list[str]
    ) -> Explanation | None:
        return None


def explained_whole(settings: InfraSettings, alert: AlertRaised) -> Explanation:
    """The alert's explanation read whole, as it was saved: an update the store worked out from
    the last version must give the same."""

    async def run() -> Explanation:
        async with async_driver(settings) as driver:
            store = WholeStore(driver=driver, database=settings.neo4j_database)
            return await store.explain(
                [s.id for s in alert.subjects],
                [str(e.report_id) for e in alert.evidence],
                previous=alert,
            )

    return asyncio.run(run())


def raise_alert(settings: InfraSettings, candidate: AlertCandidate) -> AlertRaised:
    """The alert the worker would raise for a candidate, with its visibility."""
    alert = record(settings, candidate)
    assert alert is not None, "the candidate raised nothing"
    return alert


def restricted_hotspot_alert(
    settings: InfraSettings, *, home: str, visible_to: str, at: datetime
) -> tuple[ReportSubmitted, AlertRaised]:
    """Link a sighting the home reported, C-coded so that only `visible_to` may see it, and save
    an open hotspot alert raised at `at` citing it; give the report and the alert."""
    tag = uuid.uuid4().hex[:6]
    body = sighting_json(f"Ava Synth{tag}", place=f"Synthetic Flat {tag}")
    body = report_json(
        body["event"],
        grading=shared_only_with(visible_to),
    )
    event = submitted(ReportCreate.model_validate(body), agency=home)
    linked = link_events(settings, [event])
    place = next(e.id for e in linked[0].entities if e.kind == "location")
    alert = AlertRaised(
        event_id=uuid.uuid4(),
        occurred_at=at,
        alert_id=uuid.uuid4(),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=f"shared_hotspot:{place}",
        status=AlertStatus.OPEN,
        priority=Priority.MEDIUM,
        summary="synthetic restricted alert",
        subjects=(AlertSubject(kind="location", id=place, display_name="Synthetic Flat"),),
        evidence=(Evidence(report_id=event.event_id, observed_at=event.report.observed_at),),
        raised_at=at,
        updated_at=at,
    )
    save_alert(settings, alert, anchor_id=place)
    return event, alert
