"""The Neo4j adapter P14 care home targeted reads through."""

from datetime import datetime

from services.alerts.patterns.care_home_targeted import queries
from services.alerts.patterns.care_home_targeted.rule import External, Home, ResidentLink
from services.alerts.shared.provenance import UNNAMED, reports_of, traits_kept
from services.alerts.shared_reads import Reader, names_of


class Neo4jCareHomeGraph(Reader):
    """Reads an adult, vehicle, phone or handle and the care-home residents linked to it."""

    async def external(self, entity_id: str) -> External | None:
        """The entity, or None when it is not a person, vehicle, phone or handle."""
        rows = await self._rows_for(queries.GET_EXTERNAL, entity_id)
        if not rows:
            return None
        row = rows[0]
        return External(
            id=row["id"], kind=row["kind"], name=UNNAMED, adult=bool(row["adult"]), role=row["role"]
        )

    async def residents_linked(
        self, entity_id: str, *, links: tuple[str, ...], since: datetime
    ) -> list[ResidentLink]:
        """Every report since a time that links a care-home resident to the entity."""
        rows = await self._rows_for(
            queries.FIND_RESIDENTS_LINKED,
            entity_id,
            links=list(links),
            since=since.isoformat(),
        )
        return [
            ResidentLink(
                person_id=r["person_id"],
                person_name=r["person_name"] or UNNAMED,
                age=r["age"],
                vulnerable=bool(r["vulnerable"]),
                home=Home(id=r["home_id"], name=r["home_name"] or ""),
                link=r["link"],
                report_id=r["report_id"],
                observed_at=datetime.fromisoformat(r["observed_at"]),
                entity_name=r["entity_name"],
                residency=reports_of(r["residency"]),
                home_names=names_of(r["residency"]),
                category_reports=reports_of(r["category_reports"]),
                traits=traits_kept(r["traits"]),
            )
            for r in rows
        ]
