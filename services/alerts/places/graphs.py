"""Neo4j adapters the place and context detectors (P02, P11, P12, P14, P22) read through."""

from datetime import date, datetime
from typing import Any

from neo4j import AsyncDriver

from schemas.entities import PersonRole, PlaceCategory
from services.alerts.detectors import condition_breach as breach
from services.alerts.detectors.care_home_targeted import External, Home, ResidentLink
from services.alerts.detectors.cuckooing import Address, Tenant, Visit
from services.alerts.detectors.peer_group_context import Named, PeerAnchor, PupilLink
from services.alerts.detectors.provenance import UNNAMED, Names, reports_of, traits_of
from services.alerts.detectors.trap_house import ChildAtPremises, Premises
from services.alerts.places import queries

# The query that finds the pupils linked to each kind of peer-group anchor.
PUPILS_OF_ANCHOR = {
    "location": queries.FIND_PUPILS_SEEN_AT,
    "person": queries.FIND_PUPILS_APPROACHED_BY,
    "group": queries.FIND_PUPILS_APPROACHED_BY,
    "vehicle": queries.FIND_PUPILS_IN_VEHICLE,
}


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _names(rows: list[dict[str, Any]] | None) -> Names:
    """What each report of a query's `[{id, name}]` list calls an entity."""
    return {row["id"]: row["name"] for row in rows or [] if row.get("name")}


class _Reader:
    def __init__(self, *, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def _rows(self, query: str, **params: Any) -> list[dict[str, Any]]:
        records, _, _ = await self._driver.execute_query(query, params, database_=self._database)
        return [r.data() for r in records]


class Neo4jPeerGroupGraph(_Reader):
    """Reads a place, approacher or vehicle and the pupils linked to it."""

    async def anchor(self, entity_id: str) -> PeerAnchor | None:
        """The entity, or None when it is not in the graph."""
        rows = await self._rows(queries.GET_PEER_ANCHOR, entity_id=entity_id)
        if not rows:
            return None
        row = rows[0]
        category = row["category"]
        return PeerAnchor(
            id=row["id"],
            kind=row["kind"],
            name=UNNAMED,
            category=PlaceCategory(category) if category else None,
            drugs_house=bool(row["drugs_house_reports"]),
            category_reports=reports_of(row["category_reports"]),
            drugs_house_reports=reports_of(row["drugs_house_reports"]),
        )

    async def pupils_linked(self, anchor: PeerAnchor, *, since: datetime) -> list[PupilLink]:
        """Every report since a time that links a pupil of some school to the anchor."""
        query = PUPILS_OF_ANCHOR.get(anchor.kind)
        if query is None:
            return []
        rows = await self._rows(query, entity_id=anchor.id, since=since.isoformat())
        return [
            PupilLink(
                person_id=r["person_id"],
                person_name=r["person_name"] or UNNAMED,
                age=r["age"],
                vulnerable=bool(r["vulnerable"]),
                school=Named(id=r["school_id"], name=r["school_name"] or ""),
                approached=bool(r["approached"]),
                report_id=r["report_id"],
                observed_at=datetime.fromisoformat(r["observed_at"]),
                via=tuple(Named(id=v["id"], name=v["name"] or UNNAMED) for v in r["via"]),
                anchor_name=r["anchor_name"],
                enrolment=reports_of(r["enrolment"]),
                school_names=_names(r["enrolment"]),
                traits=traits_of(r["said"]),
            )
            for r in rows
        ]


class Neo4jTrapHouseGraph(_Reader):
    """Reads premises, their drugs-house status and the children linked to them."""

    async def premises(self, location_id: str) -> Premises | None:
        """The place, or None when it is not in the graph."""
        rows = await self._rows(queries.GET_PREMISES, location_id=location_id)
        if not rows:
            return None
        row = rows[0]
        return Premises(
            id=row["id"],
            name=UNNAMED,
            drugs_house=bool(row["drugs_house"]),
            since=_when(row["since"]),
            status_report=row["status_report"],
            status_name=row["status_name"],
        )

    async def children_at(self, location_id: str, *, since: datetime) -> list[ChildAtPremises]:
        """Every report since a time that links a young person to the place."""
        rows = await self._rows(
            queries.FIND_CHILDREN_AT_PREMISES, location_id=location_id, since=since.isoformat()
        )
        return [
            ChildAtPremises(
                person_id=r["person_id"],
                person_name=r["person_name"] or UNNAMED,
                age=r["age"],
                vulnerable=bool(r["vulnerable"]),
                report_id=r["report_id"],
                observed_at=datetime.fromisoformat(r["observed_at"]),
                place_name=r["place_name"],
                young_here=bool(r["young_here"]),
                traits=traits_of(r["said"]),
            )
            for r in rows
        ]

    async def drugs_houses_of(self, person_id: str, *, since: datetime) -> list[str]:
        """The drugs houses a person has been linked to since a time."""
        rows = await self._rows(
            queries.FIND_DRUGS_HOUSES_OF, person_id=person_id, since=since.isoformat()
        )
        return [r["location_id"] for r in rows]


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
        names=_names(said),
        role_reports=reports_of(vulnerable),
    )


