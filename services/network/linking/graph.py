"""The Neo4j adapters of the linking worker's ports: linking, retraction and decisions."""

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import partial
from typing import Any
from uuid import UUID

from neo4j import AsyncDriver, AsyncManagedTransaction

from schemas.graph import LinkType, evidence_fields
from schemas.linking import EntityKind
from schemas.reports import ReportSubmitted
from services.network.decision_writes import decision_writes, first_write
from services.network.latest_links import keep_params, linked_keepers, mentioned_keepers
from services.network.linking import queries
from services.network.linking.ports import ReportGraph
from services.network.linking.reports import (
    BatchLinked,
    PreparedReport,
    link_prepared,
    prepare_report,
)
from services.network.matching import PersonFacts
from services.network.pool import PeopleSharing, SharingPerson, key_weight
from services.network.queries import KEEP_LATEST_LINKS, RECORD_DECISION, REFRESH_PERSONS

# The statement that writes links of each type (a typed MERGE: see queries.py).
LINK_WRITES: dict[LinkType, str] = {
    LinkType.SEEN_AT: queries.MERGE_SEEN_AT_LINKS,
    LinkType.APPROACHED: queries.MERGE_APPROACHED_LINKS,
    LinkType.ASSOCIATES_WITH: queries.MERGE_ASSOCIATES_WITH_LINKS,
    LinkType.FOUND_WITH: queries.MERGE_FOUND_WITH_LINKS,
    LinkType.IN_VEHICLE: queries.MERGE_IN_VEHICLE_LINKS,
    LinkType.VEHICLE_SEEN_AT: queries.MERGE_VEHICLE_SEEN_AT_LINKS,
    LinkType.USES_PHONE: queries.MERGE_USES_PHONE_LINKS,
    LinkType.CONTACTED_BY: queries.MERGE_CONTACTED_BY_LINKS,
    LinkType.HAS_HANDLE: queries.MERGE_HAS_HANDLE_LINKS,
    LinkType.LINKED_ONLINE: queries.MERGE_LINKED_ONLINE_LINKS,
    LinkType.PLACED_AT: queries.MERGE_PLACED_AT_LINKS,
    LinkType.FREQUENTS: queries.MERGE_FREQUENTS_LINKS,
    LinkType.TENANT_OF: queries.MERGE_TENANT_OF_LINKS,
    LinkType.MEMBER_OF: queries.MERGE_MEMBER_OF_LINKS,
    LinkType.GROUP_ACTIVE_AT: queries.MERGE_GROUP_ACTIVE_AT_LINKS,
    LinkType.PHONE_SEIZED_AT: queries.MERGE_PHONE_SEIZED_AT_LINKS,
    LinkType.NO_CONTACT_WITH: queries.MERGE_NO_CONTACT_WITH_LINKS,
    LinkType.EXCLUDED_FROM: queries.MERGE_EXCLUDED_FROM_LINKS,
    LinkType.ATTENDS: queries.MERGE_ATTENDS_LINKS,
}

# The entities but people and places, whose earliest report of each audience is kept apart
# (KEEP_FIRST_SAID; a place's is kept by MERGE_LOCATIONS).
FIRST_SAID = ("vehicles", "phones", "handles", "groups")
ENTITY_WRITES = (
    ("persons", queries.MERGE_PERSONS),
    ("locations", queries.MERGE_LOCATIONS),
    ("vehicles", queries.MERGE_VEHICLES),
    ("phones", queries.MERGE_PHONES),
    ("handles", queries.MERGE_HANDLES),
    ("groups", queries.MERGE_GROUPS),
)


