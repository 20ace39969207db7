"""A candidate's evidence entries and subjects are made once and given again to the next candidate
citing the same report or naming the same entity as it was (a busy place's alert cites thousands),
never one that differs."""

from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

from services.alerts.evidence import graded
from services.alerts.shared.candidate import evidence_of, subject

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
