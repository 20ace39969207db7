"""The Neo4j adapter P06 (b) reads through: the child's reads, and rides in vehicles."""

from datetime import datetime

from services.alerts.patterns.vehicle_linked_to_missing import queries
from services.alerts.shared_reads import Neo4jChildGraph


class Neo4jRidesGraph(Neo4jChildGraph):
    """Reads children, their episodes, and the vehicles they were in."""

    async def vehicles_of(self, person_id: str, *, since: datetime) -> list[str]:
        """Vehicles the person was in, or got in or out of, since a time."""
        rows = await self._rows_for(queries.VEHICLES_OF, person_id, since=since.isoformat())
        return [row["vehicle_id"] for row in rows]

    async def has_vehicle(self, vehicle_id: str) -> bool:
        """Whether the vehicle is in the graph."""
        return bool(await self._rows_for(queries.GET_VEHICLE, vehicle_id))

    async def rides_in(
        self, vehicle_id: str, *, since: datetime
    ) -> list[tuple[str, str, datetime, str | None]]:
        """(child id, report id, observed at, what the report calls the vehicle) for each
        report of a child in the vehicle."""
        rows = await self._rows_for(queries.RIDES_IN, vehicle_id, since=since.isoformat())
        return [
            (
                row["person_id"],
                row["report_id"],
                datetime.fromisoformat(row["observed_at"]),
                row["vehicle_name"],
            )
            for row in rows
        ]