class Neo4jGraphStore:
    """Writes into Neo4j with the async driver, one transaction per call."""

    def __init__(self, *, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def write_report(self, graph: ReportGraph) -> None:
        """MERGE the report, its entities and links; idempotent by report id."""
        async with self._driver.session(database=self._database) as session:
            await session.execute_write(write_graphs_tx, [graph])

    async def withdraw_report(self, retraction: dict[str, Any]) -> list[str]:
        """Mark a report retracted and withdraw it from every link, in one transaction."""
        async with self._driver.session(database=self._database) as session:
            mentioned: list[str] = await session.execute_write(withdraw_report_tx, retraction)
            return mentioned

    async def record_decision(self, decision: dict[str, Any]) -> None:
        """Keep a decision read from Kafka as a ResolutionDecision node (once)."""
        await self._driver.execute_query(
            RECORD_DECISION, decision=decision, database_=self._database
        )

    async def apply_decision(self, decision: Mapping[str, Any]) -> bool:
        """Apply a recorded decision again (replay); False when its people are not there."""
        async with self._driver.session(database=self._database) as session:
            applied: bool = await session.execute_write(_apply_decision_tx, decision)
            return applied


async def _apply_decision_tx(tx: AsyncManagedTransaction, decision: Mapping[str, Any]) -> bool:
    query, params = first_write(decision)
    first = await (await tx.run(query, params)).single()
    if not (first and first["applied"]):
        return False
    for query, more in decision_writes(decision, first):
        await (await tx.run(query, more)).consume()
    return True


async def withdraw_report_tx(tx: AsyncManagedTransaction, retraction: dict[str, Any]) -> list[str]:
    """Mark the report, withdraw its links and its part in premises' statuses, recompute who may
    see what it mentioned, the areas its places are given and its people's traits."""
    marked = await (await tx.run(queries.MARK_RETRACTED, retraction=retraction)).single()
    mentioned: list[str] = marked["mentioned"] if marked else []
    await (
        await tx.run(
            queries.WITHDRAW_LINKS, report_id=retraction["report_id"], evidence=evidence_fields()
        )
    ).consume()
    await (await tx.run(queries.WITHDRAW_PLACE_STATUS, report_id=retraction["report_id"])).consume()
    if mentioned:
        await (await tx.run(queries.REFRESH_AUDIENCES, ids=mentioned)).consume()
        await (await tx.run(queries.REFRESH_PLACES, ids=mentioned)).consume()
        await (await tx.run(queries.REFRESH_FIRST_SAID, ids=mentioned)).consume()
        await (await tx.run(REFRESH_PERSONS, ids=mentioned, decision_id=None)).consume()
        keepers = mentioned_keepers(mentioned)
        if keepers:
            keep = {**keep_params(), "rows": keepers, "decision_id": None}
            await (await tx.run(KEEP_LATEST_LINKS, keep)).consume()
    return mentioned


async def open_reports_tx(tx: AsyncManagedTransaction, reports: list[dict[str, Any]]) -> set[str]:
    """Create the report nodes; the ids of those neither written before nor retracted."""
    opened = await (await tx.run(queries.MERGE_REPORTS, reports=reports)).single(strict=True)
    return set(opened["fresh"])


def report_writes(graphs: list[ReportGraph]) -> list[tuple[str, dict[str, Any]]]:
    """The statements that write opened reports' rows, in order, with their parameters: one per
    kind of row for all of them. The worker (async driver) and the bench's bulk loader (sync
    driver) both run exactly these."""

    def rows_of(field: str) -> list[dict[str, Any]]:
        return [{**row, "report_id": g.report["id"]} for g in graphs for row in getattr(g, field)]

    writes: list[tuple[str, dict[str, Any]]] = []

    def add(query: str, rows: list[dict[str, Any]], **more: Any) -> None:
        if rows:
            writes.append((query, {"rows": rows, **more}))

    for field, query in ENTITY_WRITES:
        add(query, rows_of(field))
    add(queries.KEEP_FIRST_SAID, [row for field in FIRST_SAID for row in rows_of(field)])
    # A place with a postcode the loaded centroids know is located (`tessera geo load`).
    add(queries.LOCATE_PLACES_BY_POSTCODE, rows_of("locations"))
    links: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in graphs:
        for kind, pairs in g.links.items():
            links[kind] += [{**pair, "report_id": g.report["id"]} for pair in pairs]
    for kind, rows in sorted(links.items()):
        add(LINK_WRITES[LinkType(kind)], rows)  # only our own relationship types
    keepers = linked_keepers(row for rows in links.values() for row in rows)
    add(KEEP_LATEST_LINKS, keepers, **keep_params(), decision_id=None)
    add(queries.MERGE_POSSIBLE_SAME_AS, [row for g in graphs for row in g.possible])
    add(queries.MERGE_MISSING_STARTED, rows_of("missing_started"))
    add(queries.MERGE_DEPARTURES, rows_of("departures"))
    add(queries.MERGE_ORDERS, rows_of("orders"))
    add(queries.SET_PLACE_STATUS, rows_of("statuses"))
    # A child found twice in one batch: the second finding must see the first one's end.
    for rows in _one_per_child(rows_of("missing_ended")):
        add(queries.END_MISSING_EPISODES, rows)
    return writes


async def write_reports_tx(tx: AsyncManagedTransaction, graphs: list[ReportGraph]) -> None:
    """Write opened reports' rows in the open transaction. Each statement is sent without
    waiting for the one before to finish (Neo4j runs them in order), so the driver encodes the
    next one's rows while Neo4j writes; any that failed fails the transaction."""
    sent = [await tx.run(query, params) for query, params in report_writes(graphs)]
    for result in sent:
        await result.consume()


def _one_per_child(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The rows in rounds, in order, with at most one row per child in each round."""
    rounds: list[list[dict[str, Any]]] = []
    seen: dict[str, int] = defaultdict(int)
    for row in rows:
        turn = seen[row["child"]]
        seen[row["child"]] += 1
        if turn == len(rounds):
            rounds.append([])
        rounds[turn].append(row)
    return rounds


async def write_graphs_tx(tx: AsyncManagedTransaction, graphs: list[ReportGraph]) -> None:
    """Write reports' rows built beforehand; a report written before or retracted is left."""
    fresh = await open_reports_tx(tx, [g.report for g in graphs])
    await write_reports_tx(tx, [g for g in graphs if g.report["id"] in fresh])


def _facts(r: dict[str, Any]) -> PersonFacts:
    return PersonFacts(
        names=tuple(r["names"] or ()),
        nicknames=tuple(r["nicknames"] or ()),
        date_of_birth=date.fromisoformat(r["date_of_birth"]) if r["date_of_birth"] else None,
        birth_year=r["birth_year"],
        phones=frozenset(r["phones"] or ()),
        handles=frozenset(r["handles"] or ()),
        identifiers=frozenset(r["identifiers"] or ()),
        postcodes=frozenset(r["home_postcodes"] or ()),
        addresses=tuple(r["home_addresses"] or ()),
    )


def _known(r: dict[str, Any]) -> SharingPerson:
    return SharingPerson(
        id=r["id"],
        facts=partial(_facts, r),
        keys=frozenset(r["keys"]),
        different_from=frozenset(r["different_from"] or ()),
        pending=frozenset(r["pending"] or ()),
    )


class TransactionGraph:
    """The linking store inside one open transaction: a batch is linked all or nothing."""

    def __init__(self, tx: AsyncManagedTransaction) -> None:
        self._tx = tx

    async def open_reports(self, reports: list[dict[str, Any]]) -> set[str]:
        """Create the report nodes; those to link now."""
        return await open_reports_tx(self._tx, reports)

    async def people_sharing(
        self, mentions: list[list[str]], *, max_sharing: int, limit: int
    ) -> PeopleSharing:
        """For each mention's blocking keys, the `limit` people sharing the most of those few
        enough share (weighed by rarity), as the open transaction sees them; the keys too many
        share, and how many share each of the others. The rare keys stay locked until the
        transaction ends, so two workers resolving one new person take turns and make one
        person."""
        keys = sorted({key for keys in mentions for key in keys})
        claimed = await (
            await self._tx.run(queries.CLAIM_MATCH_KEYS, keys=keys, max_sharing=max_sharing)
        ).single(strict=True)
        common = set(claimed["common"])
        sharing = dict(zip(claimed["rare"], claimed["sharing"], strict=True))
        # A key no one has yet finds no one: only the keys someone has are looked up.
        rare = [rare for keys in mentions if (rare := sorted(set(keys) & sharing.keys()))]
        result = await self._tx.run(
            queries.PEOPLE_SHARING_KEYS,
            mentions=rare,
            limit=limit,
            weights={key: key_weight(count) for key, count in sharing.items()},
        )
        people = [_known(r) for r in (await result.single(strict=True))["people"]]
        read = {p.id for p in people}
        # Their open candidates too, to be scored again should one of them gain evidence.
        pending = sorted({pid for p in people for pid in p.pending} - read)
        if pending:
            result = await self._tx.run(queries.PEOPLE_BY_IDS, ids=pending)
            people += [_known(r) for r in (await result.single(strict=True))["people"]]
        return PeopleSharing(people=people, common=common, sharing=sharing)

    async def write_reports(self, graphs: list[ReportGraph]) -> None:
        """Write the reports' rows in the open transaction."""
        await write_reports_tx(self._tx, graphs)

    async def entities_of(self, report_ids: list[str]) -> dict[str, list[tuple[EntityKind, str]]]:
        """What reports written before mention."""
        result = await self._tx.run(queries.ENTITIES_OF_REPORTS, report_ids=report_ids)
        return {
            r["report_id"]: sorted((EntityKind(kind), eid) for kind, eid in r["entities"])
            for r in (await result.single(strict=True))["reports"]
        }

    async def merge_people(self, decisions: list[dict[str, Any]]) -> None:
        """Record automatic decisions and apply them in the open transaction, in order."""
        for decision in decisions:
            await (await self._tx.run(RECORD_DECISION, decision=decision)).consume()
            await _apply_decision_tx(self._tx, decision)


async def link_batch(
    *,
    driver: AsyncDriver,
    database: str,
    events: list[ReportSubmitted],
    now: datetime,
    new_id: Callable[[], UUID],
    id_key: bytes,
) -> BatchLinked:
    """Link reports in order in one transaction: all of them, or (on an error) none."""
    return await link_prepared_batch(
        driver=driver,
        database=database,
        reports=[prepare_report(e, id_key=id_key) for e in events],
        now=now,
        new_id=new_id,
        id_key=id_key,
    )


async def link_prepared_batch(
    *,
    driver: AsyncDriver,
    database: str,
    reports: list[PreparedReport],
    now: datetime,
    new_id: Callable[[], UUID],
    id_key: bytes,
) -> BatchLinked:
    """Link prepared reports in order in one transaction: all of them, or (on an error) none."""

    async def work(tx: AsyncManagedTransaction) -> BatchLinked:
        return await link_prepared(
            reports=reports, store=TransactionGraph(tx), now=now, new_id=new_id, id_key=id_key
        )

    async with driver.session(database=database) as session:
        linked: BatchLinked = await session.execute_write(work)
        return linked
