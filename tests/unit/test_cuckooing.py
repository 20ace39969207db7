"""P12 cuckooing, against a small fake of the graph port."""

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from schemas.alerts import AlertType
from services.alerts.actions import Action
from services.alerts.patterns.cuckooing.rule import Address, Tenant, Visit, detect_cuckooing
from services.alerts.shared.candidate import AlertCandidate
from tests.support.factories import NOW

RID = "00000000-0000-0000-0000-0000000000{:02d}"
STATUS_RID = "00000000-0000-0000-0000-000000000099"
TENANT = Tenant(id="person:tenant", name="Vi Tenant", role="vulnerable_adult")
FLAT = Address(
    id="location:flat",
    name="Synth Flat",
    local_authority="Synthshire",
    vulnerable_tenant=True,
    cuckooing_suspected=False,
    tenants=(TENANT,),
    vulnerable_tenant_reports={STATUS_RID: NOW - timedelta(days=10)},
)


class FakeGraph:
    def __init__(self, address: Address | None, visits: list[Visit]) -> None:
        self._address, self._visits = address, visits

    async def address(self, location_id: str) -> Address | None:
        return self._address

    async def visits(self, location_id: str, *, since: datetime) -> list[Visit]:
        return [v for v in self._visits if v.observed_at >= since]


def _visit(
    i: int,
    *,
    young: bool = False,
    home: str | None = "Synthshire",
    days_ago: int = 2,
    person_id: str | None = None,
    role: str = "adult",
) -> Visit:
    return Visit(
        person_id=person_id or f"person:{i}",
        person_name=f"Synth Visitor {i}",
        age=15 if young else 30,
        young=young,
        vulnerable=False,
        home_local_authority=home,
        role=role,
        report_id=RID.format(i),
        observed_at=NOW - timedelta(days=days_ago),
    )


def _detect(address: Address | None, visits: list[Visit]) -> AlertCandidate | None:
    return asyncio.run(
        detect_cuckooing(
            location_id="location:flat",
            graph=FakeGraph(address, visits),
            now=NOW,
            min_visitors=2,
            window_days=30,
        )
    )


def test_a_child_and_an_adult_at_a_vulnerable_tenants_flat_raise_the_alert() -> None:
    candidate = _detect(FLAT, [_visit(0, young=True), _visit(1)])
    assert candidate is not None and candidate.type is AlertType.CUCKOOING
    assert candidate.fingerprint == "cuckooing:location:flat"
    assert candidate.actions == (
        Action.ADULT_SOCIAL_CARE,
        Action.WARRANT_OR_CLOSURE,
        Action.STRATEGY_MEETING,
    )
    assert [s.id for s in candidate.subjects] == [
        "location:flat",
        "person:tenant",
        "person:0",
        "person:1",
    ]
    assert STATUS_RID in {str(e.report_id) for e in candidate.evidence}
    assert "2 non-resident visitors" in candidate.summary


def test_outsiders_without_a_child_raise_it_without_a_strategy_meeting() -> None:
    candidate = _detect(FLAT, [_visit(0, home="Othershire"), _visit(1)])
    assert candidate is not None
    assert Action.STRATEGY_MEETING not in candidate.actions
    assert "1 from outside Synthshire" in candidate.summary


def test_local_adults_only_raise_nothing() -> None:
    assert _detect(FLAT, [_visit(0), _visit(1), _visit(2)]) is None


def test_one_visitor_raises_nothing() -> None:
    assert _detect(FLAT, [_visit(0, young=True)]) is None


def test_the_tenant_is_not_a_visitor() -> None:
    visits = [_visit(0, young=True), _visit(1, person_id="person:tenant")]
    assert _detect(FLAT, visits) is None


def test_professionals_are_not_visitors() -> None:
    assert _detect(FLAT, [_visit(0, young=True), _visit(1, role="professional")]) is None


