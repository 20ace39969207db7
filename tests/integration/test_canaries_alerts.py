"""The canary suite for alerts (issue 13): every alert channel, hunted for leaks.

Each scenario is a few reports that raise an alert type. It runs once with every report P (the
baseline), then once per report with that report coded C for one police force and a canary word
in its narrative. Its canaries are the values only that report states (names, nicknames,
registrations, phones, places: every value of it no other report of the scenario has). The
detectors run on everything linked, as the alert worker would, and every alert is recorded by
the worker's own use case. Then:

- outside the conditions (a police user of another force), no alert on any channel shows a
  canary: the alert API's list and detail, the live stream (the real feed and stream code, one
  poll), a webhook subscription of that force (the real choice of subscribers), and the alerts
  topic as its documented rule (`may_see` on `visibility`) lets a consumer pass it on;
- the alert API's evidence (what each cited report said: event, place, time, narrative) is read
  report by report through the receiver's own audiences, for every alert of the run, whether or
  not the alert itself reaches them: outside, the restricted report gives nothing of itself, not
  its narrative, nor its id;
- inside the conditions (a user of the force named), the baseline's alert types are raised and
  visible, and every canary the baseline's alerts showed is shown, so the suite cannot pass by
  showing nothing; an alert citing the restricted report shows its narrative in its evidence.
"""

import asyncio
import json
import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from logging import INFO
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import AsyncGraphDatabase, Driver

from common.auth import Principal, Role, TokenStore
from common.settings import InfraSettings
from common.visibility import audiences_of
from schemas.alerts import AlertRaised
from schemas.linking import EntityKind
from schemas.reports import ReportCreate
from services.alerts import detection, shared_reads
from services.alerts.batched_reads import BatchedReads
from services.alerts.config import Settings
from services.alerts.delivery.notify import subscribers
from services.alerts.delivery.ports import Cursor, Subscription
from services.alerts.delivery.store import Neo4jAlertFeed
from services.alerts.delivery.stream import follow_alerts
from services.alerts.delivery.visibility import may_see
from services.alerts.detection import Context, detect
from services.alerts.evidence import Neo4jEvidence
from services.alerts.lifecycle import record_alert
from services.alerts.main import create_app
from services.alerts.shared_reads import runner
from services.alerts.store import Neo4jAlertStore
from tests.support import queries
from tests.support.factories import report_json, submitted, synthetic_vrm
from tests.support.linking import async_driver, link_events

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
HOME, FORCE, OTHER = "Synthetic Home A", "Synthetic Police", "Synthetic Other Force"
RESTRICTED = {
    "source": 2,
    "intelligence": "B",
    "handling": "C",
    "conditions": {"agencies": [FORCE]},
}
OUTSIDE = Principal("pc.outside", OTHER, Role.POLICE)
INSIDE = Principal("pc.inside", FORCE, Role.POLICE)
PURPOSE = {"purpose": "review of synthetic alerts"}  # every alert read states one

Reports = Callable[[str], list[tuple[datetime, dict[str, Any]]]]


def _child(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "role": "young_person", "date_of_birth": "2011-03-04", **extra}


def _adult(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "role": "adult", "estimated_age": 35, **extra}


def _missing(child: dict[str, Any], at: datetime, **extra: Any) -> tuple[datetime, dict[str, Any]]:
    event = {"type": "missing_reported", "child": child, "last_seen_at": at.isoformat(), **extra}
    return at, event


def _found(child: dict[str, Any], at: datetime, **extra: Any) -> tuple[datetime, dict[str, Any]]:
    return at, {"type": "missing_ended", "child": child, "found_at": at.isoformat(), **extra}


