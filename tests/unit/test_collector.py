"""The garbage collector as a worker runs it, and as the growth bench measures it."""

import gc
from collections.abc import Iterator

import pytest

from common.collector import YOUNG_GENERATION, tune_for_a_worker


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """This test process's collector settings, back as they were afterwards."""
    threshold = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


@pytest.mark.usefixtures("collector_restored")
def test_a_worker_freezes_what_start_up_built_and_collects_its_young_less_often() -> None:
    built_at_start_up = [object() for _ in range(3)]  # noqa: F841 - alive while it is tuned
    tune_for_a_worker()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (YOUNG_GENERATION, 20, 20)
    # Cycles made afterwards are still collected.
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1
