"""P01 contextual hotspot rule, against a small fake of the graph port."""

import asyncio
from dataclasses import replace
from datetime import timedelta

from schemas.alerts import AlertType, Priority
from schemas.entities import PlaceCategory
from services.alerts.patterns.shared_hotspot.rule import (
    Place,
    Sighting,
    detect_shared_hotspot,
)
from services.alerts.shared.candidate import AlertCandidate
from tests.support.factories import NOW
from tests.support.fakes.hotspot_graph import FakeHotspotGraph

RID = "00000000-0000-0000-0000-00000000000{}"


def _sightings(count: int, *, age: int = 15, days_ago: int = 1) -> list[Sighting]:
    return [
        Sighting(
            person_id=f"person:{i}",
            person_name=f"Synth Person {i}",
            age=age,
            report_id=RID.format(i),
            observed_at=NOW - timedelta(days=days_ago),
        )
        for i in range(count)
    ]


def _detect(category: PlaceCategory, sightings: list[Sighting]) -> AlertCandidate | None:
    graph = FakeHotspotGraph(
        Place(id="location:x", name="Synthetic Place", category=category), sightings
    )
    return asyncio.run(
        detect_shared_hotspot(
            location_id="location:x", graph=graph, now=NOW, min_young_people=3, window_days=90
        )
    )


def test_raises_when_three_young_people_are_linked_to_one_place() -> None:
    candidate = _detect(PlaceCategory.PARK, _sightings(3))
    assert candidate is not None
    assert candidate.type is AlertType.SHARED_HOTSPOT
    assert candidate.fingerprint == "shared_hotspot:location:x"
    assert {str(e.report_id) for e in candidate.evidence} == {RID.format(i) for i in range(3)}
    assert [s.kind for s in candidate.subjects].count("person") == 3
    assert candidate.priority is Priority.MEDIUM


def test_two_young_people_at_an_ordinary_place_are_not_a_hotspot() -> None:
    assert _detect(PlaceCategory.PARK, _sightings(2)) is None


def test_hotspot_category_needs_one_fewer() -> None:
    assert _detect(PlaceCategory.TAKE_AWAY, _sightings(2)) is not None


def test_one_person_reported_three_times_is_one_young_person() -> None:
    same = [
        Sighting("person:0", "Synth", 15, RID.format(i), NOW - timedelta(days=i)) for i in range(3)
    ]
    assert _detect(PlaceCategory.PARK, same) is None


def test_children_at_their_own_school_or_care_home_raise_nothing() -> None:
    assert _detect(PlaceCategory.SCHOOL, _sightings(6)) is None
    assert _detect(PlaceCategory.CARE_HOME, _sightings(6)) is None


def test_sightings_outside_the_window_do_not_count() -> None:
    assert _detect(PlaceCategory.PARK, _sightings(3, days_ago=91)) is None


def test_a_child_under_13_raises_the_priority() -> None:
    candidate = _detect(PlaceCategory.PARK, _sightings(3, age=12))
    assert candidate is not None and candidate.priority is Priority.HIGH


def test_unknown_place_raises_nothing() -> None:
    graph = FakeHotspotGraph(None, _sightings(3))
    result = asyncio.run(
        detect_shared_hotspot(
            location_id="location:x", graph=graph, now=NOW, min_young_people=3, window_days=90
        )
    )
    assert result is None


# ---- issue 13, finding 1: an alert cites every report whose facts it uses, and names its
# subjects only as the reports it cites name them.

POLICE_RID = "00000000-0000-0000-0000-000000000077"  # a C-coded report of Synthetic Police
UNCITED_RID = "00000000-0000-0000-0000-000000000088"  # a report the alert does not cite


def _cited(candidate: AlertCandidate) -> set[str]:
    return {str(e.report_id) for e in candidate.evidence}


def _detect_at(place: Place, sightings: list[Sighting]) -> AlertCandidate | None:
    return asyncio.run(
        detect_shared_hotspot(
            location_id=place.id,
            graph=FakeHotspotGraph(place, sightings),
            now=NOW,
            min_young_people=3,
            window_days=90,
        )
    )


