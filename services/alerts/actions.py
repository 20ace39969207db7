"""The recommended actions the domain names, and the deadlines that apply to them.

Texts and timescales come from domain.md sections 4, 5.1 and 5.2; an action without a timescale
in the domain has no deadline rather than an invented one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from schemas.alerts import Deadline


class Action(StrEnum):
    """What a receiver of an alert may be asked to consider."""

    STRATEGY_MEETING = "strategy_meeting"
    IMMEDIATE_STRATEGY_MEETING = "immediate_strategy_meeting"
    CAWN = "cawn"
    NRM_REFERRAL = "nrm_referral"
    CROSS_BORDER_NOTIFICATION = "cross_border_notification"
    SAFEGUARDING_48H = "safeguarding_48h"
    SCREENING = "screening"
    CONTEXT_PLAN = "context_plan"
    SHARE_REGISTRATION = "share_registration"
    ANPR_MARKER = "anpr_marker"
    PHONE_EXAMINATION = "phone_examination"
    DISRUPT_PEER_CONTACT = "disrupt_peer_contact"
    WARRANT_OR_CLOSURE = "warrant_or_closure"
    ADULT_SOCIAL_CARE = "adult_social_care"
    NOTIFY_HOMES = "notify_homes"
    RETURN_INTERVIEW = "return_interview"
    DAILY_CONTACT = "daily_contact"
    DEBT_SAFETY_PLAN = "debt_safety_plan"
    FAMILY_AT_RISK = "family_at_risk"
    ESCORT_OR_FOLLOW = "escort_or_follow"
    REPORT_MISSING_IF_LATE = "report_missing_if_late"
    BORDER_ALERT = "border_alert"


@dataclass(frozen=True, slots=True)
class ActionRule:
    """How an action reads to the receiver, and its timescale where the domain gives one."""

    text: str
    due_in: timedelta | None = None
    basis: str = ""


CATALOGUE: dict[Action, ActionRule] = {
    Action.STRATEGY_MEETING: ActionRule(
        "hold a strategy meeting", timedelta(hours=24), "within 24 hours of referral [004:108]"
    ),
    Action.IMMEDIATE_STRATEGY_MEETING: ActionRule(
        "hold an immediate strategy meeting and notify police",
        timedelta(0),
        "immediate on any contact with the bailed adults [004:526]",
    ),
    Action.CAWN: ActionRule(
        "consider a Child Abduction Warning Notice for the adult harbouring the child"
    ),
    Action.NRM_REFERRAL: ActionRule(
        "make a National Referral Mechanism referral: a suspected trafficked child must be "
        "referred [004:130]"
    ),
    Action.CROSS_BORDER_NOTIFICATION: ActionRule(
        "notify the home-area police and children's social care with the full risk summary",
        timedelta(0),
        "cross-border notification on finding the child [002:12]",
    ),
    Action.SAFEGUARDING_48H: ActionRule(
        "intensive safeguarding through and after custody",
        timedelta(hours=48),
        "the first 48 hours after custody [002:6]",
    ),
    Action.SCREENING: ActionRule("complete or review the exploitation screening tool"),
    Action.CONTEXT_PLAN: ActionRule(
        "design a contextual safeguarding plan for the place with the partnership"
    ),
    Action.SHARE_REGISTRATION: ActionRule(
        "share the registration and description with the homes and schools concerned"
    ),
    Action.ANPR_MARKER: ActionRule("consider an ANPR marker for the vehicle"),
    Action.PHONE_EXAMINATION: ActionRule(
        "consider phone examination and cell-site analysis (police only)"
    ),
    Action.DISRUPT_PEER_CONTACT: ActionRule(
        "disrupt the relationship with the young people they go missing with [004:511]"
    ),
    Action.WARRANT_OR_CLOSURE: ActionRule(
        "consider a warrant, a closure order or other disruption of the premises"
    ),
    Action.ADULT_SOCIAL_CARE: ActionRule("refer the vulnerable tenant to adult social care"),
    Action.NOTIFY_HOMES: ActionRule(
        "tell the registered managers of the homes to be vigilant, without naming other children"
    ),
    Action.RETURN_INTERVIEW: ActionRule(
        "hold a return interview",
        timedelta(hours=24),
        "a thorough conversation the next day if police could not do one [003:19]",
    ),
    Action.DAILY_CONTACT: ActionRule(
        "daily contact by social worker, police and youth worker while the child is missing",
        timedelta(hours=24),
        "daily while missing [004:607-609]",
    ),
    Action.DEBT_SAFETY_PLAN: ActionRule(
        "tell the social worker and plan the child's safety now: a seizure can leave them owing "
        "the exploiters, who may kidnap, assault or torture to recover the debt",
        timedelta(0),
        "immediately on a seizure from a child [001:11]",
    ),
    Action.FAMILY_AT_RISK: ActionRule(
        "check whether the child's family is threatened over the debt [001:12]"
    ),
    Action.ESCORT_OR_FOLLOW: ActionRule(
        "escort or follow the young person where it is safe, and note the train and bus "
        "departures near the time [003:15]",
        timedelta(0),
        "as they leave [003:15]",
    ),
    Action.REPORT_MISSING_IF_LATE: ActionRule(
        "report them missing to the police if they are not back",
        basis="an hour after the time they said they would be back (P21, proposed)",
    ),
    Action.BORDER_ALERT: ActionRule(
        "consider a border alert to UK Border Force and the UK Human Trafficking Centre [004:823]"
    ),
}


def describe(actions: tuple[Action, ...]) -> tuple[str, ...]:
    """The receiver's wording of each action, in the detector's order."""
    return tuple(CATALOGUE[a].text for a in actions)


def deadlines(
    actions: tuple[Action, ...],
    *,
    since: datetime,
    fixed: tuple[tuple[Action, datetime], ...] = (),
) -> tuple[Deadline, ...]:
    """The deadline of each action the domain gives a timescale for, counted from a time, or
    fixed by the detector (back by the time they said, plus an hour)."""
    due_at = dict(fixed)
    found = []
    for action in actions:
        rule = CATALOGUE[action]
        if action in due_at:
            found.append(Deadline(action=rule.text, due_at=due_at[action], basis=rule.basis))
        elif rule.due_in is not None:
            found.append(Deadline(action=rule.text, due_at=since + rule.due_in, basis=rule.basis))
    return tuple(found)
