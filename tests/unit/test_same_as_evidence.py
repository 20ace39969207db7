"""A `same` decision's SAME_AS link cites the decision through the one evidence writer: graded
1A, one entry for each audience both people have, read back by the one reader."""

from schemas.graph import EVERYONE, read_evidence
from services.network import queries
from services.network.decision_writes import (
    both_may_see,
    decision_writes,
    first_write,
    same_as_evidence,
)

DECISION = {"id": "decision:1", "candidate_id": "candidate:1", "decision": "same"}
AT = "2026-12-03T10:00:00Z"


def test_each_shared_audience_reads_back_as_the_decision_graded_1a() -> None:
    entries = same_as_evidence(DECISION, decided_at=AT, audiences=["agency:a", "role:police"])
    read = [read_evidence(e) for e in entries]
    assert [e.audience for e in read] == ["agency:a", "role:police"]
    assert {(e.observed, e.source, e.intelligence, e.report_id) for e in read} == {
        (AT, "1", "A", "decision:1")
    }


def test_a_same_writes_its_evidence_before_the_merge_and_a_split_starts_with_its_own() -> None:
    assert first_write(DECISION)[0] == queries.REAPPLY_DECISION
    writes = decision_writes(
        DECISION, {"applied": 1, "decided_at": AT, "audiences_a": ["x", "y"], "audiences_b": ["x"]}
    )
    assert writes[0][0] == queries.SAME_AS_EVIDENCE
    assert [read_evidence(e).audience for e in writes[0][1]["entries"]] == ["x"]
    split = {**DECISION, "decision": "split"}
    assert first_write(split)[0] == queries.SPLIT_NEW_PERSON
    assert queries.SAME_AS_EVIDENCE not in [q for q, _ in decision_writes(split, {"applied": 1})]


def test_no_shared_audience_no_entry() -> None:
    assert same_as_evidence(DECISION, decided_at=AT, audiences=[]) == []


def test_who_may_see_both_people_when_one_is_seen_by_everyone_or_neither_is() -> None:
    police = "agency:Synthetic%20Police"
    assert both_may_see([EVERYONE], [police]) == [police]
    assert both_may_see([police], [EVERYONE]) == [police]
    assert both_may_see([EVERYONE], [EVERYONE]) == [EVERYONE]
    assert both_may_see([police, "agency:a"], [police, "agency:b"]) == [police]
    assert both_may_see(["agency:a"], ["agency:b"]) == []
