"""The Neo4j adapter P04 harbouring reads through: the child's reads, and who harboured whom."""

from datetime import datetime

from services.alerts.patterns.harbouring_adult import queries
from services.alerts.shared.provenance import Reports, reports_of
from services.alerts.shared_reads import Neo4jChildGraph


class Neo4jHarbouringGraph(Neo4jChildGraph):
    """Reads children, their episodes, and the adults they were found with or at."""

    async def harbourers_of(self, person_id: str, *, since: datetime) -> list[str]:
        """Adults the child was found with, or at whose address, while missing."""
        rows = await self._rows_for(queries.HARBOURERS_OF, person_id, since=since.isoformat())
        return [row["adult_id"] for row in rows]

    async def harboured_by(
        self, adult_id: str, *, since: datetime
    ) -> list[tuple[str, str, bool, Reports]]:
        """(child id, episode id, found at the adult's address, the reports that say the adult
        is the tenant there) for each episode."""
        rows = await self._rows_for(queries.HARBOURED_BY, adult_id, since=since.isoformat())
        return [
            (row["child_id"], row["episode_id"], bool(row["as_tenant"]), reports_of(row["tenancy"]))
            for row in rows
        ]
