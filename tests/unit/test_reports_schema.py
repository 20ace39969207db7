"""The report envelope and every event type: what is accepted, and what is refused by name."""

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from schemas.events import EVENT_TYPES
from schemas.reports import ReportCreate, ReportSubmitted
from tests.support.examples import CHILD, EVENTS
from tests.support.factories import report_json, sighting, sighting_json, submitted


def _locations(payload: dict[str, Any]) -> list[tuple[object, ...]]:
    with pytest.raises(ValidationError) as caught:
        ReportCreate.model_validate(payload)
    return [e["loc"] for e in caught.value.errors()]


def test_there_is_an_example_of_every_event_type() -> None:
    declared = {model.model_fields["type"].default for model in EVENT_TYPES}
    assert declared == set(EVENTS) and len(declared) == 14


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_every_event_type_is_accepted_and_round_trips(kind: str) -> None:
    report = ReportCreate.model_validate(report_json(EVENTS[kind]))
    assert report.event.type == kind
    wire = submitted(report).model_dump_json()
    assert ReportSubmitted.from_wire(wire).report == report


def test_rejects_unknown_field_by_name() -> None:
    payload = report_json(EVENTS["sighting"]) | {"colour": "red"}
    assert ("colour",) in _locations(payload)


def test_names_the_bad_field_inside_the_event() -> None:
    event = EVENTS["vehicle_sighting"] | {"vehicle": {"vrm": "not a plate!"}}
    assert ("event", "vehicle_sighting", "vehicle", "vrm") in _locations(report_json(event))


def test_rejects_observation_time_without_zone() -> None:
    payload = report_json(EVENTS["sighting"], observed_at="2026-11-20T10:00:00")
    assert ("observed_at",) in _locations(payload)


def test_rejects_an_unknown_event_type() -> None:
    assert ("event",) in _locations(report_json({"type": "rumour"}))


def test_a_person_needs_something_to_know_them_by() -> None:
    event = EVENTS["sighting"] | {"persons": [{"role": "young_person"}]}
    assert ("event", "sighting", "persons", 0) in _locations(report_json(event))


@pytest.mark.parametrize(
    ("grading", "where"),
    [
        ({"source": 4, "intelligence": "B", "handling": "P"}, ("grading", "source")),
        ({"source": 2, "intelligence": "F", "handling": "P"}, ("grading", "intelligence")),
        ({"source": 2, "intelligence": "B", "handling": "C"}, ("grading",)),
        (
            {
                "source": 2,
                "intelligence": "B",
                "handling": "P",
                "conditions": {"roles": ["police"]},
            },
            ("grading",),
        ),
        (
            {"source": 2, "intelligence": "B", "handling": "C", "conditions": {}},
            ("grading", "conditions"),
        ),
    ],
)
def test_grading_is_3x5x2_with_conditions_only_for_c(
    grading: dict[str, Any], where: tuple[str, ...]
) -> None:
    assert where in _locations(report_json(EVENTS["sighting"], grading=grading))


def test_c_handling_records_who_may_receive_it() -> None:
    grading = {
        "source": 1,
        "intelligence": "A",
        "handling": "C",
        "conditions": {"agencies": ["Synthetic Police"], "roles": ["police"]},
    }
    report = ReportCreate.model_validate(report_json(EVENTS["sighting"], grading=grading))
    assert report.grading.code == "1A C"
    assert report.grading.conditions is not None
    assert report.grading.conditions.agencies == ["Synthetic Police"]


def test_identifiers_are_normalised_on_the_way_in() -> None:
    report = ReportCreate.model_validate(report_json(EVENTS["vehicle_sighting"]))
    assert report.event.vehicle.vrm == "ZZ51SYN"  # type: ignore[union-attr]
    assert report.event.vehicle.vrm_format == "current"  # type: ignore[union-attr]
    assert report.event.place.postcode == "ZZ99 2BB"  # type: ignore[union-attr]
    social = ReportCreate.model_validate(report_json(EVENTS["social_media"])).event
    assert social.handle == "synthetic.example"  # type: ignore[union-attr]
    phones = ReportCreate.model_validate(report_json(EVENTS["phone_contact"])).event
    assert phones.contacted_by == ["+447700900123"]  # type: ignore[union-attr]


def test_partition_key_follows_the_subject() -> None:
    one = submitted(ReportCreate.model_validate(report_json(EVENTS["missing_reported"])))
    two = submitted(ReportCreate.model_validate(report_json(EVENTS["missing_ended"])))
    assert one.partition_key() == two.partition_key() == b"person|dara synth-example|2010-04-02"
    place = submitted(sighting("Ava Synth", place="Synthetic Park")).partition_key()
    assert place == b"place|ZZ99 9ZZ|synthetic park"


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"kind": "cawn", "protected": []}, "CAWN"),
        ({"radius_m": None}, "radius"),
        ({"expires_on": "2026-01-01"}, "expires_on"),
    ],
)
def test_protective_orders_are_complete_for_their_kind(
    changes: dict[str, Any], fragment: str
) -> None:
    event = EVENTS["protective_order"] | changes
    with pytest.raises(ValidationError, match=fragment):
        ReportCreate.model_validate(report_json(event))


def test_an_address_concern_says_what_the_concern_is() -> None:
    event = EVENTS["address_concern"] | {
        "multiple_callers": False,
        "tenant_vulnerable": False,
        "suspected_cuckooing": False,
    }
    with pytest.raises(ValidationError, match="say what the concern is"):
        ReportCreate.model_validate(report_json(event))


def test_future_dates_of_birth_are_refused() -> None:
    child = CHILD | {"date_of_birth": date(2099, 1, 1).isoformat()}
    with pytest.raises(ValidationError, match="future"):
        ReportCreate.model_validate(report_json(EVENTS["sighting"] | {"persons": [child]}))


def test_consumers_ignore_fields_a_newer_producer_added() -> None:
    wire = submitted(sighting("Ava Synth")).model_dump(mode="json")
    wire["added_later"] = 1
    wire["report"]["event"]["persons"][0]["added_later"] = True
    import json

    assert ReportSubmitted.from_wire(json.dumps(wire)).report.event.type == "sighting"


def test_a_time_before_year_one_in_utc_is_a_validation_error() -> None:
    body = sighting_json("Ava Synth", place="Synthetic Park")
    body["observed_at"] = "0001-01-01T00:00:00+14:00"
    with pytest.raises(ValidationError, match="out of range"):
        ReportCreate.model_validate(body)