def harbouring(tag: str) -> list[tuple[datetime, dict[str, Any]]]:
    """A tenant named in an address concern; the child found at the flat."""
    child = _child(f"Tia Synth{tag}")
    flat = {"name": f"Synthetic Flat {tag}", "postcode": "ZZ99 4TF"}
    start = NOW - timedelta(days=2)
    concern = {
        "type": "address_concern",
        "place": flat,
        "tenant": _adult(f"Ned Tenant{tag}", nicknames=[f"Neddo{tag}"]),
        "multiple_callers": True,
    }
    return [
        (start - timedelta(days=10), concern),
        _missing(child, start),
        _found(child, start + timedelta(hours=9), found_place=flat),
    ]


def co_missing(tag: str) -> list[tuple[datetime, dict[str, Any]]]:
    """Two children missing together; a car both got into."""
    ava, ben = _child(f"Ava Synth{tag}"), _child(f"Ben Synth{tag}", date_of_birth="2011-06-06")
    start = NOW - timedelta(days=3)
    car = {
        "type": "vehicle_sighting",
        "vehicle": {"vrm": synthetic_vrm(tag, "C"), "colour": "grey"},
        "place": {"name": f"Synthetic Lay-by {tag}"},
        "occupants": [ava, ben],
    }
    return [
        _missing(ava, start),
        _missing(ben, start + timedelta(hours=1)),
        (start + timedelta(hours=2), car),
        _found(ava, start + timedelta(hours=12)),
        _found(ben, start + timedelta(hours=13)),
    ]


def shared_hotspot(tag: str) -> list[tuple[datetime, dict[str, Any]]]:
    """Three young people seen at one take-away, each in a report of their own."""
    shop = {"name": f"Synthetic Chicken {tag}", "postcode": "ZZ99 1AA", "category": "take_away"}
    return [
        (
            NOW - timedelta(days=day),
            {"type": "sighting", "persons": [_child(f"{first} Synth{tag}")], "place": shop},
        )
        for day, first in ((5, "Cal"), (4, "Dee"), (3, "Eli"))
    ]


def hotspot_dated(tag: str) -> list[tuple[datetime, dict[str, Any]]]:
    """Three seen at one take-away; one of them a young person only as another report (her date
    of birth, where she was seen before) says."""
    shop = {"name": f"Synthetic Grill {tag}", "postcode": "ZZ99 1AB", "category": "take_away"}
    fay = f"Fay Synth{tag}"
    dated = {"name": fay, "date_of_birth": "2011-08-08"}
    return [
        (
            NOW - timedelta(days=6),
            {"type": "sighting", "persons": [dated], "place": {"name": f"Synthetic Park {tag}"}},
        ),
        (
            NOW - timedelta(days=5),
            {"type": "sighting", "persons": [_child(f"Cal Synth{tag}")], "place": shop},
        ),
        (NOW - timedelta(days=4), {"type": "sighting", "persons": [{"name": fay}], "place": shop}),
        (
            NOW - timedelta(days=3),
            {"type": "sighting", "persons": [_child(f"Gus Synth{tag}")], "place": shop},
        ),
    ]


def linked_adult(tag: str) -> list[tuple[datetime, dict[str, Any]]]:
    """One adult associating with two children, a report each."""
    adult = _adult(f"Vic Groomer{tag}", phones=["07700 900777"])
    return [
        (
            NOW - timedelta(days=day),
            {
                "type": "association",
                "person_a": _child(f"{first} Synth{tag}"),
                "person_b": adult,
                "nature": "risky_adult",
            },
        )
        for day, first in ((6, "Fay"), (5, "Gus"))
    ]


def vehicle_children(tag: str) -> list[tuple[datetime, dict[str, Any]]]:
    """One car two children got into, a report each."""
    return [
        (
            NOW - timedelta(days=day),
            {
                "type": "vehicle_sighting",
                "vehicle": {"vrm": synthetic_vrm(tag, "V"), "make": "Ford"},
                "place": {"name": f"Synthetic Gates {tag}", "postcode": "ZZ99 2BB"},
                "got_in": [_child(f"{first} Synth{tag}")],
            },
        )
        for day, first in ((4, "Hal"), (3, "Ivy"))
    ]


