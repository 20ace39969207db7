"""Finding 5 of issue 13: a person id gives away no name or date of birth."""

import hashlib
from datetime import date
from uuid import uuid4

import pytest

from common.keys import person_id_key
from common.settings import InfraSettings
from schemas.entities import Person
from services.network.identities import new_person_id

AVA = Person(name="Ava Synth", date_of_birth=date(2010, 5, 1))
KEY = bytes(range(32))


def _guess(name: str, born: str) -> str:
    """What an attacker who knows the old scheme computes for one guess."""
    return "person:" + hashlib.sha256(f"{name}|{born}".encode()).hexdigest()[:20]


def test_guessing_a_name_and_birthday_does_not_reproduce_the_id() -> None:
    made = new_person_id(AVA, report_id=uuid4(), index=0, key=KEY)
    assert made != _guess("ava synth", "2010-05-01")
    assert "ava" not in made and "2010" not in made


def test_the_same_person_gets_the_same_id_under_one_key_and_another_under_another() -> None:
    one = new_person_id(AVA, report_id=uuid4(), index=0, key=KEY)
    assert new_person_id(AVA, report_id=uuid4(), index=3, key=KEY) == one
    assert new_person_id(AVA, report_id=uuid4(), index=0, key=bytes(32)) != one


def test_no_key_no_id() -> None:
    with pytest.raises(ValueError, match="secret key"):
        new_person_id(AVA, report_id=uuid4(), index=0, key=b"")


def test_the_key_comes_from_the_setting_or_a_private_file_made_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    given = InfraSettings(tessera_person_id_key="ab" * 32)
    assert person_id_key(given) == bytes.fromhex("ab" * 32)
    path = tmp_path / "secrets" / "person-id.key"
    made = person_id_key(InfraSettings(tessera_person_id_key_file=str(path)))
    assert len(made) == 32 and path.stat().st_mode & 0o077 == 0
    assert person_id_key(InfraSettings(tessera_person_id_key_file=str(path))) == made
    with pytest.raises(ValueError, match="64 hex digits"):
        person_id_key(InfraSettings(tessera_person_id_key="abc"))
