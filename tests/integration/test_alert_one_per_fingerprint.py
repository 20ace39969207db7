"""One open alert per fingerprint, enforced by the store on the real Neo4j whatever runs at the
same time (issue 17): concurrent saves over separate sessions, concurrent detection runs over one
batch, a closed alert's pattern raised again, and the migration on a store that already holds
duplicates."""

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import Driver

from common.adapters.streaming import Neo4jConnection
from common.settings import InfraSettings
from schemas.alerts import AlertRaised, AlertStatus, AlertSubject, AlertType, Evidence, Priority
from schemas.linking import EntitiesLinked
from schemas.reports import ReportCreate
from services.alerts.agents import detect_batch
from services.alerts.batched_reads import BatchedReads
from services.alerts.config import Settings
from services.alerts.lifecycle import record_alert
from services.alerts.ports import AlertChanged, HistoryEntry
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared_reads import runner
from services.alerts.store import Neo4jAlertStore, writer
from tessera_cli.graph_setup import MIGRATIONS, _statements
from tests.support import queries
from tests.support.factories import report_json, run_tag, submitted
from tests.support.linking import async_driver, link_events

pytestmark = pytest.mark.integration

RACERS = 8
ALERTS_WITH_FINGERPRINT = """
MATCH (a:Alert {fingerprint: $fingerprint})
RETURN a.id AS id, a.status AS status, a.open_fingerprint AS open_fingerprint
ORDER BY a.raised_at, a.id
"""
ALERTS_CITING = """
UNWIND $report_ids AS report_id
MATCH (a:Alert)-[:CITES]->(:Report {id: report_id})
WITH DISTINCT a
RETURN a.fingerprint AS fingerprint, count(a) AS alerts, collect(a.id) AS ids
"""
RAISED_EVENTS = """
MATCH (h:AlertHistory)
WHERE h.alert_id IN $alert_ids AND h.action = 'raised'
RETURN count(h) AS raised
"""
DELETE_ALERTS = """
MATCH (a:Alert)
WHERE a.fingerprint IN $fingerprints
OPTIONAL MATCH (a)-[:HAS_HISTORY]->(h:AlertHistory)
DETACH DELETE a, h
"""
# An alert as a store written before migration 011 kept it: no open_fingerprint.
LEGACY_ALERT = """
CREATE (:Alert {id: $id, fingerprint: $fingerprint, status: $status,
                raised_at: datetime($raised_at), updated_at: datetime($raised_at), body: '{}'})
"""


@pytest.fixture
def fingerprints(neo4j_driver: Driver) -> Iterator[list[str]]:
    """The fingerprints a test uses; their alerts and history are deleted afterwards."""
    used: list[str] = []
    yield used
    neo4j_driver.execute_query(DELETE_ALERTS, fingerprints=used)


def _alert(fingerprint: str, *, reports: int = 1, at: datetime | None = None) -> AlertRaised:
    now = at or datetime.now(UTC)
    return AlertRaised(
        event_id=uuid.uuid4(),
        occurred_at=now,
        alert_id=uuid.uuid4(),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=fingerprint,
        status=AlertStatus.OPEN,
        priority=Priority.MEDIUM,
        summary="synthetic racing alert",
        subjects=(AlertSubject(kind="location", id="location:race", display_name="Synth"),),
        evidence=tuple(
            Evidence(report_id=uuid.uuid4(), observed_at=now - timedelta(hours=i))
            for i in range(reports)
        ),
        raised_at=now,
        updated_at=now,
    )


def _entry(alert: AlertRaised) -> HistoryEntry:
    return HistoryEntry(at=alert.updated_at, by="test", action="raised", status=alert.status)


def _alerts(driver: Driver, fingerprint: str) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(ALERTS_WITH_FINGERPRINT, fingerprint=fingerprint)
    return [r.data() for r in records]


