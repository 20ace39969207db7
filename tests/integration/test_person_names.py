"""A person as the analyst names them: their name from the earliest report the caller may see,
their role from the earliest of those that gives one, both read from what the person keeps for
each audience, on the real Neo4j. Whatever order the reports arrive in, and after a retraction,
the person keeps what the schema migration works out from their reports, and each caller is
shown what their earliest report says, as reading every report would show it. (What people keep
after a split and after `same`: test_split.py and test_same_person.py.)"""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from schemas.reports import ReportCreate, ReportSubmitted
from tests.support import queries
from tests.support.factories import GRADING_JSON, run_tag, shared_only_with, submitted
from tests.support.first_said import CALLERS, POLICE, kept, shown
from tests.support.linking import linked_one, retract
from tests.support.migrations import run_migration

pytestmark = pytest.mark.integration
Three = tuple[ReportSubmitted, ReportSubmitted, ReportSubmitted]
NOW = datetime.now(UTC).replace(microsecond=0)


def _sighting(person: dict[str, Any], tag: str, days_ago: int, **envelope: Any) -> ReportSubmitted:
    body = {
        "observed_at": (NOW - timedelta(days=days_ago)).isoformat(),
        "grading": GRADING_JSON,
        "event": {
            "type": "sighting",
            "persons": [person | {"date_of_birth": "2011-03-04"}],
            "place": {"name": f"Synthetic Precinct {tag}", "postcode": "ZZ99 6PN"},
        },
        **envelope,
    }
    agency = POLICE if envelope else "Synthetic Home A"
    return submitted(ReportCreate.model_validate(body), agency=agency)


@pytest.fixture
def sightings(cleanup: list[str]) -> Three:
    """Three reports naming one child three ways, oldest first: a police-only one calling them a
    young person, a shared one giving no role, and a shared one calling them an adult."""
    tag = run_tag()
    name = f"Rhys Synthnames{tag}"
    reports = (
        _sighting(
            {"name": name.upper(), "role": "young_person"},
            tag,
            9,
            grading=shared_only_with(POLICE),
        ),
        _sighting({"name": name}, tag, 5),
        _sighting({"name": name.lower(), "role": "adult"}, tag, 2),
    )
    cleanup.extend(str(r.event_id) for r in reports)
    return reports


def _named(driver: Driver, settings: InfraSettings, person_id: str) -> dict[str, tuple[str, str]]:
    nodes = shown(driver, database=settings.neo4j_database, entity_id=person_id)
    return {who: (node["label"], node["role"]) for who, node in nodes.items()}


def _read_the_long_way(driver: Driver, person_id: str) -> dict[str, tuple[str, str]]:
    named = {}
    for who, audiences in CALLERS:
        records, _, _ = driver.execute_query(
            queries.PERSON_FROM_EVERY_REPORT, person_id=person_id, audiences=audiences
        )
        named[who] = (records[0]["label"], records[0]["role"])
    return named


def _kept(driver: Driver, person_id: str) -> dict[str, list[str]]:
    return kept(driver, queries.PERSON_FIRST_SAID, person_id=person_id)


def _worked_out(driver: Driver, settings: InfraSettings, person_id: str) -> dict[str, list[str]]:
    driver.execute_query(queries.FORGET_PERSON_FIRST_SAID, person_id=person_id)
    run_migration(driver, "017_person_first_said.cypher", database=settings.neo4j_database)
    return _kept(driver, person_id)


def _name(report: ReportSubmitted) -> str:
    return str(report.report.event.persons[0].name)  # type: ignore[union-attr]


@pytest.mark.parametrize("batches", ["one batch", "one at a time"])  # newest first
def test_a_person_is_named_as_the_earliest_report_their_caller_may_see_names_them(
    settings: InfraSettings, neo4j_driver: Driver, sightings: Three, batches: str
) -> None:
    police, plain, latest = sightings
    person_id = linked_one(
        settings, [latest, plain, police], "person", together=batches == "one batch"
    )
    assert _named(neo4j_driver, settings, person_id) == {
        "outside": (_name(plain), "adult"),  # the plain report gives no role
        "inside": (_name(police), "young_person"),
    }
    assert _read_the_long_way(neo4j_driver, person_id) == _named(neo4j_driver, settings, person_id)
    first_said = _kept(neo4j_driver, person_id)
    # The shared reports' audience, and the police's (with its agency's): the earliest of each.
    assert len(first_said["said_first"]) == len(first_said["said_first_role"]) == 2
    assert _worked_out(neo4j_driver, settings, person_id) == first_said


def test_a_retraction_takes_its_report_out_of_how_the_person_is_named(
    settings: InfraSettings, neo4j_driver: Driver, sightings: Three
) -> None:
    police, plain, latest = sightings
    person_id = linked_one(settings, list(sightings), "person")
    retract(settings, str(police.event_id), agency=POLICE)
    assert _named(neo4j_driver, settings, person_id) == {
        "outside": (_name(plain), "adult"),
        "inside": (_name(plain), "adult"),
    }
    retract(settings, str(latest.event_id))
    assert _named(neo4j_driver, settings, person_id)["outside"] == (_name(plain), "unknown")
    first_said = _kept(neo4j_driver, person_id)
    assert not any(str(r.event_id) in e for r in (police, latest) for e in first_said["said_first"])
    assert first_said["said_first_role"] == []
    assert _worked_out(neo4j_driver, settings, person_id) == first_said
