"""Use case: what an analyst's profile of a person shows beyond the timeline.

Identifiers, placements and schools, missing episodes, departures and screening status, each
as the reports the analyst may see state it (the adapter filters by audiences): an episode
whose found report they may not see shows no end, and so on.
"""

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel


class Identifier(BaseModel):
    """A phone number or social handle the person uses."""

    id: str
    kind: str
    name: str
    last_seen: str | None


class Placement(BaseModel):
    """A care home, other placement or school the person is linked to."""

    id: str
    name: str
    category: str | None
    link: Literal["PLACED_AT", "ATTENDS"]
    first_seen: str | None
    last_seen: str | None


class Episode(BaseModel):
    """A missing episode, as far as the reports the reader may see tell it."""

    id: str
    started_at: str | None
    ended_at: str | None
    found_at: str | None
    circumstances: str | None
    condition: list[str]
    police_risk_grading: str | None
    reported_by: str | None
    ended_by: str | None


class Departure(BaseModel):
    """A time the person left a home or school, and what they took."""

    id: str
    report_id: str
    left_at: str
    expected_back: str | None
    carrying: list[str]
    going_to: str | None
    left_from: str | None


class ScreeningStatus(BaseModel):
    """The latest screening the reader may see, and the exploitation flag it gives (W3, W4, W7).

    `current` after a screening answered yes; `historic` when a later one answered no; `none`
    when no screening said yes.
    """

    exp_flag: Literal["current", "historic", "none"]
    screened_on: str | None
    outcome: str | None
    risk_level: str | None
    review_date: str | None
    review_overdue: bool
    report_id: str | None
    screenings: int


class PersonDetail(BaseModel):
    """What the profile of a person adds to the timeline."""

    identifiers: list[Identifier]
    placements: list[Placement]
    missing_episodes: list[Episode]
    departures: list[Departure]
    screening: ScreeningStatus


def screening_status(screenings: list[dict[str, Any]], *, today: date) -> ScreeningStatus:
    """The status from the visible screenings, newest first."""
    if not screenings:
        return ScreeningStatus(
            exp_flag="none",
            screened_on=None,
            outcome=None,
            risk_level=None,
            review_date=None,
            review_overdue=False,
            report_id=None,
            screenings=0,
        )
    latest = screenings[0]
    if latest["outcome"] == "yes":
        flag: Literal["current", "historic", "none"] = "current"
    elif any(s["outcome"] == "yes" for s in screenings[1:]):
        flag = "historic"
    else:
        flag = "none"
    review = latest.get("review_date")
    return ScreeningStatus(
        exp_flag=flag,
        screened_on=latest["screened_on"],
        outcome=latest["outcome"],
        risk_level=latest.get("risk_level"),
        review_date=review,
        review_overdue=flag == "current"
        and review is not None
        and date.fromisoformat(review) < today,
        report_id=latest["report_id"],
        screenings=len(screenings),
    )


def person_detail(row: dict[str, Any], *, today: date) -> PersonDetail:
    """The profile's detail from the adapter's row."""
    return PersonDetail(
        identifiers=[Identifier(**i) for i in row["identifiers"]],
        placements=[Placement(**p) for p in row["placements"]],
        missing_episodes=[Episode(**e) for e in row["episodes"]],
        departures=[Departure(**d) for d in row["departures"]],
        screening=screening_status(row["screenings"], today=today),
    )
