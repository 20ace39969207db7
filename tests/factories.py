"""Synthetic test data: invented people and places only, never real ones."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from common.auth import Principal, Role
from schemas.reports import (
    PersonMention,
    PersonRole,
    PlaceCategory,
    PlaceMention,
    ReportSubmitted,
    SightingCreate,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def run_tag() -> str:
    """A short random tag that keeps one test's names apart from every other's."""
    return uuid.uuid4().hex[:8]


def submitter(agency: str = "Synthetic Home A") -> Principal:
    """A residential-home key worker."""
    return Principal(user="k.worker", agency=agency, role=Role.SUBMITTER)


def young_person(name: str, *, born: date | None = date(2010, 5, 1)) -> PersonMention:
    """A young person mention."""
    return PersonMention(name=name, date_of_birth=born, role=PersonRole.YOUNG_PERSON)


def sighting(
    *names: str,
    place: str = "Synthetic Chip Shop",
    category: str = "other",
    observed_at: datetime | None = None,
) -> SightingCreate:
    """People seen together at a place."""
    return SightingCreate(
        observed_at=observed_at or NOW - timedelta(days=1),
        persons=[young_person(n) for n in names],
        place=PlaceMention(name=place, postcode="ZZ99 9ZZ", category=PlaceCategory(category)),
    )


def sighting_json(*names: str, place: str, category: str = "other") -> dict[str, Any]:
    """A sighting as a partner would POST it."""
    return {
        "type": "sighting",
        "observed_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "persons": [
            {"name": n, "date_of_birth": "2010-05-01", "role": "young_person"} for n in names
        ],
        "place": {"name": place, "postcode": "ZZ99 9ZZ", "category": category},
        "narrative": "Synthetic test report.",
    }


def submitted(report: SightingCreate, *, agency: str = "Synthetic Home A") -> ReportSubmitted:
    """The event ingest would publish for a report."""
    return ReportSubmitted(
        event_id=uuid.uuid4(),
        occurred_at=NOW,
        source_agency=agency,
        submitted_by="k.worker",
        report=report,
    )
