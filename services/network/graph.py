"""The Neo4j adapters of the network service's ports: the graph writer and the person index."""

from datetime import date

from neo4j import AsyncDriver, AsyncManagedTransaction

from services.network import queries
from services.network.linking import ReportGraph
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


class Neo4jGraphStore:
    """Writes reports into Neo4j with the async driver, one transaction per report."""

    def __init__(self, *, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def write_report(self, graph: ReportGraph) -> None:
        """MERGE the report, its entities and links; idempotent by report id."""
        async with self._driver.session(database=self._database) as session:
            await session.execute_write(write_report_tx, graph)


async def write_report_tx(tx: AsyncManagedTransaction, graph: ReportGraph) -> None:
    """The statements that write one report, in one transaction."""
    report_id = graph.report["id"]
    await (await tx.run(queries.MERGE_REPORT, report=graph.report)).consume()
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
        return [
            KnownPerson(
                id=r["id"],
                facts=PersonFacts(
                    names=tuple(r["names"] or ()),
                    nicknames=tuple(r["nicknames"] or ()),
                    date_of_birth=date.fromisoformat(r["date_of_birth"])
                    if r["date_of_birth"]
                    else None,
                    birth_year=r["birth_year"],
                    phones=frozenset(r["phones"] or ()),
                    handles=frozenset(r["handles"] or ()),
                ),
            )
            for r in records
        ]
