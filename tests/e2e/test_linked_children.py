"""Scenarios through the real services: one adult or one car linked to two children."""

from typing import Any

import pytest

from tests.support.factories import report_json, run_tag
from tests.support.polling import eventually
from tests.support.scenarios import alert_citing, child, processed
from tests.support.stack import RunningStack

pytestmark = pytest.mark.e2e


def test_an_adult_associated_with_two_children_raises_an_alert(
    running_stack: RunningStack,
) -> None:
    tag = run_tag()
    adult = {"name": f"Carl Adult{tag}", "role": "adult", "estimated_age": 31}
    ids = [
        running_stack.submit(
            report_json(
                {
                    "type": "association",
                    "person_a": child(f"{first} Synth{tag}"),
                    "person_b": adult,
                    "nature": "risky_adult",
                }
            )
        )
        for first in ("Ava", "Ben")
    ]
    alert = eventually(
        lambda: alert_citing(running_stack, "adult_linked_to_children", ids),
        what="an adult_linked_to_children alert citing both reports",
    )
    assert {s["display_name"] for s in alert["subjects"]} == {
        f"Carl Adult{tag}",
        f"Ava Synth{tag}",
        f"Ben Synth{tag}",
    }
    assert "strategy meeting" in alert["summary"]


def test_a_car_two_children_got_into_raises_an_alert(running_stack: RunningStack) -> None:
    tag = run_tag()
    mark = f"ZZ{int(tag[:4], 16) % 90 + 10}XYZ"
    ids = [
        running_stack.submit(
            report_json(
                {
                    "type": "vehicle_sighting",
                    "vehicle": {"vrm": written, "colour": "black"},
                    "place": {"name": f"Synthetic Home {tag}", "category": "care_home"},
                    "got_in": [child(f"{first} Synth{tag}")],
                }
            )
        )
        for first, written in (("Cai", mark.lower()), ("Dee", mark[:4] + " " + mark[4:]))
    ]
    alert = eventually(
        lambda: alert_citing(running_stack, "vehicle_linked_to_children", ids),
        what="a vehicle_linked_to_children alert citing both reports",
    )
    assert alert["subjects"][0]["id"] == f"vehicle:{mark}"


def test_children_at_their_own_care_home_raise_no_hotspot(running_stack: RunningStack) -> None:
    tag = run_tag()
    home = {"name": f"Synthetic Home {tag}", "category": "care_home"}
    ids = [
        running_stack.submit(
            report_json({"type": "sighting", "persons": [child(f"{n} Synth{tag}")], "place": home})
        )
        for n in ("Eli", "Fay", "Gus", "Hal")
    ]
    processed(running_stack)
    cited = {e["report_id"] for a in running_stack.alerts() for e in a["evidence"]}  # type: ignore[attr-defined]
    assert not set(ids) & cited


def test_a_retracted_report_is_withdrawn_from_the_alerts_that_cite_it(
    running_stack: RunningStack,
) -> None:
    tag = run_tag()
    adult = {"name": f"Rob Adult{tag}", "role": "adult", "estimated_age": 35}

    def associate(first: str) -> str:
        return running_stack.submit(
            report_json(
                {
                    "type": "association",
                    "person_a": child(f"{first} Synth{tag}"),
                    "person_b": adult,
                    "nature": "risky_adult",
                }
            )
        )

    ids = [associate(first) for first in ("Amy", "Bea", "Cal")]
    alert = eventually(
        lambda: alert_citing(running_stack, "adult_linked_to_children", ids),
        what="an alert citing the three associations",
    )
    running_stack.retract(ids[2], "entered against the wrong young person")

    def without_the_third() -> dict[str, Any] | None:
        now = next(a for a in running_stack.alerts() if a["alert_id"] == alert["alert_id"])
        cited = {e["report_id"] for e in now["evidence"]}  # type: ignore[attr-defined]
        return now if ids[2] not in cited else None

    updated = eventually(without_the_third, what="the alert updated without the retracted report")
    assert updated["status"] == "open" and len(updated["subjects"]) == 3

    running_stack.retract(ids[1], "duplicate of another agency's report")

    def closed() -> dict[str, Any] | None:
        now = next(a for a in running_stack.alerts() if a["alert_id"] == alert["alert_id"])
        return now if now["status"] == "closed" else None

    gone = eventually(closed, what="the alert closed once its pattern no longer holds")
    assert "retracted" in str(gone["closure_reason"])


def test_one_number_in_contact_with_two_children_is_a_shared_phone(
    running_stack: RunningStack,
) -> None:
    tag = run_tag()
    number = f"07700 900{int(tag[:3], 16) % 1000:03d}"
    ids = [
        running_stack.submit(
            report_json(
                {
                    "type": "phone_contact",
                    "subject": child(f"{first} Synth{tag}"),
                    "contacted_by": [number],
                    "unknown_callers": True,
                }
            )
        )
        for first in ("Flo", "Gil")
    ]
    alert = eventually(
        lambda: alert_citing(running_stack, "shared_phone", ids),
        what="a shared_phone alert citing both reports",
    )
    assert alert["subjects"][0]["kind"] == "phone"
    assert any("phone examination" in a for a in alert["actions"])
