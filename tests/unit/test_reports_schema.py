"""The report models reject what a partner gets wrong, naming the field."""

import pytest
from pydantic import ValidationError

from schemas.reports import ReportSubmitted, SightingCreate
from tests.factories import sighting, sighting_json, submitted


def _error_locations(payload: dict[str, object]) -> list[tuple[object, ...]]:
    with pytest.raises(ValidationError) as caught:
        SightingCreate.model_validate(payload)
    return [e["loc"] for e in caught.value.errors()]


def test_rejects_unknown_field_by_name() -> None:
    payload = sighting_json("Ava Synth", place="Synthetic Park") | {"colour": "red"}
    assert ("colour",) in _error_locations(payload)


def test_rejects_observation_time_without_zone() -> None:
    payload = sighting_json("Ava Synth", place="Synthetic Park")
    payload["observed_at"] = "2026-11-20T10:00:00"
    assert ("observed_at",) in _error_locations(payload)


def test_rejects_report_without_people() -> None:
    payload = sighting_json("Ava Synth", place="Synthetic Park")
    payload["persons"] = []
    assert ("persons",) in _error_locations(payload)


def test_rejects_unknown_place_category() -> None:
    payload = sighting_json("Ava Synth", place="Synthetic Park", category="castle")
    assert ("place", "category") in _error_locations(payload)


def test_event_round_trips_and_consumers_ignore_new_fields() -> None:
    event = submitted(sighting("Ava Synth", "Ben Synth"))
    wire = event.model_dump(mode="json") | {"added_later": 1}
    assert ReportSubmitted.model_validate(wire) == event
    assert event.report_id == event.event_id
