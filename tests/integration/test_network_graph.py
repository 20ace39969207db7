"""Streaming resolution and the richer graph model on the real Neo4j."""

import uuid
from datetime import date
from typing import Any

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from schemas.linking import EntitiesLinked
from schemas.reports import ReportCreate
from tests.support import queries
from tests.support.factories import report_json, submitted
from tests.support.linking import link_events

pytestmark = pytest.mark.integration


def link_all(
    settings: InfraSettings, reports: list[ReportCreate], cleanup: list[str]
) -> list[EntitiesLinked]:
    """Link reports one after another, as the worker does, and remember them for clean-up."""
    events = [submitted(report) for report in reports]
    cleanup.extend(str(e.event_id) for e in events)
    return link_events(settings, events)


def person(name: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"role": "young_person", **({"name": name} if name else {}), **extra}


def sighting(tag: str, *people: dict[str, Any]) -> ReportCreate:
    return ReportCreate.model_validate(
        report_json(
            {
                "type": "sighting",
                "persons": list(people),
                "place": {"name": f"Synthetic Park {tag}", "postcode": "ZZ99 9ZZ"},
            }
        )
    )


def person_ids(linked: EntitiesLinked) -> list[str]:
    return [e.id for e in linked.entities if e.kind == "person"]


def test_name_variants_resolve_or_become_candidates(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    tag = uuid.uuid4().hex[:6]
    surname = f"Walsh{tag}"
    dob = date(2009, 4, 2).isoformat()
    linked = link_all(
        settings,
        [
            sighting(tag, person(f"Dean {surname}", date_of_birth=dob, nicknames=[f"Deano{tag}"])),
            sighting(tag, person(f"DEAN  {surname.upper()}", date_of_birth=dob)),
            sighting(tag, person(f"{surname} Dean", date_of_birth=dob)),  # swapped
            sighting(tag, person(f"D. {surname}")),
            sighting(tag, person(nicknames=[f"deano{tag}"])),
        ],
        cleanup,
    )
    dean = person_ids(linked[0])[0]
    assert person_ids(linked[1]) == [dean]
    assert person_ids(linked[2]) == [dean]
    initial, nickname = person_ids(linked[3])[0], person_ids(linked[4])[0]
    assert dean not in (initial, nickname)
    records, _, _ = neo4j_driver.execute_query(queries.POSSIBLE_SAME_AS, person_id=dean)
    assert {initial, nickname} <= {r["other"] for r in records}


def test_registration_formats_are_one_vehicle(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    tag = uuid.uuid4().hex[:4].upper()
    mark = "AB" + str(int(tag, 16) % 90 + 10) + "XZZ"
    reports = [
        ReportCreate.model_validate(
            report_json(
                {
                    "type": "vehicle_sighting",
                    "vehicle": {"vrm": written, "colour": "silver"},
                    "place": {"name": f"Synthetic Home {tag}", "category": "care_home"},
                    "got_in": [person(f"Child{n} Synth{tag}", date_of_birth="2011-02-03")],
                }
            )
        )
        for n, written in enumerate([mark[:4] + " " + mark[4:], mark.lower()])
    ]
    linked = link_all(settings, reports, cleanup)
    vehicles = {e.id for one in linked for e in one.entities if e.kind == "vehicle"}
    assert vehicles == {f"vehicle:{mark}"}
    records, _, _ = neo4j_driver.execute_query(
        queries.CHILDREN_IN_VEHICLE, vehicle_id=f"vehicle:{mark}"
    )
    assert records[0]["children"] == 2
