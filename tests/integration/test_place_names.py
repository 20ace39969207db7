"""A place as the analyst names it: from the earliest report the caller may see, read from what
the place keeps for each audience (its name, category and coordinates by the earliest report of
each kind), on the real Neo4j. Whatever order the reports arrive in, and after a retraction, it
is what reading every report the caller may see gives, and the place keeps what the statement
that works it out from scratch finds."""

from typing import Any

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from schemas.reports import ReportSubmitted
from services.network.linking import queries as linking_queries
from tests.support import queries
from tests.support.factories import run_tag, shared_only_with
from tests.support.first_said import CALLERS, POLICE, address_concern, kept, shown
from tests.support.linking import linked_one, retract
from tests.support.migrations import run_migration

pytestmark = pytest.mark.integration
Three = tuple[ReportSubmitted, ReportSubmitted, ReportSubmitted]


@pytest.fixture
def arcade(cleanup: list[str]) -> Three:
    """Three reports naming one arcade, oldest first: a police-only one naming it its own way
    (a take-away, with coordinates), then two shared ones (no category, then a town centre with
    other coordinates)."""
    tag = run_tag()
    name, postcode = f"Synthetic Arcade {tag}", "ZZ99 7AC"
    police = address_concern(
        {
            "name": name.upper(),
            "postcode": postcode,
            "category": "take_away",
            "coordinates": {"lat": 51.5, "lon": -0.5},
        },
        9,
        grading=shared_only_with(POLICE),
    )
    plain = address_concern({"name": name, "postcode": postcode}, 5)
    centre = address_concern(
        {
            "name": name.lower(),
            "postcode": postcode,
            "category": "town_centre",
            "coordinates": {"lat": 52.5, "lon": -1.5},
        },
        2,
    )
    cleanup.extend(str(r.event_id) for r in (police, plain, centre))
    return police, plain, centre


def _named(driver: Driver, settings: InfraSettings, place_id: str) -> dict[str, Any]:
    """For each caller, the place as the analyst names it and as every report they may see
    does, read the long way."""
    nodes = shown(driver, database=settings.neo4j_database, entity_id=place_id)
    named = {}
    for who, audiences in CALLERS:
        node = nodes[who]
        records, _, _ = driver.execute_query(
            queries.PLACE_FROM_EVERY_REPORT, place_id=place_id, audiences=audiences
        )
        (long_way,) = [r.data() for r in records]
        coordinates = long_way["coordinates"] or [node["lat"], node["lon"]]
        assert (node["label"], node["category"], [node["lat"], node["lon"]]) == (
            long_way["label"],
            long_way["category"],
            coordinates,
        ), who
        named[who] = (node["label"], node["category"], node["lat"])
    return named


def _kept(driver: Driver, place_id: str) -> dict[str, list[str]]:
    return kept(driver, queries.PLACE_FIRST_SAID, place_id=place_id)


def _worked_out(driver: Driver, place_id: str) -> dict[str, list[str]]:
    driver.execute_query(linking_queries.REFRESH_PLACES, ids=[place_id])
    return _kept(driver, place_id)


@pytest.mark.parametrize("batches", ["one batch", "one at a time"])  # newest first
def test_a_place_is_named_as_the_earliest_report_its_caller_may_see_names_it(
    settings: InfraSettings, neo4j_driver: Driver, arcade: Three, batches: str
) -> None:
    police, plain, centre = arcade
    place_id = linked_one(
        settings, [centre, plain, police], "location", together=batches == "one batch"
    )
    name = str(plain.report.event.place.name)  # type: ignore[union-attr]
    assert _named(neo4j_driver, settings, place_id) == {
        "outside": (name, "town_centre", 52.5),
        "inside": (name.upper(), "take_away", 51.5),
    }
    kept = _kept(neo4j_driver, place_id)
    assert len(kept["said_first"]) == 2  # the shared reports' audience, and the police's
    assert _worked_out(neo4j_driver, place_id) == kept


def test_a_retraction_takes_its_report_out_of_how_the_place_is_named(
    settings: InfraSettings, neo4j_driver: Driver, arcade: Three
) -> None:
    police, plain, centre = arcade
    place_id = linked_one(settings, [police, plain, centre], "location")

    retract(settings, str(police.event_id), agency=POLICE)
    name = str(plain.report.event.place.name)  # type: ignore[union-attr]
    named = _named(neo4j_driver, settings, place_id)
    assert named["inside"] == named["outside"] == (name, "town_centre", 52.5)
    kept = _kept(neo4j_driver, place_id)
    assert all(str(police.event_id) not in e for entries in kept.values() for e in entries)
    assert _worked_out(neo4j_driver, place_id) == kept


def test_migration_014_works_out_the_first_reports_of_places_linked_before_they_were_kept(
    settings: InfraSettings, neo4j_driver: Driver, arcade: Three
) -> None:
    police, plain, centre = arcade
    place_id = linked_one(settings, [centre, police, plain], "location")
    retract(settings, str(plain.event_id))
    kept = _kept(neo4j_driver, place_id)

    neo4j_driver.execute_query(queries.FORGET_FIRST_SAID, id=place_id)
    run_migration(neo4j_driver, "014_place_first_said.cypher", database=settings.neo4j_database)
    assert _kept(neo4j_driver, place_id) == kept
    assert all(str(plain.event_id) not in e for e in kept["said_first"])  # retracted: left out
