"""P01 with the worker's memory of a place, against a small fake of its graph port: what it
reads, and that it gives what reading everything gives."""

import asyncio
import random
from datetime import datetime, timedelta

from schemas.entities import PlaceCategory
from services.alerts.patterns.shared_hotspot.rule import (
    REMEMBERED_AS,
    Place,
    Sighting,
    detect_shared_hotspot,
)
from services.alerts.shared.candidate import AlertCandidate, cited_digest
from services.alerts.shared.catch_up import CatchUp
from services.alerts.shared.provenance import Traits
from services.alerts.shared.remembered import Memo, Remembered
from tests.support.factories import NOW
from tests.support.fakes.hotspot_graph import FakeHotspotGraph

RID = "00000000-0000-0000-0000-{:012d}"
EVERY = timedelta(minutes=10)
SHOP = Place(id="location:x", name="Synthetic Shop", category=PlaceCategory.TAKE_AWAY)


def _seen(person: int, report: int, *, days_ago: float = 1, **said: object) -> Sighting:
    return Sighting(
        person_id=f"person:{person}",
        person_name=f"Synth Person {person}",
        age=15,
        report_id=RID.format(report),
        observed_at=NOW - timedelta(days=days_ago),
        **said,  # type: ignore[arg-type]
    )


def _detect(
    graph: FakeHotspotGraph,
    *,
    now: datetime = NOW,
    touched_by: tuple[str, ...] | None = None,
    remembered: Remembered | None = None,
) -> AlertCandidate | None:
    return asyncio.run(
        detect_shared_hotspot(
            location_id=SHOP.id,
            graph=graph,
            now=now,
            min_young_people=3,
            window_days=90,
            touched_by=touched_by,
            remembered=remembered,
        )
    )


def _saved(graph: FakeHotspotGraph, candidate: AlertCandidate | None) -> AlertCandidate:
    """The candidate, as the store then cites it."""
    assert candidate is not None
    graph.open_cites = cited_digest(candidate.evidence)
    return candidate


def test_a_report_there_is_added_to_what_was_remembered_and_gives_what_a_full_read_gives() -> None:
    graph = FakeHotspotGraph(SHOP, [_seen(0, 0), _seen(1, 1)])
    remembered = Remembered(EVERY)
    _saved(graph, _detect(graph, touched_by=(RID.format(1),), remembered=remembered))
    assert graph.reads == 1
    graph.sightings.append(_seen(2, 2))
    graph.sightings.append(_seen(0, 3, days_ago=0.5))
    found = _detect(graph, touched_by=(RID.format(2), RID.format(3)), remembered=remembered)
    assert (graph.reads, graph.named_reads) == (1, 1)
    assert found == _detect(graph) and found is not None
    assert found.summary.startswith("3 young people")


def test_the_place_is_read_whole_unless_the_store_cites_what_was_remembered() -> None:
    graph = FakeHotspotGraph(SHOP, [_seen(0, 0), _seen(1, 1)])
    remembered = Remembered(EVERY)
    _detect(graph, touched_by=(RID.format(1),), remembered=remembered)  # not saved
    _detect(graph, touched_by=(RID.format(1),), remembered=remembered)
    assert (graph.reads, graph.named_reads) == (2, 0)
    _saved(graph, _detect(graph, touched_by=(RID.format(1),), remembered=remembered))
    graph.open_cites = "what another worker saved"
    _detect(graph, touched_by=(RID.format(1),), remembered=remembered)
    assert (graph.reads, graph.named_reads) == (4, 0)


def test_the_place_is_read_whole_when_a_full_pass_is_due_or_no_report_is_given() -> None:
    graph = FakeHotspotGraph(SHOP, [_seen(0, 0), _seen(1, 1)])
    remembered = Remembered(EVERY)
    _saved(graph, _detect(graph, touched_by=(), remembered=remembered))
    _detect(graph, now=NOW + EVERY / 2, touched_by=(), remembered=remembered)
    assert (graph.reads, graph.named_reads) == (1, 1)
    _saved(graph, _detect(graph, now=NOW + EVERY, touched_by=(), remembered=remembered))
    assert (graph.reads, graph.named_reads) == (2, 1)  # ten minutes after the first full read
    _detect(graph, now=NOW + EVERY, touched_by=None, remembered=remembered)  # a re-check
    assert (graph.reads, graph.named_reads) == (3, 1)


