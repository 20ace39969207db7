"""The areas reports give a place, kept on the place as reports are linked and retracted, on the
real Neo4j: whatever order the reports arrive in (one batch or several), the place holds what its
reports that are not retracted give, as the statement that works them out from scratch finds."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from schemas.reports import ReportCreate, ReportSubmitted
from services.network.linking import queries as linking_queries
from tests.support import queries
from tests.support.factories import GRADING_JSON, run_tag, submitted
from tests.support.linking import linked_one, retract
from tests.support.migrations import run_migration

pytestmark = pytest.mark.integration
Three = tuple[ReportSubmitted, ReportSubmitted, ReportSubmitted]
NOW = datetime.now(UTC).replace(microsecond=0)


def _concern(flat: dict[str, Any], days_ago: int, **areas: str) -> ReportSubmitted:
    return submitted(
        ReportCreate.model_validate(
            {
                "observed_at": (NOW - timedelta(days=days_ago)).isoformat(),
                "grading": GRADING_JSON,
                "event": {
                    "type": "address_concern",
                    "place": flat | areas,
                    "multiple_callers": True,
                },
            }
        )
    )


def _kept(driver: Driver, place_id: str) -> dict[str, Any]:
    records, _, _ = driver.execute_query(queries.PLACE_AREAS, place_id=place_id)
    kept = records[0].data()
    kept["areas"] = sorted(kept["areas"] or [])
    for at in ("first_at", "latest_at"):
        kept[at] = kept[at] and kept[at].to_native()
    return kept


def _worked_out(driver: Driver, place_id: str) -> dict[str, Any]:
    """What the place would hold if its areas were worked out now from its reports."""
    driver.execute_query(linking_queries.REFRESH_PLACES, ids=[place_id])
    return _kept(driver, place_id)


@pytest.fixture
def concerns(cleanup: list[str]) -> Three:
    """Three concerns about one flat, oldest first, each giving it other areas."""
    flat = {"name": f"Synthetic Flat {run_tag()}", "postcode": "ZZ99 7AR"}
    oldest = _concern(flat, 9, local_authority="Synthshire")
    middle = _concern(flat, 5, local_authority="Synth Borough", police_force_area="Synth Police")
    newest = _concern(flat, 2, police_force_area="Far Police")
    cleanup.extend(str(r.event_id) for r in (oldest, middle, newest))
    return oldest, middle, newest


@pytest.mark.parametrize("batches", ["one batch", "one at a time"])  # newest first
def test_a_place_keeps_the_earliest_and_latest_reports_giving_its_areas(
    settings: InfraSettings, neo4j_driver: Driver, concerns: Three, batches: str
) -> None:
    oldest, middle, newest = concerns
    together = batches == "one batch"
    place_id = linked_one(settings, [newest, middle, oldest], "location", together=together)

    kept = _kept(neo4j_driver, place_id)
    assert kept == {
        "areas": ["Far Police", "Synth Borough", "Synth Police", "Synthshire"],
        "first": str(oldest.event_id),
        "first_at": oldest.report.observed_at,
        "latest": str(newest.event_id),
        "latest_at": newest.report.observed_at,
        "latest_la": None,
        "latest_pfa": "Far Police",
        "la_latest": str(middle.event_id),
        "la": "Synth Borough",
    }
    assert _worked_out(neo4j_driver, place_id) == kept


def test_a_retraction_takes_its_report_out_of_the_place_areas(
    settings: InfraSettings, neo4j_driver: Driver, concerns: Three
) -> None:
    oldest, middle, newest = concerns
    place_id = linked_one(settings, [oldest, middle, newest], "location")

    retract(settings, str(middle.event_id))
    kept = _kept(neo4j_driver, place_id)
    assert (kept["areas"], kept["first"], kept["latest"], kept["la_latest"], kept["la"]) == (
        ["Far Police", "Synthshire"],
        str(oldest.event_id),
        str(newest.event_id),
        str(oldest.event_id),  # the only authority left is the oldest report's
        "Synthshire",
    )

    retract(settings, str(oldest.event_id))
    retract(settings, str(newest.event_id))
    gone = _kept(neo4j_driver, place_id)
    assert gone == {
        "areas": [],
        "first": None,
        "first_at": None,
        "latest": None,
        "latest_at": None,
        "latest_la": None,
        "latest_pfa": None,
        "la_latest": None,
        "la": None,
    }
    assert _worked_out(neo4j_driver, place_id) == gone


def test_a_report_giving_no_area_leaves_the_place_areas_as_they_were(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    tag = run_tag()
    flat = {"name": f"Synthetic Flat {tag}", "postcode": "ZZ99 7AR"}
    giving = _concern(flat, 4, local_authority="Synthshire")
    silent = _concern(flat, 1)
    cleanup.extend(str(r.event_id) for r in (giving, silent))
    place_id = linked_one(settings, [giving, silent], "location")

    kept = _kept(neo4j_driver, place_id)
    assert (kept["first"], kept["latest"], kept["areas"]) == (
        str(giving.event_id),
        str(giving.event_id),
        ["Synthshire"],
    )
    assert _worked_out(neo4j_driver, place_id) == kept


def test_migration_012_works_out_the_areas_of_places_linked_before_they_were_kept(
    settings: InfraSettings, neo4j_driver: Driver, concerns: Three
) -> None:
    oldest, middle, newest = concerns
    place_id = linked_one(settings, [newest, oldest, middle], "location")
    retract(settings, str(newest.event_id))
    kept = _kept(neo4j_driver, place_id)

    neo4j_driver.execute_query(queries.FORGET_KEPT_AREAS, id=place_id)
    run_migration(neo4j_driver, "012_place_areas.cypher", database=settings.neo4j_database)
    assert _kept(neo4j_driver, place_id) == kept
    assert kept["latest"] == str(middle.event_id)  # the retracted newest left out
