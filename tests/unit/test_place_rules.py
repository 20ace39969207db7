"""The place rules: every category has one, protective places never make a hotspot by being
visited, and README and the web's form show the same table and categories as the code."""

import asyncio
import re
from datetime import timedelta
from pathlib import Path

import pytest

from schemas.alerts import AlertRaised
from schemas.entities import PlaceCategory
from services.alerts.patterns.peer_group_context.rule import (
    Named,
    PeerAnchor,
    PupilLink,
    detect_peer_group_context,
)
from services.alerts.patterns.shared_hotspot.rule import Place, Sighting, detect_shared_hotspot
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared.place_rules import (
    RULES,
    Counting,
    PlaceKind,
    hotspot_counts,
    markdown_table,
    peer_group_counts,
    rule_of,
)
from tests.support.factories import NOW
from tests.support.fakes.hotspot_graph import FakeHotspotGraph

ROOT = Path(__file__).resolve().parents[2]
RID = "00000000-0000-0000-0000-0000000000{:02d}"
PROTECTIVE = [c for c, r in RULES.items() if r.kind is PlaceKind.PROTECTIVE]


def test_every_category_has_a_rule() -> None:
    assert set(RULES) == set(PlaceCategory)


@pytest.mark.parametrize(
    ("category", "kind"),
    [
        (PlaceCategory.TAKE_AWAY, PlaceKind.HOTSPOT),
        (PlaceCategory.TAXI_RANK, PlaceKind.HOTSPOT),
        (PlaceCategory.TOWN_CENTRE, PlaceKind.HOTSPOT),
        (PlaceCategory.YOUTH_CLUB, PlaceKind.PROTECTIVE),
        (PlaceCategory.SPORTS_CLUB, PlaceKind.PROTECTIVE),
        (PlaceCategory.LIBRARY, PlaceKind.PROTECTIVE),
        (PlaceCategory.PLACE_OF_WORSHIP, PlaceKind.PROTECTIVE),
        (PlaceCategory.HEALTH_SERVICE, PlaceKind.PROTECTIVE),
        (PlaceCategory.FAMILY_SERVICE, PlaceKind.PROTECTIVE),
        (PlaceCategory.SCHOOL, PlaceKind.PROTECTIVE),
        (PlaceCategory.CARE_HOME, PlaceKind.HOME),
        (PlaceCategory.PARK, PlaceKind.EVERYDAY),
        (PlaceCategory.OTHER, PlaceKind.EVERYDAY),
    ],
)
def test_the_kind_of_each_category_follows_the_taxonomy(
    category: PlaceCategory, kind: PlaceKind
) -> None:
    assert rule_of(category).kind is kind


def test_only_hotspot_categories_need_one_young_person_fewer() -> None:
    for category, rule in RULES.items():
        assert rule.hotspot_fewer == (1 if rule.kind is PlaceKind.HOTSPOT else 0), category


@pytest.mark.parametrize("category", PROTECTIVE)
def test_being_at_a_protective_place_never_counts_towards_a_hotspot(
    category: PlaceCategory,
) -> None:
    assert not hotspot_counts(category, approached=False)
    assert not peer_group_counts(category, approached=False)
    assert rule_of(category).hotspot in {Counting.APPROACHED, Counting.NOBODY}


def test_an_approach_at_a_youth_club_still_counts_but_one_at_a_school_is_the_approachers() -> None:
    assert hotspot_counts(PlaceCategory.YOUTH_CLUB, approached=True)
    assert peer_group_counts(PlaceCategory.YOUTH_CLUB, approached=True)
    assert not hotspot_counts(PlaceCategory.SCHOOL, approached=True)
    assert not peer_group_counts(PlaceCategory.SCHOOL, approached=True)
    assert "P04" in rule_of(PlaceCategory.SCHOOL).also


def test_a_place_no_report_gives_a_category_is_everyday() -> None:
    assert rule_of(None) is rule_of(PlaceCategory.OTHER)
    assert hotspot_counts(None, approached=False)
    assert not peer_group_counts(None, approached=False)


# ---- the detectors read the table


def _sightings(count: int, *, approached: bool = False) -> list[Sighting]:
    return [
        Sighting(
            person_id=f"person:{i}",
            person_name=f"Synth Person {i}",
            age=15,
            report_id=RID.format(i),
            observed_at=NOW - timedelta(days=7 * i + 1),
            approached=approached,
        )
        for i in range(count)
    ]