def test_a_tenant_who_is_not_vulnerable_raises_nothing() -> None:
    plain = replace(FLAT, vulnerable_tenant=False, tenants=(replace(TENANT, role="adult"),))
    assert _detect(plain, [_visit(0, young=True), _visit(1)]) is None


@pytest.mark.parametrize(
    "address",
    [
        replace(FLAT, vulnerable_tenant=False, cuckooing_suspected=True, tenants=()),
        replace(FLAT, vulnerable_tenant=False),  # the tenant is recorded as a vulnerable adult
    ],
)
def test_suspected_cuckooing_or_a_vulnerable_adult_tenant_is_enough(address: Address) -> None:
    assert _detect(address, [_visit(0, young=True), _visit(1)]) is not None


def test_visits_outside_the_window_do_not_count() -> None:
    assert _detect(FLAT, [_visit(0, young=True, days_ago=40), _visit(1)]) is None


# ---- issue 13, finding 1: an alert cites every report whose facts it uses, and names its
# subjects only as the reports it cites name them.

POLICE_RID = "00000000-0000-0000-0000-000000000077"  # a C-coded report of Synthetic Police
UNCITED_RID = "00000000-0000-0000-0000-000000000088"  # a report the alert does not cite


def _cited(candidate: AlertCandidate) -> set[str]:
    return {str(e.report_id) for e in candidate.evidence}


def test_a_tenant_only_a_police_report_names_is_cited_with_it() -> None:
    tenant = replace(
        TENANT,
        name="someone unnamed",
        reports={POLICE_RID: NOW - timedelta(days=20)},
        names={POLICE_RID: "Vi Tenant"},
    )
    candidate = _detect(replace(FLAT, tenants=(tenant,)), [_visit(0, young=True), _visit(1)])
    assert candidate is not None
    assert POLICE_RID in _cited(candidate)
    assert "Vi Tenant" in {s.display_name for s in candidate.subjects}


def test_the_address_is_named_only_as_a_cited_report_names_it() -> None:
    flat = replace(FLAT, name="someone unnamed", names={UNCITED_RID: "Synth Flat 2B"})
    visits = [replace(_visit(0, young=True), place_name="Synth Flat"), _visit(1)]
    candidate = _detect(flat, visits)
    assert candidate is not None
    assert candidate.subjects[0].display_name == "Synth Flat"
    assert "Possible cuckooing at Synth Flat:" in candidate.summary


@pytest.mark.parametrize("how", ["status", "cuckooing", "tenant role"])
def test_what_makes_the_tenant_vulnerable_is_cited(how: str) -> None:
    said = {POLICE_RID: NOW - timedelta(days=20)}
    plain = replace(TENANT, role="adult")
    flat = {
        "status": replace(FLAT, tenants=(plain,), vulnerable_tenant_reports=said),
        "cuckooing": replace(
            FLAT,
            vulnerable_tenant=False,
            cuckooing_suspected=True,
            tenants=(plain,),
            vulnerable_tenant_reports={},
            cuckooing_reports=said,
        ),
        "tenant role": replace(
            FLAT, vulnerable_tenant=False, tenants=(replace(TENANT, role_reports=said),)
        ),
    }[how]
    candidate = _detect(flat, [_visit(0, young=True), _visit(1)])
    assert candidate is not None and POLICE_RID in _cited(candidate)


def test_an_outsider_and_the_area_are_cited_as_the_reports_that_give_them() -> None:
    home_area = {POLICE_RID: NOW - timedelta(days=40)}
    area = {UNCITED_RID: NOW - timedelta(days=50)}
    flat = replace(FLAT, area_reports=area)
    visits = [replace(_visit(0, home="Othershire"), home_reports=home_area), _visit(1)]
    candidate = _detect(flat, visits)
    assert candidate is not None and "1 from outside Synthshire" in candidate.summary
    assert {POLICE_RID, UNCITED_RID} <= _cited(candidate)