def peer_group(tag: str) -> list[tuple[datetime, dict[str, Any]]]:
    """AS-1: two pupils of one school approached at a take-away by one group."""
    school = {"name": f"Synth Academy {tag}", "postcode": "ZZ99 1SA", "category": "school"}
    shop = {"name": f"Synth Take-away {tag}", "postcode": "ZZ99 1TA", "category": "take_away"}
    return [
        (
            NOW - timedelta(days=day),
            {
                "type": "approach",
                "approached": [_child(f"{first} Pupil{tag}", school=school)],
                "group": f"Synth Crew {tag}",
                "place": shop,
                "purpose": "drug_trafficking",
            },
        )
        for day, first in ((3, "Dean"), (2, "Eve"))
    ]


def raid(tag: str) -> list[tuple[datetime, dict[str, Any]]]:
    """AS-2/AS-5: a vulnerable tenant's flat, a child seen there, a raid with a child present."""
    flat = {
        "name": f"Synth Flat {tag}",
        "postcode": "ZZ99 2FL",
        "category": "private_address",
        "local_authority": "Synthshire",
    }
    tenant = {"name": f"Vi Tenant{tag}", "role": "vulnerable_adult"}
    return [
        (
            NOW - timedelta(days=6),
            {"type": "address_concern", "place": flat, "tenant": tenant, "tenant_vulnerable": True},
        ),
        (
            NOW - timedelta(days=4),
            {"type": "sighting", "persons": [_child(f"Bo Synth{tag}")], "place": flat},
        ),
        (
            NOW - timedelta(days=2),
            {
                "type": "operation",
                "kind": "raid",
                "premises": flat,
                "seized": [{"kind": "drugs"}, {"kind": "cash"}],
                "persons_present": [
                    _child(f"Di Synth{tag}"),
                    tenant,
                    _adult(f"Mo Adult{tag}", home_local_authority="Othershire"),
                ],
            },
        ),
    ]


def care_homes(tag: str) -> list[tuple[datetime, dict[str, Any]]]:
    """AS-4: one car collects residents of two care homes."""
    homes = [
        {"name": f"Synth Home {n}{tag}", "postcode": f"ZZ99 3H{n}", "category": "care_home"}
        for n in ("A", "B")
    ]
    return [
        (
            NOW - timedelta(days=day),
            {
                "type": "vehicle_sighting",
                "vehicle": {"vrm": synthetic_vrm(tag, "H"), "colour": "grey"},
                "place": home,
                "got_in": [_child(f"{first} Resident{tag}", placement=home)],
            },
        )
        for day, first, home in ((3, "Ro", homes[0]), (2, "Sy", homes[1]))
    ]


def departure(tag: str) -> list[tuple[datetime, dict[str, Any]]]:
    """AS-4 event 1: a resident leaves with luggage and money, meeting someone."""
    home = {"name": f"Synth Home C{tag}", "postcode": "ZZ99 3HC", "category": "care_home"}
    left = NOW - timedelta(minutes=30)
    return [
        (
            left,
            {
                "type": "departed",
                "child": _child(f"Ro Leaver{tag}", placement=home),
                "left_at": left.isoformat(),
                "left_from": home,
                "meeting": [{"nicknames": [f"Pal{tag}"], "role": "unknown"}],
                "expected_back": (left + timedelta(hours=3)).isoformat(),
                "carrying": ["luggage", "money"],
            },
        )
    ]


def bail_breach(tag: str) -> list[tuple[datetime, dict[str, Any]]]:
    """AS-11: a bailed adult seen half a mile from the protected home."""
    home = {"name": f"31 Synth Dock {tag}", "coordinates": {"lat": 51.5, "lon": -0.02}}
    subject = _adult(f"Mo Bailed{tag}")
    return [
        (
            NOW - timedelta(days=1),
            {
                "type": "protective_order",
                "kind": "bail_conditions",
                "subject": subject,
                "no_contact": [_child(f"Dee Protected{tag}")],
                "issued_on": (NOW - timedelta(days=1)).date().isoformat(),
                "radius_m": 1609,
                "centre": home,
            },
        ),
        (
            NOW - timedelta(hours=2),
            {
                "type": "sighting",
                "persons": [subject],
                "place": {
                    "name": f"Synth Corner {tag}",
                    "coordinates": {"lat": 51.5087, "lon": -0.02},
                },
            },
        ),
    ]