def test_concurrent_saves_of_one_fingerprint_keep_one_alert(
    settings: InfraSettings, neo4j_driver: Driver, fingerprints: list[str]
) -> None:
    fingerprint = f"shared_hotspot:location:race-{run_tag()}"
    fingerprints.append(fingerprint)
    racers = [_alert(fingerprint) for _ in range(RACERS)]

    async def save(alert: AlertRaised) -> bool:
        # Each writer on its own driver, so each save is its own session and connection.
        async with async_driver(settings) as driver:
            store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
            try:
                await store.save(alert, anchor_id=None, history=_entry(alert))
            except AlertChanged:
                return False
            return True

    async def race() -> list[bool]:
        return await asyncio.gather(*(save(a) for a in racers))

    saved = asyncio.run(race())
    assert saved.count(True) == 1, saved
    winner = racers[saved.index(True)]
    assert _alerts(neo4j_driver, fingerprint) == [
        {"id": str(winner.alert_id), "status": "open", "open_fingerprint": fingerprint}
    ]


def _racers(fingerprints: list[str]) -> tuple[str, list[AlertCandidate]]:
    """A new fingerprint (cleaned up afterwards) and RACERS candidates of it, with two kinds of
    evidence, as two entities of one batch see one pattern."""
    fingerprint = f"shared_hotspot:location:race-{run_tag()}"
    fingerprints.append(fingerprint)
    base = _alert(fingerprint, reports=3)
    return fingerprint, [
        AlertCandidate(
            type=base.type,
            fingerprint=fingerprint,
            priority=base.priority,
            summary=base.summary,
            subjects=base.subjects,
            evidence=base.evidence[: 2 + i % 2],
            anchor_id="location:race",
        )
        for i in range(RACERS)
    ]


def test_concurrent_detections_of_one_pattern_raise_one_alert_and_update_it(
    settings: InfraSettings, neo4j_driver: Driver, fingerprints: list[str]
) -> None:
    """What several entities of one batch finding one pattern at once do: the first raises the
    alert, and the others, refused, update it with their evidence or find nothing new."""
    fingerprint, candidates = _racers(fingerprints)

    async def detect(candidate: AlertCandidate) -> AlertRaised | None:
        async with async_driver(settings) as driver:
            store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
            for _ in range(RACERS):  # as the worker retries the batch on AlertChanged
                try:
                    return await record_alert(
                        candidate=candidate, store=store, now=datetime.now(UTC), new_id=uuid.uuid4
                    )
                except AlertChanged:
                    continue
            raise AssertionError("a writer never got its change saved")

    async def race() -> list[AlertRaised | None]:
        return await asyncio.gather(*(detect(c) for c in candidates))

    results = asyncio.run(race())
    [alert] = _alerts(neo4j_driver, fingerprint)
    assert {str(r.alert_id) for r in results if r is not None} == {alert["id"]}
    records, _, _ = neo4j_driver.execute_query(RAISED_EVENTS, alert_ids=[alert["id"]])
    assert records[0]["raised"] == 1


def test_racing_detections_saved_in_one_statement_raise_one_alert(
    settings: InfraSettings, neo4j_driver: Driver, fingerprints: list[str]
) -> None:
    """As the worker records a batch's alerts: their reads and their saves gathered into one
    statement each, where several saves of one fingerprint meet in one transaction. One is
    raised; the others, refused, are made again from it (an update, or nothing new)."""
    fingerprint, candidates = _racers(fingerprints)

    async def scenario() -> tuple[list[AlertRaised | None], BatchedReads]:
        async with async_driver(settings) as driver:
            saves = BatchedReads(writer(driver, settings.neo4j_database))
            store = Neo4jAlertStore(
                driver=driver,
                database=settings.neo4j_database,
                reads=BatchedReads(runner(driver, settings.neo4j_database)),
                writes=saves,
            )

            async def detect(candidate: AlertCandidate) -> AlertRaised | None:
                for _ in range(RACERS):  # as the worker retries the batch on AlertChanged
                    try:
                        return await record_alert(
                            candidate=candidate,
                            store=store,
                            now=datetime.now(UTC),
                            new_id=uuid.uuid4,
                        )
                    except AlertChanged:
                        continue
                raise AssertionError("a writer never got its change saved")

            return await asyncio.gather(*(detect(c) for c in candidates)), saves

    results, saves = asyncio.run(scenario())
    [alert] = _alerts(neo4j_driver, fingerprint)
    assert {str(r.alert_id) for r in results if r is not None} == {alert["id"]}
    records, _, _ = neo4j_driver.execute_query(RAISED_EVENTS, alert_ids=[alert["id"]])
    assert records[0]["raised"] == 1
    assert saves.sent < saves.asked, "the saves were not gathered: the test proves nothing"


