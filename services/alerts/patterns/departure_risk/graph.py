"""The Neo4j adapter P21 departure risk reads through: the child's reads, and departures."""

from datetime import datetime
from typing import Any

from services.alerts.patterns.departure_risk import queries
from services.alerts.patterns.departure_risk.rule import Departure, Whereto
from services.alerts.shared.provenance import UNNAMED
from services.alerts.shared_reads import Neo4jChildGraph, when


def _whereto(place: dict[str, Any] | None) -> Whereto | None:
    if place is None:
        return None
    return Whereto(
        id=place["id"], name=place["name"] or UNNAMED, category=place["category"] or "other"
    )


def _departure(row: dict[str, Any]) -> Departure:
    return Departure(
        id=row["id"],
        report_id=row["report_id"],
        left_at=datetime.fromisoformat(row["left_at"]),
        carrying=frozenset(row["carrying"]),
        left_from=_whereto(row["left_from"]),
        going_to=_whereto(row["going_to"]),
        leaving_by=_whereto(row["leaving_by"]),
        meeting=tuple(row["meeting"]),
        expected_back=when(row["expected_back"]),
        money_gbp=row["money_gbp"],
        transport=row["transport"],
        escorted=bool(row["escorted"]),
    )


class Neo4jDepartureGraph(Neo4jChildGraph):
    """Reads children and their departures from a home or school."""

    async def departures(self, person_id: str, *, since: datetime) -> list[Departure]:
        """The person's departures from a home or school since a time, oldest first."""
        rows = await self._rows_for(queries.DEPARTURES_OF, person_id, since=since.isoformat())
        return [_departure(row) for row in rows]
