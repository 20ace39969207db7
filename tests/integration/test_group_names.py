"""A group (or a car, a phone, a handle) as the analyst names it: from the earliest report the
caller may see, read from what the entity keeps for each audience, on the real Neo4j. Whatever
order the reports arrive in, and after a retraction, the entity keeps what the schema migration
works out from its reports, and each caller is shown the name their earliest report gives."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from schemas.reports import ReportCreate, ReportSubmitted
from tests.support import queries
from tests.support.factories import GRADING_JSON, run_tag, shared_only_with, submitted
from tests.support.first_said import POLICE, kept, shown
from tests.support.linking import linked_one, retract
from tests.support.migrations import run_migration

pytestmark = pytest.mark.integration
Three = tuple[ReportSubmitted, ReportSubmitted, ReportSubmitted]
NOW = datetime.now(UTC).replace(microsecond=0)


def _approach(group: str, days_ago: int, **envelope: Any) -> ReportSubmitted:
    body = {
        "observed_at": (NOW - timedelta(days=days_ago)).isoformat(),
        "grading": GRADING_JSON,
        "event": {
            "type": "approach",
            "approached": [{"name": f"Kid {group}", "role": "young_person"}],
            "group": group,
            "place": {"name": f"Synthetic Yard {group}", "postcode": "ZZ99 7GR"},
        },
        **envelope,
    }
    agency = POLICE if envelope else "Synthetic Home A"
    return submitted(ReportCreate.model_validate(body), agency=agency)


@pytest.fixture
def crew(cleanup: list[str]) -> Three:
    """Three reports naming one group three ways, oldest first: a police-only one, then two
    shared ones."""
    name = f"Synth Crew {run_tag()}"
    reports = (
        _approach(name.upper(), 9, grading=shared_only_with(POLICE)),
        _approach(name, 5),
        _approach(name.lower(), 2),
    )
    cleanup.extend(str(r.event_id) for r in reports)
    return reports


def _named(driver: Driver, settings: InfraSettings, group_id: str) -> dict[str, str]:
    nodes = shown(driver, database=settings.neo4j_database, entity_id=group_id)
    return {who: node["label"] for who, node in nodes.items()}


def _kept(driver: Driver, group_id: str) -> list[str]:
    return kept(driver, queries.ENTITY_FIRST_SAID, entity_id=group_id)["said_first"]


def _worked_out(driver: Driver, settings: InfraSettings, group_id: str) -> list[str]:
    driver.execute_query(queries.FORGET_ENTITY_FIRST_SAID, entity_id=group_id)
    run_migration(driver, "016_first_said.cypher", database=settings.neo4j_database)
    return _kept(driver, group_id)


def _group(reports: Three) -> str:
    return str(reports[1].report.event.group)  # type: ignore[union-attr]


@pytest.mark.parametrize("batches", ["one batch", "one at a time"])  # newest first
def test_a_group_is_named_as_the_earliest_report_its_caller_may_see_names_it(
    settings: InfraSettings, neo4j_driver: Driver, crew: Three, batches: str
) -> None:
    police, plain, latest = crew
    group_id = linked_one(
        settings, [latest, plain, police], "group", together=batches == "one batch"
    )
    name = _group(crew)
    assert _named(neo4j_driver, settings, group_id) == {
        "outside": name,
        "inside": name.upper(),
    }
    kept = _kept(neo4j_driver, group_id)
    assert len(kept) == 2  # the shared reports' audience, and the police's (with its agency's)
    assert _worked_out(neo4j_driver, settings, group_id) == kept


def test_a_retraction_takes_its_report_out_of_how_the_group_is_named(
    settings: InfraSettings, neo4j_driver: Driver, crew: Three
) -> None:
    police, plain, latest = crew
    group_id = linked_one(settings, list(crew), "group")
    retract(settings, str(police.event_id), agency=POLICE)
    assert _named(neo4j_driver, settings, group_id) == {
        "outside": _group(crew),
        "inside": _group(crew),
    }
    kept = _kept(neo4j_driver, group_id)
    assert all(str(police.event_id) not in entry for entry in kept)
    assert _worked_out(neo4j_driver, settings, group_id) == kept
