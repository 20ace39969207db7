"""The missing-episode rules (P04 harbouring, P06b, P07, P08, P09) on hand-made episodes."""

from dataclasses import replace
from datetime import timedelta

from schemas.alerts import AlertType, Priority
from services.alerts.patterns.co_missing.rule import SharedEpisode, detect_co_missing
from services.alerts.patterns.harbouring_adult.rule import Harboured, detect_harbouring_adult
from services.alerts.patterns.missing_escalation.rule import detect_missing_escalation
from services.alerts.patterns.out_of_area.rule import detect_out_of_area
from services.alerts.patterns.vehicle_linked_to_missing.rule import (
    Ride,
    detect_vehicle_linked_to_missing,
)
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared.episodes import Child, Companion, Episode, FoundPlace
from services.alerts.shared.whereabouts import Whereabouts
from tests.support.factories import NOW

RID = "00000000-0000-0000-0000-0000000000{:02d}"
CHILD = Child(
    id="person:dw",
    name="Dee Synth",
    age=15,
    vulnerable=False,
    known_areas=frozenset({"synth borough"}),
)


def _episode(n: int, days_ago: float, hours: float | None, **extra: object) -> Episode:
    start = NOW - timedelta(days=days_ago)
    return Episode(
        id=f"missing:{n}",
        started_at=start,
        ended_at=start + timedelta(hours=hours) if hours is not None else None,
        reports={RID.format(n): start},
        **extra,  # type: ignore[arg-type]
    )


def _escalation(*episodes: Episode, child: Child = CHILD) -> AlertType | None:
    found = detect_missing_escalation(child=child, episodes=list(episodes), now=NOW, window_days=90)
    return found.type if found else None


def test_three_episodes_where_there_were_none_before_escalate() -> None:
    assert _escalation(_episode(1, 60, 3), _episode(2, 30, 4), _episode(3, 5, 2))


def test_two_short_episodes_of_equal_length_do_not_escalate() -> None:
    assert _escalation(_episode(1, 60, 3), _episode(2, 30, 3)) is None


def test_one_episode_of_a_day_or_more_escalates_on_its_own() -> None:
    assert _escalation(_episode(1, 3, 26)) is AlertType.MISSING_ESCALATION


def test_longer_episodes_than_the_window_before_escalate() -> None:
    assert _escalation(_episode(1, 150, 2), _episode(2, 120, 2), _episode(3, 20, 9))


def test_as_many_episodes_as_before_of_the_same_length_do_not_escalate() -> None:
    before = [_episode(i, 100 + i, 2) for i in range(1, 4)]
    now = [_episode(i, 10 + i, 2) for i in range(4, 7)]
    found = detect_missing_escalation(child=CHILD, episodes=before + now, now=NOW, window_days=90)
    # Three in the window is still "frequent and persistent" (S4), even without a rise.
    assert found is not None and "frequent and persistent" in found.summary


def test_the_window_before_is_neither_spoken_of_nor_cited_when_this_window_raises_the_alert() -> (
    None
):
    """Its episodes may be in reports some receivers may not see: an alert that said "three
    against one before" would tell them that one exists."""
    before = _episode(1, 120, 2)
    now = [_episode(i, 10 * i, 2) for i in range(2, 5)]
    found = detect_missing_escalation(child=CHILD, episodes=[before, *now], now=NOW, window_days=90)
    assert found is not None and "before" not in found.summary
    assert _cited(found) == {RID.format(i) for i in range(2, 5)}


def test_the_window_before_is_cited_when_only_it_makes_the_alert() -> None:
    episodes = [_episode(1, 150, 2), _episode(2, 120, 2), _episode(3, 20, 9)]
    found = detect_missing_escalation(child=CHILD, episodes=episodes, now=NOW, window_days=90)
    assert found is not None and "longer than in the window before" in found.summary
    assert _cited(found) == {RID.format(i) for i in range(1, 4)}


def test_a_child_with_a_learning_disability_raises_the_priority() -> None:
    child = Child(id="person:x", name="X", age=15, vulnerable=True)
    found = detect_missing_escalation(
        child=child, episodes=[_episode(1, 3, 30)], now=NOW, window_days=90
    )
    assert found is not None and found.priority is Priority.HIGH


