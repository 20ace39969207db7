"""Use cases of analysts' resolution decisions: confirm or reject a possible match, split a
merged person. Each is published (acks=all) before it is applied to the graph, so a graph
rebuilt from Kafka gets every decision back, in order; once applied, the people it changed are
announced on the entities-linked topic, so the alert worker runs detection around them again."""

import logging
from collections.abc import Callable
from datetime import datetime
from uuid import UUID, uuid5

from common.auth import Principal
from common.visibility import audiences_of
from schemas.linking import EntitiesLinked, EntityKind, LinkedEntity
from schemas.resolution import ResolutionDecided, Verdict
from services.network.analyst.comparison import judged_on_visible_facts
from services.network.analyst.ports import Publisher, PublishFailed, ResolutionGraph
from services.network.decision_writes import decision_row
from services.network.identities import split_person_id

log = logging.getLogger(__name__)


class SplitRefused(Exception):
    """The split cannot be made as asked; the message says why."""


def announcement(event: ResolutionDecided) -> EntitiesLinked:
    """The entities-linked event that tells the alert worker a decision changed two people."""
    return EntitiesLinked(
        event_id=uuid5(event.event_id, "announced"),
        occurred_at=event.occurred_at,
        report_id=event.event_id,
        observed_at=event.occurred_at,
        entities=tuple(
            LinkedEntity(kind=EntityKind.PERSON, id=pid) for pid in (event.person_a, event.person_b)
        ),
        decision_id=event.decision_id,
    )


def _publish_then_apply(
    event: ResolutionDecided,
    *,
    graph: ResolutionGraph,
    publisher: Publisher,
    topic: str,
    linked_topic: str | None,
) -> ResolutionDecided:
    # Kafka first: if it fails (PublishFailed) nothing is applied; once it holds the decision,
    # a graph that fails to apply it still gets it back from the next replay.
    publisher.publish(
        topic=topic, key=event.partition_key(), value=event.model_dump_json().encode()
    )
    graph.apply_decision(decision_row(event))
    if linked_topic is not None:
        announced = announcement(event)
        try:
            publisher.publish(
                topic=linked_topic,
                key=event.partition_key(),
                value=announced.model_dump_json().encode(),
            )
        except PublishFailed:
            # The decision holds; its alerts change when detection next runs around them.
            log.warning("decision %s applied but not announced to detection", event.decision_id)
    return event


def decide_candidate(
    *,
    candidate_id: str,
    verdict: Verdict,
    reason: str,
    principal: Principal,
    graph: ResolutionGraph,
    publisher: Publisher,
    topic: str,
    now: datetime,
    new_id: Callable[[], UUID],
    linked_topic: str | None = None,
) -> ResolutionDecided | None:
    """Confirm (same) or reject (different) a candidate; None when the caller may not see it, or
    when what they may see of the two would not put it to them (it is not listed to them)."""
    if verdict is Verdict.SPLIT:
        raise ValueError("a split is made with split_person")
    audiences = audiences_of(principal)
    found = graph.candidate(candidate_id=candidate_id, audiences=audiences)
    if found is None or not judged_on_visible_facts(
        graph, audiences, person_a=found["person_a"], person_b=found["person_b"]
    ):
        return None  # as for a candidate never listed to them: see comparison.possible_matches
    event = ResolutionDecided(
        event_id=new_id(),
        occurred_at=now,
        source_agency=principal.agency,
        decided_by=principal.user,
        decision=verdict,
        reason=reason,
        person_a=found["person_a"],
        person_b=found["person_b"],
        candidate_id=candidate_id,
    )
    return _publish_then_apply(
        event, graph=graph, publisher=publisher, topic=topic, linked_topic=linked_topic
    )


def split_person(
    *,
    person_id: str,
    report_ids: list[UUID],
    reason: str,
    principal: Principal,
    graph: ResolutionGraph,
    publisher: Publisher,
    topic: str,
    now: datetime,
    new_id: Callable[[], UUID],
    linked_topic: str | None = None,
) -> ResolutionDecided | None:
    """Move the reports' mentions of a person to a new person, kept apart from it for good.

    None when the person or any of the reports is not one the caller may see (a retracted
    report is none); SplitRefused when a report does not mention the person, or when no report
    the caller can see would stay with them.
    """
    wanted = sorted({str(r) for r in report_ids})
    found = graph.split_check(
        person_id=person_id, report_ids=wanted, audiences=audiences_of(principal)
    )
    if found is None or set(wanted) - set(found["visible"]):
        return None
    strangers = sorted(set(wanted) - set(found["mentioning"]))
    if strangers:
        raise SplitRefused(f"these reports do not mention {person_id}: {', '.join(strangers)}")
    if not set(found["mentioning"]) - set(wanted):
        raise SplitRefused("at least one report you can see must stay with the person")
    event = ResolutionDecided(
        event_id=new_id(),
        occurred_at=now,
        source_agency=principal.agency,
        decided_by=principal.user,
        decision=Verdict.SPLIT,
        reason=reason,
        person_a=person_id,
        person_b=split_person_id(person_id, wanted),
        report_ids=tuple(UUID(r) for r in wanted),
    )
    return _publish_then_apply(
        event, graph=graph, publisher=publisher, topic=topic, linked_topic=linked_topic
    )
