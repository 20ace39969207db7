"""P02 peer group from one school, against a small fake of the graph port."""

import asyncio
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from schemas.alerts import AlertType, Priority
from schemas.entities import PlaceCategory
from services.alerts.actions import Action
from services.alerts.patterns.peer_group_context.rule import (
    Named,
    PeerAnchor,
    PupilLink,
    detect_peer_group_context,
)
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared.full_derivations import FullDerivations
from tests.support.factories import NOW

RID = "00000000-0000-0000-0000-0000000000{:02d}"
SCHOOL = Named(id="location:school", name="Synth Academy")
OTHER_SCHOOL = Named(id="location:other", name="Synth High")
TAKE_AWAY = PeerAnchor(
    id="location:takeaway",
    kind="location",
    name="Synth Take-away",
    category=PlaceCategory.TAKE_AWAY,
)
YOUTH_CLUB = PeerAnchor(
    id="location:club", kind="location", name="Synth Youth Club", category=PlaceCategory.OTHER
)
GANG = PeerAnchor(id="group:crew", kind="group", name="Synth Crew")


class FakeGraph:
    def __init__(
        self,
        anchor: PeerAnchor | None,
        links: list[PupilLink],
        touched: frozenset[str] = frozenset(),
        *,
        category_reports: dict[str, datetime] | None = None,
    ) -> None:
        self._anchor, self._links, self._touched = anchor, links, touched
        self.category_reports = category_reports  # all of them, when the anchor is busy
        self.asked_category: list[set[str]] = []
        self.asked: list[tuple[str, ...]] = []  # the reports schools_touched was asked about
        self.read_pupils = 0

    async def anchor(self, entity_id: str) -> PeerAnchor | None:
        return self._anchor

    async def schools_touched(
        self, anchor: PeerAnchor, report_ids: tuple[str, ...]
    ) -> frozenset[str]:
        self.asked.append(report_ids)
        return self._touched

    async def pupils_linked(
        self, anchor: PeerAnchor, *, since: datetime, schools: frozenset[str] | None = None
    ) -> list[PupilLink]:
        self.read_pupils += 1
        return [
            link
            for link in self._links
            if link.observed_at >= since and (schools is None or link.school.id in schools)
        ]

    async def category_given_by(self, anchor: PeerAnchor, report_ids: Iterable[str]) -> PeerAnchor:
        asked = set(report_ids)
        self.asked_category.append(asked)
        given = {r: at for r, at in (self.category_reports or {}).items() if r in asked}
        return replace(anchor, category_reports={**anchor.category_reports, **given}, complete=True)


def _links(
    count: int,
    *,
    school: Named = SCHOOL,
    approached: bool = True,
    age: int = 15,
    days_ago: int = 3,
    first: int = 0,
) -> list[PupilLink]:
    return [
        PupilLink(
            person_id=f"person:{i}",
            person_name=f"Synth Pupil {i}",
            age=age,
            vulnerable=False,
            school=school,
            approached=approached,
            report_id=RID.format(i),
            observed_at=NOW - timedelta(days=days_ago),
            via=(Named(id="group:crew", name="Synth Crew"),) if approached else (),
        )
        for i in range(first, first + count)
    ]


def _detect(anchor: PeerAnchor | None, links: list[PupilLink]) -> list[AlertCandidate]:
    return asyncio.run(
        detect_peer_group_context(
            entity_id=anchor.id if anchor else "x",
            graph=FakeGraph(anchor, links),
            now=NOW,
            min_pupils=2,
            window_days=90,
        )
    )


def test_two_pupils_approached_at_one_place_raise_a_peer_group_alert() -> None:
    [candidate] = _detect(TAKE_AWAY, _links(2))
    assert candidate.type is AlertType.PEER_GROUP_CONTEXT
    assert candidate.fingerprint == "peer_group_context:location:takeaway:location:school"
    assert [s.id for s in candidate.subjects] == [
        "location:takeaway",
        "location:school",
        "person:0",
        "person:1",
    ]
    assert candidate.context_ids == ("group:crew",)
    assert candidate.actions == (Action.CONTEXT_PLAN, Action.SCREENING)
    assert candidate.summary.startswith(
        "2 pupils of Synth Academy have been seen at Synth Take-away (approached by Synth Crew)"
    )


def test_one_pupil_raises_nothing() -> None:
    assert _detect(TAKE_AWAY, _links(1)) == []


def test_pupils_of_different_schools_are_not_a_peer_group() -> None:
    links = _links(1) + _links(1, school=OTHER_SCHOOL, first=1)
    assert _detect(GANG, links) == []


