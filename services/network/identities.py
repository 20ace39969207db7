"""Entity keys: exact identifiers merge at once (VRM, E.164, handle, postcode plus name)."""

import hashlib
import hmac
from datetime import date
from uuid import UUID

from schemas.entities import Handle, Person, PersonRole, Place, Vehicle
from schemas.grading import HandlingCode
from schemas.graph import (
    EvidenceEntry,
    agency_audience,
    granted_audiences,
    sealed_audience,
    write_evidence,
)
from schemas.identifiers.names import normalise_name, phonetic_key
from schemas.identifiers.vrm import VrmFormat
from schemas.reports import ReportSubmitted

ADULT_AGE = 18


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def _keyed(key: bytes, *parts: str) -> str:
    return hmac.new(key, "|".join(parts).encode(), hashlib.sha256).hexdigest()[:20]


def new_person_id(person: Person, *, report_id: UUID, index: int, key: bytes) -> str:
    """The id a person gets when no one in the graph is them.

    A full name (two or more parts, no initials) with the date of birth gives the same id in
    every report, so exact repeats converge even when two workers race. A nickname or a
    description alone is specific to its report: "Deano" in two reports may be two boys
    until an analyst says not. The id is an HMAC keyed with the installation's secret, so no
    one holding an id can recover the name and date of birth by guessing them.
    """
    if not key:
        raise ValueError("person ids need the installation's secret key")
    name = normalise_name(person.name or "")
    parts = name.split()
    if len(parts) >= 2 and min(len(p) for p in parts) > 1:  # "D. Walsh" is not a full name
        dob = person.date_of_birth.isoformat() if person.date_of_birth else ""
        return f"person:{_keyed(key, name, dob)}"
    return own_person_id(report_id=report_id, index=index, key=key)


def own_person_id(*, report_id: UUID, index: int, key: bytes) -> str:
    """The id of one mention's own new person: a nickname or description alone, or a full
    name whose name-given id belongs to someone the mention is not (conflicting identifiers,
    a namesake living elsewhere: matching.apart_despite_id)."""
    if not key:
        raise ValueError("person ids need the installation's secret key")
    return f"person:{_keyed(key, 'mention', str(report_id), str(index))}"


def split_person_id(person_id: str, report_ids: list[str]) -> str:
    """The person an analyst split off: the same split always gives the same id."""
    return f"person:{_digest('split', person_id, *sorted(report_ids))}"


def location_id(place: Place, *, key: bytes) -> str:
    """Same postcode and the same normalised name or address: same place. Keyed like a
    person's id, because a private address is personal data too."""
    label = normalise_name(place.name or place.address or "")
    if not label and place.coordinates is not None:
        label = f"{place.coordinates.lat:.5f},{place.coordinates.lon:.5f}"
    return f"location:{_keyed(key, (place.postcode or '').replace(' ', ''), label)}"


def vehicle_id(vehicle: Vehicle, *, report_id: UUID, index: int) -> str:
    """A full registration is the vehicle; a partial one or a description stays in its report."""
    if vehicle.vrm and vehicle.vrm_format is not VrmFormat.PARTIAL:
        return f"vehicle:{vehicle.vrm}"
    return f"vehicle:{_digest('described', str(report_id), str(index))}"


def phone_id(e164: str) -> str:
    """A phone is its E.164 number."""
    return f"phone:{e164}"


def handle_id(handle: Handle) -> str:
    """A handle is its platform and normalised name."""
    return f"handle:{handle.platform.value}:{handle.handle}"


def group_id(name: str) -> str:
    """A group is its normalised name."""
    return f"group:{_digest(normalise_name(name))}"


def is_young_person(person: Person, day: date) -> bool:
    """Under 18 on the day, or reported as a young person when the age is unknown."""
    age = person.age_on(day)
    if age is not None:
        return age < ADULT_AGE
    return person.role is PersonRole.YOUNG_PERSON


def name_key(person: Person) -> str:
    """The phonetic key of the person's best name."""
    return phonetic_key(person.name or (person.nicknames + person.aliases + [""])[0])


def audiences(event: ReportSubmitted, *, key: bytes) -> list[str]:
    """Who may see a report: everyone (P), or its agency and the recorded conditions (C).

    The agency of a source-protected report is sealed with the installation's key, unless its
    conditions name it, so no list of audiences gives away where a disclosure came from.
    """
    grading = event.report.grading
    granted = granted_audiences(grading)
    if grading.handling is HandlingCode.P:
        return granted
    named = set(grading.conditions.agencies if grading.conditions else [])
    source = (
        sealed_audience(event.source_agency, key)
        if event.report.source_protected and event.source_agency not in named
        else agency_audience(event.source_agency)
    )
    return sorted({source, *granted})


def evidence_entries(event: ReportSubmitted, *, key: bytes) -> list[str]:
    """What a link records of each report behind it: when, how graded, for whom, which report.

    One string per audience, `observed|source|intelligence|audience|report id`, so a query can
    check time window, grading and visibility of a link without reading its reports.
    """
    grading = event.report.grading
    observed = event.report.observed_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return [
        write_evidence(
            EvidenceEntry(
                observed=observed,
                source=str(grading.source.value),
                intelligence=grading.intelligence.value,
                audience=audience,
                report_id=str(event.event_id),
            )
        )
        for audience in audiences(event, key=key)
    ]
