"""Neo4j adapters of the alert service: the alert store and its outbox lease (each pattern's
graph reads are in its folder under `patterns/`)."""

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from neo4j import AsyncDriver
from neo4j.exceptions import ConstraintError

from schemas.alerts import (
    AlertRaised,
    AlertStatus,
    Subgraph,
    SubgraphEdge,
    SubgraphNode,
)
from services.alerts import queries
from services.alerts.batched_reads import ROWS, ReadRows, Rows, Run, one_at_a_time
from services.alerts.lifecycle import evidence_digest
from services.alerts.listing import AlertFilter, ListedAlert
from services.alerts.ports import (
    AlertChanged,
    Explanation,
    FingerprintState,
    HistoryEntry,
    Naming,
    SetAside,
)
from services.alerts.shared.candidate import cited_digest, report_key
from services.alerts.shared_reads import runner


def writer(driver: AsyncDriver, database: str) -> Run:
    """Runs a write statement written like a batched read (its rows in one record, `rows`) in
    a transaction of its own, tried again by the driver on a transient error (a deadlock)."""

    async def write(query: str, params: dict[str, Any]) -> Rows:
        records, _, _ = await driver.execute_query(query, params, database_=database)
        rows: Rows = records[0][ROWS]
        return rows

    return write


# An update adding or dropping more reports or entities than this is explained whole: each entity
# the changed reports name is named again from every report the alert cites (EXPLAIN_ADDED),
# which for a few is far less than reading the whole subgraph, and for hundreds is not.
CHANGED_AT_MOST = 64

# What SAVE_ALERTS reads of an alert besides its body (the body itself is sent as JSON text).
SAVED_FIELDS = frozenset(
    {
        "alert_id",
        "event_id",
        "fingerprint",
        "type",
        "status",
        "priority",
        "raised_at",
        "updated_at",
        "assignee",
        "closed_by_decision",
    }
)


class SavedVersions:
    """The latest version of each alert this process saved, by fingerprint, the most recently
    saved kept first, up to `keep` evidence entries, subjects, nodes and links in all (the
    busiest place's alert has about 19,000; a worker's budget is ALERTS_SAVED_VERSIONS_KEEP).
    A version is used only when the store says it is still the open one (its event id): one
    saved since by another process, or a user, is read."""

    def __init__(self, *, keep: int) -> None:
        self._keep = keep
        self._held = 0
        self._alerts: OrderedDict[str, tuple[AlertRaised, int]] = OrderedDict()

    def get(self, fingerprint: str) -> AlertRaised | None:
        """The latest version this process saved of the fingerprint's alert, if kept."""
        kept = self._alerts.get(fingerprint)
        return kept[0] if kept else None

    def saved(self, alert: AlertRaised) -> None:
        """Keep the version just saved (a closed alert is no longer any fingerprint's open one)."""
        old = self._alerts.pop(alert.fingerprint, None)
        if old is not None:
            self._held -= old[1]
        if alert.status is AlertStatus.CLOSED:
            return
        size = len(alert.evidence) + len(alert.subjects)
        size += len(alert.subgraph.nodes) + len(alert.subgraph.edges)
        self._alerts[alert.fingerprint] = (alert, size)
        self._held += size
        while self._held > self._keep and len(self._alerts) > 1:
            _, (_, oldest) = self._alerts.popitem(last=False)
            self._held -= oldest


