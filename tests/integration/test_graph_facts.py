"""Missing episodes, protective orders, placements and premises status on the real Neo4j."""

from datetime import UTC, datetime
from typing import Any

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from schemas.reports import ReportCreate
from tests.support.factories import report_json, run_tag, submitted
from tests.support.linking import link_events

pytestmark = pytest.mark.integration


def _link(settings: InfraSettings, cleanup: list[str], *events: dict[str, Any]) -> None:
    submitted_events = [
        submitted(ReportCreate.model_validate(report_json(event))) for event in events
    ]
    cleanup.extend(str(e.event_id) for e in submitted_events)
    link_events(settings, submitted_events)


def _child(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "date_of_birth": "2009-03-04", "role": "young_person", **extra}


def test_a_missing_episode_opens_and_is_ended_by_the_found_report(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    tag = run_tag()
    child = _child(f"Kai Synth{tag}")
    home = {"name": f"Synthetic Home {tag}", "category": "care_home"}
    _link(
        settings,
        cleanup,
        {
            "type": "missing_reported",
            "child": child,
            "placement": home,
            "last_seen_at": "2026-11-20T18:00:00+00:00",
        },
        {
            "type": "missing_ended",
            "child": child,
            "found_at": "2026-11-22T06:00:00+00:00",
            "found_place": {"name": f"Synthetic Flat {tag}", "local_authority": "Synthshire"},
            "found_with": [{"name": f"Rex Adult{tag}", "role": "adult"}],
            "items_found": [{"kind": "cash"}],
            "circumstances": "found_by_police",
        },
    )
    records, _, _ = neo4j_driver.execute_query(
        """
        MATCH (p:Person)-[:WENT_MISSING]->(e:MissingEpisode)
        WHERE p.name = $name
        OPTIONAL MATCH (e)-[:FOUND_AT]->(l:Location)
        OPTIONAL MATCH (e)-[:FOUND_WITH_PERSON]->(c:Person)
        OPTIONAL MATCH (e)-[:MISSING_FROM]->(h:Placement)
        RETURN e.duration_hours AS hours, e.items AS items, l.name AS found_at,
               c.name AS companion, h.name AS home, e.circumstances AS circumstances
        """,
        name=f"Kai Synth{tag}",
    )
    assert [r.data() for r in records] == [
        {
            "hours": 36.0,
            "items": ["cash"],
            "found_at": f"Synthetic Flat {tag}",
            "companion": f"Rex Adult{tag}",
            "home": f"Synthetic Home {tag}",
            "circumstances": "found_by_police",
        }
    ]


def test_a_found_report_without_an_open_episode_records_one_with_its_end_only(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    tag = run_tag()
    _link(
        settings,
        cleanup,
        {
            "type": "missing_ended",
            "child": _child(f"Lou Synth{tag}"),
            "found_at": datetime(2026, 11, 22, 6, tzinfo=UTC).isoformat(),
        },
    )
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (p:Person {name: $name})-[:WENT_MISSING]->(e) "
        "RETURN e.started_at IS NULL AS open_start, e.ended_at IS NOT NULL AS ended",
        name=f"Lou Synth{tag}",
    )
    assert [r.data() for r in records] == [{"open_start": True, "ended": True}]


def _episodes_of(neo4j_driver: Driver, name: str) -> list[dict[str, Any]]:
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (p:Person {name: $name})-[:WENT_MISSING]->(e:MissingEpisode) "
        "RETURN toString(e.started_at) AS started, toString(e.ended_at) AS ended, "
        "e.duration_hours AS hours ORDER BY started",
        name=name,
    )
    return [r.data() for r in records]


