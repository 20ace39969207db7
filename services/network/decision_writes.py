"""How a resolution decision is recorded and applied to the graph, the same way everywhere: an
analyst's decision in the analyst API, an automatic merge in the linking worker, and replay."""

from collections.abc import Mapping
from typing import Any

from schemas.graph import evidence_fields
from schemas.resolution import ResolutionDecided, Verdict
from services.network import queries

# A decision's first statements write its plan (which reports' mentions move from whom to
# whom); these then move them, with the links and facts those reports support.
MOVE_WRITES = (
    queries.MOVE_MENTIONS,
    queries.MOVE_OUTGOING_LINKS,
    queries.MOVE_INCOMING_LINKS,
    queries.MOVE_FACTS,
    queries.REFRESH_MOVED_AUDIENCES,
)
DECISION_WRITES = {
    Verdict.SAME.value: (queries.REAPPLY_DECISION, queries.MERGE_CONFIRMED, *MOVE_WRITES),
    Verdict.DIFFERENT.value: (queries.REAPPLY_DECISION, queries.UNMERGE_REJECTED, *MOVE_WRITES),
    Verdict.SPLIT.value: (queries.SPLIT_NEW_PERSON, *MOVE_WRITES),
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


def decision_writes(decision: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The statements that apply a recorded decision, with their parameters, in order.

    The analyst API (sync driver) and replay (async driver) both run exactly these, in one
    transaction, so a replayed decision does what the live one did. The first returns
    `applied`: 0 when the decision's people are not in the graph. A `same` merges the two
    people into one; a `different` undoes the `same` of the same candidate; a split moves its
    reports' part of a person to a new one.
    """
    params = {
        "decision_id": decision["id"],
        "candidate_id": decision["candidate_id"],
        "evidence": evidence_fields(),
    }
    return [(query, params) for query in DECISION_WRITES[decision["decision"]]]
