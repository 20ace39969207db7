"""The benchmarks' synthetic population: districts as copies of one shape, or connected."""

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from tests.support.population import AREA_DISTRICTS, Population

NOW = datetime(2026, 12, 1, tzinfo=UTC)
SIZE = 1_000  # reports a district: small, so the test is quick


def _population(*, connected: bool, districts: int = 2 * AREA_DISTRICTS) -> Population:
    return Population(
        reports=districts * SIZE,
        seed=5,
        tag="cafe0001",
        now=NOW,
        district_reports=SIZE,
        connected=connected,
    )


def _people(event: dict[str, Any]) -> list[dict[str, Any]]:
    found = [*event.get("persons", []), *event.get("approached", [])]
    found += event.get("approachers", [])
    found += [
        event[k] for k in ("person_a", "person_b", "driver", "subject", "child") if k in event
    ]
    return found


def _places_by_district(population: Population) -> list[set[str]]:
    return [
        {r.body["event"]["place"]["name"] for r in d.reports if "place" in r.body["event"]}
        for d in population.iter_districts()
    ]


def test_districts_copied_share_no_place_and_no_person() -> None:
    places = _places_by_district(_population(connected=False, districts=2))
    assert places[0] and places[1]
    assert not places[0] & places[1]


def test_the_districts_of_an_area_share_its_places_and_the_county_hotspots_reach_every_area() -> (
    None
):
    places = _places_by_district(_population(connected=True))
    first_area, second_area = places[:AREA_DISTRICTS], places[AREA_DISTRICTS:]
    assert all(len(first_area[0] & other) > 3 for other in first_area[1:])
    county = {name for name in set.union(*places) if name.endswith("County")}
    assert county
    assert all(district & county for district in places)
    # Places of an area of their own (not the county's) stay within their area.
    assert not (first_area[0] - county) & set.union(*second_area) - county


def test_names_are_long_tailed_and_shared_across_districts() -> None:
    population = _population(connected=True)
    districts_of: dict[str, set[int]] = {}  # each person's name, the districts naming them
    for district in population.iter_districts():
        for report in district.reports:
            for person in _people(report.body["event"]):
                districts_of.setdefault(person["name"], set()).add(district.index)
    surnames = Counter(name.split()[-1] for name in districts_of)  # people of each surname
    (commonest, count), people = surnames.most_common(1)[0], len(districts_of)
    assert count > 10 * people / len(surnames)  # a few surnames are common
    assert sum(1 for n in surnames.values() if n == 1) > len(surnames) / 2  # most are rare
    named = {d for name, ds in districts_of.items() if name.endswith(commonest) for d in ds}
    assert len(named) == 2 * AREA_DISTRICTS  # the commonest surname is in every district


def test_some_looked_after_children_are_placed_in_the_next_area() -> None:
    population = _population(connected=True)
    district = population.district(0)
    placements = {
        person["placement"]["name"]
        for report in district.reports
        for person in _people(report.body["event"])
        if "placement" in person
    }
    assert any(name.endswith("Area0") for name in placements)
    assert any(name.endswith("Area1") for name in placements)


def test_the_connected_population_is_the_same_every_time() -> None:
    one, two = _population(connected=True), _population(connected=True)
    assert [r.body for r in one.district(5).reports] == [r.body for r in two.district(5).reports]
