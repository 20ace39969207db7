"""Place and context detectors (P02, P11, P12, P14, P22): Cypher and runners on the real Neo4j."""

import math
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from common.auth import Principal, Role
from common.settings import InfraSettings
from common.visibility import audiences_of
from schemas.alerts import Priority
from schemas.entities import Person, Place
from schemas.reports import ReportCreate
from services.alerts import shared_reads
from services.alerts.delivery.visibility import may_see
from services.alerts.detection import Context, Runner
from services.alerts.patterns.care_home_targeted import detector as care_home_targeted
from services.alerts.patterns.condition_breach import detector as condition_breach
from services.alerts.patterns.cuckooing import detector as cuckooing
from services.alerts.patterns.peer_group_context import detector as peer_group_context
from services.alerts.patterns.shared_hotspot.detector import run as shared_hotspot
from services.alerts.patterns.shared_hotspot.graph import Neo4jHotspotGraph
from services.alerts.patterns.shared_hotspot.rule import Place as HotspotPlace
from services.alerts.patterns.trap_house import detector as trap_house
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared.full_derivations import FullDerivations
from services.network.identities import group_id, location_id, new_person_id
from tests.support.factories import id_key, report_json, run_tag, submitted, synthetic_vrm
from tests.support.linking import detect_with, link_events, raise_alert, retract

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)
BORN = "2011-03-04"


POLICE = "Synthetic Police"
POLICE_ONLY = {
    "source": 2,
    "intelligence": "B",
    "handling": "C",
    "conditions": {"agencies": [POLICE]},
}


def _link(
    settings: InfraSettings,
    cleanup: list[str],
    *events: tuple[timedelta, dict[str, Any]],
    agency: str = "Synthetic Home A",
    grading: dict[str, Any] | None = None,
) -> list[str]:
    """Link events observed the given time ago; their report ids, in order."""
    envelope = {"grading": grading} if grading else {}
    reports = [
        submitted(
            ReportCreate.model_validate(
                report_json(e, observed_at=(NOW - ago).isoformat(), **envelope)
            ),
            agency=agency,
        )
        for ago, e in events
    ]
    cleanup.extend(str(r.event_id) for r in reports)
    link_events(settings, reports)
    return [str(r.event_id) for r in reports]


def _run(settings: InfraSettings, runner: Runner, entity_id: str) -> list[AlertCandidate]:
    return detect_with(settings, lambda ctx: runner(entity_id, ctx), now=NOW)


def _child(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "date_of_birth": BORN, "role": "young_person", **extra}


def _adult(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "role": "adult", "estimated_age": 30, **extra}


def _pid(person: dict[str, Any]) -> str:
    return new_person_id(
        Person.model_validate(person), report_id=uuid.uuid4(), index=0, key=id_key()
    )


def _lid(place: dict[str, Any]) -> str:
    return location_id(Place.model_validate(place), key=id_key())


def _cited(candidate: AlertCandidate) -> set[str]:
    return {str(e.report_id) for e in candidate.evidence}


