"""The Neo4j adapter P11 trap house reads through."""

from datetime import datetime

from services.alerts.patterns.trap_house import queries
from services.alerts.patterns.trap_house.rule import Premises
from services.alerts.shared.child_links import ChildLink, child_links
from services.alerts.shared.provenance import UNNAMED
from services.alerts.shared_reads import Reader, when


class Neo4jTrapHouseGraph(Reader):
    """Reads premises, their drugs-house status and the children linked to them."""

    async def premises(self, location_id: str) -> Premises | None:
        """The place, or None when it is not in the graph."""
        rows = await self._rows_for(queries.GET_PREMISES, location_id)
        if not rows:
            return None
        row = rows[0]
        return Premises(
            id=row["id"],
            name=UNNAMED,
            drugs_house=bool(row["drugs_house"]),
            since=when(row["since"]),
            status_report=row["status_report"],
            status_name=row["status_name"],
        )

    async def children_at(self, location_id: str, *, since: datetime) -> list[ChildLink]:
        """Every report since a time that links a young person to the place."""
        rows = await self._rows_for(
            queries.FIND_CHILDREN_AT_PREMISES, location_id, since=since.isoformat()
        )
        return child_links(rows)

    async def drugs_houses_of(self, person_id: str, *, since: datetime) -> list[str]:
        """The drugs houses a person has been linked to since a time."""
        rows = await self._rows_for(
            queries.FIND_DRUGS_HOUSES_OF, person_id, since=since.isoformat()
        )
        return [r["location_id"] for r in rows]
