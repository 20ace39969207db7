"""The Neo4j adapter P01 shared hotspot reads through."""

from datetime import datetime
from typing import Any

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
            complete=standing.complete,
        )

    async def young_people_at(self, location_id: str, *, since: datetime) -> list[Sighting]:
        """Every report since a time that links a young person to the place."""
        rows = await self._rows_for(
            queries.FIND_YOUNG_PEOPLE_AT_PLACE, location_id, since=since.isoformat()
        )
        return [s for person in rows for s in _sightings(person)]

    async def young_people_named_at(
        self, location_id: str, report_ids: tuple[str, ...], *, since: datetime
    ) -> dict[str, list[Sighting]]:
        """By person, every report since a time that links them to the place as a young
        person, for the people these reports link to it (some with none)."""
        rows = await self._rows_asked(
            queries.FIND_YOUNG_PEOPLE_NAMED_AT_PLACE,
            location_id,
            {"report_ids": sorted(set(report_ids))},
            since=since.isoformat(),
        )
        return {person["person_id"]: _sightings(person) for person in rows}


def _sightings(person: dict[str, Any]) -> list[Sighting]:
    """A person's sightings at the place, from the query's row for them (each person once,
    with every report that links them)."""
    traits = traits_kept(person["traits"])
    return [
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
    ]