def test_what_the_window_left_behind_is_dropped_from_what_was_remembered() -> None:
    graph = FakeHotspotGraph(SHOP, [_seen(0, 0, days_ago=89.9), _seen(1, 1), _seen(2, 2)])
    remembered = Remembered(timedelta(days=1))
    raised = _saved(graph, _detect(graph, touched_by=(), remembered=remembered))
    assert raised.summary.startswith("3 young people")
    later = NOW + timedelta(hours=3)  # person 0's only sighting is now older than 90 days
    found = _detect(graph, now=later, touched_by=(), remembered=remembered)
    assert graph.reads == 1
    assert found == _detect(graph, now=later) and found is not None
    assert found.summary.startswith("2 young people")


def test_one_a_report_names_whose_links_no_longer_count_is_dropped_from_what_was_remembered() -> (
    None
):
    graph = FakeHotspotGraph(SHOP, [_seen(p, p) for p in range(4)])
    remembered = Remembered(EVERY)
    raised = _saved(graph, _detect(graph, touched_by=(), remembered=remembered))
    assert raised.summary.startswith("4 young people")
    graph.sightings.append(_seen(3, 4))
    graph.uncounted.add("person:3")  # the graph gives them with no sightings
    found = _detect(graph, touched_by=(RID.format(4),), remembered=remembered)
    assert (graph.reads, graph.named_reads) == (1, 1)
    assert found == _detect(graph) and found is not None
    assert found.summary.startswith("3 young people")


def test_nothing_is_remembered_of_a_place_that_gives_no_alert() -> None:
    graph = FakeHotspotGraph(SHOP, [_seen(0, 0)])
    remembered = Remembered(EVERY)
    assert _detect(graph, touched_by=(), remembered=remembered) is None
    assert remembered.recall(REMEMBERED_AS, SHOP.id, NOW) is None


def test_the_candidate_does_not_depend_on_the_order_the_sightings_are_read_in() -> None:
    """Which report is cited for a fact can depend on the order its sightings are met in: two
    people whose youth only other reports state, one of those reports stating both (the
    earliest of one's, not of the other's: the other first, it alone is cited)."""
    both, first, second = RID.format(90), RID.format(91), RID.format(92)
    at = NOW - timedelta(days=30)
    young = [
        Traits(young={first: at, both: at + timedelta(days=1)}),
        Traits(young={both: at + timedelta(days=1), second: at + timedelta(days=2)}),
    ]
    sightings = [
        _seen(p, 10 * p + r, young_here=False, traits=young[p % 2])
        for p in range(4)
        for r in (1, 2)
    ]
    expected = _detect(FakeHotspotGraph(SHOP, sightings))
    for seed in range(5):
        shuffled = random.Random(seed).sample(sightings, len(sightings))  # noqa: S311 - a test's
        assert _detect(FakeHotspotGraph(SHOP, shuffled)) == expected


def test_the_memory_forgets_the_longest_unused_places_beyond_its_size() -> None:
    remembered = Remembered(EVERY, keep=10)

    def memo(size: int) -> Memo:
        return Memo(facts={}, full_at=NOW, cited="", size=size)

    remembered.keep("p01", "a", memo(6))
    remembered.keep("p01", "b", memo(4))
    remembered.keep("p01", "a", memo(5))  # in place of its last: a is now the most recent
    remembered.keep("p01", "c", memo(3))
    assert remembered.recall("p01", "b", NOW) is None
    assert remembered.recall("p01", "a", NOW) is not None
    assert remembered.recall("p01", "c", NOW) is not None
    remembered.keep("p01", "d", memo(50))  # larger than it keeps: it alone is kept
    assert [remembered.recall("p01", k, NOW) is not None for k in "acd"] == [False, False, True]


def test_a_memory_due_during_live_work_is_used_while_the_bulk_lane_has_its_grace() -> None:
    catch_up = CatchUp(timedelta(minutes=5))
    remembered = Remembered(EVERY, catch_up=catch_up)
    memo = Memo(facts={}, full_at=NOW, cited="", size=1)
    remembered.keep("p01", "location:a", memo)
    assert remembered.recall("p01", "location:a", NOW + EVERY) is memo
    assert catch_up.take() == ["location:a"]
    assert remembered.recall("p01", "location:a", NOW + EVERY + timedelta(minutes=5)) is None
    assert catch_up.take() == []
