"""P14 care home targeted, against a small fake of the graph port."""

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from schemas.alerts import AlertType, Priority
from services.alerts.actions import Action
from services.alerts.patterns.care_home_targeted.rule import (
    External,
    Home,
    ResidentLink,
    detect_care_home_targeted,
)
from services.alerts.shared.candidate import AlertCandidate
from tests.support.factories import NOW

RID = "00000000-0000-0000-0000-0000000000{:02d}"
HOME_A = Home(id="location:a", name="Synth Home A")
HOME_B = Home(id="location:b", name="Synth Home B")
CAR = External(id="vehicle:ZZ51CHT", kind="vehicle", name="ZZ51CHT", adult=False)
ADULT = External(id="person:adult", kind="person", name="Carl Synth", adult=True, role="adult")


class FakeGraph:
    def __init__(self, entity: External | None, links: list[ResidentLink]) -> None:
        self._entity, self._links = entity, links

    async def external(self, entity_id: str) -> External | None:
        return self._entity

    async def residents_linked(
        self, entity_id: str, *, links: tuple[str, ...], since: datetime
    ) -> list[ResidentLink]:
        return [link for link in self._links if link.observed_at >= since]


def _link(
    i: int,
    home: Home,
    *,
    link: str = "IN_VEHICLE",
    days_ago: int = 3,
    age: int = 15,
) -> ResidentLink:
    return ResidentLink(
        person_id=f"person:{i}",
        person_name=f"Synth Resident {i}",
        age=age,
        vulnerable=False,
        home=home,
        link=link,
        report_id=RID.format(i),
        observed_at=NOW - timedelta(days=days_ago),
    )


def _detect(entity: External | None, links: list[ResidentLink]) -> AlertCandidate | None:
    return asyncio.run(
        detect_care_home_targeted(
            entity_id="x",
            graph=FakeGraph(entity, links),
            now=NOW,
            min_residents=2,
            window_days=90,
        )
    )


def test_one_car_with_residents_of_two_homes_raises_the_alert() -> None:
    candidate = _detect(CAR, [_link(0, HOME_A), _link(1, HOME_B)])
    assert candidate is not None and candidate.type is AlertType.CARE_HOME_TARGETED
    assert candidate.fingerprint == "care_home_targeted:vehicle:ZZ51CHT"
    assert [s.id for s in candidate.subjects] == [
        "vehicle:ZZ51CHT",
        "location:a",
        "location:b",
        "person:0",
        "person:1",
    ]
    assert candidate.actions == (
        Action.NOTIFY_HOMES,
        Action.SHARE_REGISTRATION,
        Action.STRATEGY_MEETING,
    )
    assert "2 residents of 2 care homes (Synth Home A, Synth Home B)" in candidate.summary


def test_an_adult_associated_with_two_residents_of_one_home_raises_it() -> None:
    links = [_link(0, HOME_A, link="ASSOCIATES_WITH"), _link(1, HOME_A, link="APPROACHED")]
    candidate = _detect(ADULT, links)
    assert candidate is not None
    assert Action.SHARE_REGISTRATION not in candidate.actions
    assert "1 care home" in candidate.summary


def test_one_resident_raises_nothing() -> None:
    assert _detect(CAR, [_link(0, HOME_A), _link(0, HOME_A, days_ago=5)]) is None


def test_residents_linked_through_the_home_itself_do_not_count() -> None:
    links = [_link(0, HOME_A, link="SEEN_AT"), _link(1, HOME_A, link="SEEN_AT")]
    assert _detect(ADULT, links) is None


@pytest.mark.parametrize(
    "entity",
    [
        External(id="person:peer", kind="person", name="Synth Peer", adult=False),
        External(id="person:sw", kind="person", name="Synth SW", adult=True, role="professional"),
        External(id="location:a", kind="location", name="Synth Home A", adult=False),
        None,
    ],
)
def test_only_an_outside_adult_car_phone_or_handle_counts(entity: External | None) -> None:
    assert _detect(entity, [_link(0, HOME_A), _link(1, HOME_B)]) is None


def test_links_outside_the_window_do_not_count() -> None:
    assert _detect(CAR, [_link(0, HOME_A), _link(1, HOME_B, days_ago=100)]) is None


def test_an_under_13_raises_the_priority() -> None:
    candidate = _detect(CAR, [_link(0, HOME_A, age=11), _link(1, HOME_B)])
    assert candidate is not None and candidate.priority is Priority.HIGH


# ---- issue 13, finding 1: an alert cites every report whose facts it uses, and names its
# subjects only as the reports it cites name them.

POLICE_RID = "00000000-0000-0000-0000-000000000077"  # a C-coded report of Synthetic Police
UNCITED_RID = "00000000-0000-0000-0000-000000000088"  # a report the alert does not cite


def _cited(candidate: AlertCandidate) -> set[str]:
    return {str(e.report_id) for e in candidate.evidence}


def test_where_a_resident_is_placed_is_cited_from_the_report_that_says_so() -> None:
    placed = {POLICE_RID: NOW - timedelta(days=100)}
    links = [
        replace(
            _link(0, Home(id="location:a", name="")),
            residency=placed,
            home_names={POLICE_RID: "Synth Home A"},
        ),
        _link(1, HOME_B),
    ]
    candidate = _detect(CAR, links)
    assert candidate is not None
    assert _cited(candidate) == {RID.format(0), RID.format(1), POLICE_RID}
    assert "(Synth Home A, Synth Home B)" in candidate.summary


def test_the_entity_is_named_only_as_the_cited_reports_name_it() -> None:
    car = replace(CAR, name="someone unnamed")
    links = [replace(_link(i, HOME_A), entity_name="ZZ51 CHT") for i in range(2)]
    candidate = _detect(car, links)
    assert candidate is not None and candidate.subjects[0].display_name == "ZZ51 CHT"
    assert candidate.summary.startswith("Vehicle ZZ51 CHT has been linked")


def test_a_home_only_another_report_calls_a_care_home_cites_it() -> None:
    """Issue 13, finding 1's class: the home's category decides the alert."""
    police = "00000000-0000-0000-0000-0000000000aa"
    links = [
        replace(_link(i, HOME_A), category_reports={police: NOW - timedelta(days=30)})
        for i in (1, 2)
    ]
    candidate = _detect(CAR, links)
    assert candidate is not None
    assert {str(e.report_id) for e in candidate.evidence} == {RID.format(1), RID.format(2), police}
