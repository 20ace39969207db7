"""P22 breach of protective conditions (AS-11), against a small fake of the graph port."""

import asyncio
import math
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from schemas.alerts import AlertType, Priority
from services.alerts.actions import Action
from services.alerts.patterns.condition_breach.rule import (
    EARTH_RADIUS_M,
    METRES_PER_MILE,
    Area,
    Centre,
    Contact,
    Named,
    Order,
    PlaceSighting,
    detect_breaches_at_place,
    detect_condition_breach,
    distance_m,
)
from services.alerts.shared.candidate import AlertCandidate
from tests.support.factories import NOW

RID = "00000000-0000-0000-0000-0000000000{:02d}"
ORDER_RID = "00000000-0000-0000-0000-000000000099"
LAT, LON = 51.5, -0.02
HOME = Centre(id="location:home", name="31 Synth Dock", lat=LAT, lon=LON)
DW = Named(id="person:dw", name="Dee Synth")
BAIL = Order(
    id="order:1",
    kind="bail_conditions",
    subject_id="person:m1",
    subject_name="Mo Adult",
    issued_on=(NOW - timedelta(days=10)).date(),
    radius_m=1609,
    centre=HOME,
    protected=(DW,),
    report_id=ORDER_RID,
    observed_at=NOW - timedelta(days=10),
)


def _north(miles: float) -> float:
    return LAT + math.degrees(miles * METRES_PER_MILE / EARTH_RADIUS_M)


def _seen(
    i: int,
    *,
    miles: float | None = None,
    days_ago: int = 1,
    location_id: str | None = None,
    local_authority: str | None = None,
    police_force_area: str | None = None,
) -> PlaceSighting:
    return PlaceSighting(
        location_id=location_id or f"location:{i}",
        name=f"Synth Corner {i}",
        lat=_north(miles) if miles is not None else None,
        lon=LON if miles is not None else None,
        local_authority=local_authority,
        police_force_area=police_force_area,
        report_id=RID.format(i),
        observed_at=NOW - timedelta(days=days_ago),
    )


class FakeGraph:
    def __init__(
        self,
        orders: list[Order],
        sightings: list[PlaceSighting] | None = None,
        contacts: list[Contact] | None = None,
    ) -> None:
        self._orders, self._sightings, self._contacts = orders, sightings or [], contacts or []

    async def orders_of(self, person_id: str) -> list[Order]:
        return self._orders

    async def sightings_of(self, person_id: str, *, since: datetime) -> list[PlaceSighting]:
        return [s for s in self._sightings if s.observed_at >= since]

    async def contacts_with(
        self, person_id: str, protected_ids: list[str], *, since: datetime
    ) -> list[Contact]:
        return [c for c in self._contacts if c.person_id in protected_ids]

    async def subjects_seen_at(self, location_id: str, *, on: date) -> list[str]:
        return ["person:m1"] if self._orders else []


def _detect(graph: FakeGraph) -> list[AlertCandidate]:
    return asyncio.run(
        detect_condition_breach(person_id="person:m1", graph=graph, now=NOW, default_radius_m=1609)
    )


def test_the_haversine_distance_of_a_known_offset() -> None:
    assert distance_m(LAT, LON, _north(1.0), LON) == pytest.approx(METRES_PER_MILE)


def test_a_sighting_at_six_tenths_of_a_mile_is_an_urgent_breach() -> None:
    [candidate] = _detect(FakeGraph([BAIL], [_seen(0, miles=0.6)]))
    assert candidate.type is AlertType.PROTECTIVE_CONDITION_BREACH
    assert candidate.priority is Priority.URGENT
    assert candidate.fingerprint == "protective_condition_breach:order:1"
    assert candidate.actions == (Action.IMMEDIATE_STRATEGY_MEETING,)
    assert {str(e.report_id) for e in candidate.evidence} == {RID.format(0), ORDER_RID}
    assert "Synth Corner 0, 0.6 miles from 31 Synth Dock" in candidate.summary
    assert [s.id for s in candidate.subjects] == ["person:m1", "person:dw"]


