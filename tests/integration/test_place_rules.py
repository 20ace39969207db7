"""The place rules on the real graph (issue 18): young people together every week at a youth club
are not a hotspot, the same weeks at a take-away are; approaches at the club still count. Every
alert's evidence entry carries its report's 3x5x2 grading."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from common.settings import InfraSettings
from schemas.entities import Place
from schemas.linking import EntityKind
from schemas.reports import ReportCreate
from services.alerts.detection import detect
from services.alerts.shared.candidate import AlertCandidate
from services.network.identities import location_id
from tests.support.factories import id_key, report_json, run_tag, submitted
from tests.support.linking import detect_with, link_events

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)
WEEKS = 6


def _child(name: str) -> dict[str, Any]:
    return {"name": name, "date_of_birth": "2011-03-04", "role": "young_person"}


def _link(
    settings: InfraSettings, cleanup: list[str], events: list[tuple[int, dict[str, Any], str]]
) -> list[str]:
    """Link events observed `days` ago, each graded as given ('1A' or '2B'...)."""
    reports = []
    for days, event, grade in events:
        grading = {"source": int(grade[0]), "intelligence": grade[1], "handling": "P"}
        body = report_json(
            event, observed_at=(NOW - timedelta(days=days)).isoformat(), grading=grading
        )
        reports.append(submitted(ReportCreate.model_validate(body)))
    cleanup.extend(str(r.event_id) for r in reports)
    link_events(settings, reports)
    return [str(r.event_id) for r in reports]


def _detect(settings: InfraSettings, place: dict[str, Any]) -> list[AlertCandidate]:
    """Every candidate the alert worker's detectors find around the place."""
    lid = location_id(Place.model_validate(place), key=id_key())
    return detect_with(settings, lambda ctx: detect(EntityKind.LOCATION, lid, ctx), now=NOW)


def _weekly(place: dict[str, Any], tag: str) -> list[tuple[int, dict[str, Any], str]]:
    """The same three young people seen together at the place once a week."""
    children = [_child(f"{n} Club{tag}") for n in ("Ava", "Ben", "Cai")]
    return [
        (7 * week + 1, {"type": "sighting", "persons": children, "place": place}, "2B")
        for week in range(WEEKS)
    ]


def test_weekly_co_presence_at_a_youth_club_raises_no_hotspot_but_at_a_take_away_does(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    club = {"name": f"Synth Youth Zone {tag}", "postcode": "ZZ99 6YZ", "category": "youth_club"}
    shop = {"name": f"Synth Fryer {tag}", "postcode": "ZZ99 6TA", "category": "take_away"}
    _link(settings, cleanup, _weekly(club, tag))
    _link(settings, cleanup, _weekly(shop, tag))

    at_club = _detect(settings, club)
    assert [c.type.value for c in at_club] == []

    [hotspot] = [c for c in _detect(settings, shop) if c.type.value == "shared_hotspot"]
    assert hotspot.summary.startswith(f"3 young people have been linked to Synth Fryer {tag}")
    assert {e.grading for e in hotspot.evidence} == {"2B P"}  # every entry graded


def test_young_people_approached_at_a_youth_club_still_make_a_hotspot(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    tag = run_tag()
    club = {"name": f"Synth Boxing {tag}", "postcode": "ZZ99 6SC", "category": "sports_club"}
    approaches = [
        (
            days,
            {
                "type": "approach",
                "approached": [_child(f"{first} Boxer{tag}")],
                "approachers": [{"name": f"Al Adult{tag}", "role": "adult", "estimated_age": 30}],
                "place": club,
                "purpose": "drug_trafficking",
            },
            grade,
        )
        for days, first, grade in ((5, "Dee", "1A"), (4, "Eve", "2B"), (3, "Fin", "3C"))
    ]
    approached = _link(settings, cleanup, approaches)
    # Three others seen there each week count for nothing.
    _link(settings, cleanup, _weekly(club, tag))

    found = {c.type.value: c for c in _detect(settings, club)}
    hotspot = found["shared_hotspot"]
    assert hotspot.summary.startswith(f"3 young people have been approached at Synth Boxing {tag}")
    assert {str(e.report_id): e.grading for e in hotspot.evidence} == dict(
        zip(approached, ("1A P", "2B P", "3C P"), strict=True)
    )
