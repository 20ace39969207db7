"""The missing-episode detectors' Cypher and runners on the real Neo4j (AS-2 in miniature)."""

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from neo4j import AsyncGraphDatabase, Driver

from common.settings import InfraSettings
from schemas.entities import Person
from schemas.linking import EntityKind
from schemas.reports import ReportCreate
from services.alerts.config import Settings
from services.alerts.detection import Context, detect
from services.alerts.detectors.candidate import AlertCandidate
from services.network.resolve import new_person_id
from tests import queries
from tests.factories import id_key, report_json, run_tag, submitted
from tests.linking import link_events

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


@pytest.fixture
def cleanup(neo4j_driver: Driver) -> Iterator[list[str]]:
    report_ids: list[str] = []
    yield report_ids
    neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)


def _link(
    settings: InfraSettings, cleanup: list[str], events: list[tuple[datetime, dict[str, Any]]]
) -> None:
    submitted_events = [
        submitted(ReportCreate.model_validate(report_json(event, observed_at=at.isoformat())))
        for at, event in events
    ]
    cleanup.extend(str(e.event_id) for e in submitted_events)
    link_events(settings, submitted_events)


def _detect(settings: InfraSettings, kind: EntityKind, entity_id: str) -> list[AlertCandidate]:
    async def run() -> list[AlertCandidate]:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        try:
            ctx = Context(
                driver=driver, database=settings.neo4j_database, settings=Settings(), now=NOW
            )
            return await detect(kind, entity_id, ctx)
        finally:
            await driver.close()

    return asyncio.run(run())


def _person(name: str, born: str) -> dict[str, Any]:
    return {
        "name": name,
        "date_of_birth": born,
        "role": "young_person",
        "home_local_authority": "Synth Borough",
    }


def _pid(name: str, born: str) -> str:
    person = Person(name=name, date_of_birth=date.fromisoformat(born))
    return new_person_id(person, report_id=uuid.uuid4(), index=0, key=id_key())


def _missing(child: dict[str, Any], start: datetime) -> tuple[datetime, dict[str, Any]]:
    return start, {"type": "missing_reported", "child": child, "last_seen_at": start.isoformat()}


def _found(child: dict[str, Any], at: datetime, **extra: Any) -> tuple[datetime, dict[str, Any]]:
    return at, {"type": "missing_ended", "child": child, "found_at": at.isoformat(), **extra}


def test_as2_in_miniature_raises_every_missing_pattern(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    dw = _person(f"Dee Walsh{tag}", "2011-09-09") | {"flags": {"learning_disability": True}}
    peer = _person(f"Pip Synth{tag}", "2011-01-02")
    flat = {
        "name": f"Synthetic Flat {tag}",
        "postcode": "ZZ99 3CD",
        "local_authority": "Synthshire",
    }
    adults = [
        {"name": f"Max Adult{tag}", "role": "adult"},
        {"name": f"Fran Adult{tag}", "role": "adult"},
    ]
    last = NOW - timedelta(days=3)
    events = [
        _missing(dw, NOW - timedelta(days=60)),
        _found(dw, NOW - timedelta(days=60) + timedelta(hours=5)),
        _missing(dw, NOW - timedelta(days=30)),
        _found(dw, NOW - timedelta(days=30) + timedelta(hours=20)),
        (
            last - timedelta(hours=5),
            {
                "type": "vehicle_sighting",
                "vehicle": {"vrm": "ZZ51 SYN", "colour": "grey"},
                "place": {"name": f"Synthetic Dock {tag}"},
                "got_in": [dw],
            },
        ),
        _missing(dw, last),
        _missing(peer, last + timedelta(hours=2)),
        _found(
            dw,
            NOW - timedelta(hours=6),
            found_place=flat,
            found_with=adults,
            items_found=[{"kind": "drugs"}],
            circumstances="found_in_raid",
        ),
        _found(peer, NOW - timedelta(hours=6), found_place=flat),
    ]
    _link(settings, cleanup, events)
    dw_id = _pid(f"Dee Walsh{tag}", "2011-09-09")
    found = _detect(settings, EntityKind.PERSON, dw_id)
    by_type = {c.type.value: c for c in found}
    assert set(by_type) >= {
        "missing_escalation",
        "harbouring_adult",
        "vehicle_linked_to_missing",
        "co_missing",
        "found_out_of_area",
        "county_lines_suspected",
        "debt_bondage",
    }, sorted(by_type)
    assert by_type["missing_escalation"].priority.value == "high"  # learning disability
    assert "66 hours" in by_type["missing_escalation"].summary
    harbourers = {c.subjects[0].display_name for c in found if c.type.value == "harbouring_adult"}
    assert harbourers == {f"Max Adult{tag}", f"Fran Adult{tag}"}
    county = by_type["county_lines_suspected"]
    assert "drugs" in county.summary and "found in raid" in county.summary
    assert {a.value for a in county.actions} >= {"nrm_referral", "safeguarding_48h"}
    debt = by_type["debt_bondage"]  # drugs seized where he was found
    assert debt.priority.value == "high" and "drugs seized at" in debt.summary
    assert by_type["co_missing"].subjects[1].display_name in {f"Pip Synth{tag}", f"Dee Walsh{tag}"}
    vehicle = _detect(settings, EntityKind.VEHICLE, "vehicle:ZZ51SYN")
    assert [c.type.value for c in vehicle] == ["vehicle_linked_to_missing"]


def test_a_child_found_in_their_own_area_raises_no_out_of_area_alert(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    kid = _person(f"Kim Synth{tag}", "2012-02-02")
    start = NOW - timedelta(days=2)
    _link(
        settings,
        cleanup,
        [
            _missing(kid, start),
            _found(
                kid,
                start + timedelta(hours=3),
                found_place={"name": f"Synthetic Park {tag}", "local_authority": "Synth Borough"},
            ),
        ],
    )
    kid_id = _pid(f"Kim Synth{tag}", "2012-02-02")
    assert _detect(settings, EntityKind.PERSON, kid_id) == []