def shared_phone(tag: str) -> list[tuple[datetime, dict[str, Any]]]:
    """One number in contact with two children."""
    number = f"07700 900{int(tag[:4], 16) % 400 + 500}"
    return [
        (
            NOW - timedelta(days=day),
            {
                "type": "phone_contact",
                "subject": _child(f"{first} Synth{tag}"),
                "contacted_by": [number],
            },
        )
        for day, first in ((3, "Jon"), (2, "Kit"))
    ]


def found_away(tag: str) -> list[tuple[datetime, dict[str, Any]]]:
    """AS-2 in miniature: earlier episodes, a car before the latest, found injured with drugs
    in a raid out of area with two adults."""
    dw = _child(f"Dee Walsh{tag}", home_local_authority="Synth Borough")
    start = NOW - timedelta(days=7)
    return [
        _missing(dw, NOW - timedelta(days=70)),
        _found(dw, NOW - timedelta(days=70) + timedelta(hours=4)),
        _missing(dw, NOW - timedelta(days=40)),
        _found(dw, NOW - timedelta(days=40) + timedelta(hours=20)),
        (
            start - timedelta(hours=3),
            {
                "type": "vehicle_sighting",
                "vehicle": {"vrm": synthetic_vrm(tag, "D"), "colour": "grey"},
                "place": {"name": f"Synthetic Dockside {tag}"},
                "got_in": [dw],
            },
        ),
        _missing(dw, start),
        _found(
            dw,
            NOW - timedelta(hours=3),
            found_place={
                "name": f"Synthetic Den {tag}",
                "postcode": "ZZ99 7LN",
                "police_force_area": "Synthshire Police",
            },
            found_with=[_adult(f"Mal Adult{tag}"), _adult(f"Fen Adult{tag}")],
            items_found=[{"kind": "drugs", "detail": "wraps and scales"}],
            condition=["unkempt", "injured"],
            circumstances="found_in_raid",
        ),
    ]


SCENARIOS: dict[str, tuple[Reports, set[str]]] = {
    "peer_group": (peer_group, {"peer_group_context", "shared_hotspot"}),
    "raid": (raid, {"trap_house", "cuckooing", "child_in_custody", "debt_bondage"}),
    "care_homes": (care_homes, {"care_home_targeted"}),
    "departure": (departure, {"departure_risk"}),
    "bail_breach": (bail_breach, {"protective_condition_breach"}),
    "shared_phone": (shared_phone, {"shared_phone"}),
    "found_away": (
        found_away,
        {
            "missing_escalation",
            "vehicle_linked_to_missing",
            "found_out_of_area",
            "county_lines_suspected",
            "injury_on_return",
            "harbouring_adult",
        },
    ),
    "harbouring_adult": (harbouring, {"harbouring_adult"}),
    "co_missing": (co_missing, {"co_missing"}),
    "shared_hotspot": (shared_hotspot, {"shared_hotspot"}),
    "hotspot_dated": (hotspot_dated, {"shared_hotspot"}),
    "adult_linked_to_children": (linked_adult, {"adult_linked_to_children"}),
    "vehicle_linked_to_children": (vehicle_children, {"vehicle_linked_to_children"}),
}


@dataclass
class Run:
    """One run of a scenario: its reports, and every alert that cites any of them."""

    tag: str
    events: list[dict[str, Any]]
    report_ids: list[str]
    alerts: dict[str, AlertRaised]


IDENTIFIERS = frozenset({"vrm", "phones", "numbers_used", "contacted_by", "handle", "address"})


