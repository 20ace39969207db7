"""Children missing now: the graph's open missing episodes, from reports of every channel (the
API, imports, partner topics and the form), as far as the caller may see them."""

from datetime import datetime

from pydantic import BaseModel, Field

from common.auth import Principal
from common.visibility import audiences_of
from services.network.analyst.ports import MissingGraph


class SeenSince(BaseModel):
    """The latest report you may see about the child since they went missing."""

    report_id: str
    type: str | None
    observed_at: str
    places: list[str]


class MissingChild(BaseModel):
    """A child whose latest visible missing episode no visible report has ended."""

    person_id: str
    name: str | None = Field(description="As the report of them going missing names them.")
    date_of_birth: str | None
    age: int | None
    episode_id: str
    missing_since: str = Field(description="When they were last seen, as that report says.")
    missing_for_hours: float = Field(description="From missing_since to now.")
    police_risk_grading: str | None
    report_id: str = Field(description="The report of them going missing.")
    reported_by: str | None = Field(description="Its agency; withheld if the source is protected.")
    last_seen_place: str | None
    last_seen_postcode: str | None
    missing_from: str | None = Field(description="The placement they went missing from.")
    missing_from_postcode: str | None
    seen_since: SeenSince | None


def _hours(since: str, now: datetime) -> float:
    started = datetime.fromisoformat(since.replace("Z", "+00:00"))
    return round(max(0.0, (now - started).total_seconds() / 3600), 1)


def missing_children(
    *, principal: Principal, graph: MissingGraph, now: datetime, offset: int, limit: int
) -> list[MissingChild]:
    """The children missing now that the caller may see, longest missing first."""
    rows = graph.missing_now(
        audiences=audiences_of(principal), agency=principal.agency, offset=offset, limit=limit
    )
    children = []
    for row in rows:
        since = None
        if row["since_report_id"] is not None:
            since = SeenSince(
                report_id=row["since_report_id"],
                type=row["since_type"],
                observed_at=row["since_at"],
                places=list(dict.fromkeys(row["since_places"])),
            )
        children.append(
            MissingChild(
                **{k: v for k, v in row.items() if not k.startswith("since_")},
                missing_for_hours=_hours(row["missing_since"], now),
                seen_since=since,
            )
        )
    return children
