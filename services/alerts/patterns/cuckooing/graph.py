"""The Neo4j adapter P12 cuckooing reads through."""

from datetime import datetime
from typing import Any

from schemas.entities import PersonRole
from services.alerts.patterns.cuckooing import queries
from services.alerts.patterns.cuckooing.rule import Address, Tenant, Visit
from services.alerts.shared.provenance import UNNAMED, reports_of, traits_kept
from services.alerts.shared_reads import Reader, names_of


def _tenant(row: dict[str, Any]) -> Tenant:
    """A tenant as the reports that say they are the tenant describe them."""
    said = sorted(row["said"], key=lambda x: (x["observed_at"], x["id"]), reverse=True)
    vulnerable = [x for x in said if x["role"] == PersonRole.VULNERABLE_ADULT]
    roles = [x["role"] for x in said if x["role"] and x["role"] != PersonRole.UNKNOWN]
    return Tenant(
        id=row["id"],
        name=UNNAMED,
        role=PersonRole.VULNERABLE_ADULT.value if vulnerable else (roles or ["unknown"])[0],
        reports=reports_of(said),
        names=names_of(said),
        role_reports=reports_of(vulnerable),
    )


class Neo4jCuckooingGraph(Reader):
    """Reads an address, its tenants and status, and the people seen there."""

    async def address(self, location_id: str) -> Address | None:
        """The address, or None when it is not in the graph."""
        rows = await self._rows_for(queries.GET_ADDRESS, location_id)
        if not rows:
            return None
        row = rows[0]
        return Address(
            id=row["id"],
            name=UNNAMED,
            local_authority=row["local_authority"],
            vulnerable_tenant=bool(row["vulnerable_tenant"]),
            cuckooing_suspected=bool(row["cuckooing"]),
            tenants=tuple(_tenant(t) for t in sorted(row["tenants"], key=lambda t: t["id"])),
            vulnerable_tenant_reports=reports_of(row["vulnerable_tenant"]),
            cuckooing_reports=reports_of(row["cuckooing"]),
            area_reports=reports_of(row["area_reports"]),
            names={**names_of(row["vulnerable_tenant"]), **names_of(row["cuckooing"])},
        )

    async def visits(self, location_id: str, *, since: datetime) -> list[Visit]:
        """Every report since a time that places a person at the address."""
        rows = await self._rows_for(
            queries.FIND_VISITS_AT_ADDRESS, location_id, since=since.isoformat()
        )
        return [
            Visit(
                person_id=r["person_id"],
                person_name=r["person_name"],
                age=r["age"],
                young=bool(r["young"]),
                vulnerable=bool(r["vulnerable"]),
                home_local_authority=r["home_local_authority"],
                role=r["role"] or "unknown",
                report_id=r["report_id"],
                observed_at=datetime.fromisoformat(r["observed_at"]),
                place_name=r["place_name"],
                home_reports=reports_of(r["home_reports"]),
                age_unknown=bool(r["age_unknown"]),
                traits=traits_kept(r["traits"]),
            )
            for r in rows
        ]