def _hotspot(category: PlaceCategory, sightings: list[Sighting]) -> AlertCandidate | None:
    return asyncio.run(
        detect_shared_hotspot(
            location_id="location:x",
            graph=FakeHotspotGraph(
                Place(id="location:x", name="Synthetic Place", category=category), sightings
            ),
            now=NOW,
            min_young_people=3,
            window_days=90,
        )
    )


@pytest.mark.parametrize("category", PROTECTIVE)
def test_young_people_seen_every_week_at_a_protective_place_raise_no_hotspot(
    category: PlaceCategory,
) -> None:
    assert _hotspot(category, _sightings(8)) is None


def test_the_same_weeks_at_a_take_away_raise_one() -> None:
    candidate = _hotspot(PlaceCategory.TAKE_AWAY, _sightings(8))
    assert candidate is not None
    assert candidate.summary.startswith("8 young people have been linked to")


def test_young_people_approached_at_a_youth_club_make_a_hotspot_with_the_full_threshold() -> None:
    assert _hotspot(PlaceCategory.YOUTH_CLUB, _sightings(2, approached=True)) is None
    candidate = _hotspot(PlaceCategory.YOUTH_CLUB, _sightings(3, approached=True))
    assert candidate is not None
    assert candidate.summary.startswith("3 young people have been approached at")
    mixed = _sightings(2, approached=True) + _sightings(5)[2:]  # two approached, three only seen
    assert _hotspot(PlaceCategory.YOUTH_CLUB, mixed) is None


class FakePeerGraph:
    def __init__(self, category: PlaceCategory, links: list[PupilLink]) -> None:
        self._anchor = PeerAnchor(
            id="location:x", kind="location", name="Synthetic Club", category=category
        )
        self._links = links

    async def anchor(self, entity_id: str) -> PeerAnchor | None:
        return self._anchor

    async def schools_touched(self, anchor, report_ids):  # type: ignore[no-untyped-def]
        return None

    async def pupils_linked(self, anchor, *, since, schools=None):  # type: ignore[no-untyped-def]
        return self._links

    async def category_given_by(self, anchor, report_ids):  # type: ignore[no-untyped-def]
        return anchor  # complete: never asked


def _pupils(approached: bool) -> list[PupilLink]:
    school = Named("location:school", "Synth Academy")
    return [
        PupilLink(
            person_id=f"person:{i}",
            person_name=f"Synth Pupil {i}",
            age=14,
            vulnerable=False,
            school=school,
            approached=approached,
            report_id=RID.format(i),
            observed_at=NOW - timedelta(days=i + 1),
        )
        for i in range(3)
    ]


def _peer(category: PlaceCategory, approached: bool) -> list[AlertCandidate]:
    return asyncio.run(
        detect_peer_group_context(
            entity_id="location:x",
            graph=FakePeerGraph(category, _pupils(approached)),
            now=NOW,
            min_pupils=2,
            window_days=90,
        )
    )


def test_schoolmates_at_a_sports_club_are_a_peer_group_only_when_approached_there() -> None:
    assert _peer(PlaceCategory.SPORTS_CLUB, approached=False) == []
    assert len(_peer(PlaceCategory.SPORTS_CLUB, approached=True)) == 1
    assert len(_peer(PlaceCategory.TAKE_AWAY, approached=False)) == 1


# ---- the same table and categories everywhere


def test_readme_shows_the_table_of_the_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme


def test_the_web_form_offers_every_category() -> None:
    source = (ROOT / "web/src/views/profiles.ts").read_text(encoding="utf-8")
    block = source[source.index("PLACE_CATEGORIES") : source.index("];", source.index("PLACE_"))]
    assert set(re.findall(r'\["([a-z_]+)",', block)) == {c.value for c in PlaceCategory}


def test_the_alert_lists_search_finds_summary_subjects_and_evidence_in_this_order() -> None:
    """LIST_ALERTS searches the body's JSON from "summary" to "evidence" (queries.py)."""
    fields = list(AlertRaised.model_fields)
    assert fields.index("summary") + 1 == fields.index("subjects")
    assert fields.index("subjects") + 1 == fields.index("evidence")
