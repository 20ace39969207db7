"""The Neo4j adapter the missing-episode detectors read through."""

from datetime import datetime
from typing import Any

from neo4j import AsyncDriver

from services.alerts.detectors.departure_risk import Departure, Whereto
from services.alerts.detectors.episodes import (
    Child,
    Companion,
    Episode,
    FoundPlace,
    normalise_area,
)
from services.alerts.detectors.out_of_area import Whereabouts
from services.alerts.missing import queries


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _areas(*names: str | None) -> frozenset[str]:
    return frozenset(normalise_area(n) for n in names if n)


def _place(row: dict[str, Any]) -> FoundPlace | None:
    if row["place_id"] is None:
        return None
    return FoundPlace(
        id=row["place_id"],
        name=row["place_name"],
        areas=_areas(row["local_authority"], row["police_force_area"]),
        drugs_house=bool(row["drugs_house"]),
    )


def _whereto(place: dict[str, Any] | None) -> Whereto | None:
    if place is None:
        return None
    return Whereto(id=place["id"], name=place["name"], category=place["category"] or "other")


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
        expected_back=_when(row["expected_back"]),
        money_gbp=row["money_gbp"],
        transport=row["transport"],
        escorted=bool(row["escorted"]),
    )


def _episode(row: dict[str, Any]) -> Episode:
    reports = {
        rid: datetime.fromisoformat(at)
        for rid, at in ((row["opened_id"], row["opened_at"]), (row["closed_id"], row["closed_at"]))
        if rid is not None and at is not None
    }
    return Episode(
        id=row["id"],
        started_at=_when(row["started_at"]),
        ended_at=_when(row["ended_at"]),
        reports=reports,
        found_at=_place(row),
        companions=tuple(
            Companion(id=c["id"], name=c["name"], adult=c["adult"], tenant=c["tenant"])
            for c in row["companions"]
        ),
        items=frozenset(row["items"]),
        circumstances=row["circumstances"],
        condition=frozenset(row["condition"]),
    )


class Neo4jMissingGraph:
    """Reads children, their missing episodes, and what surrounds them."""

    def __init__(self, *, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def _rows(self, query: str, **params: Any) -> list[dict[str, Any]]:
        records, _, _ = await self._driver.execute_query(query, params, database_=self._database)
        return [r.data() for r in records]

    async def person(self, person_id: str) -> tuple[Child, bool] | None:
        """The person as a Child, and whether any report calls them a young person."""
        rows = await self._rows(queries.GET_PERSON, person_id=person_id)
        if not rows:
            return None
        row = rows[0]
        child = Child(
            id=row["id"],
            name=row["name"],
            age=row["age"],
            vulnerable=bool(row["vulnerable"]),
            known_areas=_areas(*row["areas"]),
        )
        return child, bool(row["young"])

    async def episodes(self, person_id: str, *, since: datetime) -> list[Episode]:
        """The person's missing episodes that began (or ended) since a time, oldest first."""
        rows = await self._rows(queries.EPISODES_OF, person_id=person_id, since=since.isoformat())
        return [_episode(row) for row in rows]

    async def departures(self, person_id: str, *, since: datetime) -> list[Departure]:
        """The person's departures from a home or school since a time, oldest first."""
        rows = await self._rows(queries.DEPARTURES_OF, person_id=person_id, since=since.isoformat())
        return [_departure(row) for row in rows]

    async def harbourers_of(self, person_id: str, *, since: datetime) -> list[str]:
        """Adults the child was found with, or at whose address, while missing."""
        rows = await self._rows(queries.HARBOURERS_OF, person_id=person_id, since=since.isoformat())
        return [row["adult_id"] for row in rows]

    async def harboured_by(self, adult_id: str, *, since: datetime) -> list[tuple[str, str, bool]]:
        """(child id, episode id, found at the adult's address) for each episode."""
        rows = await self._rows(queries.HARBOURED_BY, adult_id=adult_id, since=since.isoformat())
        return [(row["child_id"], row["episode_id"], bool(row["as_tenant"])) for row in rows]

    async def vehicles_of(self, person_id: str, *, since: datetime) -> list[str]:
        """Vehicles the person was in, or got in or out of, since a time."""
        rows = await self._rows(queries.VEHICLES_OF, person_id=person_id, since=since.isoformat())
        return [row["vehicle_id"] for row in rows]

    async def vehicle_name(self, vehicle_id: str) -> str | None:
        """The vehicle's registration or description."""
        rows = await self._rows(queries.GET_VEHICLE, vehicle_id=vehicle_id)
        return str(rows[0]["name"]) if rows else None

    async def rides_in(
        self, vehicle_id: str, *, since: datetime
    ) -> list[tuple[str, str, datetime]]:
        """(child id, report id, observed at) for each report of a child in the vehicle."""
        rows = await self._rows(queries.RIDES_IN, vehicle_id=vehicle_id, since=since.isoformat())
        return [
            (row["person_id"], row["report_id"], datetime.fromisoformat(row["observed_at"]))
            for row in rows
        ]

    async def shared_episodes(
        self, person_id: str, *, since: datetime
    ) -> list[tuple[str, str, str, str, str]]:
        """(episode, other child, other episode, shared id, shared name) links."""
        rows = await self._rows(
            queries.SHARED_EPISODES, person_id=person_id, since=since.isoformat()
        )
        return [
            (
                row["episode_id"],
                row["other_id"],
                row["other_episode_id"],
                row["shared_id"],
                row["shared_name"],
            )
            for row in rows
        ]

    async def whereabouts(self, person_id: str, *, since: datetime) -> list[Whereabouts]:
        """Where the child was found or seen, report by report, since a time."""
        rows = await self._rows(queries.WHEREABOUTS, person_id=person_id, since=since.isoformat())
        return [
            Whereabouts(
                place=FoundPlace(
                    id=row["place_id"],
                    name=row["place_name"],
                    areas=_areas(row["local_authority"], row["police_force_area"]),
                    drugs_house=bool(row["drugs_house"]),
                ),
                report_id=row["report_id"],
                observed_at=datetime.fromisoformat(row["observed_at"]),
                items=frozenset(row["items"]),
                adults_present=tuple(row["adults"]),
                circumstances=row["circumstances"],
                report_type=row["report_type"],
            )
            for row in rows
        ]
