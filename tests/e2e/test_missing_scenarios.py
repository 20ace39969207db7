"""Acceptance scenarios about missing children (domain.md AS-2, AS-3, AS-4), through the services.

Each scenario submits its events through the ingest API and waits for the alerts the domain
expects; the control case raises none of them.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tessera_cli.demo import missing_story
from tests.support.factories import run_tag
from tests.support.scenarios import adult, child, expect_alert, processed, submit, types_citing
from tests.support.stack import RunningStack

pytestmark = pytest.mark.e2e
NOW = datetime.now(UTC)
MISSING_TYPES = {
    "missing_escalation",
    "harbouring_adult",
    "vehicle_linked_to_missing",
    "co_missing",
    "found_out_of_area",
    "county_lines_suspected",
}


def _report(at: datetime, event: dict[str, Any]) -> dict[str, Any]:
    return {
        "observed_at": at.isoformat(),
        "grading": {"source": 2, "intelligence": "B", "handling": "P"},
        "narrative": "Synthetic scenario report.",
        "event": event,
    }


def _missing(stack: RunningStack, who: dict[str, Any], start: datetime, **extra: Any) -> str:
    event = {"type": "missing_reported", "child": who, "last_seen_at": start.isoformat()}
    return submit(stack, _report(start, event | extra))


def _found(stack: RunningStack, who: dict[str, Any], at: datetime, **extra: Any) -> str:
    event = {"type": "missing_ended", "child": who, "found_at": at.isoformat()}
    return submit(stack, _report(at, event | extra))


def test_as2_dw_missing_and_found_in_a_raid_out_of_area(running_stack: RunningStack) -> None:
    tag = run_tag()
    dw = child(
        f"Dee Walsh{tag}", home_local_authority="Synth Borough", flags={"learning_disability": True}
    )
    earlier = [
        _missing(running_stack, dw, NOW - timedelta(days=70)),
        _found(running_stack, dw, NOW - timedelta(days=70) + timedelta(hours=4)),
        _missing(running_stack, dw, NOW - timedelta(days=40)),
        _found(running_stack, dw, NOW - timedelta(days=40) + timedelta(hours=20)),
    ]
    start = NOW - timedelta(days=7)
    ride = submit(
        running_stack,
        _report(
            start - timedelta(hours=3),
            {
                "type": "vehicle_sighting",
                "vehicle": {"vrm": f"ZZ{int(tag[:2], 16) % 90 + 10}DWX", "colour": "grey"},
                "place": {"name": f"Synthetic Dockside {tag}"},
                "got_in": [dw],
            },
        ),
    )
    missing = _missing(running_stack, dw, start, police_incident_ref=f"SYN-{tag}")
    vehicle = expect_alert(running_stack, "vehicle_linked_to_missing", [ride, missing])
    assert vehicle["priority"] == "high"  # DW has a learning disability (R6)
    escalation = expect_alert(running_stack, "missing_escalation", [*earlier[2:], missing])
    assert any(d["action"] == "hold a strategy meeting" for d in escalation["deadlines"])

    found = _found(
        running_stack,
        dw,
        NOW - timedelta(hours=3),
        found_place={
            "name": f"Synthetic Flat {tag}",
            "postcode": "ZZ99 7LN",
            "police_force_area": "Synthshire Police",
        },
        found_with=[adult(f"Mal Adult{tag}"), adult(f"Fen Adult{tag}")],
        items_found=[{"kind": "drugs", "detail": "wraps and scales"}],
        condition=["unkempt", "injured"],
        circumstances="found_in_raid",
    )
    expect_alert(running_stack, "found_out_of_area", [found])
    debt = expect_alert(running_stack, "debt_bondage", [found])  # drugs seized in his presence
    assert debt["priority"] == "high"  # learning disability (R6)
    injury = expect_alert(running_stack, "injury_on_return", [found])
    assert "was found injured at Synthetic Flat" in injury["summary"]
    raid = expect_alert(running_stack, "child_in_custody", [found])
    assert "they were missing at the time" in raid["summary"]
    assert any(d["basis"].startswith("the first 48 hours") for d in raid["deadlines"])
    county = expect_alert(running_stack, "county_lines_suspected", [found])
    assert any("National Referral Mechanism" in a for a in county["actions"])
    assert any(d["basis"].startswith("the first 48 hours") for d in county["deadlines"])
    harbouring = expect_alert(running_stack, "harbouring_adult", [missing, found])
    assert harbouring["subjects"][0]["display_name"] in {f"Mal Adult{tag}", f"Fen Adult{tag}"}
    assert harbouring["subgraph"]["nodes"], "the alert carries the subgraph that explains it"


def test_as3_a_looked_after_child_from_another_county_found_in_custody(
    running_stack: RunningStack,
) -> None:
    tag = run_tag()
    yp = child(
        f"Ash Synth{tag}", home_local_authority="North Synthshire", flags={"looked_after": True}
    )
    start = NOW - timedelta(days=20)
    missing = _missing(
        running_stack,
        yp,
        start,
        placement={
            "name": f"Synthetic Home {tag}",
            "category": "care_home",
            "local_authority": "North Synthshire",
        },
    )
    found = _found(
        running_stack,
        yp,
        NOW - timedelta(hours=5),
        found_place={"name": f"Synthetic Custody Suite {tag}", "local_authority": "Synth Essex"},
        items_found=[{"kind": "cash", "value_gbp": "640.00"}, {"kind": "phone", "quantity": 2}],
        circumstances="in_custody",
    )
    out = expect_alert(running_stack, "found_out_of_area", [found])
    assert "notify the home-area police" in out["summary"]
    custody = expect_alert(running_stack, "child_in_custody", [found])
    assert f"was in police custody at Synthetic Custody Suite {tag}" in custody["summary"]
    assert any("home-area police" in a for a in custody["actions"])  # out of area
    expect_alert(running_stack, "county_lines_suspected", [found])
    escalation = expect_alert(running_stack, "missing_escalation", [missing, found])
    assert "lasted" in escalation["summary"]  # weeks away: "gone for days"


def test_two_children_missing_together_and_found_together(running_stack: RunningStack) -> None:
    tag = run_tag()
    ava, ben = child(f"Ava Synth{tag}"), child(f"Ben Synth{tag}")
    start = NOW - timedelta(hours=30)
    ids = [_missing(running_stack, ava, start), _missing(running_stack, ben, start)]
    flat = {"name": f"Synthetic Bedsit {tag}", "postcode": "ZZ99 4EF"}
    ids.append(
        _found(running_stack, ava, NOW - timedelta(hours=2), found_place=flat, found_with=[ben])
    )
    alert = expect_alert(running_stack, "co_missing", ids)
    assert {s["display_name"] for s in alert["subjects"]} == {f"Ava Synth{tag}", f"Ben Synth{tag}"}


def test_control_a_short_episode_ending_at_home_raises_nothing(
    running_stack: RunningStack,
) -> None:
    tag = run_tag()
    kim = child(f"Kim Synth{tag}", home_local_authority="Synth Borough")
    start = NOW - timedelta(hours=8)
    ids = [
        _missing(running_stack, kim, start),
        _found(
            running_stack,
            kim,
            start + timedelta(hours=3),
            circumstances="returned",
            found_place={"name": f"Synthetic Park {tag}", "local_authority": "Synth Borough"},
        ),
    ]
    processed(running_stack)
    assert not types_citing(running_stack, ids) & MISSING_TYPES


def test_the_demo_story_raises_the_missing_alerts_it_promises(
    running_stack: RunningStack,
) -> None:
    ids = [submit(running_stack, report) for report in missing_story(datetime.now(UTC))]
    for alert_type in (
        "missing_escalation",
        "vehicle_linked_to_missing",
        "found_out_of_area",
        "county_lines_suspected",
        "harbouring_adult",
        "debt_bondage",
        "child_in_custody",
    ):
        expect_alert(running_stack, alert_type, [ids[-1]])


def test_as6_a_seizure_from_a_child_out_of_area_then_a_further_missing_episode(
    running_stack: RunningStack,
) -> None:
    tag = run_tag()
    c2 = child(f"Cy Synth{tag}", home_local_authority="Synth Borough")
    seizure = submit(
        running_stack,
        _report(
            NOW - timedelta(days=6),
            {
                "type": "operation",
                "kind": "seizure",
                "premises": {
                    "name": f"Synthetic Station Car Park {tag}",
                    "local_authority": "Synth Coast",
                },
                "persons_present": [c2],
                "seized": [{"kind": "cash", "value_gbp": "380.00"}, {"kind": "drugs"}],
            },
        ),
    )
    county = expect_alert(running_stack, "county_lines_suspected", [seizure])
    assert "cash" in county["summary"] and "drugs" in county["summary"]
    debt = expect_alert(running_stack, "debt_bondage", [seizure])
    assert debt["priority"] == "medium"
    assert any(d["basis"].startswith("immediately on a seizure") for d in debt["deadlines"])
    start = NOW - timedelta(days=1, hours=8)
    later = [
        _missing(running_stack, c2, start),
        _found(running_stack, c2, NOW - timedelta(hours=2), condition=["injured", "hungry"]),
    ]
    escalation = expect_alert(running_stack, "missing_escalation", later)
    assert "lasted 30 hours" in escalation["summary"]
    # The same alert, escalated: the later episode and the injury within 90 days of the seizure.
    escalated = expect_alert(running_stack, "debt_bondage", [seizure, *later])
    assert escalated["alert_id"] == debt["alert_id"]
    assert escalated["priority"] == "high"
    assert "come back injured" in escalated["summary"]


def test_as3_a_cpw_condition_not_to_return_to_an_area_is_breached(
    running_stack: RunningStack,
) -> None:
    tag = run_tag()
    yp = child(f"Ez Synth{tag}", home_local_authority="North Synthshire")
    area = f"Synth Essex {tag}"
    order = submit(
        running_stack,
        _report(
            NOW - timedelta(days=10),
            {
                "type": "protective_order",
                "kind": "community_protection_warning",
                "subject": yp,
                "issued_on": (NOW - timedelta(days=10)).date().isoformat(),
                "exclusion_areas": [{"name": area}],
                "conditions": ["not to return to the area"],
            },
        ),
    )
    seen = submit(
        running_stack,
        _report(
            NOW - timedelta(hours=1),
            {
                "type": "sighting",
                "persons": [yp],
                "place": {"name": f"Synthetic High Street {tag}", "local_authority": area},
            },
        ),
    )
    breach = expect_alert(running_stack, "protective_condition_breach", [order, seen])
    assert breach["priority"] == "urgent"
