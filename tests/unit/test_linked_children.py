"""P04, P06 (a) and P17: an adult, vehicle or phone linked to several children."""

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from schemas.alerts import AlertType, Priority
from services.alerts.patterns.linked_children.rule import Anchor, detect_linked_children
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared.child_links import ChildLink
from tests.support.factories import NOW

RID = "00000000-0000-0000-0000-0000000000{:02d}"


class FakeGraph:
    def __init__(self, anchor: Anchor | None, links: list[ChildLink]) -> None:
        self._anchor, self._links = anchor, links

    async def anchor(self, entity_id: str) -> Anchor | None:
        return self._anchor

    async def children_linked(self, entity_id: str, *, since: datetime) -> list[ChildLink]:
        return [link for link in self._links if link.observed_at >= since]


def _links(
    count: int, *, age: int = 15, days_ago: int = 3, vulnerable: bool = False
) -> list[ChildLink]:
    return [
        ChildLink(
            person_id=f"person:{i}",
            person_name=f"Synth Child {i}",
            age=age,
            vulnerable=vulnerable,
            report_id=RID.format(i),
            observed_at=NOW - timedelta(days=days_ago),
        )
        for i in range(count)
    ]


def _detect(anchor: Anchor | None, links: list[ChildLink]) -> AlertCandidate | None:
    return asyncio.run(
        detect_linked_children(
            entity_id="x", graph=FakeGraph(anchor, links), now=NOW, min_children=2, window_days=90
        )
    )


ADULT = Anchor(id="person:adult", kind="person", name="Carl Synth", adult=True)
CAR = Anchor(id="vehicle:ZZ51QRS", kind="vehicle", name="ZZ51QRS", adult=False)
PHONE = Anchor(id="phone:+447700900456", kind="phone", name="+447700900456", adult=False)


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        (ADULT, AlertType.ADULT_LINKED_TO_CHILDREN),
        (CAR, AlertType.VEHICLE_LINKED_TO_CHILDREN),
        (PHONE, AlertType.SHARED_PHONE),
    ],
)
def test_two_children_raise_the_alert_of_the_anchor(anchor: Anchor, expected: AlertType) -> None:
    candidate = _detect(anchor, _links(2))
    assert candidate is not None and candidate.type is expected
    assert candidate.fingerprint == f"{expected.value}:{anchor.id}"
    assert len(candidate.subjects) == 3 and len(candidate.evidence) == 2
    assert candidate.priority is Priority.MEDIUM


def test_one_child_raises_nothing() -> None:
    assert _detect(ADULT, _links(1)) is None


def test_a_young_person_is_not_an_adult_of_concern() -> None:
    peer = Anchor(id="person:peer", kind="person", name="Synth Peer", adult=False)
    assert _detect(peer, _links(3)) is None


def test_links_outside_the_window_do_not_count() -> None:
    assert _detect(CAR, _links(2, days_ago=120)) is None


@pytest.mark.parametrize(("age", "vulnerable"), [(12, False), (16, True)])
def test_under_13_or_vulnerable_raises_the_priority(age: int, vulnerable: bool) -> None:
    candidate = _detect(ADULT, _links(2, age=age, vulnerable=vulnerable))
    assert candidate is not None and candidate.priority is Priority.HIGH


# ---- issue 13, finding 1: an alert cites every report whose facts it uses, and names its
# subjects only as the reports it cites name them.

POLICE_RID = "00000000-0000-0000-0000-000000000077"  # a C-coded report of Synthetic Police
UNCITED_RID = "00000000-0000-0000-0000-000000000088"  # a report the alert does not cite


def _cited(candidate: AlertCandidate) -> set[str]:
    return {str(e.report_id) for e in candidate.evidence}


def test_the_adult_is_named_only_as_the_cited_reports_name_them() -> None:
    adult = replace(ADULT, name="someone unnamed")
    links = [replace(link, named_there="Carl Synth") for link in _links(2)]
    candidate = _detect(adult, links)
    assert candidate is not None and candidate.subjects[0].display_name == "Carl Synth"
    assert candidate.summary.startswith("The adult Carl Synth has been linked")
