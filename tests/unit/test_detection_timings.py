"""The alert worker logs each batch's slowest detectors once, not a line per entity."""

from services.alerts.detection import slowest


def test_the_slowest_detectors_come_first_with_how_many_entities_each_examined() -> None:
    timings = {
        "shared_hotspot": [120.4, 80.0],
        "trap_house": [15.0],
        "peer_group_context": [310.0, 5.0, 7.0],
        "co_missing": [2.0],
    }
    assert slowest(timings) == (
        "peer_group_context 310 ms/3, shared_hotspot 120 ms/2, trap_house 15 ms/1"
    )


def test_no_detector_ran_is_an_empty_summary() -> None:
    assert slowest({}) == ""
