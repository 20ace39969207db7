"""The Neo4j adapter of the network service's graph port."""

from neo4j import AsyncDriver, AsyncManagedTransaction

from services.network import queries
from services.network.linking import ReportGraph


class Neo4jGraphStore:
    """Writes reports into Neo4j with the async driver, one transaction per report."""

    def __init__(self, *, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def write_report(self, graph: ReportGraph) -> None:
        """MERGE the report, its place and its people; idempotent by report id."""
        async with self._driver.session(database=self._database) as session:
            await session.execute_write(_write_report, graph)


async def _write_report(tx: AsyncManagedTransaction, graph: ReportGraph) -> None:
    report_id = graph.report["id"]
    await (await tx.run(queries.MERGE_REPORT, report=graph.report)).consume()
    await (
        await tx.run(queries.MERGE_LOCATIONS, report_id=report_id, locations=graph.locations)
    ).consume()
    await (
        await tx.run(queries.MERGE_PERSONS, report_id=report_id, persons=graph.persons)
    ).consume()
    await (await tx.run(queries.MERGE_SEEN_AT, report_id=report_id, pairs=graph.seen_at)).consume()
