"""Finding 3 of issue 13: no audience list names the agency of a source-protected report."""

from datetime import UTC, datetime
from uuid import uuid4

from common.auth import Principal, Role
from common.keys import installation_key
from common.visibility import audiences_of
from schemas.alerts import AlertRaised, Evidence
from schemas.grading import Grading
from services.alerts.delivery.visibility import may_see
from services.network.identities import audiences
from tests.support.factories import sighting, submitted

COVERT = "Synthetic Covert Unit"


def _protected(*, named: list[str] | None = None) -> tuple[str, list[str]]:
    grading = Grading.model_validate(
        {
            "source": 1,
            "intelligence": "B",
            "handling": "C",
            "conditions": {"roles": ["police"], "agencies": named or []},
        }
    )
    report = sighting("Ava Synth").model_copy(update={"grading": grading, "source_protected": True})
    event = submitted(report, agency=COVERT)
    return str(event.event_id), audiences(event, key=installation_key())


def _alert(report_id: str, visible_to: list[str]) -> AlertRaised:
    now = datetime.now(UTC)
    return AlertRaised.model_validate(
        {
            "event_id": uuid4(),
            "occurred_at": now,
            "alert_id": uuid4(),
            "type": "shared_hotspot",
            "fingerprint": "f",
            "status": "open",
            "priority": "medium",
            "summary": "s",
            "subjects": [],
            "evidence": [Evidence(report_id=report_id, observed_at=now)],
            "raised_at": now,
            "updated_at": now,
            "visibility": [visible_to],
        }
    )


def test_the_agency_of_a_protected_report_is_named_in_no_audience() -> None:
    report_id, visible_to = _protected()
    assert not any("Covert" in audience for audience in visible_to)
    assert COVERT not in _alert(report_id, visible_to).model_dump_json()


def test_the_protected_agency_itself_and_the_named_roles_still_see_it() -> None:
    report_id, visible_to = _protected()
    alert = _alert(report_id, visible_to)
    assert may_see(alert, audiences_of(Principal("dc.synth", COVERT, Role.ANALYST)))
    assert may_see(alert, audiences_of(Principal("pc.other", "Synthetic Police", Role.POLICE)))
    assert not may_see(alert, audiences_of(Principal("a.other", "Synthetic Home A", Role.ANALYST)))


def test_an_agency_its_conditions_name_is_named_as_usual() -> None:
    _, visible_to = _protected(named=[COVERT])
    assert f"agency:{COVERT}" in visible_to