def test_each_school_gets_its_own_alert() -> None:
    links = _links(2) + _links(2, school=OTHER_SCHOOL, first=2)
    candidates = _detect(GANG, links)
    assert sorted(c.fingerprint for c in candidates) == [
        "peer_group_context:group:crew:location:other",
        "peer_group_context:group:crew:location:school",
    ]


@pytest.mark.parametrize("category", [PlaceCategory.SCHOOL, PlaceCategory.CARE_HOME])
def test_a_school_or_care_home_is_not_a_peer_group_place(category: PlaceCategory) -> None:
    place = PeerAnchor(id="location:school", kind="location", name="Synth", category=category)
    assert _detect(place, _links(4)) == []


def test_schoolmates_together_at_an_ordinary_place_raise_nothing() -> None:
    assert _detect(YOUTH_CLUB, _links(3, approached=False)) == []


def test_schoolmates_approached_at_an_ordinary_place_count() -> None:
    assert len(_detect(YOUTH_CLUB, _links(2, approached=True))) == 1


def test_schoolmates_seen_at_a_hotspot_or_drugs_house_count_without_an_approach() -> None:
    house = PeerAnchor(id="location:flat", kind="location", name="Synth Flat", drugs_house=True)
    assert len(_detect(TAKE_AWAY, _links(2, approached=False))) == 1
    assert len(_detect(house, _links(2, approached=False))) == 1


def test_links_outside_the_window_do_not_count() -> None:
    assert _detect(GANG, _links(2, days_ago=120)) == []


def test_a_vehicle_both_pupils_got_into_raises_the_alert() -> None:
    car = PeerAnchor(id="vehicle:ZZ51ABC", kind="vehicle", name="ZZ51ABC")
    [candidate] = _detect(car, _links(2, approached=False))
    assert "in vehicle ZZ51ABC" in candidate.summary


def test_an_under_13_raises_the_priority() -> None:
    [candidate] = _detect(GANG, _links(2, age=12))
    assert candidate.priority is Priority.HIGH


# ---- issue 13, finding 1: an alert cites every report whose facts it uses, and names its
# subjects only as the reports it cites name them.

POLICE_RID = "00000000-0000-0000-0000-000000000077"  # a C-coded report of Synthetic Police
UNCITED_RID = "00000000-0000-0000-0000-000000000088"  # a report the alert does not cite


def _cited(candidate: AlertCandidate) -> set[str]:
    return {str(e.report_id) for e in candidate.evidence}


def test_that_a_pupil_attends_the_school_is_cited_from_the_report_that_says_so() -> None:
    unnamed = Named(id="location:school", name="")
    enrolled = {POLICE_RID: NOW - timedelta(days=200)}
    links = [
        replace(
            link, school=unnamed, enrolment=enrolled, school_names={POLICE_RID: "Synth Academy"}
        )
        for link in _links(2)
    ]
    [candidate] = _detect(TAKE_AWAY, links)
    assert _cited(candidate) == {RID.format(0), RID.format(1), POLICE_RID}
    assert candidate.subjects[1].display_name == "Synth Academy"
    assert candidate.summary.startswith("2 pupils of Synth Academy")


def test_a_school_the_linking_report_gives_needs_no_other_report() -> None:
    links = [
        replace(link, enrolment={link.report_id: link.observed_at, POLICE_RID: NOW})
        for link in _links(2)
    ]
    [candidate] = _detect(TAKE_AWAY, links)
    assert _cited(candidate) == {RID.format(0), RID.format(1)}


def test_the_anchor_is_named_only_as_the_cited_reports_name_it() -> None:
    crew = replace(GANG, name="someone unnamed")
    links = [replace(link, anchor_name="Synth Crew") for link in _links(2)]
    [candidate] = _detect(crew, links)
    assert candidate.subjects[0].display_name == "Synth Crew"
    assert "approached by Synth Crew" in candidate.summary


@pytest.mark.parametrize("standing", ["category", "drugs house"])
def test_co_presence_counted_for_what_the_place_is_cites_the_reports_that_say_so(
    standing: str,
) -> None:
    said = {POLICE_RID: NOW - timedelta(days=30)}
    place = (
        replace(TAKE_AWAY, category_reports=said)
        if standing == "category"
        else PeerAnchor(
            id="location:flat",
            kind="location",
            name="Synth Flat",
            drugs_house=True,
            drugs_house_reports=said,
        )
    )
    [candidate] = _detect(place, _links(2, approached=False))
    assert POLICE_RID in _cited(candidate)
    [approached] = _detect(place, _links(2, approached=True))
    assert POLICE_RID not in _cited(approached)  # an approach counts whatever the place