def _strings(value: Any, tag: str, key: str = "") -> set[str]:
    """The values of an event that tell who or where (names, places, registrations, phones,
    handles, addresses), as the suite compares them (case and spaces ignored); not the
    vocabulary every report shares (roles, categories)."""
    if isinstance(value, dict):
        return {s for k, v in value.items() for s in _strings(v, tag, k)}
    if isinstance(value, list):
        return {s for v in value for s in _strings(v, tag, key)}
    if isinstance(value, str) and (tag in value or key in IDENTIFIERS):
        return {_squeezed(value)}
    return set()


def _squeezed(text: str) -> str:
    return "".join(text.lower().split())


def _canaries(run: Run, index: int) -> set[str]:
    """What only report `index` states (and its narrative's canary word)."""
    others = {s for i, e in enumerate(run.events) if i != index for s in _strings(e, run.tag)}
    mine = _strings(run.events[index], run.tag)
    return (mine - others) | {_squeezed(f"Narrwren{run.tag}")}


def _run(settings: InfraSettings, reports: Reports, restricted: int | None) -> Run:
    tag = uuid.uuid4().hex[:8]
    planned = reports(tag)
    events = []
    for i, (at, event) in enumerate(planned):
        extra: dict[str, Any] = {"observed_at": at.isoformat()}
        agency = HOME
        if i == restricted:
            extra |= {"grading": RESTRICTED, "narrative": f"Police only: Narrwren{tag}."}
            agency = FORCE
        body = ReportCreate.model_validate(report_json(event, **extra))
        events.append(submitted(body, agency=agency))
    linked = link_events(settings, events)
    report_ids = [str(e.event_id) for e in events]

    async def detect_all() -> dict[str, AlertRaised]:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        alerts: dict[str, AlertRaised] = {}
        try:
            ctx = Context(
                driver=driver, database=settings.neo4j_database, settings=Settings(), now=NOW
            )
            store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
            for one in linked:
                for entity in one.entities:
                    for candidate in await detect(EntityKind(entity.kind), entity.id, ctx):
                        alert = await record_alert(
                            candidate=candidate, store=store, now=NOW, new_id=uuid.uuid4
                        )
                        if alert is not None:
                            alerts[str(alert.alert_id)] = alert
        finally:
            await driver.close()
        return alerts

    alerts = asyncio.run(detect_all())
    return Run(tag, [event for _, event in planned], report_ids, alerts)


@pytest.fixture
def runs(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[list[Run]]:
    made: list[Run] = []
    yield made
    for run in made:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=run.report_ids
        )


