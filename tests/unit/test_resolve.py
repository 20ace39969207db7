"""Exact identity rules of the skeleton's resolver, table-driven."""

from datetime import date
from uuid import uuid4

import pytest

from schemas.entities import Person, PersonRole, Place
from schemas.identifiers.names import normalise_name
from services.network.resolve import is_young_person, location_id, person_id

RID = uuid4()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Dean Walsh", "dean walsh"),
        ("  DEAN   walsh ", "dean walsh"),
        ("Zoë Ñúñez", "zoe nunez"),
        ("Anne-Marie O'Neil", "anne-marie o'neil"),
        ("D. Walsh", "d walsh"),
    ],
)
def test_normalises_names(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_same_person_despite_case_and_spacing() -> None:
    a = Person(name="Casey Synth", date_of_birth=date(2010, 1, 2))
    b = Person(name=" casey  SYNTH", date_of_birth=date(2010, 1, 2))
    c = Person(name="Casey Synth", date_of_birth=date(2011, 1, 2))
    assert person_id(a, report_id=RID, index=0) == person_id(b, report_id=RID, index=1)
    assert person_id(a, report_id=RID, index=0) != person_id(c, report_id=RID, index=2)


def test_same_place_despite_postcode_format() -> None:
    a = Place(name="Synthetic Chippy", postcode="zz99 1aa")
    b = Place(name="SYNTHETIC CHIPPY", postcode="ZZ991AA")
    assert location_id(a) == location_id(b)


@pytest.mark.parametrize(
    ("mention", "young"),
    [
        (Person(name="A", date_of_birth=date(2009, 1, 1)), True),
        (Person(name="A", date_of_birth=date(2000, 1, 1)), False),
        (Person(name="A", date_of_birth=date(2008, 11, 23)), False),  # 18 today
        (Person(name="A", date_of_birth=date(2008, 11, 24)), True),  # 18 tomorrow
        (Person(name="A", estimated_age=15), True),
        (Person(name="A", role=PersonRole.YOUNG_PERSON), True),
        (Person(name="A", role=PersonRole.ADULT), False),
        (Person(name="A", estimated_age=30, role=PersonRole.YOUNG_PERSON), False),
    ],
)
def test_young_person_on_day_of_observation(mention: Person, young: bool) -> None:
    assert is_young_person(mention, date(2026, 11, 23)) is young


def test_people_known_only_by_description_are_never_merged() -> None:
    a = Person(description="tall male, grey hoodie")
    assert person_id(a, report_id=RID, index=0) != person_id(a, report_id=RID, index=1)


def test_a_nickname_alone_identifies_a_person() -> None:
    a = Person(nicknames=["Deano"])
    b = Person(nicknames=["deano"])
    assert person_id(a, report_id=RID, index=0) == person_id(b, report_id=uuid4(), index=3)
