"""Use case: turn a detected pattern into a new or updated alert, de-duplicated and explained.

A fingerprint names the pattern (the type and the entity it is about). New evidence for an alert
that is not closed updates it; the same evidence again changes nothing. Once an alert is closed,
the same pattern raises a new alert only after the cool-down, and only with evidence the closed
alert did not already cite.
"""

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import lru_cache
from uuid import UUID

from schemas.alerts import (
    AlertChange,
    AlertRaised,
    AlertStatus,
    AlertSubject,
    Evidence,
    Subgraph,
)
from services.alerts.actions import deadlines, describe
from services.alerts.ports import AlertChanged, AlertStore, HistoryEntry
from services.alerts.shared.candidate import (
    EVIDENCE_KEPT,
    AlertCandidate,
    cited_digest,
    subject,
)

ATTEMPTS = 3


def evidence_digest(evidence: Iterable[Evidence], subjects: Iterable[AlertSubject] = ()) -> str:
    """What an alert cites and whom it is about, in a few bytes: equal exactly when the evidence
    and the subjects' ids are (in any order), so a detection that finds nothing new is told
    without reading the alert, and one that names other people for the same reports (after an
    analyst's `same` or `different`) is not taken for nothing new."""
    entries = sorted(_digested(entry) for entry in evidence)
    named = sorted(f"{s.kind}:{s.id}" for s in subjects)
    return hashlib.sha256("\n".join([*entries, "", *named]).encode()).hexdigest()


def _about(subjects: Iterable[AlertSubject]) -> set[tuple[str, str]]:
    return {(s.kind, s.id) for s in subjects}


@lru_cache(maxsize=EVIDENCE_KEPT)
def _digested(entry: Evidence) -> str:
    """An evidence entry as its alert's digest takes it: the one made before, if kept (a busy
    place's alert cites thousands of reports, digested at each detection there)."""
    return entry.model_dump_json()


SYSTEM = "tessera"


def _suppressed(
    candidate: AlertCandidate,
    closed: tuple[AlertRaised, datetime] | None,
    *,
    now: datetime,
    cool_down: timedelta,
) -> bool:
    if closed is None or closed[0].closed_by_decision is not None:
        return False
    alert, closed_at = closed
    new = set(candidate.evidence) - set(alert.evidence)
    return now - closed_at < cool_down or not new


def named_as_cited(
    subjects: tuple[AlertSubject, ...], subgraph: Subgraph
) -> tuple[AlertSubject, ...]:
    """The subjects named as the explaining subgraph names them, from the cited reports only."""
    # The subgraph labels each entity as the latest cited report (never a retracted one) names
    # it, else by its kind: no other report ever names a subject, whatever a detector read.
    labels = {node.id: node.label for node in subgraph.nodes}
    return tuple(
        subject(s.kind, s.id, labels[s.id])
        if s.id in labels and labels[s.id] != s.display_name
        else s
        for s in subjects
    )


async def record_alert(
    *,
    candidate: AlertCandidate,
    store: AlertStore,
    now: datetime,
    new_id: Callable[[], UUID],
    cool_down: timedelta = timedelta(days=7),
) -> AlertRaised | None:
    """Save a new alert, or update the open one with new evidence; None when nothing changed.

    A user's change saved between the read and the write is never overwritten: the update is
    made again from the alert as it now is.
    """
    for attempt in range(ATTEMPTS):
        try:
            return await _record_once(candidate, store, now=now, new_id=new_id, cool_down=cool_down)
        except AlertChanged:
            if attempt == ATTEMPTS - 1:
                raise
    return None  # pragma: no cover - the loop returns or raises


