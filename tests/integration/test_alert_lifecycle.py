"""The alert lifecycle on the real Neo4j through the alert API with real tokens: acknowledge,
assign, action, close and feedback, who may change an alert (its role, and whether the alert is
for their force), and the cool-down after closing."""

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import AsyncGraphDatabase, Driver

from common.auth import Role, TokenStore
from common.settings import InfraSettings
from schemas.alerts import AlertRaised, AlertStatus, AlertSubject, AlertType, Evidence, Priority
from schemas.reports import ReportCreate
from services.alerts.config import Settings
from services.alerts.main import create_app
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.store import Neo4jAlertStore
from tests.support import queries
from tests.support.factories import report_json, sighting_json, submitted
from tests.support.linking import link_events, record, restricted_hotspot_alert, save_alert

pytestmark = pytest.mark.integration
HOME, POLICE, OTHER_FORCE = "Synthetic Home A", "Synthetic Police", "Synthetic Other Force"

Json = dict[str, Any]
DELETE_HISTORY = "MATCH (h:AlertHistory {alert_id: $alert_id}) DETACH DELETE h"
PURPOSE = "synthetic lifecycle test"


@pytest.fixture
def alert(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[AlertRaised]:
    """An open alert citing one C-coded report that only Synthetic Police may see."""
    raised = datetime.now(UTC) - timedelta(minutes=1)  # before every change the test makes
    event, alert = restricted_hotspot_alert(settings, home=HOME, visible_to=POLICE, at=raised)
    try:
        yield alert
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=[str(event.event_id)]
        )
        neo4j_driver.execute_query(DELETE_HISTORY, alert_id=str(alert.alert_id))


@dataclass
class Api:
    client: TestClient
    auth: dict[str, dict[str, str]]  # Authorization header per user

    def get(self, user: str, path: str, **params: str) -> tuple[int, Json]:
        params = {"purpose": PURPOSE} | params  # every read of alerts states one (audited)
        response = self.client.get(path, params=params, headers=self.auth[user])
        return response.status_code, response.json()

    def post(self, user: str, path: str, body: Json | None = None) -> tuple[int, Json]:
        response = self.client.post(path, json=body, headers=self.auth[user])
        return response.status_code, response.json()


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """The alert API on the real Neo4j, and real tokens for four users."""
    auth_file = tmp_path / "users.json"
    store = TokenStore(auth_file)
    for agency in (HOME, POLICE, OTHER_FORCE):
        store.add_agency(agency)
    users = {
        "pc.synth": (POLICE, Role.POLICE),
        "an.synth": (POLICE, Role.ANALYST),
        "pc.other": (OTHER_FORCE, Role.POLICE),
        "admin.other": (OTHER_FORCE, Role.ADMIN),
    }
    auth = {
        user: {"Authorization": f"Bearer {store.issue(user=user, agency=agency, role=role)}"}
        for user, (agency, role) in users.items()
    }
    # Its changes wait in the outbox of a topic no worker reads, never the real alerts topic's.
    settings = Settings(
        tessera_auth_file=str(auth_file), alerts_topic=f"test.{uuid.uuid4().hex[:8]}.alerts"
    )
    with TestClient(create_app(settings)) as client:
        yield Api(client=client, auth=auth)


def _record_again(settings: InfraSettings, alert: AlertRaised, *, more: bool) -> AlertRaised | None:
    """Run the detector's use case on the real store for the closed alert's pattern."""
    extra = (Evidence(report_id=uuid.uuid4(), observed_at=datetime.now(UTC)),) if more else ()
    candidate = AlertCandidate(
        type=alert.type,
        fingerprint=alert.fingerprint,
        priority=alert.priority,
        summary=alert.summary,
        subjects=alert.subjects,
        evidence=alert.evidence + extra,
        anchor_id=alert.subjects[0].id,
    )

    return record(settings, candidate, now=datetime.now(UTC))


