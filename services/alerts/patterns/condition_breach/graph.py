"""The Neo4j adapter P22 protective condition breach reads through."""

from datetime import date, datetime
from typing import Any

from services.alerts.patterns.condition_breach import queries
from services.alerts.patterns.condition_breach import rule as breach
from services.alerts.shared.provenance import UNNAMED
from services.alerts.shared_reads import Reader, day, when


def _order(row: dict[str, Any]) -> breach.Order:
    centre = row["centre"]
    issued_on = day(row["issued_on"])
    if issued_on is None:
        raise ValueError(f"protective order {row['id']} has no issue date")
    return breach.Order(
        id=row["id"],
        kind=row["kind"],
        subject_id=row["subject_id"],
        subject_name=row["subject_name"] or UNNAMED,
        issued_on=issued_on,
        expires_on=day(row["expires_on"]),
        radius_m=row["radius_m"],
        centre=breach.Centre(
            id=centre["id"], name=centre["name"] or UNNAMED, lat=centre["lat"], lon=centre["lon"]
        )
        if centre
        else None,
        protected=tuple(
            breach.Named(id=p["id"], name=p["name"] or UNNAMED)
            for p in sorted(row["protected"], key=lambda p: p["id"])
        ),
        areas=tuple(
            breach.Area(
                id=a["id"],
                name=a["name"] or UNNAMED,
                local_authority=a["local_authority"],
                police_force_area=a["police_force_area"],
                region=bool(a["region"]),
            )
            for a in sorted((a for a in row["areas"] if a), key=lambda a: a["id"])
        ),
        report_id=row["report_id"],
        observed_at=when(row["observed_at"]),
    )


class Neo4jOrderGraph(Reader):
    """Reads protective orders, where their subjects were seen, and whom they met."""

    async def orders_of(self, person_id: str) -> list[breach.Order]:
        """Every protective order made against the person."""
        rows = await self._rows_for(queries.FIND_ORDERS_OF, person_id)
        return [_order(row) for row in rows]

    async def sightings_of(self, person_id: str, *, since: datetime) -> list[breach.PlaceSighting]:
        """Every report since a time that places the person somewhere."""
        rows = await self._rows_for(queries.FIND_SIGHTINGS_OF, person_id, since=since.isoformat())
        return [
            breach.PlaceSighting(
                location_id=r["location_id"],
                name=r["name"] or UNNAMED,
                lat=r["lat"],
                lon=r["lon"],
                local_authority=r["local_authority"],
                police_force_area=r["police_force_area"],
                report_id=r["report_id"],
                observed_at=datetime.fromisoformat(r["observed_at"]),
            )
            for r in rows
        ]

    async def contacts_with(
        self, person_id: str, protected_ids: list[str], *, since: datetime
    ) -> list[breach.Contact]:
        """Every report since a time that links the person to one of the protected."""
        rows = await self._rows_for(
            queries.FIND_CONTACTS_WITH,
            person_id,
            protected_ids=protected_ids,
            since=since.isoformat(),
        )
        return [
            breach.Contact(
                person_id=r["person_id"],
                how=r["how"],
                report_id=r["report_id"],
                observed_at=datetime.fromisoformat(r["observed_at"]),
            )
            for r in rows
        ]

    async def subjects_seen_at(self, location_id: str, *, on: date) -> list[str]:
        """Subjects of orders in force on a day who were seen at the place since issue."""
        rows = await self._rows_for(
            queries.FIND_ORDER_SUBJECTS_SEEN_AT, location_id, on=on.isoformat()
        )
        return [r["person_id"] for r in rows]
