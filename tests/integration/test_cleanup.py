"""Removing a run's reports (tests/support/cleanup.py, which every benchmark ends with), on the
real Neo4j: what only the removed reports mention goes, and a place that stays keeps what its
remaining reports say, as working it out from scratch gives, though it is worked out once at the
end and not after each batch."""

from typing import Any

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from services.network.linking import queries as linking_queries
from tests.support import cleanup as removing
from tests.support import queries
from tests.support.factories import run_tag, shared_only_with
from tests.support.first_said import POLICE, address_concern, kept
from tests.support.linking import link_events

pytestmark = pytest.mark.integration


def _kept(driver: Driver, place_id: str) -> dict[str, list[str]]:
    return kept(driver, queries.PLACE_FIRST_SAID, place_id=place_id)


def test_removed_reports_leave_the_place_that_stays_as_its_own_reports_make_it(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str], monkeypatch: Any
) -> None:
    tag = run_tag()
    shared = {"name": f"Synthetic Arcade {tag}", "postcode": "ZZ99 7AC"}
    only_removed = {"name": f"Synthetic Garage {tag}", "postcode": "ZZ99 7AD"}
    removed = [
        address_concern({**shared, "category": "take_away"}, 9, grading=shared_only_with(POLICE)),
        address_concern({**shared, "coordinates": {"lat": 51.5, "lon": -0.5}}, 7),
        address_concern(only_removed, 6),
    ]
    stays = address_concern({**shared, "category": "town_centre"}, 2)
    cleanup.extend(str(r.event_id) for r in [*removed, stays])
    linked = link_events(settings, [*removed, stays], together=True)
    place_of = {
        str(event.report_id): {str(e.id) for e in event.entities if e.kind == "location"}
        for event in linked
    }
    (arcade,) = place_of[str(stays.event_id)]
    (garage,) = place_of[str(removed[2].event_id)] - {arcade}
    assert any(str(removed[0].event_id) in e for e in _kept(neo4j_driver, arcade)["said_first"])

    monkeypatch.setattr(removing, "DELETE_BATCH", 1)  # a batch a report, as a large run has many
    told: list[tuple[str, int, int | None]] = []
    gone = removing.delete_reports(
        neo4j_driver,
        [r.event_id for r in removed],
        database=settings.neo4j_database,
        progress=lambda step, done, total: told.append((step, done, total)),
    )

    assert gone == len(removed)
    assert [t for t in told if t[0] == "reports"] == [("reports", n, 3) for n in (1, 2, 3)]
    assert told[-1][0] == "what stays" and told[-1][1] == told[-1][2]
    assert (
        removing.count_reports(
            neo4j_driver,
            [str(r.event_id) for r in [*removed, stays]],
            database=settings.neo4j_database,
        )
        == 1
    )
    for entity_id, left in ((arcade, 1), (garage, 0)):  # the garage went with its reports
        records, _, _ = neo4j_driver.execute_query(queries.COUNT_BY_LABEL_AND_ID, id=entity_id)
        assert records[0]["n"] == left, entity_id
    now_kept = _kept(neo4j_driver, arcade)
    said = [e for entries in now_kept.values() for e in entries]
    assert said and all(str(stays.event_id) in e for e in said)
    assert now_kept["said_first_located"] == []  # only a removed report gave coordinates
    neo4j_driver.execute_query(linking_queries.REFRESH_PLACES, ids=[arcade])
    assert _kept(neo4j_driver, arcade) == now_kept
