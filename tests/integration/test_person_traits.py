"""What reports say of a person that decides whether an alert is raised or how urgent it is
(a young person, needs, an age under 13), kept on the person as reports are linked and
retracted, on the real Neo4j: whatever order the reports arrive in, the person holds what their
reports that are not retracted say, as the statement that works it out from scratch finds, and
as an alert reads it (`traits_kept`)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from schemas.reports import ReportCreate, ReportSubmitted
from services.alerts.profile import EntityProfile, read_profile
from services.alerts.shared.provenance import Traits, traits_kept
from services.alerts.shared_reads import reads_of
from services.network import queries as network_queries
from tests.support import queries
from tests.support.factories import GRADING_JSON, run_tag, submitted
from tests.support.linking import detect_with, linked_one, retract
from tests.support.migrations import run_migration

pytestmark = pytest.mark.integration
Three = tuple[ReportSubmitted, ReportSubmitted, ReportSubmitted]
NOW = datetime.now(UTC).replace(microsecond=0)


def _sighting(child: dict[str, Any], tag: str, days_ago: int) -> ReportSubmitted:
    observed_at = NOW - timedelta(days=days_ago)
    return submitted(
        ReportCreate.model_validate(
            {
                "observed_at": observed_at.isoformat(),
                "grading": GRADING_JSON,
                "event": {
                    "type": "sighting",
                    "persons": [child],
                    "place": {"name": f"Synthetic Arcade {tag}", "postcode": "ZZ99 5SA"},
                },
            }
        )
    )


def _kept(driver: Driver, person_id: str) -> dict[str, Any]:
    records, _, _ = driver.execute_query(queries.PERSON_TRAITS, person_id=person_id)
    kept: dict[str, Any] = records[0]["traits"]
    return kept


def _worked_out(driver: Driver, person_id: str) -> dict[str, Any]:
    """What the person would hold if it were worked out now from their reports."""
    driver.execute_query(network_queries.REFRESH_PERSONS, ids=[person_id], decision_id=None)
    return _kept(driver, person_id)


def _as_sets(kept: dict[str, Any]) -> dict[str, Any]:
    """The kept lists as sets of entries (their order is the order reports arrived in)."""
    return {
        "young": set(zip(kept["young_reports"], kept["young_at"], strict=True)),
        "needs": set(zip(kept["needs_reports"], kept["needs_at"], strict=True)),
        "aged": set(
            zip(kept["aged_reports"], kept["aged_at"], kept["aged_reports_age"], strict=True)
        ),
    }


def _at(report: ReportSubmitted) -> dict[str, datetime]:
    return {str(report.event_id): report.report.observed_at}


@pytest.fixture
def sightings(cleanup: list[str]) -> Three:
    """One child: 12 by the oldest report, with learning disability by the middle one (which
    gives no age), 14 by the newest; each calls them a young person."""
    tag = run_tag()
    child = {"name": f"Kai Synthtraits{tag}", "role": "young_person"}
    oldest = _sighting(child | {"estimated_age": 12}, tag, 9)
    middle = _sighting(child | {"flags": {"learning_disability": True}}, tag, 5)
    newest = _sighting(child | {"estimated_age": 14}, tag, 2)
    cleanup.extend(str(r.event_id) for r in (oldest, middle, newest))
    return oldest, middle, newest


@pytest.mark.parametrize("batches", ["one batch", "one at a time"])  # newest first
def test_a_person_keeps_what_their_reports_say_whatever_order_they_arrive_in(
    settings: InfraSettings, neo4j_driver: Driver, sightings: Three, batches: str
) -> None:
    oldest, middle, newest = sightings
    together = batches == "one batch"
    person_id = linked_one(settings, [newest, middle, oldest], "person", together=together)

    kept = _kept(neo4j_driver, person_id)
    assert traits_kept(kept) == Traits(
        young=_at(oldest) | _at(middle) | _at(newest),
        under_13={},  # the latest age given is 14
        needs=_at(middle),
    )
    assert _as_sets(_worked_out(neo4j_driver, person_id)) == _as_sets(kept)


def _profile(settings: InfraSettings, entity_id: str) -> EntityProfile | None:
    """What decides which detectors run on the entity, as detection reads it."""
    return detect_with(settings, lambda ctx: read_profile(reads_of(ctx), entity_id), now=NOW)


def test_a_retraction_takes_its_report_out_of_what_the_person_keeps(
    settings: InfraSettings, neo4j_driver: Driver, sightings: Three
) -> None:
    oldest, middle, newest = sightings
    person_id = linked_one(settings, [oldest, middle, newest], "person")
    place_id = linked_one(settings, [oldest], "location")
    assert (young := _profile(settings, person_id)) is not None and young.young
    assert (place := _profile(settings, place_id)) is not None and not place.young

    retract(settings, str(newest.event_id))
    assert traits_kept(_kept(neo4j_driver, person_id)) == Traits(
        young=_at(oldest) | _at(middle),
        under_13=_at(oldest),  # the latest age left is 12
        needs=_at(middle),
    )

    retract(settings, str(middle.event_id))
    retract(settings, str(oldest.event_id))
    gone = _kept(neo4j_driver, person_id)
    assert traits_kept(gone) == Traits()
    # No report left calls them a young person: the detectors for young people no longer run.
    assert (adult := _profile(settings, person_id)) is not None and adult.adult
    assert _as_sets(_worked_out(neo4j_driver, person_id)) == _as_sets(gone)


def test_migration_013_works_out_the_traits_of_people_linked_before_they_were_kept(
    settings: InfraSettings, neo4j_driver: Driver, sightings: Three
) -> None:
    oldest, middle, newest = sightings
    person_id = linked_one(settings, [newest, oldest, middle], "person")
    retract(settings, str(newest.event_id))
    kept = _kept(neo4j_driver, person_id)

    neo4j_driver.execute_query(queries.FORGET_KEPT_TRAITS, id=person_id)
    run_migration(neo4j_driver, "013_person_traits.cypher", database=settings.neo4j_database)
    assert _as_sets(_kept(neo4j_driver, person_id)) == _as_sets(kept)
    assert traits_kept(kept).under_13 == _at(oldest)  # the retracted 14 left out