def test_a_closed_alerts_pattern_raised_again_is_a_new_alert(
    settings: InfraSettings, neo4j_driver: Driver, fingerprints: list[str]
) -> None:
    """Closing gives the fingerprint's open place up: after the cool-down, new evidence raises a
    new alert beside the closed one, and only one of those new ones, however many race."""
    fingerprint = f"shared_hotspot:location:race-{run_tag()}"
    fingerprints.append(fingerprint)
    long_ago = datetime.now(UTC) - timedelta(days=30)
    first = _alert(fingerprint, at=long_ago)

    async def scenario() -> list[AlertRaised | None]:
        async with async_driver(settings) as driver:
            store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
            await store.save(first, anchor_id=None, history=_entry(first))
            closed = first.model_copy(
                update={"event_id": uuid.uuid4(), "status": AlertStatus.CLOSED}
            )
            entry = replace(_entry(closed), action="closed")
            await store.save(closed, anchor_id=None, history=entry, replaces=first.event_id)
            candidate = AlertCandidate(
                type=first.type,
                fingerprint=fingerprint,
                priority=first.priority,
                summary=first.summary,
                subjects=first.subjects,
                evidence=(Evidence(report_id=uuid.uuid4(), observed_at=datetime.now(UTC)),),
                anchor_id="location:race",
            )

            async def again() -> AlertRaised | None:
                try:
                    return await record_alert(
                        candidate=candidate, store=store, now=datetime.now(UTC), new_id=uuid.uuid4
                    )
                except AlertChanged:
                    return None

            return await asyncio.gather(*(again() for _ in range(4)))

    raised = [r for r in asyncio.run(scenario()) if r is not None]
    kept = _alerts(neo4j_driver, fingerprint)
    assert [(a["id"], a["status"], a["open_fingerprint"]) for a in kept] == [
        (str(first.alert_id), "closed", None),
        (kept[1]["id"], "open", fingerprint),
    ]
    assert {str(r.alert_id) for r in raised} == {kept[1]["id"]}


@pytest.fixture
def cleanup(neo4j_driver: Driver) -> Iterator[list[str]]:
    report_ids: list[str] = []
    yield report_ids
    records, _, _ = neo4j_driver.execute_query(ALERTS_CITING, report_ids=report_ids)
    neo4j_driver.execute_query(DELETE_ALERTS, fingerprints=[r["fingerprint"] for r in records])
    neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)


def _trap_house(settings: InfraSettings, cleanup: list[str]) -> list[EntitiesLinked]:
    """A raid finds drugs at a vulnerable tenant's flat where a child had been seen: the flat
    and both children each find the one trap_house pattern."""
    tag = run_tag()
    now = datetime.now(UTC)
    flat = {
        "name": f"Synth Flat {tag}",
        "postcode": "ZZ99 2FL",
        "category": "private_address",
        "local_authority": "Synthshire",
    }

    def child(name: str) -> dict[str, Any]:
        return {"name": name, "date_of_birth": "2011-03-04", "role": "young_person"}

    tenant = {"name": f"Vi Tenant{tag}", "role": "vulnerable_adult"}
    adult = {"name": f"Mo Adult{tag}", "role": "adult", "home_local_authority": "Othershire"}
    events: list[tuple[timedelta, dict[str, Any]]] = [
        (timedelta(days=5), {"type": "sighting", "persons": [child(f"Bo Synth{tag}")]}),
        (
            timedelta(days=4),
            {"type": "address_concern", "tenant": tenant, "tenant_vulnerable": True},
        ),
        (
            timedelta(hours=3),
            {
                "type": "operation",
                "kind": "raid",
                "seized": [{"kind": "drugs"}],
                "persons_present": [child(f"Di Synth{tag}"), tenant, adult],
            },
        ),
    ]
    reports = []
    for ago, event in events:
        where = "premises" if event["type"] == "operation" else "place"
        body = report_json(event | {where: flat}, observed_at=(now - ago).isoformat())
        reports.append(submitted(ReportCreate.model_validate(body), agency="Synthetic Home A"))
    cleanup.extend(str(r.event_id) for r in reports)
    return link_events(settings, reports)


