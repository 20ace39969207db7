"""HTTP adapter of the alert service: list and read alerts, and move them along their lifecycle."""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID, uuid4

from fastapi import APIRouter, HTTPException, Query, status
from neo4j.exceptions import ServiceUnavailable
from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from common.adapters.audit.http import AUDIT_UNAVAILABLE, AuditDep, Purpose
from common.audit.trail import Auditor, record_off_loop
from common.auth import Principal, Role
from common.visibility import agency_audiences_of, audiences_of
from schemas.alerts import AlertRaised, AlertStatus, AlertType, Priority
from schemas.text import at_most
from schemas.written_dates import IsoAwareDateTime
from services.alerts import workflow
from services.alerts.audited import alert_subject_ids
from services.alerts.deps import AlertHandlerDep, AlertReaderDep, AlertStoreDep, EvidenceDep
from services.alerts.evidence import CitedReport
from services.alerts.listing import AlertFilter, AlertSort
from services.alerts.ports import AlertChanged
from services.alerts.responsibility import Changer

# Far past any real number of alerts. Unbounded, a large offset overflowed Neo4j's 64-bit
# SKIP + LIMIT (or the driver's integer) and the caller got a 500 instead of a 422.
MAX_OFFSET = 1_000_000

UNAVAILABLE = "The graph database is unavailable; retry after Retry-After seconds."
NOT_FOUND = "No such alert, or it cites a report you may not see."
# Who may change an alert (services/alerts/responsibility.py; README "Who may change an alert").
CHANGE_RULE = (
    "Only police of the agencies the alert is for, and admins, may change it. It is for the home "
    "forces of its subjects (the police force area a report it cites gives for a place it is "
    "about, or for the placement or address a person it is about lives at, matched to the "
    "agency's name ignoring case and punctuation) and for the agencies its visibility names (an "
    "agency whose restricted report it cites, or one a C report it cites was shared with by "
    "name). An alert none of whose subjects has a home force is for every force that may see it. "
    "Every change is published as an `AlertRaised` event (`change` says which) on the alerts "
    "topic, the live stream and webhooks, to those who may see the alert."
)
CHANGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {
        "description": "Your role may not change alerts (police and admins may), or you may see "
        "the alert but it is not for your force; the alert is unchanged."
    },
    404: {"description": NOT_FOUND},
    409: {
        "description": "The alert's status does not allow this change; the detail says which do."
    },
    503: {
        "description": UNAVAILABLE + " Also when the audit entry of the changed alert you are "
        "shown (`alert.<change>`) cannot be written: the change itself is then already made."
    },
}
WITH_BODY_RESPONSES = CHANGE_RESPONSES | {
    400: {"description": "The body could not be parsed as JSON text (for example, not UTF-8)."}
}

router = APIRouter(
    prefix="/v1",
    responses={
        401: {"description": "The bearer token is missing, malformed, unknown or wrong."},
        403: {"description": "Your role may not read alerts."},
    },
)


def _well_formed(value: object) -> object:
    # JSON can carry a lone surrogate ("\ud800") that no UTF-8 writer (Neo4j, the response)
    # accepts; stored as the replacement character it cannot turn a change into a 500.
    return re.sub("[\ud800-\udfff]", "\ufffd", value) if isinstance(value, str) else value


WellFormed = BeforeValidator(_well_formed)
# at_most: the length as sent, as the description says (pydantic counts after stripping).
UserName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    WellFormed,
    at_most(200),
]
Note = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    WellFormed,
    at_most(2000),
]
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    WellFormed,
    at_most(500),
]
Comment = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000), WellFormed, at_most(2000)
]


class AlertListItem(AlertRaised):
    """An alert in the list, with the areas its cited reports place it in."""

    areas: list[str] = Field(
        default=[],
        description="The local authorities and police force areas the alert's cited reports give "
        "for the places they mention.",
    )


class AlertPage(BaseModel):
    """One page of alerts."""

    items: list[AlertListItem]
    total: int
    offset: int
    limit: int
    next_offset: int | None


class HistoryItem(BaseModel):
    """One step in an alert's life: who did what, when, and why."""

    at: AwareDatetime
    by: str
    action: str
    status: AlertStatus
    note: str


