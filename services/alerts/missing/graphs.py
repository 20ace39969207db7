"""The Neo4j adapter the missing-episode detectors read through.

Every fact comes with the reports that state it, and every name with the report that gives it,
so that a detector cites what it uses and names only as its cited reports do.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from neo4j import AsyncDriver

from services.alerts.detectors.departure_risk import Departure, Whereto
from services.alerts.detectors.episodes import (
    Child,
    Companion,
    Episode,
    FoundPlace,
    Said,
    normalise_area,
)
from services.alerts.detectors.out_of_area import Whereabouts
from services.alerts.detectors.provenance import UNNAMED, Names, Reports, reports_of, traits_of
from services.alerts.missing import queries


@dataclass(frozen=True, slots=True)
class SharedLink:
    """The child's episode and another child's that end at one place, with one person, or in
    the same car, with the facts that say so beyond the episodes and what they call it."""

    episode_id: str
    other_id: str
    other_episode_id: str
    shared_id: str
    facts: tuple[Reports, ...]
    names: Names


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _areas(*names: str | None) -> frozenset[str]:
    return frozenset(normalise_area(n) for n in names if n)


def _place(row: dict[str, Any]) -> FoundPlace | None:
    if row["place_id"] is None:
        return None
    return FoundPlace(
        id=row["place_id"],
        name=row["place_name"] or UNNAMED,
        areas=_areas(row["local_authority"], row["police_force_area"]),
    )


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
            Companion(
                id=c["id"],
                name=c["name"] or UNNAMED,
                adult=c["adult"],
                tenant=c["tenant"],
                reports=reports_of(c["reports"]),
            )
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
        """The person as a Child (what each report says of them), and whether any report calls
        them a young person."""
        rows = await self._rows(queries.GET_PERSON, person_id=person_id)
        if not rows:
            return None
        row = rows[0]
        child = Child(
            id=row["id"],
            name=UNNAMED,
            age=None,
            vulnerable=False,
            known_areas=_areas(*(a for known in row["known"] for a in known["areas"])),
            said={
                s["id"]: Said(name=s["name"], age=s["age"], vulnerable=bool(s["needs"]))
                for s in row["said"]
            },
            traits=traits_of(row["said"]),
            area_statements=tuple(reports_of(known["reports"]) for known in row["known"]),
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

    async def harboured_by(
        self, adult_id: str, *, since: datetime
    ) -> list[tuple[str, str, bool, Reports]]:
        """(child id, episode id, found at the adult's address, the reports that say the adult
        is the tenant there) for each episode."""
        rows = await self._rows(queries.HARBOURED_BY, adult_id=adult_id, since=since.isoformat())
        return [
            (row["child_id"], row["episode_id"], bool(row["as_tenant"]), reports_of(row["tenancy"]))
            for row in rows
        ]

    async def vehicles_of(self, person_id: str, *, since: datetime) -> list[str]:
        """Vehicles the person was in, or got in or out of, since a time."""
        rows = await self._rows(queries.VEHICLES_OF, person_id=person_id, since=since.isoformat())
        return [row["vehicle_id"] for row in rows]

    async def has_vehicle(self, vehicle_id: str) -> bool:
        """Whether the vehicle is in the graph."""
        return bool(await self._rows(queries.GET_VEHICLE, vehicle_id=vehicle_id))

    async def rides_in(
        self, vehicle_id: str, *, since: datetime
    ) -> list[tuple[str, str, datetime, str | None]]:
        """(child id, report id, observed at, what the report calls the vehicle) for each
        report of a child in the vehicle."""
        rows = await self._rows(queries.RIDES_IN, vehicle_id=vehicle_id, since=since.isoformat())
        return [
            (
                row["person_id"],
                row["report_id"],
                datetime.fromisoformat(row["observed_at"]),
                row["vehicle_name"],
            )
            for row in rows
        ]

    async def shared_episodes(self, person_id: str, *, since: datetime) -> list[SharedLink]:
        """The other children's episodes that share how the child's ended."""
        rows = await self._rows(
            queries.SHARED_EPISODES, person_id=person_id, since=since.isoformat()
        )
        return [
            SharedLink(
                episode_id=row["episode_id"],
                other_id=row["other_id"],
                other_episode_id=row["other_episode_id"],
                shared_id=row["shared_id"],
                facts=tuple(reports_of(fact) for fact in (row["mine"], row["theirs"]) if fact),
                names={n["id"]: n["name"] for n in row["names"] if n["name"]},
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
                    name=row["place_name"] or UNNAMED,
                    areas=_areas(row["local_authority"], row["police_force_area"]),
                    drugs_house=bool(row["drugs_house_reports"]),
                    drugs_house_reports=reports_of(row["drugs_house_reports"]),
                    area_reports=reports_of(row["area_reports"]),
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