def test_pupils_of_one_school_approached_at_a_take_away_by_one_group(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    school = {"name": f"Synth Academy {tag}", "postcode": "ZZ99 1SA"}
    shop = {"name": f"Synth Take-away {tag}", "postcode": "ZZ99 1TA", "category": "take_away"}
    club = {"name": f"Synth Youth Club {tag}", "postcode": "ZZ99 1YC"}
    pupils = [_child(f"{n} Pupil{tag}", school=school) for n in ("Ava", "Ben", "Cai")]
    ids = _link(
        settings,
        cleanup,
        *(
            (
                timedelta(days=d),
                {
                    "type": "approach",
                    "approached": [pupil],
                    "group": f"Synth Crew {tag}",
                    "place": shop,
                    "purpose": "drug_trafficking",
                },
            )
            for d, pupil in ((3, pupils[0]), (1, pupils[1]))
        ),
        (timedelta(days=1), {"type": "sighting", "persons": pupils, "place": club}),
        (timedelta(days=1), {"type": "sighting", "persons": pupils, "place": school}),
    )
    [at_shop] = _run(settings, peer_group_context.run, _lid(shop))
    assert _cited(at_shop) == set(ids[:2])
    assert {s.display_name for s in at_shop.subjects} == {
        shop["name"],
        school["name"],
        f"Ava Pupil{tag}",
        f"Ben Pupil{tag}",
    }
    assert f"approached by Synth Crew {tag}" in at_shop.summary
    crew = group_id(f"Synth Crew {tag}")
    assert at_shop.context_ids == (crew,)
    [by_group] = _run(settings, peer_group_context.run, crew)
    assert by_group.fingerprint == f"peer_group_context:{crew}:{_lid(school)}"
    assert f"(at {shop['name']})" in by_group.summary
    assert _run(settings, peer_group_context.run, _lid(club)) == []
    assert _run(settings, peer_group_context.run, _lid(school)) == []


def test_a_raid_at_a_vulnerable_tenants_flat_raises_trap_house_and_cuckooing(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    flat = {
        "name": f"Synth Flat {tag}",
        "postcode": "ZZ99 2FL",
        "category": "private_address",
        "local_authority": "Synthshire",
    }
    earlier, found = _child(f"Bo Synth{tag}"), _child(f"Di Synth{tag}")
    tenant = {"name": f"Vi Tenant{tag}", "role": "vulnerable_adult"}
    ids = _link(
        settings,
        cleanup,
        (timedelta(days=5), {"type": "sighting", "persons": [earlier], "place": flat}),
        (
            timedelta(days=4),
            {"type": "address_concern", "place": flat, "tenant": tenant, "tenant_vulnerable": True},
        ),
        (
            timedelta(hours=3),
            {
                "type": "operation",
                "kind": "raid",
                "premises": flat,
                "seized": [{"kind": "drugs"}],
                "persons_present": [
                    found,
                    tenant,
                    _adult(f"Mo Adult{tag}", home_local_authority="Othershire"),
                ],
            },
        ),
    )
    [trap] = _run(settings, trap_house.on_premises, _lid(flat))
    assert _cited(trap) == {ids[0], ids[2]}
    assert {s.id for s in trap.subjects} == {_lid(flat), _pid(earlier), _pid(found)}
    assert [c.fingerprint for c in _run(settings, trap_house.on_person, _pid(earlier))] == [
        trap.fingerprint
    ]
    [cuckoo] = _run(settings, cuckooing.run, _lid(flat))
    assert _cited(cuckoo) == set(ids)
    assert _pid(tenant) in {s.id for s in cuckoo.subjects}
    assert "3 non-resident visitors" in cuckoo.summary


def test_one_car_collecting_residents_of_two_homes_targets_the_homes(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    mark = synthetic_vrm(tag, "H")
    homes = [
        {"name": f"Synth Home {n}{tag}", "postcode": f"ZZ99 3H{n}", "category": "care_home"}
        for n in ("A", "B")
    ]
    residents = [
        _child(f"{n} Resident{tag}", placement=home)
        for n, home in zip(("Ro", "Sy", "Ty"), (*homes, homes[0]), strict=True)
    ]
    ids = _link(
        settings,
        cleanup,
        *(
            (
                timedelta(days=d),
                {
                    "type": "vehicle_sighting",
                    "vehicle": {"vrm": mark, "colour": "grey"},
                    "place": home,
                    "got_in": [resident],
                },
            )
            for d, home, resident in ((14, homes[0], residents[0]), (1, homes[1], residents[1]))
        ),
        (
            timedelta(days=1),
            {
                "type": "sighting",
                "persons": [_adult(f"Pat Visitor{tag}"), residents[0], residents[2]],
                "place": homes[0],
            },
        ),
    )
    [targeted] = _run(settings, care_home_targeted.run, f"vehicle:{mark}")
    assert _cited(targeted) == set(ids[:2])
    assert {s.display_name for s in targeted.subjects} == {
        mark,
        *(h["name"] for h in homes),
        *(r["name"] for r in residents[:2]),
    }
    # An adult seen at a home with two of its residents is not linked to them: no alert.
    assert _run(settings, care_home_targeted.run, _pid(_adult(f"Pat Visitor{tag}"))) == []


def _north(lat: float, miles: float) -> float:
    return lat + math.degrees(miles * 1609.344 / 6_371_008.8)


def test_bail_conditions_breached_by_a_sighting_near_the_home_and_a_contact(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    lat, lon = 51.5, -0.02
    home = {"name": f"31 Synth Dock {tag}", "coordinates": {"lat": lat, "lon": lon}}
    near = {"name": f"Synth Corner {tag}", "coordinates": {"lat": _north(lat, 0.6), "lon": lon}}
    far = {"name": f"Synth Park {tag}", "coordinates": {"lat": _north(lat, 1.5), "lon": lon}}
    subject, dw = _adult(f"Mo Bailed{tag}"), _child(f"Dee Protected{tag}")
    ids = _link(
        settings,
        cleanup,
        (timedelta(days=5), {"type": "sighting", "persons": [subject], "place": near}),
        (
            timedelta(days=2),
            {
                "type": "protective_order",
                "kind": "bail_conditions",
                "subject": subject,
                "no_contact": [dw],
                "issued_on": (NOW - timedelta(days=2)).date().isoformat(),
                "radius_m": 1609,
                "centre": home,
            },
        ),
        (timedelta(hours=5), {"type": "sighting", "persons": [subject], "place": far}),
        (timedelta(hours=4), {"type": "sighting", "persons": [subject], "place": near}),
        (
            timedelta(hours=3),
            {"type": "association", "person_a": dw, "person_b": subject, "nature": "risky_adult"},
        ),
    )
    [breach] = _run(settings, condition_breach.on_subject, _pid(subject))
    assert _cited(breach) == {ids[1], ids[3], ids[4]}
    assert breach.priority is Priority.URGENT
    assert "0.6 miles from 31 Synth Dock" in breach.summary
    assert "in contact with Dee Protected" in breach.summary
    assert _run(settings, condition_breach.at_place, _lid(near)) == [breach]
    retract(settings, ids[1])  # the order was entered in error: there is nothing to breach
    assert _run(settings, condition_breach.on_subject, _pid(subject)) == []
    assert _run(settings, condition_breach.at_place, _lid(near)) == []


def test_an_expired_order_is_not_breached(settings: InfraSettings, cleanup: list[str]) -> None:
    tag = run_tag()
    home = {"name": f"32 Synth Dock {tag}", "coordinates": {"lat": 51.5, "lon": -0.02}}
    subject = _adult(f"Al Expired{tag}")
    _link(
        settings,
        cleanup,
        (
            timedelta(days=60),
            {
                "type": "protective_order",
                "kind": "bail_conditions",
                "subject": subject,
                "issued_on": (NOW - timedelta(days=60)).date().isoformat(),
                "expires_on": (NOW - timedelta(days=1)).date().isoformat(),
                "radius_m": 1609,
                "centre": home,
            },
        ),
        (timedelta(days=30), {"type": "sighting", "persons": [subject], "place": home}),
    )
    assert _run(settings, condition_breach.on_subject, _pid(subject)) == []


# ---- issue 13, finding 1: an alert cites every report whose facts it uses, and names its
# subjects only as the reports it cites name them.


def _cuckooing_shared(
    settings: InfraSettings, cleanup: list[str], flat: dict[str, Any], tag: str
) -> list[str]:
    """What shared reports say of a flat for cuckooing: its tenant is vulnerable, and a child
    was seen there with an adult."""
    return _link(
        settings,
        cleanup,
        (timedelta(days=4), {"type": "address_concern", "place": flat, "tenant_vulnerable": True}),
        (
            timedelta(days=2),
            {
                "type": "sighting",
                "persons": [_child(f"Bo Synth{tag}"), _adult(f"Mo Adult{tag}")],
                "place": flat,
            },
        ),
    )


def test_a_tenant_only_a_police_report_names_is_cited_by_cuckooing(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    flat = {
        "name": f"Synth Flat {tag}",
        "postcode": "ZZ99 5FL",
        "category": "private_address",
        "local_authority": "Synthshire",
    }
    tenant = {"name": f"Vi Tenant{tag}", "role": "adult", "estimated_age": 60}
    [named_by_police] = _link(
        settings,
        cleanup,
        (
            timedelta(days=9),
            {"type": "address_concern", "place": flat, "tenant": tenant, "multiple_callers": True},
        ),
        agency=POLICE,
        grading=POLICE_ONLY,
    )
    shared = _cuckooing_shared(settings, cleanup, flat, tag)
    [cuckoo] = _run(settings, cuckooing.run, _lid(flat))
    assert f"Vi Tenant{tag}" in {s.display_name for s in cuckoo.subjects}
    assert _cited(cuckoo) == set(shared) | {named_by_police}


def test_an_address_area_only_a_police_report_gives_is_cited_by_cuckooing(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    """The address keeps the local authority of the latest report giving one: only a C report
    of Synthetic Police gives it. The cuckooing alert names it, so it cites that report and
    reaches only that force; retracted, the alert neither names the area nor cites it."""
    tag = run_tag()
    flat = {"name": f"Synth Flat {tag}", "postcode": "ZZ99 5FM", "category": "private_address"}
    [gives_area] = _link(
        settings,
        cleanup,
        (
            timedelta(days=9),
            {
                "type": "address_concern",
                "place": flat | {"local_authority": "Synthshire"},
                "multiple_callers": True,
            },
        ),
        agency=POLICE,
        grading=POLICE_ONLY,
    )
    shared = _cuckooing_shared(settings, cleanup, flat, tag)
    [cuckoo] = _run(settings, cuckooing.run, _lid(flat))
    assert "Synthshire" in cuckoo.summary
    assert gives_area in _cited(cuckoo)
    alert = raise_alert(settings, cuckoo)
    assert not may_see(alert, audiences_of(Principal("pc.other", "Synthetic Other", Role.POLICE)))
    assert may_see(alert, audiences_of(Principal("pc.named", POLICE, Role.POLICE)))

    retract(settings, gives_area, agency=POLICE)
    [again] = _run(settings, cuckooing.run, _lid(flat))
    assert "Synthshire" not in again.summary
    assert _cited(again) == set(shared)


def test_a_young_person_is_named_as_the_cited_reports_name_them_not_as_others_do(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    shop = {"name": f"Synth Take-away {tag}", "postcode": "ZZ99 6TA", "category": "take_away"}
    police = _child(f"Zed Welsh{tag}")  # the police's spelling, the same child
    # Police-only sightings elsewhere, the first before the cited reports and the last after
    # them: neither is cited, so neither names the child in the alert.
    _link(
        settings,
        cleanup,
        *(
            (timedelta(days=d), {"type": "sighting", "persons": [police], "place": {"name": tag}})
            for d in (20, 1)
        ),
        agency=POLICE,
        grading=POLICE_ONLY,
    )
    children = [_child(f"Zed Walsh{tag}"), _child(f"Ann Synth{tag}")]
    shared = _link(
        settings,
        cleanup,
        *(
            (timedelta(days=d), {"type": "sighting", "persons": [c], "place": shop})
            for d, c in ((3, children[0]), (2, children[1]))
        ),
    )
    [hotspot] = _run(settings, shared_hotspot, _lid(shop))
    assert _cited(hotspot) == set(shared)
    names = {f"Zed Walsh{tag}", f"Ann Synth{tag}", shop["name"]}
    assert {s.display_name for s in hotspot.subjects} == names
    alert = raise_alert(settings, hotspot)
    assert {s.display_name for s in alert.subjects} == names
    assert {n.label for n in alert.subgraph.nodes} == names
    # Linked only by what the cited reports state: each child to the shop, not the police's
    # sighting elsewhere.
    person = {s.display_name: s.id for s in alert.subjects if s.kind == "person"}
    assert {(e.source, e.target, e.type, e.report_ids) for e in alert.subgraph.edges} == {
        (person[child["name"]], _lid(shop), "SEEN_AT", (report,))
        for child, report in zip(children, shared, strict=True)
    }


def test_a_school_only_a_police_report_gives_is_cited_by_the_peer_group_alert(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    school = {"name": f"Synth Academy {tag}", "postcode": "ZZ99 7SA"}
    shop = {"name": f"Synth Take-away {tag}", "postcode": "ZZ99 7TA", "category": "take_away"}
    pupils = [_child(f"{n} Pupil{tag}") for n in ("Ava", "Ben")]
    enrolled = _link(
        settings,
        cleanup,
        (
            timedelta(days=30),
            {
                "type": "sighting",
                "persons": [p | {"school": school} for p in pupils],
                "place": {"name": f"Synth Park {tag}"},
            },
        ),
        agency=POLICE,
        grading=POLICE_ONLY,
    )
    approached = _link(
        settings,
        cleanup,
        *(
            (
                timedelta(days=d),
                {
                    "type": "approach",
                    "approached": [pupil],
                    "approachers": [_adult(f"Al Adult{tag}")],
                    "place": shop,
                    "purpose": "drug_trafficking",
                },
            )
            for d, pupil in ((3, pupils[0]), (1, pupils[1]))
        ),
    )
    [peer] = _run(settings, peer_group_context.run, _lid(shop))
    assert peer.summary.startswith(f"2 pupils of Synth Academy {tag}")
    assert _cited(peer) == set(approached) | set(enrolled)


# ---- issue 13, finding 1's class: a fact that only decides whether an alert is raised (that
# someone is a young person) comes with the report that states it, and the alert cites it.


def test_a_young_person_only_a_police_report_dates_the_birth_of_is_cited_by_the_hotspot(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    shop = {"name": f"Synth Take-away {tag}", "postcode": "ZZ99 8TA", "category": "take_away"}
    names = [f"Ann Synth{tag}", f"Bo Synth{tag}", f"Cy Synth{tag}"]
    homes = {name: f"{i} Synthetic Row {tag}" for i, name in enumerate(names, start=1)}
    dated = _link(  # Ann and Bo are young people as a report everyone may see says
        settings,
        cleanup,
        (
            timedelta(days=20),
            {
                "type": "sighting",
                "persons": [_child(n, home_address=homes[n]) for n in names[:2]],
                "place": {"name": f"Synth Park {tag}"},
            },
        ),
    )
    [born] = _link(  # Cy is one only as the police say
        settings,
        cleanup,
        (
            timedelta(days=15),
            {
                "type": "sighting",
                "persons": [
                    {"name": names[2], "date_of_birth": BORN, "home_address": homes[names[2]]}
                ],
                "place": {"name": f"Synth Station {tag}"},
            },
        ),
        agency=POLICE,
        grading=POLICE_ONLY,
    )
    seen = _link(  # all three at the take-away, their ages not given
        settings,
        cleanup,
        (
            timedelta(days=2),
            {
                "type": "sighting",
                # their home addresses say they are the children dated above, not namesakes
                "persons": [{"name": n, "home_address": homes[n]} for n in names],
                "place": shop,
            },
        ),
    )
    [hotspot] = _run(settings, shared_hotspot, _lid(shop))
    assert hotspot.summary.startswith("3 young people have been linked to")
    assert _cited(hotspot) == set(seen) | set(dated) | {born}
    alert = raise_alert(settings, hotspot)
    assert not may_see(alert, audiences_of(Principal("pc.other", "Synthetic Other", Role.POLICE)))
    assert may_see(alert, audiences_of(Principal("pc.named", POLICE, Role.POLICE)))
    # Retracted, the police report says nothing: Cy is no longer counted, nor the report cited.
    retract(settings, born, agency=POLICE)
    [again] = _run(settings, shared_hotspot, _lid(shop))
    assert again.summary.startswith("2 young people have been linked to")
    assert born not in _cited(again)
    assert names[2] not in {s.display_name for s in again.subjects}


def test_a_learning_disability_only_a_police_report_records_is_cited_by_the_hotspot(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    """What a person keeps of their reports (here a learning disability) makes the hotspot high
    only with the police report that states it cited: the alert then reaches only
    the police force that report names. Retracted, it is neither kept nor cited."""
    tag = run_tag()
    shop = {"name": f"Synth Take-away {tag}", "postcode": "ZZ99 8TB", "category": "take_away"}
    names = [f"Di Synth{tag}", f"Ed Synth{tag}", f"Fi Synth{tag}"]
    homes = {name: f"{i} Synthetic Lane {tag}" for i, name in enumerate(names, start=1)}
    seen = _link(  # three young people at the take-away, aged 15 there
        settings,
        cleanup,
        (
            timedelta(days=2),
            {
                "type": "sighting",
                "persons": [_child(n, home_address=homes[n]) for n in names],
                "place": shop,
            },
        ),
    )
    [hotspot] = _run(settings, shared_hotspot, _lid(shop))
    assert hotspot.priority is not Priority.HIGH
    [flagged] = _link(  # only the police record Di's learning disability
        settings,
        cleanup,
        (
            timedelta(days=10),
            {
                "type": "sighting",
                "persons": [
                    _child(
                        names[0],
                        home_address=homes[names[0]],
                        flags={"learning_disability": True},
                    )
                ],
                "place": {"name": f"Synth Station {tag}"},
            },
        ),
        agency=POLICE,
        grading=POLICE_ONLY,
    )
    [high] = _run(settings, shared_hotspot, _lid(shop))
    assert high.priority is Priority.HIGH
    assert _cited(high) == set(seen) | {flagged}
    alert = raise_alert(settings, high)
    assert not may_see(alert, audiences_of(Principal("pc.other", "Synthetic Other", Role.POLICE)))
    assert may_see(alert, audiences_of(Principal("pc.named", POLICE, Role.POLICE)))

    retract(settings, flagged, agency=POLICE)
    [again] = _run(settings, shared_hotspot, _lid(shop))
    assert again.priority is not Priority.HIGH
    assert flagged not in _cited(again)


def _run_touched(
    settings: InfraSettings,
    runner: Runner,
    entity_id: str,
    touched_by: list[str],
    full: FullDerivations,
) -> list[AlertCandidate]:
    """A runner as the alert worker runs it for a batch: given the reports that linked the
    entity, and the worker's record of full passes."""
    return detect_with(
        settings,
        lambda ctx: runner(
            entity_id, replace(ctx, touched_by=tuple(touched_by), full_derivations=full)
        ),
        now=NOW,
    )


def test_a_report_at_a_place_works_out_again_the_peer_groups_of_its_pupils_schools_only(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    schools = [{"name": f"Synth {n} Academy {tag}", "postcode": "ZZ99 1SA"} for n in "AB"]
    shop = {"name": f"Synth Take-away {tag}", "postcode": "ZZ99 1TA", "category": "take_away"}
    club = {"name": f"Synth Youth Club {tag}", "postcode": "ZZ99 1YC"}
    pupils = [
        _child(f"{n} Pupil{tag}", school=schools[i // 2])
        for i, n in enumerate(("Ava", "Ben", "Cai", "Dee"))
    ]
    # Every report names the shop a take-away: the first is the earliest to say so.
    at_shop = _link(
        settings,
        cleanup,
        *(
            (
                timedelta(days=4 - i),
                {"type": "approach", "approached": [pupil], "place": shop, "purpose": "other"},
            )
            for i, pupil in enumerate(pupils)
        ),
    )
    [elsewhere] = _link(
        settings,
        cleanup,
        (timedelta(hours=1), {"type": "sighting", "persons": [pupils[0]], "place": club}),
    )
    school_a, school_b = (f"peer_group_context:{_lid(shop)}:{_lid(s)}" for s in schools)

    full = FullDerivations(timedelta(minutes=10))

    def worked_out(*touched_by: str) -> set[str]:
        found = _run_touched(settings, peer_group_context.run, _lid(shop), list(touched_by), full)
        whole = {c.fingerprint: c for c in _run(settings, peer_group_context.run, _lid(shop))}
        assert found == [whole[c.fingerprint] for c in found]  # as a full pass works them out
        return {c.fingerprint for c in found}

    assert {c.fingerprint for c in _run(settings, peer_group_context.run, _lid(shop))} == {
        school_a,
        school_b,
    }
    assert worked_out(at_shop[3]) == {school_a, school_b}  # the first pass at the place: in full
    assert worked_out(at_shop[3]) == {school_b}  # Dee, of B, seen there
    assert worked_out(at_shop[1]) == {school_a}
    assert worked_out(elsewhere) == {school_a}  # it names Ava, of A, though not at the shop
    # The earliest report to call the shop a take-away: every school's alert cites it.
    assert worked_out(at_shop[0]) == {school_a, school_b}


def test_a_busy_place_is_taken_as_a_quiet_one_is(
    settings: InfraSettings, cleanup: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A place mentioned more often than `BUSY_PLACE_MENTIONS` is not read report by report for
    what it is: its earliest report giving its category is the one the place keeps, and which
    others give it is asked of the reports its alerts would cite. P01 and P02 find the same
    candidates, citing the same reports, whichever way the place is read."""
    tag = run_tag()
    school = {"name": f"Synth Busy Academy {tag}", "postcode": "ZZ99 1SB"}
    shop = {"name": f"Synth Busy Take-away {tag}", "postcode": "ZZ99 1TB", "category": "take_away"}
    plain = {k: v for k, v in shop.items() if k != "category"}  # says nothing of what it is
    ava, ben = (_child(f"{n} Busy{tag}", school=school) for n in ("Ava", "Ben"))
    first, says_so, says_nothing = _link(
        settings,
        cleanup,
        (
            timedelta(days=6),
            {"type": "sighting", "persons": [_adult(f"Cal Busy{tag}")], "place": shop},
        ),
        (timedelta(days=3), {"type": "sighting", "persons": [ava], "place": shop}),
        (timedelta(days=2), {"type": "sighting", "persons": [ben], "place": plain}),
    )
    runners = {"P01": shared_hotspot, "P02": peer_group_context.run}
    quiet = {name: _run(settings, runner, _lid(shop)) for name, runner in runners.items()}
    monkeypatch.setattr(shared_reads, "BUSY_PLACE_MENTIONS", 0)
    busy = {name: _run(settings, runner, _lid(shop)) for name, runner in runners.items()}
    assert busy == quiet
    # Two young people are enough only at a hotspot: each alert relies on what the place is,
    # and cites for it a report it cites already, not the earliest that says so.
    for [candidate] in quiet.values():
        assert {says_so, says_nothing} <= _cited(candidate)
        assert first not in _cited(candidate)
    # At another take-away only adults' reports say what it is: the earliest of them is cited,
    # not the earliest of another audience (the place keeps one for each).
    other = {"name": f"Synth Busy Grill {tag}", "postcode": "ZZ99 1TC", "category": "take_away"}
    other_plain = {k: v for k, v in other.items() if k != "category"}

    def seen(days: int, person: dict[str, Any], place: dict[str, Any]) -> Any:
        return timedelta(days=days), {"type": "sighting", "persons": [person], "place": place}

    [later] = _link(
        settings, cleanup, seen(5, _adult(f"Eve Busy{tag}"), other), grading=POLICE_ONLY
    )
    earliest, *_ = _link(
        settings,
        cleanup,
        seen(6, _adult(f"Dan Busy{tag}"), other),
        seen(3, ava, other_plain),
        seen(2, ben, other_plain),
    )
    for mentions in (0, shared_reads.BUSY_PLACE_MENTIONS, 1_000):
        monkeypatch.setattr(shared_reads, "BUSY_PLACE_MENTIONS", mentions)
        for runner in runners.values():
            [candidate] = _run(settings, runner, _lid(other))
            assert earliest in _cited(candidate) and later not in _cited(candidate)
    # The earliest retracted, the next that says so is the place's earliest, read either way.
    retract(settings, earliest)
    for mentions in (0, 1_000):
        monkeypatch.setattr(shared_reads, "BUSY_PLACE_MENTIONS", mentions)
        for runner in runners.values():
            [candidate] = _run(settings, runner, _lid(other))
            assert later in _cited(candidate) and earliest not in _cited(candidate)
    # Asked of a retracted report (one retracted after its alert's reads, say), the place
    # does not take its category from it.
    monkeypatch.setattr(shared_reads, "BUSY_PLACE_MENTIONS", 0)

    async def given_by(ctx: Context) -> HotspotPlace:
        graph = Neo4jHotspotGraph.of(ctx)
        place = await graph.place(_lid(other))
        assert place is not None and not place.complete
        return await graph.category_given_by(place, [earliest, later])

    place = detect_with(settings, given_by, now=NOW)
    assert place.complete and set(place.category_reports) == {later}
