"""Place and context scenarios through the real services: AS-1, AS-2/AS-5, AS-4 and AS-11."""

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.factories import report_json, run_tag
from tests.support.scenarios import adult, child, expect_alert, processed, submit, types_citing
from tests.support.stack import RunningStack

pytestmark = pytest.mark.e2e


def _names(alert: dict[str, Any]) -> set[str]:
    return {s["display_name"] for s in alert["subjects"]}


def _approach(pupil: dict[str, Any], group: str, place: dict[str, Any]) -> dict[str, Any]:
    return report_json(
        {
            "type": "approach",
            "approached": [pupil],
            "group": group,
            "place": place,
            "purpose": "drug_trafficking",
        }
    )


def _sighting(persons: list[dict[str, Any]], place: dict[str, Any]) -> dict[str, Any]:
    return report_json({"type": "sighting", "persons": persons, "place": place})


def test_as1_pupils_of_one_school_approached_at_a_take_away(running_stack: RunningStack) -> None:
    tag = run_tag()
    school = {"name": f"Synth Academy {tag}", "postcode": "ZZ99 1SA", "category": "school"}
    shop = {"name": f"Synth Take-away {tag}", "postcode": "ZZ99 1TA", "category": "take_away"}
    pupils = [child(f"{n} Pupil{tag}", school=school) for n in ("Dean", "Eve")]
    ids = [submit(running_stack, _approach(p, f"Synth Crew {tag}", shop)) for p in pupils]
    peer = expect_alert(running_stack, "peer_group_context", ids)
    assert {school["name"], *(p["name"] for p in pupils)} <= _names(peer)
    assert f"2 pupils of {school['name']}" in peer["summary"]
    hotspot = expect_alert(running_stack, "shared_hotspot", ids)
    assert shop["name"] in _names(hotspot)


def test_as2_as5_a_raid_at_a_vulnerable_tenants_flat_with_a_child_present(
    running_stack: RunningStack,
) -> None:
    tag = run_tag()
    flat = {
        "name": f"Synth Flat {tag}",
        "postcode": "ZZ99 2FL",
        "category": "private_address",
        "local_authority": "Synthshire",
    }
    tenant = {"name": f"Vi Tenant{tag}", "role": "vulnerable_adult"}
    earlier, present = child(f"Bo Synth{tag}"), child(f"Di Synth{tag}")
    concern = submit(
        running_stack,
        report_json(
            {
                "type": "address_concern",
                "place": flat,
                "tenant": tenant,
                "tenant_vulnerable": True,
            }
        ),
    )
    seen = submit(running_stack, _sighting([earlier], flat))
    raid = submit(
        running_stack,
        report_json(
            {
                "type": "operation",
                "kind": "raid",
                "premises": flat,
                "seized": [{"kind": "drugs"}, {"kind": "cash"}],
                "persons_present": [
                    present,
                    tenant,
                    adult(f"Mo Adult{tag}", home_local_authority="Othershire"),
                ],
            }
        ),
    )
    trap = expect_alert(running_stack, "trap_house", [seen, raid])
    assert {earlier["name"], present["name"]} <= _names(trap)
    cuckoo = expect_alert(running_stack, "cuckooing", [concern, seen, raid])
    assert "refer the vulnerable tenant to adult social care" in cuckoo["actions"]
    assert tenant["name"] in _names(cuckoo)
    # The child present at the raid (not the one seen there before): 48 hours of safeguarding,
    # and the drugs and cash seized put them at risk of debt bondage.
    custody = expect_alert(running_stack, "child_in_custody", [raid])
    assert _names(custody) == {present["name"], flat["name"]}
    assert present["name"] in _names(expect_alert(running_stack, "debt_bondage", [raid]))


def test_as4_one_car_collects_residents_of_two_care_homes(running_stack: RunningStack) -> None:
    tag = run_tag()
    mark = f"ZZ{int(tag[:4], 16) % 90 + 10}CHT"
    homes = [
        {"name": f"Synth Home {n}{tag}", "postcode": f"ZZ99 3H{n}", "category": "care_home"}
        for n in ("A", "B")
    ]
    residents = [
        child(f"{n} Resident{tag}", placement=home)
        for n, home in zip(("Ro", "Sy"), homes, strict=True)
    ]
    ids = [
        submit(
            running_stack,
            report_json(
                {
                    "type": "vehicle_sighting",
                    "vehicle": {"vrm": mark, "colour": "grey", "make": "Hatchback"},
                    "place": home,
                    "got_in": [resident],
                }
            ),
        )
        for home, resident in zip(homes, residents, strict=True)
    ]
    alert = expect_alert(running_stack, "care_home_targeted", ids)
    assert {mark, *(h["name"] for h in homes), *(r["name"] for r in residents)} == _names(alert)
    assert any("without naming other children" in a for a in alert["actions"])


