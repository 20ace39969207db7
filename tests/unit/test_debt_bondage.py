"""P15 debt bondage: a seizure from a child, escalated by a missing episode or injury after it."""

from datetime import timedelta

from schemas.alerts import AlertType, Priority
from services.alerts.actions import Action
from services.alerts.patterns.debt_bondage.rule import detect_debt_bondage
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared.episodes import Child, Episode, FoundPlace
from services.alerts.shared.whereabouts import Whereabouts
from tests.support.factories import NOW

RID = "00000000-0000-0000-0000-0000000000{:02d}"
CHILD = Child(id="person:c2", name="Cy Synth", age=15, vulnerable=False)
CAR_PARK = FoundPlace(id="location:cp", name="Synthetic Car Park", areas=frozenset())


def _seized(*items: str, days_ago: float = 6, n: int = 1) -> Whereabouts:
    return Whereabouts(
        place=CAR_PARK,
        report_id=RID.format(n),
        observed_at=NOW - timedelta(days=days_ago),
        items=frozenset(items),
    )


def _episode(n: int, days_ago: float, *condition: str) -> Episode:
    start = NOW - timedelta(days=days_ago)
    return Episode(
        id=f"missing:{n}",
        started_at=start,
        ended_at=start + timedelta(hours=30),
        reports={RID.format(n): start, RID.format(n + 1): start + timedelta(hours=30)},
        condition=frozenset(condition),
    )


def _detect(
    seen: list[Whereabouts], episodes: list[Episode] | None = None, child: Child = CHILD
) -> AlertCandidate | None:
    return detect_debt_bondage(child=child, seen=seen, episodes=episodes or [], escalation_days=90)


def test_drugs_or_cash_seized_from_a_child_raise_debt_bondage_at_once() -> None:
    alert = _detect([_seized("cash", "drugs", "phone")])
    assert alert is not None
    assert alert.type is AlertType.DEBT_BONDAGE
    assert alert.fingerprint == "debt_bondage:person:c2"
    assert alert.priority is Priority.MEDIUM
    assert "cash and drugs seized at Synthetic Car Park" in alert.summary
    assert alert.actions[:2] == (Action.DEBT_SAFETY_PLAN, Action.FAMILY_AT_RISK)
    assert [str(e.report_id) for e in alert.evidence] == [RID.format(1)]


def test_a_phone_or_a_weapon_alone_is_no_debt() -> None:
    assert _detect([_seized("phone", "weapon")]) is None
    assert _detect([]) is None


def test_a_missing_episode_within_90_days_after_escalates_and_is_cited() -> None:
    alert = _detect([_seized("drugs", days_ago=6)], [_episode(10, 1.3, "injured", "hungry")])
    assert alert is not None
    assert alert.priority is Priority.HIGH
    assert "since then have gone missing once and come back injured" in alert.summary
    assert {str(e.report_id) for e in alert.evidence} == {RID.format(n) for n in (1, 10, 11)}


def test_an_episode_before_the_seizure_or_over_90_days_after_does_not_escalate() -> None:
    before = _episode(10, 8)
    alert = _detect([_seized("cash", days_ago=6)], [before])
    assert alert is not None and alert.priority is Priority.MEDIUM
    old = _detect([_seized("cash", days_ago=200)], [_episode(12, 100)])
    assert old is not None and old.priority is Priority.MEDIUM


def test_a_child_under_13_with_a_later_episode_is_urgent() -> None:
    young = Child(id="person:y", name="Yu Synth", age=12, vulnerable=False)
    alert = _detect([_seized("cash")], [_episode(10, 2), _episode(20, 1)], child=young)
    assert alert is not None
    assert alert.priority is Priority.URGENT
    assert "gone missing 2 times" in alert.summary
