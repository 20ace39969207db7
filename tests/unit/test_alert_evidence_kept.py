"""A candidate's evidence entries and subjects are made once and given again to the next candidate
citing the same report or naming the same entity as it was (a busy place's alert cites thousands),
never one that differs."""

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

from schemas.alerts import AlertType, Priority
from services.alerts.evidence import KnownGradings, grade, graded
from services.alerts.shared.candidate import AlertCandidate, evidence_of, subject

AT = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


def test_the_same_report_at_the_same_time_gives_the_same_entry() -> None:
    a, b = str(uuid4()), str(uuid4())
    first = evidence_of({a: AT, b: AT + timedelta(hours=1)})
    again = evidence_of({b: AT + timedelta(hours=1), a: AT})
    assert [e is f for e, f in zip(first, again, strict=True)] == [True, True]
    assert [str(e.report_id) for e in first] == [a, b]


def test_an_entry_keeps_its_own_time_and_grading() -> None:
    rid = str(uuid4())
    plain = evidence_of({rid: AT})[0]
    later = evidence_of({rid: AT + timedelta(minutes=1)})[0]
    assert later.observed_at == AT + timedelta(minutes=1)
    # The same instant written an hour east: an entry holds its time in UTC either way.
    east = evidence_of({rid: AT.astimezone(timezone(timedelta(hours=1)))})[0]
    assert east == plain and east.model_dump_json() == plain.model_dump_json()
    [regraded] = graded([plain], {rid: "2B P"})
    assert regraded.grading == "2B P" and plain.grading is None
    assert regraded.observed_at == AT and str(regraded.report_id) == rid


def test_grading_an_entry_already_graded_so_gives_it_back_unchanged() -> None:
    rid = str(uuid4())
    [entry] = evidence_of({rid: AT}, {rid: "1A P"})
    [again] = graded([entry], {rid: "1A P"})
    assert again is entry
    [kept] = graded([entry], {})  # no grading known: as it was
    assert kept is entry


def test_a_subject_is_made_once_for_the_same_name_and_anew_for_another() -> None:
    pid = f"person:{uuid4()}"
    ava = subject("person", pid, "Ava Synth")
    assert subject("person", pid, "Ava Synth") is ava
    renamed = subject("person", pid, "A. Synth")
    assert (renamed.id, renamed.display_name, ava.display_name) == (pid, "A. Synth", "Ava Synth")


class _Gradings:
    """The reads `grade` makes: each report's grading as the graph holds it, counting reads."""

    def __init__(self, held: dict[str, str | None]) -> None:
        self.held = held
        self.asked: list[list[str]] = []

    async def many(
        self, query: str, ids: list[str], **shared: object
    ) -> dict[str, list[dict[str, str | None]]]:
        self.asked.append(list(ids))
        return {rid: [{"for_id": rid, "grading": self.held.get(rid)}] for rid in ids}


def _candidate(*report_ids: str) -> AlertCandidate:
    return AlertCandidate(
        type=AlertType.SHARED_HOTSPOT,
        fingerprint="shared_hotspot:location:1",
        priority=Priority.MEDIUM,
        summary="",
        subjects=(),
        evidence=evidence_of(dict.fromkeys(report_ids, AT)),
        anchor_id="location:1",
    )


def test_a_grading_is_read_once_and_a_report_not_yet_graded_is_read_again() -> None:
    a, b = str(uuid4()), str(uuid4())
    graph = _Gradings({a: "2B P", b: None})  # b: a retraction came before its report
    known = KnownGradings(keep=10)
    [first] = asyncio.run(grade([_candidate(a, b)], graph, known))  # type: ignore[arg-type]
    assert {str(e.report_id): e.grading for e in first.evidence} == {a: "2B P", b: None}
    graph.held[b] = "1A C"  # the report is written now
    [again] = asyncio.run(grade([_candidate(a, b)], graph, known))  # type: ignore[arg-type]
    assert {str(e.report_id): e.grading for e in again.evidence} == {a: "2B P", b: "1A C"}
    assert graph.asked == [sorted([a, b]), [b]]
    asyncio.run(grade([_candidate(a, b)], graph, known))  # type: ignore[arg-type]
    assert len(graph.asked) == 2  # both known now


def test_the_gradings_kept_are_the_most_recently_used() -> None:
    known = KnownGradings(keep=2)
    known.add({"r1": "1A P", "r2": "2B P"})
    assert known.get("r1") == "1A P"  # r2 is now the least recently used
    known.add({"r3": "3C P"})
    assert (known.get("r1"), known.get("r2"), known.get("r3")) == ("1A P", None, "3C P")


def test_without_a_workers_gradings_every_grading_is_read_each_time() -> None:
    a = str(uuid4())
    graph = _Gradings({a: "2B P"})
    for _ in range(2):
        [graded] = asyncio.run(grade([_candidate(a)], graph))  # type: ignore[arg-type]
        assert [e.grading for e in graded.evidence] == ["2B P"]
    assert graph.asked == [[a], [a]]