def test_an_alert_goes_through_its_lifecycle_and_keeps_its_history(
    alert: AlertRaised, api: Api, settings: InfraSettings
) -> None:
    path = f"/v1/alerts/{alert.alert_id}"

    code, body = api.post("pc.synth", f"{path}/acknowledge")
    assert (code, body["status"]) == (200, "acknowledged"), body
    assert body["alert_id"] == str(alert.alert_id) and body["event_id"] != str(alert.event_id)

    code, body = api.post("pc.synth", f"{path}/acknowledge")
    assert code == 409
    assert body["detail"] == (
        "cannot acknowledge an alert that is acknowledged: "
        "acknowledge is allowed only when it is open"
    )

    code, body = api.post("pc.synth", f"{path}/assign", {"assignee": "ds.synth"})
    assert (code, body["assignee"], body["status"]) == (200, "ds.synth", "acknowledged"), body

    def listed(**filters: str) -> bool:
        code, page = api.get("pc.synth", "/v1/alerts", limit="200", **filters)
        assert code == 200, page
        return str(alert.alert_id) in {a["alert_id"] for a in page["items"]}

    assert listed(assignee="ds.synth", priority="medium")
    assert not listed(assignee="someone.else")
    assert not listed(assignee="ds.synth", priority="urgent")

    code, body = api.post("pc.synth", f"{path}/action", {"note": "strategy meeting held"})
    assert (code, body["status"]) == (200, "actioned"), body

    code, body = api.post(
        "pc.synth", f"{path}/close", {"reason": "disruption complete", "false_positive": False}
    )
    assert (code, body["status"], body["closure_reason"]) == (200, "closed", "disruption complete")

    code, body = api.post("pc.synth", f"{path}/assign", {"assignee": "ds.synth"})
    assert code == 409, body
    assert "allowed only when it is open or acknowledged or actioned" in body["detail"]

    code, body = api.post(
        "pc.synth", f"{path}/feedback", {"false_positive": True, "comment": "a school trip"}
    )
    assert (code, body["status"], body["false_positive"]) == (200, "closed", True), body

    code, detail = api.get("pc.synth", path)
    assert code == 200, detail
    assert detail["alert"]["status"] == "closed" and detail["alert"]["assignee"] == "ds.synth"
    steps = [(h["by"], h["action"], h["status"], h["note"]) for h in detail["history"]]
    assert steps == [
        ("test", "raised", "open", ""),
        ("pc.synth", "acknowledged", "acknowledged", ""),
        ("pc.synth", "assigned", "acknowledged", "to ds.synth"),
        ("pc.synth", "actioned", "actioned", "strategy meeting held"),
        ("pc.synth", "closed", "closed", "disruption complete"),
        ("pc.synth", "feedback", "closed", "false positive: a school trip"),
    ]
    times = [datetime.fromisoformat(h["at"]) for h in detail["history"]]
    assert times == sorted(times)

    # Closed, the pattern stays quiet: the same evidence again, or new evidence within the
    # cool-down, raises nothing.
    assert _record_again(settings, alert, more=False) is None
    assert _record_again(settings, alert, more=True) is None


def test_analysts_may_read_an_alert_but_not_change_it(alert: AlertRaised, api: Api) -> None:
    path = f"/v1/alerts/{alert.alert_id}"
    code, detail = api.get("an.synth", path)
    assert (code, detail["alert"]["status"]) == (200, "open")
    code, body = api.post("an.synth", f"{path}/acknowledge")
    assert (code, body["detail"]) == (403, "your role may not change alerts")
    assert api.get("pc.synth", path)[1]["alert"]["status"] == "open"


def test_an_alert_a_caller_may_not_see_is_not_found(alert: AlertRaised, api: Api) -> None:
    path = f"/v1/alerts/{alert.alert_id}"
    missing = f"/v1/alerts/{uuid.uuid4()}"
    assert (
        api.get("pc.other", path)
        == api.get("pc.other", missing)
        == (404, {"detail": "no such alert"})
    )
    assert api.post("pc.other", f"{path}/acknowledge") == (404, {"detail": "no such alert"})
    code, body = api.post("pc.other", f"{path}/close", {"reason": "not ours"})
    assert code == 404, body
    assert api.get("pc.synth", path)[1]["alert"]["status"] == "open"