async def _record_once(
    candidate: AlertCandidate,
    store: AlertStore,
    *,
    now: datetime,
    new_id: Callable[[], UUID],
    cool_down: timedelta,
) -> AlertRaised | None:
    # Most detections of a busy place or child find what its open alert already cites: told
    # by the digest alone, without reading (and parsing) the whole alert; a new alert learns
    # from the same read whether a closed one holds it back.
    state = await store.fingerprint_state(candidate.fingerprint)
    digest = evidence_digest(candidate.evidence, candidate.subjects)
    if state.open_digest == digest:
        if not state.cited_kept:  # saved before alerts kept it: kept now, once
            await store.keep_cited(
                candidate.fingerprint, evidence=digest, cited=cited_digest(candidate.evidence)
            )
        return None
    existing = (
        await store.open_alert(candidate.fingerprint, current=state.open_event_id)
        if state.has_open
        else None
    )
    if (
        existing is not None
        and set(existing.evidence) == set(candidate.evidence)
        and _about(existing.subjects) == _about(candidate.subjects)
    ):  # saved before its digest named its subjects: named now, once
        await store.keep_digest(
            candidate.fingerprint, event_id=str(existing.event_id), digest=digest
        )
        return None
    if existing is None and state.has_open:  # closed since: what closed it counts
        state = await store.fingerprint_state(candidate.fingerprint)
    if existing is None and _suppressed(candidate, state.last_closed, now=now, cool_down=cool_down):
        return None
    report_ids = [str(e.report_id) for e in candidate.evidence]
    entity_ids = [s.id for s in candidate.subjects] + list(candidate.context_ids)
    # An update is seen by whoever may see every report the alert ever cited, as the API shows
    # it: its raised_at, status and assignee date from, and were set on, the reports before.
    explained = await store.explain(entity_ids, report_ids, previous=existing)
    raised_at = existing.raised_at if existing else now
    change = AlertChange.UPDATED if existing else AlertChange.RAISED
    alert = AlertRaised(
        event_id=new_id(),
        occurred_at=now,
        alert_id=existing.alert_id if existing else new_id(),
        type=candidate.type,
        fingerprint=candidate.fingerprint,
        status=existing.status if existing else AlertStatus.OPEN,
        priority=candidate.priority,
        summary=candidate.summary,
        subjects=named_as_cited(candidate.subjects, explained.subgraph),
        evidence=candidate.evidence,
        raised_at=raised_at,
        updated_at=now,
        actions=describe(candidate.actions),
        deadlines=deadlines(candidate.actions, since=raised_at, fixed=candidate.due),
        subgraph=explained.subgraph,
        visibility=explained.visibility,
        assignee=existing.assignee if existing else None,
        false_positive=existing.false_positive if existing else None,
        change=change,
    )
    history = HistoryEntry(
        at=now,
        by=SYSTEM,
        action=change.value,
        status=alert.status,
        note=_what_changed(candidate, existing) if existing else f"{len(report_ids)} report(s)",
    )
    await store.save(
        alert,
        anchor_id=candidate.anchor_id,
        history=history,
        replaces=existing.event_id if existing else None,
        cited_already=[str(e.report_id) for e in existing.evidence] if existing else (),
    )
    return alert


def _what_changed(candidate: AlertCandidate, existing: AlertRaised) -> str:
    """An update's history note: the reports it adds and those it no longer cites (the window
    moved on, or one was retracted), or that the same reports are now about other people
    (merged or split by an analyst)."""
    before, now = set(existing.evidence), set(candidate.evidence)
    if before == now:
        return "the same reports, about other people or places"
    changes = [(len(now - before), "new report(s)"), (len(before - now), "no longer cited")]
    return ", ".join(f"{count} {what}" for count, what in changes if count)


async def withdraw_evidence(
    *,
    alert: AlertRaised,
    fresh: AlertCandidate | None,
    report_id: str,
    store: AlertStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised | None:
    """A report the alert cites was retracted: keep the alert on the evidence that remains
    (`fresh`, the pattern found again without it), or close it when the pattern is gone."""
    if fresh is not None:
        return await record_alert(candidate=fresh, store=store, now=now, new_id=new_id)
    reason = f"the evidence was withdrawn: report {report_id} was retracted"
    return await _close(alert, reason, store=store, now=now, new_id=new_id)


async def close_undone_by_decision(
    *,
    alert: AlertRaised,
    decision_id: str,
    store: AlertStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised:
    """The alert's pattern no longer holds once an analyst's resolution decision changed who
    the people it names are (two spellings of one child counted as two): closed as the
    decision's, so that it is raised again at once should the pattern hold again (`_suppressed`),
    as when the decision is undone."""
    reason = (
        f"the pattern no longer holds after resolution decision {decision_id} changed who "
        "the people it named are"
    )
    return await _close(alert, reason, store=store, now=now, new_id=new_id, decision=decision_id)


async def _close(
    alert: AlertRaised,
    reason: str,
    *,
    store: AlertStore,
    now: datetime,
    new_id: Callable[[], UUID],
    decision: str | None = None,
) -> AlertRaised:
    closed = alert.model_copy(
        update={
            "event_id": new_id(),
            "occurred_at": now,
            "updated_at": now,
            "status": AlertStatus.CLOSED,
            "closure_reason": reason,
            "change": AlertChange.CLOSED,
            "closed_by_decision": decision,
        }
    )
    history = HistoryEntry(
        at=now, by=SYSTEM, action=AlertChange.CLOSED.value, status=closed.status, note=reason
    )
    await store.save(closed, anchor_id=None, history=history, replaces=alert.event_id)
    return closed
