"""P11 trap house, against a small fake of the graph port."""

import asyncio
from datetime import datetime, timedelta

from schemas.alerts import AlertType, Priority
from services.alerts.actions import Action
from services.alerts.patterns.trap_house.rule import (
    Premises,
    detect_trap_house,
    detect_trap_houses_of_person,
)
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared.child_links import ChildLink
from tests.support.factories import NOW

RID = "00000000-0000-0000-0000-0000000000{:02d}"
STATUS_RID = "00000000-0000-0000-0000-000000000099"
HOUSE = Premises(
    id="location:flat",
    name="Synth Flat",
    drugs_house=True,
    since=NOW - timedelta(days=1),
    status_report=STATUS_RID,
)


class FakeGraph:
    def __init__(self, premises: Premises | None, links: list[ChildLink]) -> None:
        self._premises, self._links = premises, links

    async def premises(self, location_id: str) -> Premises | None:
        return self._premises

    async def children_at(self, location_id: str, *, since: datetime) -> list[ChildLink]:
        return [link for link in self._links if link.observed_at >= since]

    async def drugs_houses_of(self, person_id: str, *, since: datetime) -> list[str]:
        return [self._premises.id] if self._premises and self._premises.drugs_house else []


def _child(i: int, *, days_ago: int = 1, age: int = 15, vulnerable: bool = False) -> ChildLink:
    return ChildLink(
        person_id=f"person:{i}",
        person_name=f"Synth Child {i}",
        age=age,
        vulnerable=vulnerable,
        report_id=RID.format(i),
        observed_at=NOW - timedelta(days=days_ago),
    )


def _detect(premises: Premises | None, links: list[ChildLink]) -> AlertCandidate | None:
    return asyncio.run(
        detect_trap_house(
            location_id="location:flat",
            graph=FakeGraph(premises, links),
            now=NOW,
            lookback_days=365,
        )
    )


def test_a_child_at_a_drugs_house_raises_the_alert() -> None:
    candidate = _detect(HOUSE, [_child(0)])
    assert candidate is not None and candidate.type is AlertType.TRAP_HOUSE
    assert candidate.fingerprint == "trap_house:location:flat"
    assert candidate.actions == (
        Action.NRM_REFERRAL,
        Action.STRATEGY_MEETING,
        Action.WARRANT_OR_CLOSURE,
    )
    assert {str(e.report_id) for e in candidate.evidence} == {RID.format(0), STATUS_RID}
    assert "1 child has been found or seen there" in candidate.summary


def test_children_from_the_year_before_the_status_are_back_propagated() -> None:
    candidate = _detect(HOUSE, [_child(0), _child(1, days_ago=300), _child(2, days_ago=400)])
    assert candidate is not None
    assert [s.id for s in candidate.subjects] == ["location:flat", "person:0", "person:1"]


def test_a_place_that_is_not_a_drugs_house_raises_nothing() -> None:
    assert (
        _detect(Premises(id="location:flat", name="Synth Flat", drugs_house=False), [_child(0)])
        is None
    )


def test_a_drugs_house_without_children_raises_nothing() -> None:
    assert _detect(HOUSE, []) is None


def test_a_vulnerable_child_raises_the_priority() -> None:
    candidate = _detect(HOUSE, [_child(0, vulnerable=True)])
    assert candidate is not None and candidate.priority is Priority.HIGH


def test_a_person_leads_to_the_drugs_houses_they_were_at() -> None:
    candidates = asyncio.run(
        detect_trap_houses_of_person(
            person_id="person:0", graph=FakeGraph(HOUSE, [_child(0)]), now=NOW, lookback_days=365
        )
    )
    assert [c.fingerprint for c in candidates] == ["trap_house:location:flat"]


# ---- issue 13, finding 1: an alert cites every report whose facts it uses, and names its
# subjects only as the reports it cites name them.

POLICE_RID = "00000000-0000-0000-0000-000000000077"  # a C-coded report of Synthetic Police
UNCITED_RID = "00000000-0000-0000-0000-000000000088"  # a report the alert does not cite


def _cited(candidate: AlertCandidate) -> set[str]:
    return {str(e.report_id) for e in candidate.evidence}


def test_the_premises_are_named_only_as_a_cited_report_names_them() -> None:
    house = Premises(
        id="location:flat",
        name="someone unnamed",
        drugs_house=True,
        since=NOW - timedelta(days=1),
        status_report=STATUS_RID,
        status_name="Synth Flat",
    )
    candidate = _detect(house, [_child(0)])
    assert candidate is not None
    assert candidate.subjects[0].display_name == "Synth Flat"
    assert candidate.summary.startswith("Synth Flat has been known as a drugs house")