class EvidenceItem(BaseModel):
    """A report the alert cites, and what it said, as far as you may see it."""

    report_id: UUID
    observed_at: AwareDatetime
    grading: str | None = Field(
        default=None,
        description="3x5x2 as police write it, e.g. `2B P`: source 1-3, intelligence A-E, "
        "handling P or C.",
    )
    event_type: str | None = Field(
        default=None, description="What the report is: `sighting`, `approach`, ..."
    )
    place: str | None = Field(
        default=None, description="Where its event happened, as the report names the place."
    )
    narrative: str | None = Field(default=None, description="What the reporter wrote.")
    retracted: bool = Field(
        default=False, description="Retracted since: it says nothing more (no event, narrative)."
    )


class AlertDetail(BaseModel):
    """An alert, the reports it cites with what each said, and its history, oldest first."""

    alert: AlertRaised
    evidence: list[EvidenceItem] = Field(
        default=[],
        description="The alert's evidence, oldest first, each entry with what its report said. "
        "Only reports you may see (their handling code and conditions) are here: one you may not "
        "see gives nothing of itself, not even its id.",
    )
    history: list[HistoryItem]


class AlertAssign(BaseModel):
    """Who the alert is given to."""

    model_config = ConfigDict(extra="forbid")

    assignee: UserName


class AlertAction(BaseModel):
    """What was done about the alert."""

    model_config = ConfigDict(extra="forbid")

    note: Note