def test_an_adult_found_with_two_children_is_one_harbouring_alert() -> None:
    other = Child(id="person:b", name="Bo Synth", age=12, vulnerable=False)
    found = detect_harbouring_adult(
        adult_id="person:m1",
        adult_names={RID.format(1): "Max Adult"},
        harboured=[
            Harboured(CHILD, _episode(1, 3, 30), as_tenant=False),
            Harboured(other, _episode(2, 2, 10), as_tenant=False),
        ],
    )
    assert found is not None and found.fingerprint == "harbouring_adult:person:m1"
    assert [s.display_name for s in found.subjects] == ["Max Adult", "Bo Synth", "Dee Synth"]
    assert found.priority is Priority.HIGH  # Bo is under 13
    assert "Child Abduction Warning Notice" in found.summary


def test_a_ride_the_evening_before_the_child_goes_missing_links_the_car() -> None:
    episode = _episode(1, 2, None)
    ride = Ride(CHILD, RID.format(9), NOW - timedelta(days=2, hours=5), (episode,))
    found = detect_vehicle_linked_to_missing(
        vehicle_id="vehicle:ZZ51SYN",
        vehicle_name="ZZ51 SYN",
        rides=[ride],
        now=NOW,
        hours_before=24,
    )
    assert found is not None and found.type is AlertType.VEHICLE_LINKED_TO_MISSING
    assert {str(e.report_id) for e in found.evidence} == {RID.format(9), RID.format(1)}


def test_a_ride_a_week_before_the_episode_does_not() -> None:
    episode = _episode(1, 2, 5)
    ride = Ride(CHILD, RID.format(9), NOW - timedelta(days=9), (episode,))
    assert (
        detect_vehicle_linked_to_missing(
            vehicle_id="vehicle:x", vehicle_name="x", rides=[ride], now=NOW, hours_before=24
        )
        is None
    )


def test_overlapping_episodes_ending_at_one_place_are_going_missing_together() -> None:
    other = Child(id="person:a", name="Ava Synth", age=14, vulnerable=False)
    mine, theirs = _episode(1, 3, 30), _episode(2, 3, 20)
    shared = [SharedEpisode(mine, other, theirs, "location:flat", "Synthetic Flat")]
    (found,) = detect_co_missing(
        child=CHILD, shared=shared, now=NOW, min_overlap=timedelta(hours=1)
    )
    assert found.fingerprint == "co_missing:person:a:person:dw"
    assert found.context_ids == ("location:flat",)


def test_episodes_a_week_apart_are_not_going_missing_together() -> None:
    other = Child(id="person:a", name="Ava Synth", age=14, vulnerable=False)
    shared = [SharedEpisode(_episode(1, 10, 3), other, _episode(2, 3, 3), "location:f", "F")]
    assert (
        detect_co_missing(child=CHILD, shared=shared, now=NOW, min_overlap=timedelta(hours=1)) == []
    )


def _seen(areas: set[str], **extra: object) -> Whereabouts:
    place = FoundPlace(
        id="location:l",
        name="Synthetic Flat",
        areas=frozenset(areas),
        drugs_house=bool(extra.pop("drugs_house", False)),
    )
    return Whereabouts(place=place, report_id=RID.format(3), observed_at=NOW, **extra)  # type: ignore[arg-type]


def test_found_in_another_area_is_out_of_area_and_with_drugs_county_lines() -> None:
    plain = detect_out_of_area(child=CHILD, seen=[_seen({"synthshire"})])
    assert [c.type for c in plain] == [AlertType.FOUND_OUT_OF_AREA]
    drugs = detect_out_of_area(
        child=CHILD,
        seen=[_seen({"synthshire"}, items=frozenset({"drugs"}), circumstances="found_in_raid")],
    )
    assert [c.type for c in drugs] == [
        AlertType.FOUND_OUT_OF_AREA,
        AlertType.COUNTY_LINES_SUSPECTED,
    ]
    assert "safeguarding_48h" in {a.value for a in drugs[1].actions}


def test_found_at_home_or_where_the_home_area_is_unknown_is_not_out_of_area() -> None:
    assert detect_out_of_area(child=CHILD, seen=[_seen({"synth borough"})]) == []
    nowhere = Child(id="person:n", name="N", age=15, vulnerable=False)
    assert detect_out_of_area(child=nowhere, seen=[_seen({"synthshire"})]) == []


