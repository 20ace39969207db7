"""Exact identity rules: identifiers merge at once; names need the matcher."""

from datetime import date
from uuid import uuid4

import pytest

from schemas.entities import Handle, Person, PersonRole, Place, Vehicle
from schemas.graph import read_evidence
from schemas.identifiers.handles import Platform
from schemas.identifiers.names import normalise_name
from services.network.identities import (
    audiences,
    evidence_entries,
    handle_id,
    is_young_person,
    location_id,
    new_person_id,
    vehicle_id,
)
from tests.support.factories import id_key, sighting, submitted

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


def test_a_full_name_and_dob_give_the_same_new_id_in_every_report() -> None:
    a = Person(name="Casey Synth", date_of_birth=date(2010, 1, 2))
    b = Person(name=" casey  SYNTH", date_of_birth=date(2010, 1, 2))
    c = Person(name="Casey Synth", date_of_birth=date(2011, 1, 2))
    assert new_person_id(a, report_id=RID, index=0, key=id_key()) == new_person_id(
        b, report_id=uuid4(), index=1, key=id_key()
    )
    assert new_person_id(a, report_id=RID, index=0, key=id_key()) != new_person_id(
        c, report_id=RID, index=2, key=id_key()
    )


def test_a_nickname_or_description_alone_stays_in_its_report() -> None:
    a = Person(nicknames=["Deano"])
    assert new_person_id(a, report_id=RID, index=0, key=id_key()) != new_person_id(
        a, report_id=uuid4(), index=0, key=id_key()
    )
    d = Person(description="tall male, grey hoodie")
    assert new_person_id(d, report_id=RID, index=0, key=id_key()) != new_person_id(
        d, report_id=RID, index=1, key=id_key()
    )


def test_same_place_despite_postcode_format() -> None:
    a = Place(name="Synthetic Chippy", postcode="zz99 1aa")
    b = Place(name="SYNTHETIC CHIPPY", postcode="ZZ991AA")
    assert location_id(a, key=id_key()) == location_id(b, key=id_key())


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("AB12 CDE", "ab12cde", True),
        ("AB12-CDE", "AB12 CDE", True),
        ("AB12 C??", "AB12 C??", False),  # a partial mark is never merged on its own
    ],
)
def test_vehicles_merge_on_a_full_registration(a: str, b: str, same: bool) -> None:
    ids = (
        vehicle_id(Vehicle(vrm=a), report_id=RID, index=0),
        vehicle_id(Vehicle(vrm=b), report_id=uuid4(), index=0),
    )
    assert (ids[0] == ids[1]) is same


def test_handles_merge_on_platform_and_normalised_name() -> None:
    a = Handle(platform=Platform.INSTAGRAM, handle="@Synth.Dean")
    b = Handle(platform=Platform.INSTAGRAM, handle="synth.dean")
    c = Handle(platform=Platform.TIKTOK, handle="synth.dean")
    assert handle_id(a) == handle_id(b) != handle_id(c)


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


def test_audiences_of_shared_and_conditioned_reports() -> None:
    shared = submitted(sighting("Ava Synth"))
    assert audiences(shared, key=id_key()) == ["all"]
    from schemas.grading import Grading

    restricted = shared.report.model_copy(
        update={
            "grading": Grading.model_validate(
                {
                    "source": 1,
                    "intelligence": "A",
                    "handling": "C",
                    "conditions": {"agencies": ["Synthetic Police"], "roles": ["police"]},
                }
            )
        }
    )
    event = submitted(restricted, agency="Synthetic Home A")
    assert audiences(event, key=id_key()) == [
        "agency:Synthetic Home A",
        "agency:Synthetic Police",
        "role:police",
    ]
    entries = evidence_entries(event, key=id_key())
    assert len(entries) == 3 and all(e.endswith(str(event.event_id)) for e in entries)
    first = read_evidence(entries[0])
    assert [first.source, first.intelligence] == ["1", "A"]