def test_the_place_is_named_only_as_the_cited_reports_name_it() -> None:
    place = Place(id="location:x", name="someone unnamed", category=PlaceCategory.PARK)
    sightings = [replace(s, place_name="Synthetic Park") for s in _sightings(3)]
    candidate = _detect_at(place, sightings)
    assert candidate is not None and candidate.subjects[0].display_name == "Synthetic Park"
    assert "linked to Synthetic Park" in candidate.summary


def test_two_young_people_are_enough_only_with_the_reports_that_say_what_the_place_is() -> None:
    said = {POLICE_RID: NOW - timedelta(days=30)}
    shop = Place(
        id="location:x", name="Synth Shop", category=PlaceCategory.TAKE_AWAY, category_reports=said
    )
    two = _detect_at(shop, _sightings(2))
    assert two is not None and POLICE_RID in _cited(two)
    three = _detect_at(shop, _sightings(3))  # enough at any place: the category is not needed
    assert three is not None and POLICE_RID not in _cited(three)


# Issue 13, finding 1's class: what only decides the alert (that someone is a young person, their
# needs) comes with the reports that state it, and the alert cites the earliest of them.
POLICE_RID = "00000000-0000-0000-0000-0000000000aa"
LATER_RID = "00000000-0000-0000-0000-0000000000bb"


def test_a_young_person_only_another_report_calls_one_cites_the_earliest_that_does() -> None:
    from services.alerts.shared.provenance import Traits  # new with the fix

    unknown = replace(
        _sightings(3)[2],
        age=None,
        young_here=False,
        traits=Traits(
            young={LATER_RID: NOW - timedelta(days=2), POLICE_RID: NOW - timedelta(days=9)}
        ),
    )
    candidate = _detect(PlaceCategory.PARK, [*_sightings(2), unknown])
    assert candidate is not None
    assert candidate.summary.startswith("3 young people")
    assert {str(e.report_id) for e in candidate.evidence} == {
        *(RID.format(i) for i in range(3)),
        POLICE_RID,
    }


def test_a_young_person_a_cited_report_calls_one_needs_no_other_report() -> None:
    from services.alerts.shared.provenance import Traits

    unknown = replace(
        _sightings(3)[2],
        young_here=False,
        traits=Traits(young={RID.format(0): NOW, POLICE_RID: NOW - timedelta(days=9)}),
    )
    candidate = _detect(PlaceCategory.PARK, [*_sightings(2), unknown])
    assert candidate is not None
    assert {str(e.report_id) for e in candidate.evidence} == {RID.format(i) for i in range(3)}


def test_needs_only_another_report_records_make_it_high_and_are_cited() -> None:
    from services.alerts.shared.provenance import Traits

    flagged = replace(_sightings(3)[2], traits=Traits(needs={POLICE_RID: NOW - timedelta(days=9)}))
    candidate = _detect(PlaceCategory.PARK, [*_sightings(2), flagged])
    assert candidate is not None
    assert candidate.priority is Priority.HIGH
    assert POLICE_RID in {str(e.report_id) for e in candidate.evidence}


def test_a_place_many_reports_call_a_take_away_is_cited_by_the_earliest_only() -> None:
    # A busy take-away is called one by hundreds of reports: the alert relies on what the place
    # is, and cites the earliest report that says so, not all of them (every cited report
    # narrows who may see the alert, and an officer reads the list).
    said = {
        f"00000000-0000-0000-0000-0000000a{i:04d}": NOW - timedelta(days=i) for i in range(1, 301)
    }
    shop = Place(
        id="location:x", name="Synth Shop", category=PlaceCategory.TAKE_AWAY, category_reports=said
    )
    two = _detect_at(shop, _sightings(2))
    assert two is not None
    assert _cited(two) & said.keys() == {"00000000-0000-0000-0000-0000000a0300"}
