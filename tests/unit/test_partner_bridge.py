"""The partner bridge's decision: a partner's report is its own agency's, whatever it claims."""

import json
import re

from schemas.reports import ReportRejected
from services.network.config import Settings
from services.network.partner_bridge import inbound_pattern, route, submitted_by

SETTINGS = Settings(network_partner_topic_prefix="intel.partner.")
AGENCIES = ["Synthetic Home A", "Synthetic Police"]
HOME_TOPIC = "intel.partner.synthetic-home-a.reports.v1"


def _route(topic: str, value: bytes) -> tuple[str, dict[str, object]]:
    forward = route(
        topic=topic, key=b"k", value=value, agencies=lambda: AGENCIES, settings=SETTINGS
    )
    return forward.topic, json.loads(forward.value)


def test_a_forged_agency_and_submitter_are_replaced_by_the_topic_s_own() -> None:
    claimed = {"event_id": "e1", "source_agency": "Synthetic Police", "submitted_by": "pc.x"}
    topic, event = _route(HOME_TOPIC, json.dumps(claimed).encode())
    assert topic == SETTINGS.network_reports_topic
    assert event["source_agency"] == "Synthetic Home A"
    assert event["submitted_by"] == submitted_by("Synthetic Home A")
    assert event["event_id"] == "e1"


def test_a_report_without_an_agency_gets_the_topic_s() -> None:
    _, event = _route(HOME_TOPIC, b'{"event_id": "e2"}')
    assert event["source_agency"] == "Synthetic Home A"


def test_what_is_not_a_json_object_goes_to_the_dead_letters_with_the_reason() -> None:
    for value in (b"{not json", b"[1, 2]", b"\xff\xfe"):
        topic, parked = _route(HOME_TOPIC, value)
        assert topic == SETTINGS.network_dead_letter_topic
        rejected = ReportRejected.model_validate(parked)
        assert HOME_TOPIC in rejected.reason


def test_a_topic_of_no_registered_agency_is_dead_lettered_not_forwarded() -> None:
    topic, parked = _route("intel.partner.synthetic-unknown.reports.v1", b'{"event_id": "e3"}')
    assert topic == SETTINGS.network_dead_letter_topic
    assert "no registered agency" in str(parked["reason"])


def test_the_pattern_matches_inbound_topics_only() -> None:
    pattern = re.compile(inbound_pattern("intel.partner."))
    assert pattern.match(HOME_TOPIC)
    for other in (
        "intel.reports.v1",
        "intel.partner.x.reports.v1.extra",
        "xintel.partner.a.reports.v1",
    ):
        assert not pattern.match(other)