class Neo4jCuckooingGraph(_Reader):
    """Reads an address, its tenants and status, and the people seen there."""

    async def address(self, location_id: str) -> Address | None:
        """The address, or None when it is not in the graph."""
        rows = await self._rows(queries.GET_ADDRESS, location_id=location_id)
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
            names={**_names(row["vulnerable_tenant"]), **_names(row["cuckooing"])},
        )

    async def visits(self, location_id: str, *, since: datetime) -> list[Visit]:
        """Every report since a time that places a person at the address."""
        rows = await self._rows(
            queries.FIND_VISITS_AT_ADDRESS, location_id=location_id, since=since.isoformat()
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
                traits=traits_of(r["said"]),
            )
            for r in rows
        ]


class Neo4jCareHomeGraph(_Reader):
    """Reads an adult, vehicle, phone or handle and the care-home residents linked to it."""

    async def external(self, entity_id: str) -> External | None:
        """The entity, or None when it is not a person, vehicle, phone or handle."""
        rows = await self._rows(queries.GET_EXTERNAL, entity_id=entity_id)
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
        rows = await self._rows(
            queries.FIND_RESIDENTS_LINKED,
            entity_id=entity_id,
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
                home_names=_names(r["residency"]),
                category_reports=reports_of(r["category_reports"]),
                traits=traits_of(r["said"]),
            )
            for r in rows
        ]


def _order(row: dict[str, Any]) -> breach.Order:
    centre = row["centre"]
    issued_on = _day(row["issued_on"])
    if issued_on is None:
        raise ValueError(f"protective order {row['id']} has no issue date")
    return breach.Order(
        id=row["id"],
        kind=row["kind"],
        subject_id=row["subject_id"],
        subject_name=row["subject_name"] or UNNAMED,
        issued_on=issued_on,
        expires_on=_day(row["expires_on"]),
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
        observed_at=_when(row["observed_at"]),
    )


class Neo4jOrderGraph(_Reader):
    """Reads protective orders, where their subjects were seen, and whom they met."""

    async def orders_of(self, person_id: str) -> list[breach.Order]:
        """Every protective order made against the person."""
        rows = await self._rows(queries.FIND_ORDERS_OF, person_id=person_id)
        return [_order(row) for row in rows]

    async def sightings_of(self, person_id: str, *, since: datetime) -> list[breach.PlaceSighting]:
        """Every report since a time that places the person somewhere."""
        rows = await self._rows(
            queries.FIND_SIGHTINGS_OF, person_id=person_id, since=since.isoformat()
        )
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
        rows = await self._rows(
            queries.FIND_CONTACTS_WITH,
            person_id=person_id,
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
        rows = await self._rows(
            queries.FIND_ORDER_SUBJECTS_SEEN_AT, location_id=location_id, on=on.isoformat()
        )
        return [r["person_id"] for r in rows]
