"""The Neo4j adapters of the network service's ports: the graph writer and the person index."""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from neo4j import AsyncDriver, AsyncManagedTransaction

from schemas.linking import EntitiesLinked
from schemas.reports import ReportSubmitted
from schemas.resolution import Verdict
from services.network import queries
from services.network.linking import ReportGraph, link_report
from services.network.matching import KnownPerson, PersonFacts
from services.network.mentions import LinkType

ENTITY_WRITES = (
    ("persons", queries.MERGE_PERSONS),
    ("locations", queries.MERGE_LOCATIONS),
    ("vehicles", queries.MERGE_VEHICLES),
    ("phones", queries.MERGE_PHONES),
    ("handles", queries.MERGE_HANDLES),
    ("groups", queries.MERGE_GROUPS),
)

SPLIT_WRITES = (
    queries.SPLIT_NEW_PERSON,
    queries.SPLIT_MENTIONS,
    queries.SPLIT_OUTGOING_LINKS,
    queries.SPLIT_INCOMING_LINKS,
    queries.SPLIT_FACTS,
    queries.REFRESH_AUDIENCES,
)


def decision_writes(decision: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The statements that apply a recorded decision, with their parameters, in order.

    The analyst API (sync driver) and replay (async driver) both run exactly these, in one
    transaction, so a replayed decision does what the live one did. The first returns
    `applied`: 0 when the decision's people are not in the graph.
    """
    params = {
        "decision_id": decision["id"],
        "candidate_id": decision["candidate_id"],
        "ids": [decision["person_a"], decision["person_b"]],
    }
    statements = (
        SPLIT_WRITES if decision["decision"] == Verdict.SPLIT.value else (queries.REAPPLY_DECISION,)
    )
    return [(query, params) for query in statements]


class Neo4jGraphStore:
    """Writes reports into Neo4j with the async driver, one transaction per report."""

    def __init__(self, *, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def write_report(self, graph: ReportGraph) -> None:
        """MERGE the report, its entities and links; idempotent by report id."""
        async with self._driver.session(database=self._database) as session:
            await session.execute_write(write_report_tx, graph)

    async def withdraw_report(self, retraction: dict[str, Any]) -> list[str]:
        """Mark a report retracted and withdraw it from every link, in one transaction."""
        async with self._driver.session(database=self._database) as session:
            mentioned: list[str] = await session.execute_write(withdraw_report_tx, retraction)
            return mentioned

    async def record_decision(self, decision: dict[str, Any]) -> None:
        """Keep a decision read from Kafka as a ResolutionDecision node (once)."""
        await self._driver.execute_query(
            queries.RECORD_DECISION, decision=decision, database_=self._database
        )

    async def apply_decision(self, decision: Mapping[str, Any]) -> bool:
        """Apply a recorded decision again (replay); False when its people are not there."""
        async with self._driver.session(database=self._database) as session:
            applied: bool = await session.execute_write(_apply_decision_tx, decision)
            return applied


async def _apply_decision_tx(tx: AsyncManagedTransaction, decision: Mapping[str, Any]) -> bool:
    (first, params), *rest = decision_writes(decision)
    record = await (await tx.run(first, params)).single()
    if not (record and record["applied"]):
        return False
    for query, more in rest:
        await (await tx.run(query, more)).consume()
    return True


async def withdraw_report_tx(tx: AsyncManagedTransaction, retraction: dict[str, Any]) -> list[str]:
    """Mark the report, withdraw its links, recompute who may see what it mentioned."""
    marked = await (await tx.run(queries.MARK_RETRACTED, retraction=retraction)).single()
    mentioned: list[str] = marked["mentioned"] if marked else []
    await (await tx.run(queries.WITHDRAW_LINKS, report_id=retraction["report_id"])).consume()
    if mentioned:
        await (await tx.run(queries.REFRESH_AUDIENCES, ids=mentioned)).consume()
    return mentioned


async def write_report_tx(tx: AsyncManagedTransaction, graph: ReportGraph) -> None:
    """The statements that write one report, in one transaction.

    A report already written is left as it is (a split or a retraction since stays), and a
    retracted report links nothing.
    """
    report_id = graph.report["id"]
    state = await (await tx.run(queries.MERGE_REPORT, report=graph.report)).single()
    if state is not None and (state["written"] or state["retracted"]):
        return
    for field, query in ENTITY_WRITES:
        rows = getattr(graph, field)
        if rows:
            await (await tx.run(query, report_id=report_id, rows=rows)).consume()
    for kind, rows in graph.links.items():
        link_type = LinkType(kind)  # only our own relationship types reach the query
        await (
            await tx.run(queries.MERGE_LINKS, report_id=report_id, type=link_type.value, rows=rows)
        ).consume()
    if graph.possible:
        await (await tx.run(queries.MERGE_POSSIBLE_SAME_AS, rows=graph.possible)).consume()
    await _write_facts(tx, graph)


async def _write_facts(tx: AsyncManagedTransaction, graph: ReportGraph) -> None:
    """Missing episodes, protective orders and premises status stated by the report."""
    report_id = graph.report["id"]
    for query, rows in (
        (queries.MERGE_MISSING_STARTED, graph.missing_started),
        (queries.MERGE_ORDERS, graph.orders),
        (queries.SET_PLACE_STATUS, graph.statuses),
    ):
        if rows:
            await (await tx.run(query, report_id=report_id, rows=rows)).consume()
    for row in graph.missing_ended:
        found = await tx.run(
            queries.FIND_EPISODE_TO_END,
            child=row["child"],
            report_id=report_id,
            found_at=row["found_at"],
        )
        record = await found.single()
        episode_id = record["id"] if record else row["new_id"]
        await (
            await tx.run(
                queries.END_MISSING_EPISODE, report_id=report_id, row=row, episode_id=episode_id
            )
        ).consume()


def _known(r: Any) -> KnownPerson:
    return KnownPerson(
        id=r["id"],
        facts=PersonFacts(
            names=tuple(r["names"] or ()),
            nicknames=tuple(r["nicknames"] or ()),
            date_of_birth=date.fromisoformat(r["date_of_birth"]) if r["date_of_birth"] else None,
            birth_year=r["birth_year"],
            phones=frozenset(r["phones"] or ()),
            handles=frozenset(r["handles"] or ()),
        ),
    )


class Neo4jPersonIndex:
    """Finds candidate people through their blocking keys (MatchKey nodes, one index seek each)."""

    def __init__(self, *, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def candidates(self, keys: list[str], *, limit: int) -> list[KnownPerson]:
        """People sharing any key, those sharing most first."""
        records, _, _ = await self._driver.execute_query(
            queries.FIND_PERSON_CANDIDATES,
            keys=keys,
            limit=limit,
            database_=self._database,
            routing_="r",
        )
        return [_known(r) for r in records]


class TransactionGraph:
    """The graph writer and the person index inside one open transaction.

    A batch of reports is linked in one transaction, one after another, so each report's
    resolution sees the people the reports before it in the batch created, and the batch
    costs one commit instead of one per report.
    """

    def __init__(self, tx: AsyncManagedTransaction) -> None:
        self._tx = tx

    async def write_report(self, graph: ReportGraph) -> None:
        """Write the report's statements in the open transaction."""
        await write_report_tx(self._tx, graph)

    async def candidates(self, keys: list[str], *, limit: int) -> list[KnownPerson]:
        """People sharing any key, as the open transaction sees them."""
        result = await self._tx.run(queries.FIND_PERSON_CANDIDATES, keys=keys, limit=limit)
        return [_known(r) async for r in result]


async def link_batch(
    *,
    driver: AsyncDriver,
    database: str,
    events: list[ReportSubmitted],
    now: datetime,
    new_id: Callable[[], UUID],
) -> list[EntitiesLinked]:
    """Link reports in order in one transaction: all of them, or (on an error) none."""

    async def work(tx: AsyncManagedTransaction) -> list[EntitiesLinked]:
        graph = TransactionGraph(tx)
        return [
            await link_report(event=event, graph=graph, people=graph, now=now, new_id=new_id)
            for event in events
        ]

    async with driver.session(database=database) as session:
        linked: list[EntitiesLinked] = await session.execute_write(work)
        return linked