def test_a_missing_report_linked_after_its_found_report_starts_that_episode_once(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    """A home's late missing report: the episode the found report recorded by its end only gets
    its start, so the child is not missing twice over, nor missing still; a replay changes
    nothing."""
    tag = run_tag()
    child = _child(f"Ola Synth{tag}")
    _link(
        settings,
        cleanup,
        {"type": "missing_ended", "child": child, "found_at": "2026-11-22T06:00:00+00:00"},
    )
    late = submitted(
        ReportCreate.model_validate(
            report_json(
                {
                    "type": "missing_reported",
                    "child": child,
                    "last_seen_at": "2026-11-20T18:00:00+00:00",
                }
            )
        )
    )
    cleanup.append(str(late.event_id))
    link_events(settings, [late])
    link_events(settings, [late])  # the same report again: a replay

    assert _episodes_of(neo4j_driver, f"Ola Synth{tag}") == [
        {"started": "2026-11-20T18:00:00Z", "ended": "2026-11-22T06:00:00Z", "hours": 36.0}
    ]


def test_a_missing_report_after_the_last_found_report_opens_an_episode_of_its_own(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    tag = run_tag()
    child = _child(f"Pia Synth{tag}")
    _link(
        settings,
        cleanup,
        {"type": "missing_ended", "child": child, "found_at": "2026-11-22T06:00:00+00:00"},
    )
    _link(
        settings,
        cleanup,
        {"type": "missing_reported", "child": child, "last_seen_at": "2026-11-25T18:00:00+00:00"},
    )

    assert _episodes_of(neo4j_driver, f"Pia Synth{tag}") == [
        {"started": "2026-11-25T18:00:00Z", "ended": None, "hours": None},
        {"started": None, "ended": "2026-11-22T06:00:00Z", "hours": None},
    ]


def test_a_late_missing_report_does_not_take_an_end_another_episode_came_before(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    """Missing on the 10th, then an episode from the 12th to the 14th, then found on the 20th
    with no open episode: the report of the 10th, linked last, cannot have ended on the 20th."""
    tag = run_tag()
    child = _child(f"Rue Synth{tag}")
    _link(
        settings,
        cleanup,
        {"type": "missing_reported", "child": child, "last_seen_at": "2026-11-12T18:00:00+00:00"},
    )
    _link(
        settings,
        cleanup,
        {"type": "missing_ended", "child": child, "found_at": "2026-11-14T06:00:00+00:00"},
    )
    _link(
        settings,
        cleanup,
        {"type": "missing_ended", "child": child, "found_at": "2026-11-20T06:00:00+00:00"},
    )
    _link(
        settings,
        cleanup,
        {"type": "missing_reported", "child": child, "last_seen_at": "2026-11-10T18:00:00+00:00"},
    )

    ended = [e for e in _episodes_of(neo4j_driver, f"Rue Synth{tag}") if e["ended"]]
    assert ended == [
        {"started": "2026-11-12T18:00:00Z", "ended": "2026-11-14T06:00:00Z", "hours": 36.0},
        {"started": None, "ended": "2026-11-20T06:00:00Z", "hours": None},
    ]


def test_bail_conditions_become_an_order_with_its_centre_and_protected_child(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    tag = run_tag()
    _link(
        settings,
        cleanup,
        {
            "type": "protective_order",
            "kind": "bail_conditions",
            "subject": {"name": f"Mo Adult{tag}", "role": "adult"},
            "no_contact": [_child(f"Dee Synth{tag}")],
            "issued_on": "2026-11-01",
            "radius_m": 1609,
            "centre": {
                "name": f"31 Synthetic Dock {tag}",
                "coordinates": {"lat": 51.5, "lon": -0.02},
            },
        },
    )
    records, _, _ = neo4j_driver.execute_query(
        """
        MATCH (s:Person {name: $subject})-[:SUBJECT_OF]->(o:ProtectiveOrder)
        MATCH (o)-[:PROTECTS]->(p:Person)
        MATCH (o)-[:CENTRED_ON]->(c:Location)
        RETURN o.kind AS kind, o.radius_m AS radius, p.name AS protected, c.lat AS lat
        """,
        subject=f"Mo Adult{tag}",
    )
    assert [r.data() for r in records] == [
        {"kind": "bail_conditions", "radius": 1609, "protected": f"Dee Synth{tag}", "lat": 51.5}
    ]


def test_a_raid_that_seizes_drugs_marks_the_premises_a_drugs_house(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    tag = run_tag()
    premises = {"name": f"Synthetic Trap {tag}", "postcode": "ZZ99 1AB"}
    _link(
        settings,
        cleanup,
        {
            "type": "address_concern",
            "place": premises,
            "tenant": {"name": f"Vi Tenant{tag}", "role": "vulnerable_adult"},
        }
        | {"tenant_vulnerable": True},
        {
            "type": "operation",
            "kind": "raid",
            "premises": premises,
            "seized": [{"kind": "drugs"}, {"kind": "cash"}],
            "persons_present": [_child(f"Tia Synth{tag}", school={"name": f"Synth High {tag}"})],
        },
    )
    records, _, _ = neo4j_driver.execute_query(
        """
        MATCH (l:Location {name: $name})
        OPTIONAL MATCH (p:Person)-[:ATTENDS]->(s:Location)
        WHERE p.name = $child
        RETURN l.drugs_house AS drugs, l.vulnerable_tenant AS vulnerable,
               l.drugs_house_since IS NOT NULL AS since, s.name AS school
        """,
        name=f"Synthetic Trap {tag}",
        child=f"Tia Synth{tag}",
    )
    assert [r.data() for r in records] == [
        {"drugs": True, "vulnerable": True, "since": True, "school": f"Synth High {tag}"}
    ]