def test_a_sighting_at_a_mile_and_a_half_is_no_breach() -> None:
    assert _detect(FakeGraph([BAIL], [_seen(0, miles=1.5)])) == []


def test_only_the_breaching_sighting_is_cited() -> None:
    [candidate] = _detect(FakeGraph([BAIL], [_seen(0, miles=1.5), _seen(1, miles=0.6)]))
    assert RID.format(0) not in {str(e.report_id) for e in candidate.evidence}


def test_an_order_without_a_radius_has_a_one_mile_radius_around_its_centre() -> None:
    cawn = replace(BAIL, kind="cawn", radius_m=None)
    assert len(_detect(FakeGraph([cawn], [_seen(0, miles=0.9)]))) == 1
    assert _detect(FakeGraph([cawn], [_seen(0, miles=1.1)])) == []


def test_a_sighting_at_the_centre_itself_is_a_breach_without_coordinates() -> None:
    assert len(_detect(FakeGraph([BAIL], [_seen(0, location_id="location:home")]))) == 1


def test_an_expired_order_is_no_breach() -> None:
    expired = replace(
        BAIL,
        issued_on=(NOW - timedelta(days=60)).date(),
        expires_on=(NOW - timedelta(days=1)).date(),
    )
    assert _detect(FakeGraph([expired], [_seen(0, miles=0.1, days_ago=30)])) == []


def test_a_sighting_before_the_order_was_issued_is_no_breach() -> None:
    assert _detect(FakeGraph([BAIL], [_seen(0, miles=0.1, days_ago=20)])) == []


def test_any_contact_with_the_protected_child_after_issue_is_a_breach() -> None:
    contact = Contact(
        person_id="person:dw", how="ASSOCIATES_WITH", report_id=RID.format(5), observed_at=NOW
    )
    [candidate] = _detect(FakeGraph([BAIL], contacts=[contact]))
    assert "in contact with Dee Synth (associating)" in candidate.summary


def test_a_contact_before_issue_is_no_breach() -> None:
    contact = Contact(
        person_id="person:dw",
        how="SEEN_AT",
        report_id=RID.format(5),
        observed_at=NOW - timedelta(days=20),
    )
    assert _detect(FakeGraph([BAIL], contacts=[contact])) == []


CPW = Order(
    id="order:2",
    kind="community_protection_warning",
    subject_id="person:m1",
    subject_name="Yan Synth",
    issued_on=(NOW - timedelta(days=10)).date(),
    areas=(Area(id="location:essex", name="Synth County", police_force_area="Synth County"),),
)


def test_a_sighting_in_the_force_area_an_exclusion_names_is_a_breach_to_both_areas() -> None:
    [candidate] = _detect(FakeGraph([CPW], [_seen(0, police_force_area="synth county")]))
    assert candidate.actions == (
        Action.IMMEDIATE_STRATEGY_MEETING,
        Action.CROSS_BORDER_NOTIFICATION,
    )
    assert "inside the exclusion area Synth County" in candidate.summary


def test_a_sighting_elsewhere_is_no_exclusion_breach() -> None:
    assert _detect(FakeGraph([CPW], [_seen(0, police_force_area="Other Force")])) == []


def test_the_authority_of_a_point_exclusion_area_is_not_the_whole_authority() -> None:
    estate = Area(
        id="location:estate", name="Synth Estate", local_authority="Synthshire", region=False
    )
    order = replace(CPW, areas=(estate,))
    assert _detect(FakeGraph([order], [_seen(0, local_authority="Synthshire")])) == []
    assert len(_detect(FakeGraph([order], [_seen(1, location_id="location:estate")]))) == 1


def test_a_place_runs_the_rule_for_the_order_subjects_seen_there() -> None:
    candidates = asyncio.run(
        detect_breaches_at_place(
            location_id="location:0",
            graph=FakeGraph([BAIL], [_seen(0, miles=0.6)]),
            now=NOW,
            default_radius_m=1609,
        )
    )
    assert [c.fingerprint for c in candidates] == ["protective_condition_breach:order:1"]
