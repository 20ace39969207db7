"""Retracting the report that made premises a drugs house, on the real Neo4j: the status stands
on the reports that remain, dated by the earliest of them, and goes when none remains."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from schemas.reports import ReportCreate, ReportSubmitted
from tests.support import queries
from tests.support.factories import GRADING_JSON, run_tag, submitted
from tests.support.linking import link_events, retract

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


def _report(event: dict[str, Any], days_ago: int) -> ReportSubmitted:
    return submitted(
        ReportCreate.model_validate(
            {
                "observed_at": (NOW - timedelta(days=days_ago)).isoformat(),
                "grading": GRADING_JSON,
                "event": event,
            }
        )
    )


def _status(driver: Driver, place_id: str) -> dict[str, Any]:
    records, _, _ = driver.execute_query(queries.PLACE_STATUS, place_id=place_id)
    return records[0].data()


def test_a_retracted_status_stands_on_the_reports_that_remain(
    settings: InfraSettings, neo4j_driver: Driver
) -> None:
    tag = run_tag()
    flat = {"name": f"Synthetic Flat {tag}", "postcode": "ZZ99 6DH"}
    concern = _report(
        {
            "type": "address_concern",
            "place": flat,
            "suspected_drugs_house": True,
            "tenant_vulnerable": True,
        },
        days_ago=3,
    )
    raid = _report(
        {"type": "operation", "kind": "raid", "premises": flat, "seized": [{"kind": "drugs"}]},
        days_ago=1,
    )
    ids = [str(concern.event_id), str(raid.event_id)]
    try:
        linked = link_events(settings, [concern, raid])
        (place_id,) = {e.id for e in linked[0].entities if e.kind == "location"}
        before = _status(neo4j_driver, place_id)
        assert before["drugs_house"] and before["vulnerable_tenant"]
        assert before["drugs_house_report"] == str(concern.event_id)

        retract(settings, str(concern.event_id))
        after = _status(neo4j_driver, place_id)
        assert after["drugs_house"] is True  # the raid still says so
        assert after["drugs_house_report"] == str(raid.event_id)
        assert datetime.fromisoformat(after["drugs_house_since"]) == raid.report.observed_at
        assert after["vulnerable_tenant"] is False  # only the concern said so

        retract(settings, str(raid.event_id))
        gone = _status(neo4j_driver, place_id)
        assert (gone["drugs_house"], gone["drugs_house_report"], gone["drugs_house_since"]) == (
            False,
            None,
            None,
        )
        retract(settings, str(raid.event_id))  # again: nothing changes
        assert _status(neo4j_driver, place_id) == gone
    finally:
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=ids)