def test_two_detection_runs_over_one_batch_raise_each_pattern_once(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    """Issue 17's finding: several entities of one batch (the flat, and each child) raise one
    pattern at once. Two alert workers detecting over the same batch at the same time, each
    running its entities concurrently, keep one alert per fingerprint."""
    batch = _trap_house(settings, cleanup)
    alert_settings = Settings(alerts_topic=f"test.{uuid.uuid4().hex[:8]}.alerts")

    async def two_workers() -> None:
        connections = [Neo4jConnection(alert_settings) for _ in range(2)]
        for connection in connections:
            await connection.on_start()
        try:
            await asyncio.gather(
                *(detect_batch(batch, connection, alert_settings) for connection in connections)
            )
        finally:
            for connection in connections:
                await connection.on_stop()

    asyncio.run(two_workers())
    records, _, _ = neo4j_driver.execute_query(ALERTS_CITING, report_ids=cleanup)
    found = {r["fingerprint"].split(":")[0]: r["alerts"] for r in records}
    assert found.get("trap_house") == 1, found
    assert all(n == 1 for n in found.values()), found


def test_the_migration_keeps_the_earliest_of_duplicates_open_and_does_not_fail(
    settings: InfraSettings, neo4j_driver: Driver, fingerprints: list[str]
) -> None:
    """A store written before the constraint may hold several open alerts of one fingerprint:
    the migration gives the place to the earliest raised, leaves the others as they are (open,
    workable) and applies again without error; a closed alert never takes it."""
    duplicated = f"shared_hotspot:location:legacy-{run_tag()}"
    single = f"shared_hotspot:location:legacy-{run_tag()}"
    fingerprints.extend([duplicated, single])
    start = datetime.now(UTC) - timedelta(days=3)
    legacy = [
        (duplicated, "acknowledged", start + timedelta(hours=2)),
        (duplicated, "open", start),
        (duplicated, "open", start + timedelta(hours=1)),
        (single, "closed", start),
        (single, "open", start + timedelta(hours=1)),
    ]
    ids = []
    for fingerprint, status, at in legacy:
        ids.append(str(uuid.uuid4()))
        neo4j_driver.execute_query(
            LEGACY_ALERT,
            id=ids[-1],
            fingerprint=fingerprint,
            status=status,
            raised_at=at.isoformat(),
        )
    path = MIGRATIONS / "011_alert_open_fingerprint.cypher"
    for _ in range(2):  # re-run safe
        for statement in _statements(path):
            neo4j_driver.execute_query(statement, database_=settings.neo4j_database)

    holders = {
        a["id"]: a["open_fingerprint"]
        for fingerprint in (duplicated, single)
        for a in _alerts(neo4j_driver, fingerprint)
    }
    assert holders == {
        ids[0]: None,
        ids[1]: duplicated,  # the earliest raised
        ids[2]: None,
        ids[3]: None,  # closed
        ids[4]: single,
    }
    # From now on the store raises nothing beside the one that holds the place.
    alert = _alert(duplicated)

    async def save() -> None:
        async with async_driver(settings) as driver:
            store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
            await store.save(alert, anchor_id=None, history=_entry(alert))

    with pytest.raises(AlertChanged):
        asyncio.run(save())