@pytest.mark.parametrize("body", [{}, {"reason": "   "}, {"reason": "x" * 501}])
def test_closing_needs_a_reason(alert: AlertRaised, api: Api, body: Json) -> None:
    code, answer = api.post("pc.synth", f"/v1/alerts/{alert.alert_id}/close", body)
    assert code == 422, answer
    assert answer["detail"][0]["loc"] == ["body", "reason"]


def test_a_note_json_cannot_echo_is_stored_not_a_500(alert: AlertRaised, api: Api) -> None:
    """A lone surrogate parses from JSON but no UTF-8 writer takes it: it becomes U+FFFD."""
    path = f"/v1/alerts/{alert.alert_id}"
    assert api.post("pc.synth", f"{path}/acknowledge")[0] == 200
    response = api.client.post(
        f"{path}/action",
        content='{"note": "seen \\ud800 twice"}',
        headers=api.auth["pc.synth"] | {"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    history = api.get("pc.synth", path)[1]["history"]
    assert history[-1]["note"] == "seen \ufffd twice"


def test_a_change_made_from_an_old_version_is_refused_not_saved_over_a_newer_one(
    settings: InfraSettings, alert: AlertRaised
) -> None:
    from services.alerts.ports import AlertChanged, HistoryEntry

    async def run() -> AlertRaised | None:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
        try:
            now = datetime.now(UTC)
            entry = HistoryEntry(at=now, by="t", action="acknowledged", status=AlertStatus.OPEN)
            newer = alert.model_copy(update={"event_id": uuid.uuid4(), "assignee": "ds.a"})
            await store.save(newer, anchor_id=None, history=entry, replaces=alert.event_id)
            await store.save(newer, anchor_id=None, history=entry, replaces=alert.event_id)
            stale = alert.model_copy(update={"event_id": uuid.uuid4(), "assignee": "ds.b"})
            with pytest.raises(AlertChanged):
                await store.save(stale, anchor_id=None, history=entry, replaces=alert.event_id)
            return await store.get_alert(alert.alert_id, audiences=["agency:" + POLICE])
        finally:
            await driver.close()

    kept = asyncio.run(run())
    assert kept is not None and kept.assignee == "ds.a"  # a retried write is not a conflict


@dataclass
class ForForce:
    """Alerts on shared reports that every force may see, for Synthetic Police only: one about
    a place a cited report puts in its area, one about a child a cited report places there."""

    place: AlertRaised
    child: AlertRaised
    uncited: AlertRaised  # the same place, citing only a report that puts it in another area


def _shared_alert(subject: AlertSubject, event: Any) -> AlertRaised:
    raised = datetime.now(UTC) - timedelta(minutes=1)
    return AlertRaised(
        event_id=uuid.uuid4(),
        occurred_at=raised,
        alert_id=uuid.uuid4(),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=f"shared_hotspot:{subject.id}:{uuid.uuid4().hex[:6]}",
        status=AlertStatus.OPEN,
        priority=Priority.MEDIUM,
        summary="synthetic alert for one force",
        subjects=(subject,),
        evidence=(Evidence(report_id=event.event_id, observed_at=event.report.observed_at),),
        raised_at=raised,
        updated_at=raised,
        visibility=(("all",),),
    )


def _sighting(name: str, place: Json) -> Json:
    """A shared sighting of a young person at a place given in full."""
    return report_json(sighting_json(name, place=place["name"])["event"] | {"place": place})


@pytest.fixture
def for_force(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[ForForce]:
    tag = uuid.uuid4().hex[:6]
    place = {"name": f"Synthetic Arcade {tag}", "postcode": "ZZ99 9ZZ"}
    events = [
        submitted(ReportCreate.model_validate(body), agency=HOME)
        for body in (
            _sighting(f"Ava Synth{tag}", place | {"police_force_area": POLICE}),
            _sighting(f"Ben Synth{tag}", place | {"police_force_area": OTHER_FORCE}),
            report_json(
                {
                    "type": "missing_reported",
                    "child": {"name": f"Cai Synth{tag}", "role": "young_person"},
                    "placement": {
                        "name": f"Synthetic Children's Home {tag}",
                        "postcode": "ZZ99 8ZZ",
                        "category": "care_home",
                        "police_force_area": "synthetic police",
                    },
                    "last_seen_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat(),
                }
            ),
        )
    ]
    linked = link_events(settings, events)
    [arcade] = {e.id for e in linked[0].entities if e.kind == "location"}
    assert arcade in {e.id for e in linked[1].entities}  # both sightings name the one place
    child = next(e.id for e in linked[2].entities if e.kind == "person")
    at_arcade = AlertSubject(kind="location", id=arcade, display_name="Synthetic Arcade")
    alerts = ForForce(
        place=_shared_alert(at_arcade, events[0]),
        child=_shared_alert(AlertSubject(kind="person", id=child, display_name="Cai"), events[2]),
        uncited=_shared_alert(at_arcade, events[1]),
    )
    for alert in (alerts.place, alerts.child, alerts.uncited):
        save_alert(settings, alert, anchor_id=alert.subjects[0].id)
    try:
        yield alerts
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=[str(e.event_id) for e in events]
        )
        for alert in (alerts.place, alerts.child, alerts.uncited):
            neo4j_driver.execute_query(DELETE_HISTORY, alert_id=str(alert.alert_id))


def test_home_forces_are_those_the_cited_reports_give_for_a_place_or_a_childs_placement(
    settings: InfraSettings, for_force: ForForce
) -> None:
    async def run() -> list[tuple[str, ...]]:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
        try:
            alerts = (for_force.place, for_force.child, for_force.uncited)
            return [await store.home_forces(alert) for alert in alerts]
        finally:
            await driver.close()

    assert asyncio.run(run()) == [(POLICE,), ("synthetic police",), (OTHER_FORCE,)]


def test_another_force_that_may_see_an_alert_may_not_change_it(
    for_force: ForForce, api: Api
) -> None:
    """Issue 14: a close from another force is refused, and the alert stays as it was, so its
    pattern's cool-down does not start."""
    for alert in (for_force.place, for_force.child):
        path = f"/v1/alerts/{alert.alert_id}"
        code, body = api.post("pc.other", f"{path}/close", {"reason": "not ours"})
        assert code == 403, body
        assert body["detail"].startswith("this alert is not for your force"), body
        assert api.post("pc.other", f"{path}/acknowledge")[0] == 403
        assert api.post("pc.other", f"{path}/feedback", {"false_positive": True})[0] == 403
        code, detail = api.get("pc.other", path)  # it may still read it
        assert code == 200, detail
        assert detail["alert"] == alert.model_dump(mode="json")
        assert [h["action"] for h in detail["history"]] == ["raised"]
    # The same place, by a report that puts it in the other force's area: that force's alert.
    path = f"/v1/alerts/{for_force.uncited.alert_id}"
    assert api.post("pc.synth", f"{path}/close", {"reason": "not ours"})[0] == 403
    code, body = api.post("pc.other", f"{path}/close", {"reason": "ours"})
    assert (code, body["status"]) == (200, "closed"), body


def test_police_of_the_home_force_and_admins_may_change_it(for_force: ForForce, api: Api) -> None:
    path = f"/v1/alerts/{for_force.place.alert_id}"
    code, body = api.post("admin.other", f"{path}/acknowledge")
    assert (code, body["status"], body["change"]) == (200, "acknowledged", "acknowledged"), body
    code, body = api.post("pc.synth", f"{path}/close", {"reason": "safeguarding plan agreed"})
    assert (code, body["status"], body["change"]) == (200, "closed", "closed"), body
    history = api.get("pc.synth", path)[1]["history"]
    assert [(h["by"], h["action"]) for h in history] == [
        ("test", "raised"),
        ("admin.other", "acknowledged"),
        ("pc.synth", "closed"),
    ]
    path = f"/v1/alerts/{for_force.child.alert_id}"
    code, body = api.post("pc.synth", f"{path}/assign", {"assignee": "ds.synth"})
    assert (code, body["assignee"], body["change"]) == (200, "ds.synth", "assigned"), body
