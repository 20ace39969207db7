"""P19 injuries on return and P23 a child in custody or found in a raid, on hand-made data."""

from datetime import timedelta

from schemas.alerts import AlertType, Priority
from services.alerts.actions import Action
from services.alerts.patterns.child_in_custody.rule import detect_child_in_custody
from services.alerts.patterns.injury_on_return.rule import detect_injury_on_return
from services.alerts.shared.episodes import Child, Episode, FoundPlace
from services.alerts.shared.whereabouts import Whereabouts
from tests.support.factories import NOW

RID = "00000000-0000-0000-0000-0000000000{:02d}"
CHILD = Child(
    id="person:dw", name="Dee Synth", age=15, vulnerable=False, known_areas=frozenset({"synth"})
)
FLAT = FoundPlace(id="location:f", name="Synthetic Flat", areas=frozenset({"lincs"}))
HOME_AREA = FoundPlace(id="location:s", name="Synthetic Station", areas=frozenset({"synth"}))


def _episode(n: int, days_ago: float, *condition: str, hours: float = 20) -> Episode:
    start = NOW - timedelta(days=days_ago)
    return Episode(
        id=f"missing:{n}",
        started_at=start,
        ended_at=start + timedelta(hours=hours),
        reports={RID.format(n): start, RID.format(n + 1): start + timedelta(hours=hours)},
        found_at=FLAT,
        condition=frozenset(condition),
    )


def test_a_child_found_injured_raises_injury_on_return_citing_the_episode() -> None:
    alert = detect_injury_on_return(
        child=CHILD,
        episodes=[_episode(10, 40), _episode(20, 3, "injured", "unkempt")],
        since=NOW - timedelta(days=90),
    )
    assert alert is not None
    assert alert.type is AlertType.INJURY_ON_RETURN
    assert alert.priority is Priority.MEDIUM
    assert "was found injured at Synthetic Flat" in alert.summary
    assert {str(e.report_id) for e in alert.evidence} == {RID.format(20), RID.format(21)}
    assert Action.RETURN_INTERVIEW in alert.actions


def test_two_injuries_escalate_and_none_raise_nothing() -> None:
    twice = detect_injury_on_return(
        child=CHILD,
        episodes=[_episode(10, 40, "injured"), _episode(20, 3, "injured")],
        since=NOW - timedelta(days=90),
    )
    assert twice is not None and twice.priority is Priority.HIGH
    assert "came back injured from 2 missing episodes" in twice.summary
    well = [_episode(10, 3, "well"), _episode(20, 200, "injured")]  # the injury is too old
    assert (
        detect_injury_on_return(child=CHILD, episodes=well, since=NOW - timedelta(days=90)) is None
    )


def _seen(n: int, place: FoundPlace = FLAT, **extra: object) -> Whereabouts:
    return Whereabouts(place=place, report_id=RID.format(n), observed_at=NOW, **extra)  # type: ignore[arg-type]


def test_found_in_a_raid_while_missing_asks_for_48_hours_of_safeguarding() -> None:
    (alert,) = detect_child_in_custody(
        child=CHILD,
        seen=[_seen(30, circumstances="found_in_raid")],
        episodes=[_episode(20, 2, hours=60)],  # still missing when the raid found him
        now=NOW,
    )
    assert alert.type is AlertType.CHILD_IN_CUSTODY
    assert alert.fingerprint == f"child_in_custody:person:dw:{RID.format(30)}"
    assert "was found in a police raid at Synthetic Flat" in alert.summary
    assert "they were missing at the time" in alert.summary
    assert alert.actions == (
        Action.SAFEGUARDING_48H,
        Action.PHONE_EXAMINATION,
        Action.NRM_REFERRAL,
        Action.CROSS_BORDER_NOTIFICATION,  # Lincolnshire is not his area
    )


def test_present_at_a_seizure_in_the_home_area_and_a_plain_sighting() -> None:
    (alert,) = detect_child_in_custody(
        child=CHILD,
        seen=[_seen(30, HOME_AREA, report_type="operation"), _seen(31, HOME_AREA)],
        episodes=[_episode(10, 40)],
        now=NOW,
    )
    assert "was present at a police raid or seizure at Synthetic Station" in alert.summary
    assert "they went missing once before it" in alert.summary
    assert Action.CROSS_BORDER_NOTIFICATION not in alert.actions
    assert detect_child_in_custody(child=CHILD, seen=[_seen(31)], episodes=[], now=NOW) == []


def test_what_the_summary_says_of_the_childs_episodes_is_cited() -> None:
    """Issue 13, finding 1: "missing at the time" is the missing report's fact."""
    (alert,) = detect_child_in_custody(
        child=CHILD,
        seen=[_seen(30, circumstances="found_in_raid")],
        episodes=[_episode(20, 2, hours=60)],
        now=NOW,
    )
    assert "they were missing at the time" in alert.summary
    assert {str(e.report_id) for e in alert.evidence} == {
        RID.format(30),
        RID.format(20),
        RID.format(21),
    }
