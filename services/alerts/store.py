"""Neo4j adapters of the alert service: the detector's graph reads and the alert store."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from neo4j import AsyncDriver

from schemas.alerts import (
    AlertRaised,
    AlertStatus,
    AlertType,
    Priority,
    Subgraph,
    SubgraphEdge,
    SubgraphNode,
)
from schemas.entities import PlaceCategory
from services.alerts import queries
from services.alerts.detectors.linked_children import Anchor, ChildLink
from services.alerts.detectors.provenance import UNNAMED, reports_of, traits_of
from services.alerts.detectors.shared_hotspot import Place, Sighting
from services.alerts.lifecycle import AlertChanged, HistoryEntry


class Neo4jHotspotGraph:
    """Reads places and the young people linked to them."""

    def __init__(self, *, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def place(self, location_id: str) -> Place | None:
        """The place, or None when it is not in the graph."""
        records, _, _ = await self._driver.execute_query(
            queries.GET_PLACE, location_id=location_id, database_=self._database
        )
        if not records:
            return None
        row = records[0]
        return Place(
            id=row["id"],
            name=UNNAMED,
            category=PlaceCategory(row["category"]),
            category_reports=reports_of(row["category_reports"]),
        )

    async def young_people_at(self, location_id: str, *, since: datetime) -> list[Sighting]:
        """Every report since a time that links a young person to the place."""
        records, _, _ = await self._driver.execute_query(
            queries.FIND_YOUNG_PEOPLE_AT_PLACE,
            location_id=location_id,
            since=since.isoformat(),
            database_=self._database,
        )
        return [
            Sighting(
                person_id=r["person_id"],
                person_name=r["person_name"] or UNNAMED,
                age=r["age"],
                report_id=r["report_id"],
                observed_at=datetime.fromisoformat(r["observed_at"]),
                place_name=r["place_name"],
                young_here=bool(r["young_here"]),
                traits=traits_of(r["said"]),
            )
            for r in records
        ]


class Neo4jAlertStore:
    """Keeps alerts as nodes linked to their place and the reports they cite.

    With `outbox` (the alerts topic), every save also leaves that change in the topic's outbox
    until `mark_published`. The worker's store and the API's both name the topic (a user's
    change is published like a raised alert); a worker on another topic (a test's) never takes
    them, and only the worker publishes.
    """

    def __init__(self, *, driver: AsyncDriver, database: str, outbox: str | None = None) -> None:
        self._driver = driver
        self._database = database
        self._outbox = outbox

    async def open_alert(self, fingerprint: str) -> AlertRaised | None:
        """The alert with this fingerprint that is not closed, if any."""
        records, _, _ = await self._driver.execute_query(
            queries.GET_OPEN_ALERT, fingerprint=fingerprint, database_=self._database
        )
        return AlertRaised.model_validate_json(records[0]["body"]) if records else None

    async def open_alerts_citing(self, report_id: str) -> list[tuple[AlertRaised, str | None]]:
        """Alerts not closed that cite the report, with the entity each is about."""
        records, _, _ = await self._driver.execute_query(
            queries.OPEN_ALERTS_CITING, report_id=report_id, database_=self._database
        )
        return [(AlertRaised.model_validate_json(r["body"]), r["anchor_id"]) for r in records]

    async def last_closed(self, fingerprint: str) -> tuple[AlertRaised, datetime] | None:
        """The most recently closed alert with this fingerprint, and when it was closed."""
        records, _, _ = await self._driver.execute_query(
            queries.GET_LAST_CLOSED_ALERT, fingerprint=fingerprint, database_=self._database
        )
        if not records or records[0]["closed_at"] is None:
            return None
        row = records[0]
        return AlertRaised.model_validate_json(row["body"]), datetime.fromisoformat(
            row["closed_at"]
        )

    async def explain(self, entity_ids: list[str], report_ids: list[str]) -> Subgraph:
        """The entities and the links among them that the reports state."""
        params = {"entity_ids": entity_ids, "report_ids": report_ids}
        nodes, _, _ = await self._driver.execute_query(
            queries.EXPLAIN_NODES, params, database_=self._database
        )
        edges, _, _ = await self._driver.execute_query(
            queries.EXPLAIN_EDGES, params, database_=self._database
        )
        return Subgraph(
            nodes=tuple(SubgraphNode(id=r["id"], kind=r["kind"], label=r["label"]) for r in nodes),
            edges=tuple(
                SubgraphEdge(
                    source=r["source"],
                    target=r["target"],
                    type=r["type"],
                    report_ids=tuple(r["report_ids"]),
                )
                for r in edges
            ),
        )

    async def visibility(self, report_ids: list[str]) -> tuple[tuple[str, ...], ...]:
        """Per report, the audiences that may see it."""
        records, _, _ = await self._driver.execute_query(
            queries.REPORT_AUDIENCES, report_ids=report_ids, database_=self._database
        )
        return tuple(tuple(r["audiences"]) for r in records)

    async def save(
        self,
        alert: AlertRaised,
        *,
        anchor_id: str | None,
        history: HistoryEntry,
        replaces: UUID | None = None,
    ) -> None:
        """Create or replace the alert, idempotent by alert id, and add a history entry.

        None as the anchor leaves the entity the alert is ABOUT as it was. `replaces` is the
        event id of the version the change was made from; AlertChanged when another change
        was saved since.
        """
        _, summary, _ = await self._driver.execute_query(
            queries.SAVE_ALERT,
            alert=alert.model_dump(mode="json"),
            body=alert.model_dump_json(),
            anchor_id=anchor_id,
            report_ids=[str(e.report_id) for e in alert.evidence],
            replaces=str(replaces) if replaces else None,
            outbox=self._outbox,
            history={
                "at": history.at.isoformat(),
                "by": history.by,
                "action": history.action,
                "status": history.status.value,
                "note": history.note,
            },
            database_=self._database,
        )
        if not summary.counters.contains_updates:
            raise AlertChanged(f"alert {alert.alert_id} changed since event {replaces}")

    async def unpublished(self, *, limit: int) -> list[AlertRaised]:
        """The alert changes saved that Kafka has not acknowledged yet, oldest first."""
        records, _, _ = await self._driver.execute_query(
            queries.UNPUBLISHED_ALERTS,
            limit=limit,
            outbox=self._outbox,
            database_=self._database,
        )
        return [AlertRaised.model_validate_json(r["body"]) for r in records]

    async def mark_published(self, alert: AlertRaised) -> None:
        """Take this change of the alert (its event) out of the outbox."""
        await self._driver.execute_query(
            queries.MARK_ALERT_PUBLISHED, event_id=str(alert.event_id), database_=self._database
        )

    async def list_alerts(
        self,
        *,
        status: AlertStatus | None,
        type_: AlertType | None,
        priority: Priority | None,
        assignee: str | None,
        audiences: list[str],
        offset: int,
        limit: int,
    ) -> tuple[list[AlertRaised], int]:
        """One page of the alerts the audiences may see, newest first, and their total."""
        params = {
            "status": status.value if status else None,
            "type": type_.value if type_ else None,
            "priority": priority.value if priority else None,
            "assignee": assignee,
            "audiences": audiences,
        }
        records, _, _ = await self._driver.execute_query(
            queries.LIST_ALERTS,
            params | {"offset": offset, "limit": limit},
            database_=self._database,
        )
        counted, _, _ = await self._driver.execute_query(
            queries.COUNT_ALERTS, params, database_=self._database
        )
        alerts = [AlertRaised.model_validate_json(r["body"]) for r in records]
        return alerts, counted[0]["total"]

    async def get_alert(self, alert_id: UUID, *, audiences: Sequence[str]) -> AlertRaised | None:
        """The alert, if it exists and every report it cites is visible to the audiences."""
        records, _, _ = await self._driver.execute_query(
            queries.GET_ALERT,
            alert_id=str(alert_id),
            audiences=list(audiences),
            database_=self._database,
        )
        return AlertRaised.model_validate_json(records[0]["body"]) if records else None

    async def home_forces(self, alert: AlertRaised) -> tuple[str, ...]:
        """The police force areas the alert's cited reports give for where its subjects are."""
        records, _, _ = await self._driver.execute_query(
            queries.HOME_FORCES,
            subject_ids=[s.id for s in alert.subjects],
            report_ids=[str(e.report_id) for e in alert.evidence],
            database_=self._database,
        )
        return tuple(sorted(records[0]["forces"])) if records else ()

    async def history(self, alert_id: UUID) -> list[HistoryEntry]:
        """The alert's history, oldest first."""
        records, _, _ = await self._driver.execute_query(
            queries.GET_ALERT_HISTORY, alert_id=str(alert_id), database_=self._database
        )
        return [
            HistoryEntry(
                at=datetime.fromisoformat(r["at"]),
                by=r["by"],
                action=r["action"],
                status=AlertStatus(r["status"]),
                note=r["note"] or "",
            )
            for r in records
        ]


class Neo4jLinkedChildrenGraph:
    """Reads an adult, vehicle or phone and the children linked to it."""

    def __init__(self, *, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def anchor(self, entity_id: str) -> Anchor | None:
        """The entity, or None when it is not an adult, vehicle or phone in the graph."""
        records, _, _ = await self._driver.execute_query(
            queries.GET_ANCHOR, entity_id=entity_id, database_=self._database
        )
        if not records:
            return None
        row = records[0]
        return Anchor(id=row["id"], kind=row["kind"], name=UNNAMED, adult=bool(row["adult"]))

    async def children_linked(self, entity_id: str, *, since: datetime) -> list[ChildLink]:
        """Every report since a time that links a young person directly to the entity."""
        records, _, _ = await self._driver.execute_query(
            queries.FIND_CHILDREN_LINKED,
            entity_id=entity_id,
            since=since.isoformat(),
            database_=self._database,
        )
        return [
            ChildLink(
                person_id=r["person_id"],
                person_name=r["person_name"] or UNNAMED,
                age=r["age"],
                vulnerable=bool(r["vulnerable"]),
                report_id=r["report_id"],
                observed_at=datetime.fromisoformat(r["observed_at"]),
                anchor_name=r["anchor_name"],
                young_here=bool(r["young_here"]),
                traits=traits_of(r["said"]),
            )
            for r in records
        ]