def test_a_place_with_no_area_reported_is_not_judged() -> None:
    assert detect_out_of_area(child=CHILD, seen=[_seen(set())]) == []


def test_companions_are_kept_on_the_episode() -> None:
    episode = _episode(1, 1, 2, companions=(Companion("person:m", "M", adult=True),))
    assert episode.companions[0].adult


# ---- issue 13, finding 1: an alert cites every report whose facts it uses, and names its
# subjects only as the reports it cites name them.

POLICE_RID = "00000000-0000-0000-0000-000000000077"  # a C-coded report of Synthetic Police
UNCITED_RID = "00000000-0000-0000-0000-000000000088"  # a report the alert does not cite


def _cited(candidate: AlertCandidate) -> set[str]:
    return {str(e.report_id) for e in candidate.evidence}


def test_an_adult_who_is_only_the_tenant_cites_the_reports_that_say_so() -> None:
    episode = _episode(1, 3, 30)
    tenancy = {POLICE_RID: NOW - timedelta(days=20)}
    found = detect_harbouring_adult(
        adult_id="person:tenant",
        adult_names={POLICE_RID: "Ned Tenant", UNCITED_RID: "Edward Tenant"},
        harboured=[Harboured(CHILD, episode, as_tenant=True, tenancy=tenancy)],
    )
    assert found is not None
    assert _cited(found) == {RID.format(1), POLICE_RID}
    assert found.subjects[0].display_name == "Ned Tenant"
    assert found.summary.startswith("Ned Tenant was found at their address")


def test_an_adult_found_with_the_child_needs_no_report_of_their_tenancy() -> None:
    episode = _episode(1, 3, 30)
    found = detect_harbouring_adult(
        adult_id="person:tenant",
        adult_names={RID.format(1): "Ned Tenant"},
        harboured=[
            Harboured(CHILD, episode, as_tenant=False),
            Harboured(CHILD, episode, as_tenant=True, tenancy={POLICE_RID: NOW}),
        ],
    )
    assert found is not None and _cited(found) == {RID.format(1)}
    assert "found with them" in found.summary


def test_an_adult_no_cited_report_names_is_not_named_by_another() -> None:
    found = detect_harbouring_adult(
        adult_id="person:m1",
        adult_names={UNCITED_RID: "Max Adult"},
        harboured=[Harboured(CHILD, _episode(1, 3, 30), as_tenant=False)],
    )
    assert found is not None and "Max Adult" not in found.summary
    assert "Max Adult" not in {s.display_name for s in found.subjects}


def test_going_missing_after_the_same_car_cites_the_reports_that_put_each_child_in_it() -> None:
    other = Child(id="person:a", name="Ava Synth", age=14, vulnerable=False)
    mine, theirs = _episode(1, 3, 30), _episode(2, 3, 20)
    in_car = {POLICE_RID: NOW - timedelta(days=3)}
    shared = [
        SharedEpisode(
            mine,
            other,
            theirs,
            "vehicle:ZZ51SYN",
            "someone unnamed",
            facts=(in_car, in_car),
            names={POLICE_RID: "ZZ51 SYN", UNCITED_RID: "a grey car"},
        )
    ]
    (found,) = detect_co_missing(
        child=CHILD, shared=shared, now=NOW, min_overlap=timedelta(hours=1)
    )
    assert _cited(found) == {RID.format(1), RID.format(2), POLICE_RID}
    assert "(shared: ZZ51 SYN)" in found.summary
    assert found.context_ids == ("vehicle:ZZ51SYN",)


def test_a_child_is_named_aged_and_flagged_only_by_the_reports_the_alert_cites() -> None:
    from services.alerts.shared.episodes import Said  # new with the fix: reported per report

    child = Child(
        id="person:dw",
        name="someone unnamed",
        age=None,
        vulnerable=False,
        said={
            RID.format(1): Said(name="Dee Walsh", age=15),
            UNCITED_RID: Said(name="Dee Welsh", age=11, vulnerable=True),
        },
    )
    found = detect_missing_escalation(
        child=child, episodes=[_episode(1, 3, 30)], now=NOW, window_days=90
    )
    assert found is not None
    assert [s.display_name for s in found.subjects] == ["Dee Walsh"]
    assert found.summary.startswith("Dee Walsh's missing episodes")
    assert found.priority is Priority.MEDIUM  # only the uncited report says 11, or needs


