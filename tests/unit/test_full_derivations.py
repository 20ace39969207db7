"""The worker's record of when each anchor was last worked out in full."""

from datetime import timedelta

from services.alerts.shared.catch_up import CatchUp
from services.alerts.shared.full_derivations import FullDerivations
from tests.support.factories import NOW


def test_an_anchor_is_due_until_done_and_again_once_the_interval_has_passed() -> None:
    full = FullDerivations(timedelta(minutes=10))
    assert full.due("location:a", NOW)
    full.done("location:a", NOW)
    assert not full.due("location:a", NOW + timedelta(minutes=9, seconds=59))
    assert full.due("location:a", NOW + timedelta(minutes=10))
    assert full.due("location:b", NOW)


def test_the_anchors_longest_unseen_are_forgotten_and_so_due() -> None:
    full = FullDerivations(timedelta(minutes=10), keep=2)
    for anchor in ("location:a", "location:b"):
        full.done(anchor, NOW)
    full.done("location:a", NOW)  # seen again: now the most recent
    full.done("location:c", NOW)
    assert full.due("location:b", NOW)
    assert not full.due("location:a", NOW) and not full.due("location:c", NOW)


def test_a_pass_due_during_live_work_is_left_to_the_bulk_lane_until_the_grace_has_passed() -> None:
    catch_up = CatchUp(timedelta(minutes=5))
    full = FullDerivations(timedelta(minutes=10), catch_up=catch_up)
    assert full.due("location:new", NOW), "never worked out: the live report does it"
    full.done("location:a", NOW)
    assert not full.due("location:a", NOW + timedelta(minutes=9))
    assert catch_up.take() == []
    assert not full.due("location:a", NOW + timedelta(minutes=14, seconds=59))
    assert catch_up.take() == ["location:a"] and catch_up.take() == []
    assert full.due("location:a", NOW + timedelta(minutes=15)), "the grace has passed"
    assert catch_up.take() == []


def test_while_the_bulk_lane_makes_a_places_passes_a_pass_due_there_is_made_not_left() -> None:
    catch_up = CatchUp(timedelta(minutes=5))
    full = FullDerivations(timedelta(minutes=10), catch_up=catch_up)
    full.done("location:a", NOW)
    full.done("location:b", NOW)
    later = NOW + timedelta(minutes=11)
    assert not full.due("location:a", later)
    with catch_up.making() as places:
        assert places == ["location:a"]
        assert full.due("location:a", later)
        assert not full.due("location:b", later), "not in hand: still left to the bulk lane"
    assert catch_up.take() == ["location:b"]
    assert not full.due("location:a", later) and catch_up.take() == ["location:a"]