class Neo4jAlertStore:
    """Keeps alerts as nodes linked to their place and the reports they cite.

    With `outbox` (the alerts topic), every save also leaves that change in the topic's outbox
    until `mark_published`. The worker's store and the API's both name the topic (a user's
    change is published like a raised alert); a worker on another topic (a test's) never takes
    them, and only the worker publishes. Given a batch's `reads` and `writes` (`BatchedReads`,
    the latter over `writer`), the reads and the saves of the alerts its detections record are
    each made in one statement for all of them.
    """

    def __init__(
        self,
        *,
        driver: AsyncDriver,
        database: str,
        outbox: str | None = None,
        reads: ReadRows | None = None,
        writes: ReadRows | None = None,
        versions: SavedVersions | None = None,
    ) -> None:
        self._driver = driver
        self._versions = versions
        self._database = database
        self._outbox = outbox
        self._reads = reads or one_at_a_time(runner(driver, database))
        self._alone = one_at_a_time(writer(driver, database))
        self._writes = writes or self._alone

    async def fingerprint_state(self, fingerprint: str) -> FingerprintState:
        """Whether an alert with this fingerprint is open and the digest of what it cites, or,
        when none is, the most recently closed one. Given `reads` (a batch's), read together
        with the other fingerprints its detections ask about."""
        (row,) = await self._reads(queries.GET_FINGERPRINT_STATE, fingerprint)
        closed = (
            (
                AlertRaised.model_validate_json(row["closed_body"]),
                datetime.fromisoformat(row["closed_at"]),
            )
            if row["closed_body"] is not None and row["closed_at"] is not None
            else None
        )
        return FingerprintState(
            has_open=row["has_open"],
            open_digest=row["digest"],
            last_closed=closed,
            cited_kept=not row["has_open"] or row["cited_kept"],
            open_event_id=row["event_id"],
        )

    async def keep_cited(self, fingerprint: str, *, evidence: str, cited: str) -> None:
        """Keep which reports the open alert cites when its evidence digest is still
        `evidence` (an alert saved before they were kept)."""
        await self._execute(
            queries.KEEP_CITED_DIGEST, fingerprint=fingerprint, evidence=evidence, cited=cited
        )

    async def keep_digest(self, fingerprint: str, *, event_id: str, digest: str) -> None:
        """Keep the digest of the open alert's evidence and subjects while it is still the
        version `event_id` (one saved before digests named subjects)."""
        await self._execute(
            queries.KEEP_EVIDENCE_DIGEST, fingerprint=fingerprint, event_id=event_id, digest=digest
        )

    async def _execute(self, query: str, **params: Any) -> None:
        """One statement on its own, outside the batch's reads and writes."""
        await self._driver.execute_query(query, params, database_=self._database)

    async def open_alert(
        self, fingerprint: str, *, current: str | None = None
    ) -> AlertRaised | None:
        """The alert with this fingerprint that is not closed, if any (read with the batch's
        other alerts, given `reads`). Given `current` (the event id of its version as the caller
        last read it) and the process's `versions`, the version this process saved with that
        event id, without reading and parsing it again: a busy place's alert is megabytes."""
        if current is not None and self._versions is not None:
            saved = self._versions.get(fingerprint)
            if saved is not None and str(saved.event_id) == current:
                return saved
        rows = await self._reads(queries.GET_OPEN_ALERT, fingerprint)
        return AlertRaised.model_validate_json(rows[0]["body"]) if rows else None

    async def open_alerts_citing(self, report_id: str) -> list[tuple[AlertRaised, list[str]]]:
        """Alerts not closed that cite the report, each with the entities it is about."""
        records, _, _ = await self._driver.execute_query(
            queries.OPEN_ALERTS_CITING, report_id=report_id, database_=self._database
        )
        return [
            (AlertRaised.model_validate_json(r["body"]), list(r["anchor_ids"])) for r in records
        ]

    async def alerts_naming(self, person_ids: Sequence[str]) -> list[Naming]:
        """The alerts naming any of these people (each names a person only from a report it
        cites) that are open, or that a decision closed: to examine again once a decision
        changed who they are."""
        records, _, _ = await self._driver.execute_query(
            queries.ALERTS_NAMING, person_ids=list(person_ids), database_=self._database
        )
        return [
            Naming(fingerprint=r["fingerprint"], anchor_ids=tuple(r["anchor_ids"]), open=r["open"])
            for r in records
        ]

    async def explain(
        self,
        entity_ids: list[str],
        report_ids: list[str],
        *,
        previous: AlertRaised | None = None,
    ) -> Explanation:
        """The entities and the links among them that the reports state, and per report the
        audiences that may see it, and then those of each report the alert (`previous`, its
        last version) cited before and cites no longer, in the order of their audiences (read
        with the batch's other alerts, given `reads`). An update that adds a few reports and
        entities to `previous` or drops a few reads only what they can change (`_changed`): a
        busy place's alert cites thousands of reports."""
        if previous is not None:
            changed = await self._changed(previous, entity_ids, report_ids)
            if changed is not None:
                return changed
        own = {
            "entity_ids": entity_ids,
            "report_ids": report_ids,
            "alert_id": str(previous.alert_id) if previous else None,
        }
        key = hashlib.sha256(json.dumps(own).encode()).hexdigest()
        (row,) = await self._reads.request(queries.EXPLAIN_SUBGRAPH, key, own)
        subgraph = Subgraph(
            nodes=tuple(_node(r) for r in row["nodes"]),
            edges=tuple(_edge(r) for r in row["edges"]),
        )
        visibility = tuple(tuple(audiences) for audiences in row["visibility"])
        cited_before = (tuple(audiences) for audiences in row["cited_before"])
        return Explanation(subgraph=subgraph, visibility=visibility + tuple(sorted(cited_before)))

    async def _changed(
        self, previous: AlertRaised, entity_ids: list[str], report_ids: list[str]
    ) -> Explanation | None:
        """The explanation of an update that adds reports and entities to what `previous`
        cites and names, or drops some, from `previous` and what the changes change
        (EXPLAIN_ADDED); None when it adds or drops more than CHANGED_AT_MOST of either, cites
        again a report it cited before `previous`, names or stops naming an entity for a reason
        other than the reports it adds or drops (people merged or split since), or when
        `previous` no longer holds (a cited report retracted or gone since): then it is read
        whole."""
        before = [report_key(e.report_id) for e in previous.evidence]
        cited = set(before)
        wanted = set(report_ids)
        added = [rid for rid in report_ids if rid not in cited]
        dropped = [rid for rid in before if rid not in wanted]
        named = set(entity_ids)
        keys = {(e.source, e.target, e.type) for e in previous.subgraph.edges}
        if len(keys) < len(previous.subgraph.edges):
            return None
        nodes = {n.id: n for n in previous.subgraph.nodes if n.id in named}
        new_ids = [eid for eid in entity_ids if eid not in nodes]
        gone_ids = [n.id for n in previous.subgraph.nodes if n.id not in named]
        if max(len(added), len(dropped), len(new_ids), len(gone_ids)) > CHANGED_AT_MOST:
            return None
        own = {
            "entity_ids": entity_ids,
            "report_ids": report_ids,
            "added": added,
            "dropped": dropped,
            "new_ids": new_ids,
            "gone_ids": gone_ids,
            "alert_id": str(previous.alert_id),
        }
        key = hashlib.sha256(json.dumps(own).encode()).hexdigest()
        (row,) = await self._reads.request(queries.EXPLAIN_ADDED, key, own)
        if (
            row["found"] != len(report_ids)
            or row["retracted"]
            or row["recited"]
            or row["unexplained"]
            or len(row["added_visibility"]) != len(added)
            or len(row["dropped_visibility"]) != len(dropped)
        ):
            return None
        nodes.update((r["id"], _node(r)) for r in row["nodes"])
        # Every link between two entities read again is as read now (gone when no cited report
        # states it any longer), and every link of an entity the alert no longer names is gone.
        read = {r["id"] for r in row["nodes"]}
        edges = {
            (e.source, e.target, e.type): e
            for e in previous.subgraph.edges
            if e.source in nodes
            and e.target in nodes
            and not (e.source in read and e.target in read)
        }
        edges.update(((r["source"], r["target"], r["type"]), _edge(r)) for r in row["edges"])
        audiences = dict(zip(before, previous.visibility, strict=False))
        audiences.update(zip(added, (tuple(a) for a in row["added_visibility"]), strict=True))
        cited_before = previous.visibility[len(before) :] + tuple(
            tuple(a) for a in row["dropped_visibility"]
        )
        return Explanation(
            subgraph=Subgraph(
                nodes=tuple(nodes[i] for i in sorted(nodes)),
                edges=tuple(edges[k] for k in sorted(edges)),
            ),
            visibility=tuple(audiences[rid] for rid in report_ids) + tuple(sorted(cited_before)),
        )

    async def save(
        self,
        alert: AlertRaised,
        *,
        anchor_id: str | None,
        history: HistoryEntry,
        replaces: UUID | None = None,
        cited_already: Iterable[str] = (),
    ) -> None:
        """Create or replace the alert, idempotent by alert id, and add a history entry.

        None as the anchor leaves the entity the alert is ABOUT as it was. `replaces` is the
        event id of the version the change was made from; AlertChanged when another change
        was saved since, or when a new alert's fingerprint already has an open alert (one
        open alert per fingerprint, enforced by a uniqueness constraint). `cited_already`: the
        reports that version cites, whose CITES its save made (a busy place's alert cites
        thousands). Given `writes` (a batch's), saved in one statement with the other alerts
        its detections save.
        """
        key = str(alert.event_id)
        before = set(cited_already)
        own = {
            "alert": alert.model_dump(mode="json", include=set(SAVED_FIELDS)),
            "body": alert.model_dump_json(),
            "evidence_digest": evidence_digest(alert.evidence, alert.subjects),
            "cited_digest": cited_digest(alert.evidence),
            "anchor_id": anchor_id,
            # Cited in one order by every save, so two saves citing the same reports take
            # their locks in the same order and do not deadlock over them.
            "report_ids": sorted({str(e.report_id) for e in alert.evidence} - before),
            "replaces": str(replaces) if replaces else None,
            "history": {
                "at": history.at.isoformat(),
                "by": history.by,
                "action": history.action,
                "status": history.status.value,
                "note": history.note,
            },
        }
        try:
            written = await self._writes.request(queries.SAVE_ALERTS, key, own, outbox=self._outbox)
        except ConstraintError:
            # One save of the statement broke a constraint: each on its own tells which.
            try:
                written = await self._alone.request(
                    queries.SAVE_ALERTS, key, own, outbox=self._outbox
                )
            except ConstraintError as error:  # the alert id taken meanwhile by another version
                raise AlertChanged(f"alert {alert.alert_id} was saved by another writer") from error
        if not written:
            raise AlertChanged(f"alert {alert.alert_id} changed since event {replaces}")
        if self._versions is not None:
            self._versions.saved(alert)

    async def unpublished(self, *, limit: int) -> list[AlertRaised]:
        """The alert changes saved that Kafka has not acknowledged yet, oldest first."""
        records, _, _ = await self._driver.execute_query(
            queries.UNPUBLISHED_ALERTS,
            limit=limit,
            outbox=self._outbox,
            database_=self._database,
        )
        return [AlertRaised.model_validate_json(r["body"]) for r in records]

    async def mark_published(self, alerts: Sequence[AlertRaised]) -> None:
        """Take these changes (their events) out of the outbox, in one write."""
        await self._driver.execute_query(
            queries.MARK_ALERTS_PUBLISHED,
            event_ids=[str(alert.event_id) for alert in alerts],
            database_=self._database,
        )

    async def set_aside(self, changes: Sequence[SetAside]) -> None:
        """Take these changes out of the outbox, each kept whole with its reason, in one write."""
        await self._driver.execute_query(
            queries.SET_ASIDE_ALERT_CHANGES,
            changes=[
                {"event_id": str(change.alert.event_id), "reason": change.reason}
                for change in changes
            ],
            database_=self._database,
        )

    async def list_alerts(
        self, *, filters: AlertFilter, audiences: list[str], offset: int, limit: int
    ) -> tuple[list[ListedAlert], int]:
        """One page of the alerts the audiences may see, in the filter's order, and their total."""
        params = filters.parameters() | {"audiences": audiences}
        records, _, _ = await self._driver.execute_query(
            queries.LIST_ALERTS,
            params | {"offset": offset, "limit": limit},
            database_=self._database,
        )
        counted, _, _ = await self._driver.execute_query(
            queries.COUNT_ALERTS, params, database_=self._database
        )
        alerts = [
            ListedAlert(AlertRaised.model_validate_json(r["body"]), tuple(r["areas"]))
            for r in records
        ]
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