def test_a_car_is_named_as_the_cited_ride_report_names_it() -> None:
    episode = _episode(1, 2, None)
    ride = Ride(CHILD, RID.format(9), NOW - timedelta(days=2, hours=5), (episode,), "ZZ51 SYN")
    found = detect_vehicle_linked_to_missing(
        vehicle_id="vehicle:ZZ51SYN",
        vehicle_name="someone unnamed",
        rides=[ride],
        now=NOW,
        hours_before=24,
    )
    assert found is not None and found.subjects[0].display_name == "ZZ51 SYN"
    assert found.summary.startswith("Vehicle ZZ51 SYN carried")


def test_county_lines_at_a_known_drugs_house_cites_the_reports_that_say_it_is_one() -> None:
    place = FoundPlace(
        id="location:l",
        name="Synthetic Flat",
        areas=frozenset({"synthshire"}),
        drugs_house=True,
        drugs_house_reports={POLICE_RID: NOW - timedelta(days=30)},
    )
    seen = Whereabouts(place=place, report_id=RID.format(3), observed_at=NOW)
    plain, county = detect_out_of_area(child=CHILD, seen=[seen])
    assert "a known drugs house" in county.summary
    assert _cited(county) == {RID.format(3), POLICE_RID}
    assert _cited(plain) == {RID.format(3)}  # it does not say so


def test_an_area_only_another_report_gives_is_cited_with_the_sighting() -> None:
    place = FoundPlace(
        id="location:l",
        name="Synthetic Flat",
        areas=frozenset({"synthshire"}),
        area_reports={POLICE_RID: NOW - timedelta(days=30)},
    )
    seen = Whereabouts(place=place, report_id=RID.format(3), observed_at=NOW)
    (away,) = detect_out_of_area(child=CHILD, seen=[seen])
    assert "(synthshire)" in away.summary
    assert _cited(away) == {RID.format(3), POLICE_RID}


# Issue 13, finding 1's class: what only decides an alert or its priority (that the person is a
# young person, an age under 13, needs, a known area) is cited with the report that states it.


def test_a_child_only_an_uncited_report_calls_a_young_person_is_cited_as_one() -> None:
    from services.alerts.shared.provenance import Traits  # new with the fix

    child = replace(
        CHILD,
        traits=Traits(young={UNCITED_RID: NOW - timedelta(days=40), POLICE_RID: NOW}),
    )
    found = detect_missing_escalation(
        child=child, episodes=[_episode(1, 3, 30)], now=NOW, window_days=90
    )
    assert found is not None
    assert _cited(found) == {RID.format(1), UNCITED_RID}  # the earliest that says so
    cited_already = replace(CHILD, traits=Traits(young={RID.format(1): NOW, POLICE_RID: NOW}))
    found = detect_missing_escalation(
        child=cited_already, episodes=[_episode(1, 3, 30)], now=NOW, window_days=90
    )
    assert found is not None
    assert _cited(found) == {RID.format(1)}


def test_needs_or_an_age_under_13_only_an_uncited_report_gives_raise_it_and_are_cited() -> None:
    from services.alerts.shared.provenance import Traits

    for traits in (Traits(needs={POLICE_RID: NOW}), Traits(under_13={POLICE_RID: NOW})):
        found = detect_missing_escalation(
            child=replace(CHILD, traits=traits),
            episodes=[_episode(1, 3, 30)],
            now=NOW,
            window_days=90,
        )
        assert found is not None
        assert found.priority is Priority.HIGH
        assert _cited(found) == {RID.format(1), POLICE_RID}


def test_a_known_area_only_an_uncited_report_gives_is_cited_by_out_of_area() -> None:
    child = replace(
        CHILD,
        area_statements=(
            {POLICE_RID: NOW - timedelta(days=5), UNCITED_RID: NOW - timedelta(days=50)},
            {RID.format(9): NOW - timedelta(days=20)},
        ),
    )
    (away,) = detect_out_of_area(child=child, seen=[_seen({"synthshire"})])
    assert _cited(away) == {RID.format(3), RID.format(9)}  # the statement made the earliest
    stated = replace(CHILD, area_statements=({RID.format(3): NOW},))
    (away,) = detect_out_of_area(child=stated, seen=[_seen({"synthshire"})])
    assert _cited(away) == {RID.format(3)}
