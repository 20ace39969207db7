"""Entity keys: which mentions are the same person or place (exact rules of the skeleton)."""

import hashlib
import unicodedata
from datetime import date

from schemas.reports import PersonMention, PersonRole, PlaceMention

ADULT_AGE = 18


def normalise_name(name: str) -> str:
    """Case-fold, strip diacritics and collapse whitespace."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def normalise_postcode(postcode: str | None) -> str:
    """Upper-case without spaces; empty when unknown."""
    return "".join((postcode or "").upper().split())


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def person_id(person: PersonMention) -> str:
    """Same normalised name and the same date of birth (or none) make the same person."""
    dob = person.date_of_birth.isoformat() if person.date_of_birth else ""
    return f"person:{_digest(normalise_name(person.name), dob)}"


def location_id(place: PlaceMention) -> str:
    """Same postcode and the same normalised name make the same place."""
    return f"location:{_digest(normalise_postcode(place.postcode), normalise_name(place.name))}"


def age_on(person: PersonMention, day: date) -> int | None:
    """Age in whole years on a day, from the date of birth or else the estimate."""
    if person.date_of_birth is not None:
        dob = person.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
    return person.estimated_age


def is_young_person(person: PersonMention, day: date) -> bool:
    """Under 18 on the day, or reported as a young person when the age is unknown."""
    age = age_on(person, day)
    if age is not None:
        return age < ADULT_AGE
    return person.role is PersonRole.YOUNG_PERSON
