"""How a resolution decision is recorded and applied to the graph, the same way everywhere: an
analyst's decision in the analyst API, an automatic merge in the linking worker, and replay."""

from collections.abc import Mapping
from typing import Any

from schemas.grading import IntelligenceAssessment, SourceEvaluation
from schemas.graph import EVERYONE, EvidenceEntry, evidence_fields, write_evidence
from schemas.resolution import ResolutionDecided, Verdict
from services.network import queries
from services.network.latest_links import keep_params

# A decision's first statements write its plan (which reports' mentions move from whom to
# whom); these then move them, with the links and facts those reports support.
MOVE_WRITES = (
    queries.MOVE_MENTIONS,
    queries.MOVE_OUTGOING_LINKS,
    queries.MOVE_INCOMING_LINKS,
    queries.MOVE_FACTS,
    queries.REFRESH_MOVED_AUDIENCES,
    queries.REFRESH_PERSONS,
    queries.KEEP_LATEST_LINKS,
)
DECISION_WRITES = {
    Verdict.SAME.value: (queries.MERGE_CONFIRMED, *MOVE_WRITES),
    Verdict.DIFFERENT.value: (queries.UNMERGE_REJECTED, *MOVE_WRITES),
    Verdict.SPLIT.value: MOVE_WRITES,
}


def decision_row(event: ResolutionDecided) -> dict[str, Any]:
    """The ResolutionDecision node's properties, as the graph records them."""
    return {
        "id": event.decision_id,
        "event_id": str(event.event_id),
        "candidate_id": event.candidate_id,
        "person_a": event.person_a,
        "person_b": event.person_b,
        "decision": event.decision.value,
        "report_ids": [str(r) for r in event.report_ids],
        "reason": event.reason,
        "decided_by": event.decided_by,
        "agency": event.source_agency,
        "decided_at": event.occurred_at.isoformat(),
    }


def first_write(decision: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The statement that applies a decision first: its row's `applied` says whether the
    decision's people are in the graph (when not, nothing more is run); for a `same`, the row
    also says when it was decided and each person's audiences, for `decision_writes`."""
    query = (
        queries.SPLIT_NEW_PERSON
        if decision["decision"] == Verdict.SPLIT.value
        else queries.REAPPLY_DECISION
    )
    return query, {"decision_id": decision["id"], "candidate_id": decision["candidate_id"]}


def both_may_see(a: list[str], b: list[str]) -> list[str]:
    """Audiences whose members may see both people: those both have, and, when one person is
    seen by everyone, the other's. Each entry of a link stands alone (any one lets its holder
    see it), so a reader who may see the two through different audiences is not given one:
    fewer than may see both, never more."""
    if EVERYONE in a:
        return sorted(set(b))
    if EVERYONE in b:
        return sorted(set(a))
    return sorted(set(a) & set(b))


def same_as_evidence(
    decision: Mapping[str, Any], *, decided_at: str, audiences: list[str]
) -> list[str]:
    """The decision as the SAME_AS link's evidence: graded 1A, one entry an audience whose
    members may see both people (`both_may_see`)."""
    return [
        write_evidence(
            EvidenceEntry(
                observed=decided_at,
                source=str(int(SourceEvaluation.RELIABLE)),
                intelligence=IntelligenceAssessment.KNOWN_DIRECTLY.value,
                audience=audience,
                report_id=decision["id"],
            )
        )
        for audience in audiences
    ]


def decision_writes(
    decision: Mapping[str, Any], first: Mapping[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """The statements that apply a recorded decision after `first_write` (whose row is
    `first`), with their parameters, in order.

    The analyst API (sync driver), replay and the linking worker (async driver) all run exactly
    these, in one transaction, so a replayed decision does what the live one did. A `same`
    merges the two people into one; a `different` undoes the `same` of the same candidate; a
    split moves its reports' part of a person to a new one.
    """
    params = {
        "decision_id": decision["id"],
        "candidate_id": decision["candidate_id"],
        "evidence": evidence_fields(),
        "ids": [],  # REFRESH_PERSONS: the people are the decision's plan's
        "rows": [],  # KEEP_LATEST_LINKS: the places are those the moved reports mention
        **keep_params(),
    }
    writes = [(query, params) for query in DECISION_WRITES[decision["decision"]]]
    if decision["decision"] == Verdict.SAME.value:
        audiences = both_may_see(list(first["audiences_a"]), list(first["audiences_b"]))
        entries = same_as_evidence(decision, decided_at=first["decided_at"], audiences=audiences)
        writes.insert(0, (queries.SAME_AS_EVIDENCE, {**params, "entries": entries}))
    return writes