class Neo4jOutboxLease:
    """The lease on an outbox that lets one alert worker at a time drain it.

    Taken in Neo4j for `lease_s`; taking it again renews it, and a renewal within the first
    third of the lease is not written (the lease is still well ahead), so draining costs about
    one write every lease_s / 3 rather than one per change.
    """

    def __init__(
        self, *, driver: AsyncDriver, database: str, outbox: str, owner: str, lease_s: float
    ) -> None:
        self._driver = driver
        self._database = database
        self._outbox = outbox
        self._owner = owner
        self._lease_s = lease_s
        self._renew_after = 0.0  # time.monotonic() from which taking it again is written

    async def take(self) -> bool:
        """Take or renew the lease; False while another worker holds it."""
        if time.monotonic() < self._renew_after:
            return True
        started = time.monotonic()
        records, _, _ = await self._driver.execute_query(
            queries.TAKE_OUTBOX_LEASE,
            outbox=self._outbox,
            owner=self._owner,
            lease_ms=int(self._lease_s * 1000),
            database_=self._database,
        )
        if not records:
            self._renew_after = 0.0
            return False
        self._renew_after = started + self._lease_s / 3
        return True

    async def give_back(self) -> None:
        """Let the lease go, if this worker still holds it."""
        self._renew_after = 0.0
        await self._driver.execute_query(
            queries.GIVE_BACK_OUTBOX_LEASE,
            outbox=self._outbox,
            owner=self._owner,
            database_=self._database,
        )


def _node(row: dict[str, Any]) -> SubgraphNode:
    return SubgraphNode(id=row["id"], kind=row["kind"], label=row["label"])


def _edge(row: dict[str, Any]) -> SubgraphEdge:
    return SubgraphEdge(
        source=row["source"],
        target=row["target"],
        type=row["type"],
        report_ids=tuple(row["report_ids"]),
    )
