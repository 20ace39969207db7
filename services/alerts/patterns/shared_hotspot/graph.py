"""The Neo4j adapter P01 shared hotspot reads through."""

from datetime import datetime

from services.alerts.patterns.shared_hotspot import queries
from services.alerts.patterns.shared_hotspot.rule import Place, Sighting
from services.alerts.shared.provenance import UNNAMED, traits_kept
from services.alerts.shared_reads import SharedReader


class Neo4jHotspotGraph(SharedReader):
    """Reads places and the young people linked to them."""

    async def place(self, location_id: str) -> Place | None:
        """The place, or None when it is not in the graph."""
        standing = await self.standing(location_id)
        if standing is None or standing.category is None:  # not a place
            return None
        return Place(
            id=standing.id,
            name=UNNAMED,
            category=standing.category,
            category_reports=standing.category_reports,
        )

    async def young_people_at(self, location_id: str, *, since: datetime) -> list[Sighting]:
        """Every report since a time that links a young person to the place."""
        rows = await self._rows_for(
            queries.FIND_YOUNG_PEOPLE_AT_PLACE, location_id, since=since.isoformat()
        )
        found: list[Sighting] = []
        for person in rows:  # each person once, with every report that links them
            traits = traits_kept(person["traits"])
            found.extend(
                Sighting(
                    person_id=person["person_id"],
                    person_name=s["person_name"] or UNNAMED,
                    age=s["age"],
                    report_id=s["report_id"],
                    observed_at=datetime.fromisoformat(s["observed_at"]),
                    place_name=s["place_name"],
                    young_here=bool(s["young_here"]),
                    traits=traits,
                    approached=bool(s["approached"]),
                )
                for s in person["sightings"]
            )
        return found
