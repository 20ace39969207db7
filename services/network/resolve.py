"""Entity keys: which mentions are the same person or place (the skeleton's exact rules)."""

import hashlib
from datetime import date
from uuid import UUID

from schemas.entities import Person, PersonRole, Place
from schemas.identifiers.names import normalise_name, phonetic_key

ADULT_AGE = 18


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def person_id(person: Person, *, report_id: UUID, index: int) -> str:
    """Same normalised name (or else first nickname or alias) and date of birth: same person.

    Someone known only by a description is kept apart: two descriptions are not one person.
    """
    name = person.name or (person.nicknames + person.aliases + [""])[0]
    if not name:
        return f"person:{_digest('described', str(report_id), str(index))}"
    dob = person.date_of_birth.isoformat() if person.date_of_birth else ""
    return f"person:{_digest(normalise_name(name), dob)}"


def location_id(place: Place) -> str:
    """Same postcode and the same normalised name or address: same place."""
    label = normalise_name(place.name or place.address or "")
    if not label and place.coordinates is not None:
        label = f"{place.coordinates.lat:.5f},{place.coordinates.lon:.5f}"
    return f"location:{_digest((place.postcode or '').replace(' ', ''), label)}"


def is_young_person(person: Person, day: date) -> bool:
    """Under 18 on the day, or reported as a young person when the age is unknown."""
    age = person.age_on(day)
    if age is not None:
        return age < ADULT_AGE
    return person.role is PersonRole.YOUNG_PERSON


def name_key(person: Person) -> str:
    """The phonetic key later matching uses."""
    return phonetic_key(person.name or (person.nicknames + person.aliases + [""])[0])