def test_as4_event_1_a_resident_leaves_with_luggage_and_money(running_stack: RunningStack) -> None:
    tag = run_tag()
    home = {"name": f"Synth Home C{tag}", "postcode": "ZZ99 3HC", "category": "care_home"}
    left = datetime.now(UTC) - timedelta(minutes=30)
    departed = submit(
        running_stack,
        report_json(
            {
                "type": "departed",
                "child": child(f"Ro Leaver{tag}", placement=home),
                "left_at": left.isoformat(),
                "left_from": home,
                "meeting": [{"nicknames": [f"Pal{tag}"], "role": "unknown"}],
                "expected_back": (left + timedelta(hours=3)).isoformat(),
                "carrying": ["luggage", "money"],
                "transport": "the 18:10 bus",
                "departure_point": {
                    "name": f"Synth Bus Station {tag}",
                    "category": "bus_or_train_station",
                },
            },
            observed_at=left.isoformat(),
        ),
    )
    alert = expect_alert(running_stack, "departure_risk", [departed])
    assert f"meeting Pal{tag}" in alert["summary"]
    assert "escort or follow them" in alert["summary"]
    late = next(d for d in alert["deadlines"] if d["action"].startswith("report them missing"))
    assert datetime.fromisoformat(late["due_at"]) == left + timedelta(hours=4)
    assert any("border alert" in a for a in alert["actions"])  # leaving from a bus station


def _north(lat: float, miles: float) -> float:
    return lat + math.degrees(miles * 1609.344 / 6_371_008.8)


def test_as11_a_bailed_adult_seen_near_the_protected_home(running_stack: RunningStack) -> None:
    tag = run_tag()
    lat, lon = 51.5, -0.02
    home = {"name": f"31 Synth Dock {tag}", "coordinates": {"lat": lat, "lon": lon}}
    subject = adult(f"Mo Bailed{tag}")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    order = submit(
        running_stack,
        report_json(
            {
                "type": "protective_order",
                "kind": "bail_conditions",
                "subject": subject,
                "no_contact": [child(f"Dee Protected{tag}")],
                "issued_on": yesterday.isoformat(),
                "radius_m": 1609,
                "centre": home,
            }
        ),
    )
    far, near = (
        submit(
            running_stack,
            _sighting(
                [subject],
                {
                    "name": f"Synth {what} {tag}",
                    "coordinates": {"lat": _north(lat, miles), "lon": lon},
                },
            ),
        )
        for what, miles in (("Park", 1.5), ("Corner", 0.6))
    )
    alert = expect_alert(running_stack, "protective_condition_breach", [order, near])
    assert alert["priority"] == "urgent"
    assert "0.6 miles from" in alert["summary"]
    assert "hold an immediate strategy meeting and notify police" in alert["actions"]
    processed(running_stack)
    assert "protective_condition_breach" not in types_citing(running_stack, [far])


def test_children_at_their_school_a_youth_club_or_their_home_raise_nothing(
    running_stack: RunningStack,
) -> None:
    tag = run_tag()
    school = {"name": f"Synth High {tag}", "postcode": "ZZ99 4SH", "category": "school"}
    club = {"name": f"Synth Youth Club {tag}", "postcode": "ZZ99 4YC", "category": "other"}
    home = {"name": f"Synth House {tag}", "postcode": "ZZ99 4HH", "category": "care_home"}
    pupils = [child(f"{n} Pupil{tag}", school=school) for n in ("Fay", "Gus", "Hal")]
    residents = [child(f"{n} Resident{tag}", placement=home) for n in ("Ike", "Jo", "Kim")]
    ids = [
        submit(running_stack, _sighting(pupils, school)),
        submit(running_stack, _sighting(pupils[:2], club)),
        submit(running_stack, _sighting(residents, home)),
    ]
    processed(running_stack)
    assert types_citing(running_stack, ids) == set()