class AlertClose(BaseModel):
    """Why the alert is closed, and whether it was a false positive (unsaid: left as it was)."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason
    false_positive: bool | None = None


class AlertFeedback(BaseModel):
    """Whether the alert was a false positive, and why."""

    model_config = ConfigDict(extra="forbid")

    false_positive: bool
    comment: Comment = ""


@contextmanager
def _answering() -> Iterator[None]:
    """Domain errors and outages as HTTP answers."""
    try:
        yield
    except workflow.AlertNotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such alert") from error
    except workflow.AlertNotForCaller as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(error)) from error
    except workflow.AlertChangeRefused as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    except AlertChanged as error:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            "the alert changed while you were changing it; read it again and retry",
        ) from error
    except ServiceUnavailable as error:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the graph database is unavailable; retry later",
            headers={"Retry-After": "5"},
        ) from error


Route = TypeVar("Route", bound=Callable[..., Any])


def _with_change_rule(route: Route) -> Route:
    """The route, its OpenAPI description (its docstring) followed by who may change alerts."""
    route.__doc__ = f"{route.__doc__}\n\n{CHANGE_RULE}"
    return route


def _changer(principal: Principal) -> Changer:
    """The caller as the lifecycle sees them: who, for which agency, seeing what."""
    return Changer(
        user=principal.user,
        agency=principal.agency,
        audiences=tuple(audiences_of(principal)),
        agency_audiences=tuple(agency_audiences_of(principal)),
        admin=principal.role is Role.ADMIN,
    )


READ_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"description": f"{UNAVAILABLE} {AUDIT_UNAVAILABLE[503]['description']}"}
}


Search = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), at_most(200)]


@router.get("/alerts", response_model=AlertPage, responses=READ_UNAVAILABLE)
async def list_alerts(
    principal: AlertReaderDep,
    store: AlertStoreDep,
    audit: AuditDep,
    purpose: Purpose,
    status_: Annotated[
        list[AlertStatus] | None,
        Query(
            alias="status",
            description="One status, or several (`status=open&status=acknowledged`): any of them.",
        ),
    ] = None,
    type_: Annotated[AlertType | None, Query(alias="type")] = None,
    priority: Priority | None = None,
    assignee: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    area: Annotated[
        Search | None,
        Query(description="Part of a local authority or police force area its reports give."),
    ] = None,
    subject: Annotated[
        Search | None, Query(description="Part of a subject's name (any case), or its id.")
    ] = None,
    q: Annotated[
        Search | None,
        Query(description="Text in the summary, a subject's name or id, an area, or the alert id."),
    ] = None,
    raised_from: Annotated[
        IsoAwareDateTime | None, Query(description="Raised at or after (with a time zone).")
    ] = None,
    raised_to: Annotated[
        IsoAwareDateTime | None, Query(description="Raised before (with a time zone).")
    ] = None,
    sort: Annotated[
        AlertSort,
        Query(
            description="`updated`: newest change first (the default); `priority`: urgent, high, "
            "medium, each newest change first; `raised`: newest raised first; `oldest`: oldest "
            "raised first."
        ),
    ] = AlertSort.UPDATED,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AlertPage:
    """Alerts, a page at a time, filtered by status, type, priority, assignee, area, subject,
    when raised and a text search, in the order `sort` names.

    An alert citing a report with handling code C is shown only to those its conditions allow;
    the filters only narrow what you may see. The read is audited (`alerts.list`) with its
    purpose, the filters, and every subject the alerts show.
    """
    filters = AlertFilter(
        statuses=tuple(dict.fromkeys(status_ or ())),
        type=type_,
        priority=priority,
        assignee=assignee,
        area=area,
        subject=subject,
        text=q,
        raised_from=raised_from,
        raised_to=raised_to,
        sort=sort,
    )
    with _answering():
        listed, total = await store.list_alerts(
            filters=filters, audiences=audiences_of(principal), offset=offset, limit=limit
        )
    items = [AlertListItem(**item.alert.model_dump(), areas=list(item.areas)) for item in listed]
    await record_off_loop(
        audit,
        reader=principal,
        action="alerts.list",
        purpose=purpose,
        subject_ids=alert_subject_ids(item.alert for item in listed),
        parameters={
            "status": ",".join(s.value for s in status_) if status_ else None,
            "type": type_,
            "priority": priority,
            "assignee": assignee,
            "area": area,
            "subject": subject,
            "q": q,
            "raised_from": raised_from,
            "raised_to": raised_to,
            "sort": sort,
            "offset": offset,
            "limit": limit,
        },
    )
    next_offset = offset + limit if offset + limit < total else None
    return AlertPage(items=items, total=total, offset=offset, limit=limit, next_offset=next_offset)


def _evidence_items(alert: AlertRaised, said: dict[str, CitedReport]) -> list[EvidenceItem]:
    """The alert's evidence with what each report said; a report not in `said` (one the reader
    may not see) is left out altogether."""
    items = []
    for entry in alert.evidence:
        report = said.get(str(entry.report_id))
        if report is None:
            continue
        items.append(
            EvidenceItem(
                report_id=entry.report_id,
                observed_at=entry.observed_at,
                grading=entry.grading or report.grading,
                event_type=report.event_type,
                place=report.place,
                narrative=report.narrative,
                retracted=report.retracted,
            )
        )
    return items


@router.get(
    "/alerts/{alert_id}",
    response_model=AlertDetail,
    responses={404: {"description": NOT_FOUND}, **READ_UNAVAILABLE},
)
async def get_alert(
    alert_id: UUID,
    principal: AlertReaderDep,
    store: AlertStoreDep,
    reports: EvidenceDep,
    audit: AuditDep,
    purpose: Purpose,
) -> AlertDetail:
    """One alert, what each report it cites said (its event, place, time, grading and
    narrative), and its history, oldest first; 404 also when it cites a report you may not see.
    Each report is read through your own audiences too: one you may not see gives nothing.
    The read is audited (`alert.read`) with its purpose, every subject the alert shows and the
    reports whose content it shows."""
    audiences = audiences_of(principal)
    with _answering():
        alert, history = await workflow.show_alert(
            alert_id=alert_id, audiences=audiences, store=store
        )
        said = await reports.cited_reports(
            [str(e.report_id) for e in alert.evidence], audiences=audiences
        )
    evidence = _evidence_items(alert, said)
    await record_off_loop(
        audit,
        reader=principal,
        action="alert.read",
        purpose=purpose,
        subject_ids=alert_subject_ids([alert]),
        parameters={
            "alert_id": alert_id,
            "reports": ",".join(str(e.report_id) for e in evidence) or None,
        },
    )
    return AlertDetail(
        alert=alert,
        evidence=evidence,
        history=[
            HistoryItem(at=h.at, by=h.by, action=h.action, status=h.status, note=h.note)
            for h in history
        ],
    )


async def _audited_change(
    audit: Auditor, principal: Principal, alert: AlertRaised, change: str
) -> AlertRaised:
    """Record that the changer was shown the changed alert (`alert.<change>`), then return it.

    The change is made first: if the entry cannot be written the answer is 503, and the change
    stands (the alert's history records who made it).
    """
    await record_off_loop(
        audit,
        reader=principal,
        action=f"alert.{change}",
        purpose=f"{change} the alert",
        subject_ids=alert_subject_ids([alert]),
        parameters={"alert_id": alert.alert_id},
    )
    return alert


@router.post("/alerts/{alert_id}/acknowledge", responses=CHANGE_RESPONSES)
@_with_change_rule
async def acknowledge_alert(
    alert_id: UUID,
    principal: AlertHandlerDep,
    store: AlertStoreDep,
    audit: AuditDep,
) -> AlertRaised:
    """Acknowledge an open alert."""
    with _answering():
        changed = await workflow.acknowledge_alert(
            alert_id=alert_id,
            changer=_changer(principal),
            store=store,
            now=datetime.now(UTC),
            new_id=uuid4,
        )
    return await _audited_change(audit, principal, changed, "acknowledge")


@router.post("/alerts/{alert_id}/assign", responses=WITH_BODY_RESPONSES)
@_with_change_rule
async def assign_alert(
    alert_id: UUID,
    body: AlertAssign,
    principal: AlertHandlerDep,
    store: AlertStoreDep,
    audit: AuditDep,
) -> AlertRaised:
    """Give an alert that is not closed to a named user."""
    with _answering():
        changed = await workflow.assign_alert(
            alert_id=alert_id,
            assignee=body.assignee,
            changer=_changer(principal),
            store=store,
            now=datetime.now(UTC),
            new_id=uuid4,
        )
    return await _audited_change(audit, principal, changed, "assign")


@router.post("/alerts/{alert_id}/action", responses=WITH_BODY_RESPONSES)
@_with_change_rule
async def action_alert(
    alert_id: UUID,
    body: AlertAction,
    principal: AlertHandlerDep,
    store: AlertStoreDep,
    audit: AuditDep,
) -> AlertRaised:
    """Record what was done about an acknowledged or already actioned alert."""
    with _answering():
        changed = await workflow.action_alert(
            alert_id=alert_id,
            note=body.note,
            changer=_changer(principal),
            store=store,
            now=datetime.now(UTC),
            new_id=uuid4,
        )
    return await _audited_change(audit, principal, changed, "action")


@router.post("/alerts/{alert_id}/close", responses=WITH_BODY_RESPONSES)
@_with_change_rule
async def close_alert(
    alert_id: UUID,
    body: AlertClose,
    principal: AlertHandlerDep,
    store: AlertStoreDep,
    audit: AuditDep,
) -> AlertRaised:
    """Close an alert that is not closed, with a reason; its pattern then stays quiet a while."""
    with _answering():
        changed = await workflow.close_alert(
            alert_id=alert_id,
            reason=body.reason,
            false_positive=body.false_positive,
            changer=_changer(principal),
            store=store,
            now=datetime.now(UTC),
            new_id=uuid4,
        )
    return await _audited_change(audit, principal, changed, "close")


@router.post("/alerts/{alert_id}/feedback", responses=WITH_BODY_RESPONSES)
@_with_change_rule
async def give_feedback(
    alert_id: UUID,
    body: AlertFeedback,
    principal: AlertHandlerDep,
    store: AlertStoreDep,
    audit: AuditDep,
) -> AlertRaised:
    """Mark an alert, closed or not, as a false positive or not, with an optional comment."""
    with _answering():
        changed = await workflow.give_feedback(
            alert_id=alert_id,
            false_positive=body.false_positive,
            comment=body.comment,
            changer=_changer(principal),
            store=store,
            now=datetime.now(UTC),
            new_id=uuid4,
        )
    return await _audited_change(audit, principal, changed, "feedback")
