"""The worker's record of when each anchor was last worked out in full."""

from datetime import timedelta

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