def test_what_the_place_is_and_where_pupils_learn_are_cited_by_the_earliest_report_only() -> None:
    said = {
        f"00000000-0000-0000-0000-00000001{i:04d}": NOW - timedelta(days=i) for i in range(1, 201)
    }
    place = replace(TAKE_AWAY, category_reports=said)
    enrolled = {
        f"00000000-0000-0000-0000-00000002{i:04d}": NOW - timedelta(days=i) for i in range(1, 51)
    }
    links = [replace(link, enrolment=enrolled) for link in _links(2, approached=False)]
    [candidate] = _detect(place, links)
    cited = _cited(candidate)
    assert cited & said.keys() == {"00000000-0000-0000-0000-000000010200"}
    assert cited & enrolled.keys() == {"00000000-0000-0000-0000-000000020050"}


# Given the reports that linked a place, only the schools they can change are worked out again.

TWO_SCHOOLS = _links(2) + _links(2, school=OTHER_SCHOOL, first=2)


def _recently(anchor: PeerAnchor, minutes: int = 1) -> FullDerivations:
    """The worker's record, the anchor worked out in full `minutes` ago."""
    full = FullDerivations(timedelta(minutes=10))
    full.done(anchor.id, NOW - timedelta(minutes=minutes))
    return full


def _touched(
    anchor: PeerAnchor,
    touched: frozenset[str],
    links: list[PupilLink] = TWO_SCHOOLS,
    *,
    full: FullDerivations | None = None,
) -> tuple[list[AlertCandidate], FakeGraph]:
    graph = FakeGraph(anchor, links, touched)
    found = asyncio.run(
        detect_peer_group_context(
            entity_id=anchor.id,
            graph=graph,
            now=NOW,
            min_pupils=2,
            window_days=90,
            touched_by=(RID.format(1),),
            full_derivations=full or _recently(anchor),
        )
    )
    return found, graph


def test_a_report_at_a_place_works_out_again_only_the_schools_of_the_pupils_it_names() -> None:
    found, graph = _touched(TAKE_AWAY, frozenset({SCHOOL.id}))
    assert [c.fingerprint.rsplit(":", 2)[-2:] for c in found] == [["location", "school"]]
    assert graph.asked == [(RID.format(1),)]


@pytest.mark.parametrize("fact", ["category", "drugs house"])
def test_the_earliest_report_of_the_places_standing_works_out_every_school_again(
    fact: str,
) -> None:
    # The touching report is now the earliest to say what the place is: every alert's
    # citation of it changes.
    stated = {RID.format(1): NOW - timedelta(days=9), RID.format(9): NOW - timedelta(days=5)}
    anchor = (
        replace(TAKE_AWAY, category_reports=stated)
        if fact == "category"
        else replace(TAKE_AWAY, drugs_house=True, drugs_house_reports=stated)
    )
    found, graph = _touched(anchor, frozenset({SCHOOL.id}))
    assert len(found) == 2 and graph.asked == []


def test_a_later_report_saying_what_the_place_is_changes_only_its_own_schools() -> None:
    stated = {RID.format(9): NOW - timedelta(days=9), RID.format(1): NOW - timedelta(days=5)}
    found, _ = _touched(replace(TAKE_AWAY, category_reports=stated), frozenset({SCHOOL.id}))
    assert len(found) == 1


def test_a_report_naming_no_pupil_of_any_school_reads_no_pupils() -> None:
    found, graph = _touched(TAKE_AWAY, frozenset())
    assert found == [] and graph.read_pupils == 0


def test_an_approachers_peer_groups_are_all_worked_out_again() -> None:
    found, graph = _touched(GANG, frozenset({SCHOOL.id}))
    assert len(found) == 2 and graph.asked == []


def test_without_the_reports_every_school_is_worked_out_again() -> None:
    assert len(_detect(TAKE_AWAY, TWO_SCHOOLS)) == 2


@pytest.mark.parametrize("last", [None, 10, 60], ids=["never", "10 minutes ago", "an hour ago"])
def test_a_place_due_a_full_pass_is_worked_out_in_full_and_noted(last: int | None) -> None:
    # What changed a group without a report naming its pupils at the place (an enrolment
    # learned later, a merge) is caught up by the next report there once the place is due.
    full = FullDerivations(timedelta(minutes=10))
    if last is not None:
        full.done(TAKE_AWAY.id, NOW - timedelta(minutes=last))
    found, graph = _touched(TAKE_AWAY, frozenset({SCHOOL.id}), full=full)
    assert len(found) == 2 and graph.asked == []
    assert not full.due(TAKE_AWAY.id, NOW + timedelta(minutes=9))
    # The next report within the interval works out only its own schools.
    found, _ = _touched(TAKE_AWAY, frozenset({SCHOOL.id}), full=full)
    assert len(found) == 1