@pytest.fixture
def alerts_api(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    auth = tmp_path / "users.json"
    store = TokenStore(auth)
    for agency in (FORCE, OTHER):
        store.add_agency(agency)
    tokens = {
        who.user: store.issue(user=who.user, agency=who.agency, role=who.role)
        for who in (OUTSIDE, INSIDE)
    }
    headers = {user: {"Authorization": f"Bearer {token}"} for user, token in tokens.items()}
    with TestClient(create_app(Settings(tessera_auth_file=str(auth)))) as client:
        yield client, headers


class _Polled(Exception):
    """Ends the live stream after its first poll."""


def _streamed(settings: InfraSettings, who: Principal) -> dict[str, AlertRaised]:
    """What the live stream sends this receiver: one poll of the real feed and stream code."""

    async def stop(_: float) -> None:
        raise _Polled

    async def _audited(alerts: Sequence[AlertRaised]) -> None:
        return None  # the audit of the stream is tested in test_audit_reads.py

    async def run() -> dict[str, AlertRaised]:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        sent: dict[str, AlertRaised] = {}
        try:
            async for item in follow_alerts(
                feed=Neo4jAlertFeed(driver=driver, database=settings.neo4j_database),
                audiences=audiences_of(who),
                start=Cursor(NOW - timedelta(seconds=1)),
                poll_s=0.0,
                overlap=timedelta(0),
                batch=5000,
                sleep=stop,
                record=_audited,
            ):
                sent[str(item.alert.alert_id)] = item.alert
        except _Polled:
            pass
        finally:
            await driver.close()
        return sent

    return asyncio.run(run())


def _subscription(who: Principal) -> Subscription:
    return Subscription(
        id=who.user,
        name=who.user,
        url="https://receiver.invalid/tessera",
        secret="whsec_canary",  # noqa: S106 - a test receiver's secret
        agency=who.agency,
        role=who.role.value,
        active=True,
        created_at=NOW - timedelta(days=1),
    )


def _seen_by(
    who: Principal,
    run: Run,
    api: tuple[TestClient, dict[str, dict[str, str]]],
    settings: InfraSettings,
) -> list[str]:
    """Each alert of the run as this receiver gets it on every channel (squeezed JSON): the
    alert API's list and detail, the live stream, a webhook subscription of the receiver's
    agency and role, and the alerts topic as the documented rule lets a consumer pass it on."""
    client, tokens = api
    shown = []
    streamed = _streamed(settings, who)
    for alert_id, alert in run.alerts.items():
        allowed = may_see(alert, audiences_of(who))
        assert (alert_id in streamed) == allowed, f"the stream and the rule disagree on {alert_id}"
        if allowed:  # the alerts topic
            shown.append(_squeezed(alert.model_dump_json()))
        if subscribers(alert, [_subscription(who)]):  # webhooks
            shown.append(_squeezed(alert.model_dump_json()))
        if alert_id in streamed:  # the live stream
            shown.append(_squeezed(streamed[alert_id].model_dump_json()))
        response = client.get(f"/v1/alerts/{alert_id}", params=PURPOSE, headers=tokens[who.user])
        assert response.status_code in {200, 404}, response.text
        if response.status_code == 200:
            shown.append(_squeezed(response.text))
    for alert_type in {a.type.value for a in run.alerts.values()}:
        listed = client.get(
            "/v1/alerts",
            params={"type": alert_type, "limit": 200, **PURPOSE},
            headers=tokens[who.user],
        )
        assert listed.status_code == 200, listed.text
        shown.append(_squeezed(listed.text))
    return shown


def _cited_ids(alert: AlertRaised) -> set[str]:
    return {str(e.report_id) for e in alert.evidence}


def _evidence_read(settings: InfraSettings, who: Principal, run: Run) -> str:
    """What the alert API's evidence reader gives this receiver for every alert of the run,
    each cited report read through the receiver's audiences (squeezed JSON)."""

    async def read() -> list[str]:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        try:
            reader = Neo4jEvidence(driver=driver, database=settings.neo4j_database)
            shown = []
            for alert in run.alerts.values():
                said = await reader.cited_reports(
                    [str(e.report_id) for e in alert.evidence], audiences=audiences_of(who)
                )
                shown.append(json.dumps({k: asdict(v) for k, v in said.items()}, default=str))
            return shown
        finally:
            await driver.close()

    return _squeezed(" ".join(asyncio.run(read())))


def _types(run: Run, who: Principal) -> set[str]:
    return {a.type.value for a in run.alerts.values() if may_see(a, audiences_of(who))}


# The scenarios whose places are also run as busy places (`shared_reads.BUSY_PLACE_MENTIONS`),
# whose category P01 and P02 read from the earliest report that gives it and then ask of the
# reports their alerts cite.
AT_PLACES = sorted(n for n, (_, types) in SCENARIOS.items() if "shared_hotspot" in types)


@pytest.mark.parametrize(
    ("name", "busy"),
    [(name, False) for name in sorted(SCENARIOS)] + [(name, True) for name in AT_PLACES],
)
def test_no_alert_channel_shows_a_restricted_reports_values_outside_its_conditions(
    name: str,
    busy: bool,
    settings: InfraSettings,
    runs: list[Run],
    alerts_api: tuple[TestClient, dict[str, dict[str, str]]],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(detection, "SLOW_S", 0.0)  # every detector run logs its entity
    if busy:
        monkeypatch.setattr(shared_reads, "BUSY_PLACE_MENTIONS", 0)
    reports, expected = SCENARIOS[name]
    baseline = _run(settings, reports, None)
    runs.append(baseline)
    assert expected <= _types(baseline, OUTSIDE), f"the scenario raised {_types(baseline, OUTSIDE)}"
    baseline_text = " ".join(_seen_by(OUTSIDE, baseline, alerts_api, settings))
    for index in range(len(baseline.events)):
        run = _run(settings, reports, index)
        runs.append(run)
        canaries = _canaries(run, index)
        restricted_id = run.report_ids[index]
        outside = " ".join(_seen_by(OUTSIDE, run, alerts_api, settings))
        outside += " " + _evidence_read(settings, OUTSIDE, run)
        leaked = sorted(c for c in canaries | {restricted_id} if c in outside)
        assert not leaked, f"report {index} restricted: {leaked} reached a receiver outside"
        assert expected <= _types(run, INSIDE), f"report {index} restricted: no alert inside"
        inside = " ".join(_seen_by(INSIDE, run, alerts_api, settings))
        narrative = _squeezed(f"Narrwren{run.tag}")
        citing = [a for a in run.alerts.values() if restricted_id in _cited_ids(a)]
        if citing:
            assert narrative in inside, f"report {index} restricted: its narrative is not shown"
        shown_before = {c for c in canaries if c.replace(run.tag, baseline.tag) in baseline_text}
        missing = sorted(c for c in shown_before if c not in inside)
        assert not missing, f"report {index} restricted: inside does not see {missing}"
        logged = _squeezed(" ".join(r.getMessage() for r in caplog.records if r.levelno <= INFO))
        assert not [c for c in canaries if c in logged], "a canary was logged at INFO or below"


def test_the_canary_words_are_the_values_only_one_report_states() -> None:
    run = Run("t1", [json.loads(json.dumps(e)) for _, e in harbouring("t1")], [], {})
    assert _squeezed("Ned Tenantt1") in _canaries(run, 0)
    assert _squeezed("Tia Syntht1") not in _canaries(run, 1)


def test_a_batch_examined_together_finds_what_each_entity_finds_alone(
    settings: InfraSettings, runs: list[Run]
) -> None:
    """Every scenario linked (every report P), then every entity they linked examined twice:
    each alone, one statement a read, and all together through the batch's gathered reads as the
    alert worker examines a batch (`batched_reads.py`): the same candidates, from far fewer
    statements."""
    entities: list[tuple[EntityKind, str]] = []
    expected: set[str] = set()
    for _, (reports, types) in sorted(SCENARIOS.items()):
        tag = uuid.uuid4().hex[:8]
        events = [
            submitted(
                ReportCreate.model_validate(report_json(event, observed_at=at.isoformat())),
                agency=HOME,
            )
            for at, event in reports(tag)
        ]
        runs.append(Run(tag, [], [str(e.event_id) for e in events], {}))
        for linked in link_events(settings, events):
            entities.extend((EntityKind(e.kind), e.id) for e in linked.entities)
        expected |= types
    entities = list(dict.fromkeys(entities))

    async def examine() -> tuple[list[list[Any]], list[list[Any]], BatchedReads]:
        async with async_driver(settings) as driver:
            ctx = Context(
                driver=driver, database=settings.neo4j_database, settings=Settings(), now=NOW
            )
            alone = [await detect(kind, entity_id, ctx) for kind, entity_id in entities]
            reads = BatchedReads(runner(driver, settings.neo4j_database))
            batch = replace(ctx, reads=reads)
            together = await asyncio.gather(*(detect(kind, eid, batch) for kind, eid in entities))
        return alone, list(together), reads

    alone, together, reads = asyncio.run(examine())

    assert expected <= {c.type.value for found in alone for c in found}  # not vacuous
    for (_, entity_id), by_itself, in_batch in zip(entities, alone, together, strict=True):
        assert in_batch == by_itself, f"{entity_id} examined in a batch found something else"
    assert reads.sent * 4 < reads.asked, f"{reads.asked} reads took {reads.sent} statements"
