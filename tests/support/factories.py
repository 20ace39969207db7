"""Synthetic test data: invented people and places only, never real ones.

Postcodes use the ZZ99 pseudo-area, phones Ofcom's drama range (07700 900xxx) and NHS numbers
the 999 range, never issued to a patient.
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from string import ascii_uppercase
from typing import Any

from stdnum.gb import nhs, upn

from common.auth import Principal, Role
from common.keys import person_id_key
from common.settings import InfraSettings
from schemas.entities import Person, PersonRole, Place, PlaceCategory
from schemas.events import Sighting
from schemas.grading import Grading, HandlingCode, IntelligenceAssessment, SourceEvaluation
from schemas.identifiers.police import pnc_check_character
from schemas.reports import ReportCreate, ReportSubmitted

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
GRADING = Grading(
    source=SourceEvaluation.UNTESTED,
    intelligence=IntelligenceAssessment.KNOWN_INDIRECTLY_CORROBORATED,
    handling=HandlingCode.P,
)
GRADING_JSON: dict[str, Any] = {"source": 2, "intelligence": "B", "handling": "P"}


def shared_only_with(*agencies: str) -> dict[str, Any]:
    """A report's grading as a partner would POST it: 1A, handling code C, shared only with
    these agencies (beside the one that wrote it)."""
    return {
        "source": 1,
        "intelligence": "A",
        "handling": "C",
        "conditions": {"agencies": list(agencies)},
    }


def run_tag() -> str:
    """A short random tag that keeps one test's names apart from every other's."""
    return uuid.uuid4().hex[:8]


def submitter(agency: str = "Synthetic Home A") -> Principal:
    """A residential-home key worker."""
    return Principal(user="k.worker", agency=agency, role=Role.SUBMITTER)


def young_person(name: str, *, born: date | None = date(2010, 5, 1)) -> Person:
    """A young person mention."""
    return Person(name=name, date_of_birth=born, role=PersonRole.YOUNG_PERSON)


def sighting(
    *names: str,
    place: str = "Synthetic Chip Shop",
    category: str = "other",
    observed_at: datetime | None = None,
) -> ReportCreate:
    """People seen together at a place, graded 2B P."""
    return ReportCreate(
        observed_at=observed_at or NOW - timedelta(days=1),
        grading=GRADING,
        event=Sighting(
            persons=[young_person(n) for n in names],
            place=Place(name=place, postcode="ZZ99 9ZZ", category=PlaceCategory(category)),
        ),
    )


def report_json(event: dict[str, Any], **envelope: Any) -> dict[str, Any]:
    """A report as a partner would POST it, around one event."""
    return {
        "observed_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "grading": GRADING_JSON,
        "narrative": "Synthetic test report.",
        "event": event,
        **envelope,
    }


def sighting_json(*names: str, place: str, category: str = "other") -> dict[str, Any]:
    """A sighting as a partner would POST it."""
    return report_json(
        {
            "type": "sighting",
            "persons": [
                {"name": n, "date_of_birth": "2010-05-01", "role": "young_person"} for n in names
            ],
            "place": {"name": place, "postcode": "ZZ99 9ZZ", "category": category},
        }
    )


def submitted(report: ReportCreate, *, agency: str = "Synthetic Home A") -> ReportSubmitted:
    """The event ingest would publish for a report."""
    return ReportSubmitted(
        event_id=uuid.uuid4(),
        occurred_at=NOW,
        source_agency=agency,
        submitted_by="k.worker",
        report=report,
    )


def id_key() -> bytes:
    """The key the services' person ids are made with here (the installation's key file)."""
    return person_id_key(InfraSettings())


def synthetic_vrm(tag: str, letter: str) -> str:
    """An invented current-format registration for one run, as the graph keeps it (no space):
    area Z (no DVLA area), then one of about 1.6 million endings drawn from the run's tag, so two
    runs' vehicles never share a mark by chance (`letter` starts it, to tell a test's cars
    apart)."""
    serial = int(tag, 16)
    area, serial = ascii_uppercase[serial % 26], serial // 26
    age, serial = serial % 90 + 10, serial // 90
    ending = letter + ascii_uppercase[serial % 26] + ascii_uppercase[serial // 26 % 26]
    return f"Z{area}{age}{ending}"


def synthetic_nhs_number(serial: int) -> str:
    """A valid NHS number in the 999 range, which the NHS never issues to a patient."""
    for step in range(100):  # a body whose check would be 10 has no number: take the next
        body = f"999{(serial + step) % 1_000_000:06d}"
        for digit in "0123456789":
            if nhs.is_valid(body + digit):
                return body + digit
    raise AssertionError("unreachable: most bodies have a check digit")


def synthetic_upn(serial: int) -> str:
    """A valid Unique Pupil Number of a made-up school (establishment 9999) with its letter."""
    rest = f"801999926{serial % 1000:03d}"
    return upn.calc_check_digit(rest) + rest


def synthetic_pnc_id(serial: int, *, year: int = 2009) -> str:
    """A valid PNC id for a made-up serial, with its check letter."""
    return f"{year}/{serial % 10_000_000:07d}{pnc_check_character(year, serial % 10_000_000)}"
