"""Exact identity rules of the skeleton's resolver, table-driven."""

from datetime import date

import pytest

from schemas.reports import PersonMention, PersonRole, PlaceMention
from services.network.resolve import (
    is_young_person,
    location_id,
    normalise_name,
    normalise_postcode,
    person_id,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Dean Walsh", "dean walsh"),
        ("  DEAN   walsh ", "dean walsh"),
        ("Zoë Ñúñez", "zoe nunez"),
        ("Anne-Marie O'Neil", "anne-marie o'neil"),
    ],
)
def test_normalises_names(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [("zz99 1aa", "ZZ991AA"), (" ZZ99  1AA ", "ZZ991AA"), (None, "")]
)
def test_normalises_postcodes(raw: str | None, expected: str) -> None:
    assert normalise_postcode(raw) == expected


def test_same_person_despite_case_and_spacing() -> None:
    a = PersonMention(name="Casey Synth", date_of_birth=date(2010, 1, 2))
    b = PersonMention(name=" casey  SYNTH", date_of_birth=date(2010, 1, 2))
    c = PersonMention(name="Casey Synth", date_of_birth=date(2011, 1, 2))
    assert person_id(a) == person_id(b) != person_id(c)


def test_same_place_despite_postcode_format() -> None:
    a = PlaceMention(name="Synthetic Chippy", postcode="zz99 1aa")
    b = PlaceMention(name="SYNTHETIC CHIPPY", postcode="ZZ991AA")
    assert location_id(a) == location_id(b)


@pytest.mark.parametrize(
    ("mention", "young"),
    [
        (PersonMention(name="A", date_of_birth=date(2009, 1, 1)), True),
        (PersonMention(name="A", date_of_birth=date(2000, 1, 1)), False),
        (PersonMention(name="A", date_of_birth=date(2008, 11, 23)), False),  # 18 today
        (PersonMention(name="A", date_of_birth=date(2008, 11, 24)), True),  # 18 tomorrow
        (PersonMention(name="A", estimated_age=15), True),
        (PersonMention(name="A", role=PersonRole.YOUNG_PERSON), True),
        (PersonMention(name="A", role=PersonRole.ADULT), False),
        (PersonMention(name="A", estimated_age=30, role=PersonRole.YOUNG_PERSON), False),
    ],
)
def test_young_person_on_day_of_observation(mention: PersonMention, young: bool) -> None:
    assert is_young_person(mention, date(2026, 11, 23)) is young
