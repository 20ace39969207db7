"""P21 residential-home departure risk.

domain.md P21 and [003:15]: a young person leaving with luggage, a passport or money raises
`departure_risk` to home staff and police, recommending that staff escort or follow them. If
they are not back an hour after the time they gave, they should be reported missing: the alert
carries that deadline. A passport, or leaving from a station or taxi rank, adds a border alert
(UK Border Force, UKHTC [004:823]). One alert per departure.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from schemas.alerts import AlertSubject, AlertType, Priority
from services.alerts.actions import Action
from services.alerts.shared.candidate import AlertCandidate, evidence_of
from services.alerts.shared.episodes import Child, vouched

HUB_CATEGORIES = frozenset({"bus_or_train_station", "taxi_rank"})
UK = ZoneInfo("Europe/London")  # staff read times as the clock on the wall says them


@dataclass(frozen=True, slots=True)
class Whereto:
    """A place a departure names: where from, where to, or the station or stop."""

    id: str
    name: str
    category: str = "other"

    @property
    def subject(self) -> AlertSubject:
        """The place as an alert names it."""
        return AlertSubject(kind="location", id=self.id, display_name=self.name)


@dataclass(frozen=True, slots=True)
class Departure:
    """One report of the child leaving, and what they took."""

    id: str
    report_id: str
    left_at: datetime
    carrying: frozenset[str]
    left_from: Whereto | None = None
    going_to: Whereto | None = None
    leaving_by: Whereto | None = None
    meeting: tuple[str, ...] = ()
    expected_back: datetime | None = None
    money_gbp: str | None = None
    transport: str | None = None
    escorted: bool = False


def _took(departure: Departure) -> str:
    things: list[str] = [c for c in ("luggage", "passport") if c in departure.carrying]
    if "money" in departure.carrying:
        things.append(f"£{departure.money_gbp}" if departure.money_gbp else "money")
    return " and ".join(things)


def _at(moment: datetime) -> str:
    return f"{moment.astimezone(UK):%H:%M on %d %b}"


def _story(child: Child, d: Departure, reports: dict[str, datetime]) -> str:
    where = f" {d.left_from.name}" if d.left_from else ""
    told = []
    if d.going_to:
        told.append(f"going to {d.going_to.name}")
    if d.meeting:
        told.append(f"meeting {', '.join(d.meeting)}")
    if d.expected_back:
        told.append(f"back by {_at(d.expected_back)}")
    said = ""
    if told:
        said = ", saying they were " + (
            told[0] if len(told) == 1 else f"{', '.join(told[:-1])} and {told[-1]}"
        )
    by = f" by {d.transport}" if d.transport else ""
    by += f" from {d.leaving_by.name}" if d.leaving_by else ""
    return f"{child.name_in(reports)} left{where} at {_at(d.left_at)} with {_took(d)}{by}{said}"


def detect_departure_risk(
    *, child: Child, departures: list[Departure], grace: timedelta
) -> list[AlertCandidate]:
    """An alert for each departure with luggage, a passport or money."""
    candidates = []
    for d in departures:
        if not d.carrying:
            continue
        hub = d.leaving_by is not None and d.leaving_by.category in HUB_CATEGORIES
        border = "passport" in d.carrying or hub
        priority, reports = vouched({d.report_id: d.left_at}, child)
        if "passport" in d.carrying:
            priority = Priority.HIGH
        parts, actions = [_story(child, d, reports)], []
        if not d.escorted:
            parts.append("escort or follow them if it is safe")
            actions.append(Action.ESCORT_OR_FOLLOW)
        due: tuple[tuple[Action, datetime], ...] = ()
        if d.expected_back is not None:
            report_by = d.expected_back + grace
            parts.append(f"report them missing if they are not back by {_at(report_by)}")
            actions.append(Action.REPORT_MISSING_IF_LATE)
            due = ((Action.REPORT_MISSING_IF_LATE, report_by),)
        if border:
            parts.append("consider a border alert")
            actions.append(Action.BORDER_ALERT)
        summary = "; ".join(parts) + "."
        places = [p for p in (d.left_from, d.leaving_by, d.going_to) if p is not None]
        candidates.append(
            AlertCandidate(
                type=AlertType.DEPARTURE_RISK,
                fingerprint=f"{AlertType.DEPARTURE_RISK.value}:{d.id}",
                priority=priority,
                summary=summary,
                subjects=(
                    child.subject_in(reports),
                    *(p.subject for p in dict.fromkeys(places)),
                ),
                evidence=evidence_of(reports),
                anchor_id=child.id,
                actions=tuple(actions),
                due=due,
            )
        )
    return candidates
