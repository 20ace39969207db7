"""The missing-episode detectors' Cypher and runners on the real Neo4j (AS-2 in miniature)."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from common.auth import Principal, Role
from common.settings import InfraSettings
from common.visibility import audiences_of
from schemas.entities import Person
from schemas.linking import EntityKind
from schemas.reports import ReportCreate
from services.alerts.delivery.visibility import may_see
from services.alerts.detection import detect
from services.alerts.shared.candidate import AlertCandidate
from services.network.identities import new_person_id
from tests.support.factories import id_key, report_json, run_tag, submitted, synthetic_vrm
from tests.support.linking import detect_with, link_events, raise_alert, retract

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)
HOME, POLICE, OTHER_FORCE = "Synthetic Home A", "Synthetic Police", "Synthetic Other Force"
POLICE_ONLY = {
    "source": 2,
    "intelligence": "B",
    "handling": "C",
    "conditions": {"agencies": [POLICE]},
}


def _link(
    settings: InfraSettings,
    cleanup: list[str],
    events: list[tuple[datetime, dict[str, Any]]],
    *,
    agency: str = HOME,
    grading: dict[str, Any] | None = None,
) -> list[str]:
    envelope = {"grading": grading} if grading else {}
    submitted_events = [
        submitted(
            ReportCreate.model_validate(report_json(event, observed_at=at.isoformat(), **envelope)),
            agency=agency,
        )
        for at, event in events
    ]
    cleanup.extend(str(e.event_id) for e in submitted_events)
    link_events(settings, submitted_events)
    return [str(e.event_id) for e in submitted_events]


def _detect(settings: InfraSettings, kind: EntityKind, entity_id: str) -> list[AlertCandidate]:
    return detect_with(settings, lambda ctx: detect(kind, entity_id, ctx), now=NOW)


def _person(name: str, born: str) -> dict[str, Any]:
    return {
        "name": name,
        "date_of_birth": born,
        "role": "young_person",
        "home_local_authority": "Synth Borough",
    }


def _pid(name: str, born: str) -> str:
    person = Person(name=name, date_of_birth=date.fromisoformat(born))
    return new_person_id(person, report_id=uuid.uuid4(), index=0, key=id_key())


def _missing(child: dict[str, Any], start: datetime) -> tuple[datetime, dict[str, Any]]:
    return start, {"type": "missing_reported", "child": child, "last_seen_at": start.isoformat()}


def _found(child: dict[str, Any], at: datetime, **extra: Any) -> tuple[datetime, dict[str, Any]]:
    return at, {"type": "missing_ended", "child": child, "found_at": at.isoformat(), **extra}


def test_as2_in_miniature_raises_every_missing_pattern(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    dw = _person(f"Dee Walsh{tag}", "2011-09-09") | {"flags": {"learning_disability": True}}
    peer = _person(f"Pip Synth{tag}", "2011-01-02")
    flat = {
        "name": f"Synthetic Flat {tag}",
        "postcode": "ZZ99 3CD",
        "local_authority": "Synthshire",
    }
    adults = [
        {"name": f"Max Adult{tag}", "role": "adult"},
        {"name": f"Fran Adult{tag}", "role": "adult"},
    ]
    last = NOW - timedelta(days=3)
    events = [
        _missing(dw, NOW - timedelta(days=60)),
        _found(dw, NOW - timedelta(days=60) + timedelta(hours=5)),
        _missing(dw, NOW - timedelta(days=30)),
        _found(dw, NOW - timedelta(days=30) + timedelta(hours=20)),
        (
            last - timedelta(hours=5),
            {
                "type": "vehicle_sighting",
                "vehicle": {"vrm": "ZZ51 SYN", "colour": "grey"},
                "place": {"name": f"Synthetic Dock {tag}"},
                "got_in": [dw],
            },
        ),
        _missing(dw, last),
        _missing(peer, last + timedelta(hours=2)),
        _found(
            dw,
            NOW - timedelta(hours=6),
            found_place=flat,
            found_with=adults,
            items_found=[{"kind": "drugs"}],
            circumstances="found_in_raid",
        ),
        _found(peer, NOW - timedelta(hours=6), found_place=flat),
    ]
    _link(settings, cleanup, events)
    dw_id = _pid(f"Dee Walsh{tag}", "2011-09-09")
    found = _detect(settings, EntityKind.PERSON, dw_id)
    by_type = {c.type.value: c for c in found}
    assert set(by_type) >= {
        "missing_escalation",
        "harbouring_adult",
        "vehicle_linked_to_missing",
        "co_missing",
        "found_out_of_area",
        "county_lines_suspected",
        "debt_bondage",
    }, sorted(by_type)
    assert by_type["missing_escalation"].priority.value == "high"  # learning disability
    assert "66 hours" in by_type["missing_escalation"].summary
    harbourers = {c.subjects[0].display_name for c in found if c.type.value == "harbouring_adult"}
    assert harbourers == {f"Max Adult{tag}", f"Fran Adult{tag}"}
    county = by_type["county_lines_suspected"]
    assert "drugs" in county.summary and "found in raid" in county.summary
    assert {a.value for a in county.actions} >= {"nrm_referral", "safeguarding_48h"}
    debt = by_type["debt_bondage"]  # drugs seized where he was found
    assert debt.priority.value == "high" and "drugs seized at" in debt.summary
    assert by_type["co_missing"].subjects[1].display_name in {f"Pip Synth{tag}", f"Dee Walsh{tag}"}
    vehicle = _detect(settings, EntityKind.VEHICLE, "vehicle:ZZ51SYN")
    assert [c.type.value for c in vehicle] == ["vehicle_linked_to_missing"]


def test_a_child_found_in_their_own_area_raises_no_out_of_area_alert(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    kid = _person(f"Kim Synth{tag}", "2012-02-02")
    start = NOW - timedelta(days=2)
    _link(
        settings,
        cleanup,
        [
            _missing(kid, start),
            _found(
                kid,
                start + timedelta(hours=3),
                found_place={"name": f"Synthetic Park {tag}", "local_authority": "Synth Borough"},
            ),
        ],
    )
    kid_id = _pid(f"Kim Synth{tag}", "2012-02-02")
    assert _detect(settings, EntityKind.PERSON, kid_id) == []


def test_a_placement_whose_report_gives_no_area_cites_the_earliest_report_that_does(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    """The child's known area is their home's authority, which only an earlier report about
    another child gives: the out-of-area alert relies on it, so it cites that report too."""
    tag = run_tag()
    home = {"name": f"Synthetic Home {tag}", "postcode": "ZZ99 7HM", "category": "care_home"}
    other = _person(f"Oli Synth{tag}", "2011-03-03") | {
        "placement": home | {"local_authority": "Synth Borough"}
    }
    kid = {
        "name": f"Kai Synth{tag}",
        "date_of_birth": "2012-06-06",
        "role": "young_person",
        "placement": home,
    }
    start = NOW - timedelta(days=2)
    gives_area, placed, _ = _link(
        settings,
        cleanup,
        [
            _missing(other, NOW - timedelta(days=20)),
            _missing(kid, start),
            _found(
                kid,
                start + timedelta(hours=3),
                found_place={"name": f"Synthetic Quay {tag}", "local_authority": "Far Borough"},
            ),
        ],
    )
    found = _detect(settings, EntityKind.PERSON, _pid(f"Kai Synth{tag}", "2012-06-06"))
    (out,) = [c for c in found if c.type.value == "found_out_of_area"]
    assert {gives_area, placed} <= _cited(out)


def _cited(candidate: AlertCandidate) -> set[str]:
    return {str(e.report_id) for e in candidate.evidence}


def test_where_a_child_was_found_is_out_of_area_only_with_the_police_report_giving_its_area(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    """The found report names the quay but gives no area; only an earlier C report of Synthetic
    Police gives its authority, which the quay keeps as its latest area. The out-of-area alert
    relies on it, so it cites it and reaches only that force. Retracted, the quay has no area,
    and nothing says the child was out of area."""
    tag = run_tag()
    quay = {"name": f"Synthetic Quay {tag}", "postcode": "ZZ99 7QY"}
    [gives_area] = _link(
        settings,
        cleanup,
        [
            (
                NOW - timedelta(days=20),
                {
                    "type": "sighting",
                    "persons": [{"name": f"Rex Adult{tag}", "role": "adult", "estimated_age": 40}],
                    "place": quay | {"local_authority": "Far Borough"},
                },
            )
        ],
        agency=POLICE,
        grading=POLICE_ONLY,
    )
    kid = _person(f"Kai Synth{tag}", "2012-06-06")
    start = NOW - timedelta(days=2)
    _link(settings, cleanup, [_missing(kid, start)])
    [found_report] = _link(
        settings, cleanup, [_found(kid, start + timedelta(hours=3), found_place=quay)]
    )

    found = _detect(settings, EntityKind.PERSON, _pid(f"Kai Synth{tag}", "2012-06-06"))
    (out,) = [c for c in found if c.type.value == "found_out_of_area"]
    assert {gives_area, found_report} <= _cited(out)
    alert = raise_alert(settings, out)
    assert not may_see(alert, audiences_of(Principal("pc.other", OTHER_FORCE, Role.POLICE)))
    assert may_see(alert, audiences_of(Principal("pc.named", POLICE, Role.POLICE)))

    retract(settings, gives_area, agency=POLICE)
    again = _detect(settings, EntityKind.PERSON, _pid(f"Kai Synth{tag}", "2012-06-06"))
    assert [c for c in again if c.type.value == "found_out_of_area"] == []


def test_a_tenant_only_a_police_report_names_makes_the_harbouring_alert_police_only(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    """Issue 13, finding 1: the home's P reports say where the child was found; only a C address
    concern of Synthetic Police says who the tenant is. The alert naming the tenant cites it."""
    tag = run_tag()
    child = _person(f"Tia Synth{tag}", "2012-04-04")
    flat = {"name": f"Synthetic Flat {tag}", "postcode": "ZZ99 4TF"}
    tenant = {"name": f"Ned Tenant{tag}", "role": "adult", "estimated_age": 40}
    start = NOW - timedelta(days=2)
    concern = _link(
        settings,
        cleanup,
        [
            (
                start - timedelta(days=10),
                {
                    "type": "address_concern",
                    "place": flat,
                    "tenant": tenant,
                    "multiple_callers": True,
                },
            )
        ],
        agency=POLICE,
        grading=POLICE_ONLY,
    )
    home = _link(
        settings,
        cleanup,
        [_missing(child, start), _found(child, start + timedelta(hours=9), found_place=flat)],
    )
    tenant_id = new_person_id(
        Person.model_validate(tenant), report_id=uuid.uuid4(), index=0, key=id_key()
    )
    child_id = _pid(f"Tia Synth{tag}", "2012-04-04")
    [harbouring] = [
        c
        for c in _detect(settings, EntityKind.PERSON, child_id)
        if c.type.value == "harbouring_adult"
    ]
    assert harbouring.subjects[0].display_name == f"Ned Tenant{tag}"
    alert = raise_alert(settings, harbouring)
    other_force = Principal("pc.other", OTHER_FORCE, Role.POLICE)
    named_force = Principal("pc.named", POLICE, Role.POLICE)
    home_staff = Principal("k.worker", HOME, Role.SUBMITTER)
    assert not may_see(alert, audiences_of(other_force))
    assert not may_see(alert, audiences_of(home_staff))
    assert may_see(alert, audiences_of(named_force))
    assert _cited(harbouring) == set(home) | set(concern)
    # Detected on the tenant instead, it is the same alert.
    [on_tenant] = [
        c
        for c in _detect(settings, EntityKind.PERSON, tenant_id)
        if c.type.value == "harbouring_adult"
    ]
    assert on_tenant == harbouring


def test_a_car_only_a_police_report_puts_both_children_in_is_cited_by_co_missing(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    ava, ben = _person(f"Ava Synth{tag}", "2011-05-05"), _person(f"Ben Synth{tag}", "2011-06-06")
    start = NOW - timedelta(days=3)
    home = _link(
        settings,
        cleanup,
        [
            _missing(ava, start),
            _missing(ben, start + timedelta(hours=1)),
            _found(ava, start + timedelta(hours=12)),
            _found(ben, start + timedelta(hours=13)),
        ],
    )
    mark = synthetic_vrm(tag, "C")
    police = _link(
        settings,
        cleanup,
        [
            (
                start + timedelta(hours=2),
                {
                    "type": "vehicle_sighting",
                    "vehicle": {"vrm": mark, "colour": "grey"},
                    "place": {"name": f"Synthetic Lay-by {tag}"},
                    "occupants": [ava, ben],
                },
            )
        ],
        agency=POLICE,
        grading=POLICE_ONLY,
    )
    found = _detect(settings, EntityKind.PERSON, _pid(f"Ava Synth{tag}", "2011-05-05"))
    [together] = [c for c in found if c.type.value == "co_missing"]
    assert mark in together.summary
    assert _cited(together) == set(home) | set(police)


def test_a_retracted_report_never_names_the_child(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    born = "2011-07-07"
    kid = _person(f"Kai Walsh{tag}", born)
    start = NOW - timedelta(days=4)
    _link(settings, cleanup, [_missing(kid, start), _found(kid, start + timedelta(hours=30))])
    [wrong] = _link(
        settings,
        cleanup,
        [
            (
                NOW - timedelta(hours=1),
                {
                    "type": "sighting",
                    "persons": [_person(f"Kai Welsh{tag}", born)],
                    "place": {"name": f"Synthetic Park {tag}"},
                },
            )
        ],
    )
    kid_id = _pid(f"Kai Walsh{tag}", born)
    retract(settings, wrong)
    [escalation] = [
        c
        for c in _detect(settings, EntityKind.PERSON, kid_id)
        if c.type.value == "missing_escalation"
    ]
    assert [s.display_name for s in escalation.subjects] == [f"Kai Walsh{tag}"]
    assert f"Kai Walsh{tag}'s missing episodes" in escalation.summary


def _three_short_episodes(child: dict[str, Any]) -> list[tuple[datetime, dict[str, Any]]]:
    """Missing 40, 20 and 5 days ago, back after three hours each time."""
    return [
        event
        for days in (40, 20, 5)
        for event in (
            _missing(child, NOW - timedelta(days=days)),
            _found(child, NOW - timedelta(days=days) + timedelta(hours=3)),
        )
    ]


def _police_only_sighting(
    settings: InfraSettings, cleanup: list[str], person: dict[str, Any], tag: str
) -> list[str]:
    """A sighting 30 days ago that only Synthetic Police may see."""
    sighting = {"type": "sighting", "persons": [person], "place": {"name": f"Synthetic Park {tag}"}}
    return _link(
        settings,
        cleanup,
        [(NOW - timedelta(days=30), sighting)],
        agency=POLICE,
        grading=POLICE_ONLY,
    )


def test_a_learning_disability_only_a_police_report_records_is_cited_by_the_high_alert(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    """Issue 13, finding 1's class: the home's P reports give three missing episodes; only a C
    sighting of Synthetic Police records a learning disability. The alert it makes high cites it."""
    tag = run_tag()
    child = _person(f"Lu Synth{tag}", "2011-05-05")
    home = _link(settings, cleanup, _three_short_episodes(child))
    [flagged] = _police_only_sighting(
        settings, cleanup, child | {"flags": {"learning_disability": True}}, tag
    )
    [escalation] = [
        c
        for c in _detect(settings, EntityKind.PERSON, _pid(f"Lu Synth{tag}", "2011-05-05"))
        if c.type.value == "missing_escalation"
    ]
    assert escalation.priority.value == "high"
    assert _cited(escalation) == set(home) | {flagged}
    alert = raise_alert(settings, escalation)
    assert not may_see(alert, audiences_of(Principal("pc.other", OTHER_FORCE, Role.POLICE)))
    assert may_see(alert, audiences_of(Principal("pc.named", POLICE, Role.POLICE)))


def test_a_child_only_a_police_report_dates_the_birth_of_is_cited_as_one(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    """The home's P reports give missing episodes of someone whose age they do not give; only a
    C report of Synthetic Police gives the date of birth that makes them a child."""
    tag = run_tag()
    # One home address, so the police's dated mention is the same child, not a candidate
    home_address = f"1 Synthetic Row {tag}"
    unknown = {
        "name": f"Jo Synth{tag}",
        "home_local_authority": "Synth Borough",
        "home_address": home_address,
    }
    home = _link(settings, cleanup, _three_short_episodes(unknown))
    dated = {"name": f"Jo Synth{tag}", "date_of_birth": "2011-05-05", "home_address": home_address}
    [born] = _police_only_sighting(settings, cleanup, dated, tag)
    person_id = new_person_id(
        Person.model_validate(unknown), report_id=uuid.uuid4(), index=0, key=id_key()
    )
    [escalation] = [
        c
        for c in _detect(settings, EntityKind.PERSON, person_id)
        if c.type.value == "missing_escalation"
    ]
    assert _cited(escalation) == set(home) | {born}
