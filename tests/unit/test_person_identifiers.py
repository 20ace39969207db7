"""What partners know about a person: each identifier validated and normalised, table-driven,
and carried into matching's facts and the graph rows of a mention."""

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from stdnum.gb import upn

from schemas.entities import Person
from schemas.identifiers.nhs import normalise_nhs_number
from schemas.identifiers.police import normalise_pnc_id, normalise_pnd_id, pnc_check_character
from schemas.identifiers.upn import normalise_upn
from schemas.reports import ReportCreate
from services.network.linking.reports import build_report_graph
from services.network.matching import facts_of
from services.network.pool import merged
from tests.support.factories import (
    report_json,
    submitted,
    synthetic_nhs_number,
    synthetic_pnc_id,
    synthetic_upn,
)

NHS = synthetic_nhs_number(4242)
UPN = synthetic_upn(17)
PNC = synthetic_pnc_id(123456)  # 2009/0123456C


def _wrong_last(value: str, alphabet: str) -> str:
    """The value with its last (or first) check character replaced by another valid one."""
    return value[:-1] + next(c for c in alphabet if c != value[-1])


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        (NHS, NHS),
        (f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}", NHS),
        (f" {NHS[:3]}-{NHS[3:6]}-{NHS[6:]} ", NHS),
    ],
)
def test_nhs_numbers_are_kept_as_ten_digits(raw: str, normal: str) -> None:
    assert normalise_nhs_number(raw) == normal


@pytest.mark.parametrize(
    "raw", [_wrong_last(NHS, "0123456789"), NHS[:-1], NHS + "1", "999000000X", ""]
)
def test_rejects_an_nhs_number_with_a_wrong_check_digit_or_length(raw: str) -> None:
    with pytest.raises(ValueError, match="not a valid NHS number") as refused:
        normalise_nhs_number(raw)
    assert raw.strip() not in str(refused.value) or not raw.strip()  # never echoes the number


@pytest.mark.parametrize(
    ("raw", "normal"),
    [(UPN, UPN), (UPN.lower(), UPN), (f"{UPN[0]} {UPN[1:4]} {UPN[4:8]} {UPN[8:]}", UPN)],
)
def test_unique_pupil_numbers_are_upper_case_without_spaces(raw: str, normal: str) -> None:
    assert normalise_upn(raw) == normal


def test_a_temporary_upn_ending_in_a_letter_is_checked_too() -> None:
    rest = "80199992601T"
    assert normalise_upn(upn.calc_check_digit(rest) + rest) == upn.calc_check_digit(rest) + rest


def test_a_upn_from_an_authority_newer_than_stdnums_table_is_accepted() -> None:
    rest = "942999926001"  # Cumberland (2023) is not in python-stdnum 2.2's table
    assert normalise_upn(upn.calc_check_digit(rest) + rest)[1:] == rest


@pytest.mark.parametrize(
    ("raw", "complaint"),
    [
        (
            "ABCDEFGHJKLMNPQRTUVWXY"[("ABCDEFGHJKLMNPQRTUVWXY".index(UPN[0]) + 1) % 22] + UPN[1:],
            "check letter does not match",
        ),
        (UPN[:-1], "not a Unique Pupil Number"),
        ("I" + UPN[1:], "not a Unique Pupil Number"),  # I is never a check letter
        (UPN[0] + "80199A926017", "not a Unique Pupil Number"),
    ],
)
def test_rejects_a_upn_with_a_wrong_check_letter_or_format(raw: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        normalise_upn(raw)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        (PNC, PNC),
        ("09/123456C", PNC),  # short year, short serial
        ("2009/123456c", PNC),
        (" 2009 / 0123456C ", PNC),
        ("20090123456C", PNC),  # without the slash
        ("98/1R", "1998/0000001R"),  # a two-digit year after this one is last century
    ],
)
def test_pnc_ids_have_the_full_year_and_a_seven_digit_serial(raw: str, normal: str) -> None:
    assert normalise_pnc_id(raw, today=date(2026, 11, 23)) == normal


def test_the_pnc_check_letter_is_year_and_serial_modulo_23() -> None:
    assert pnc_check_character(2001, 123456) == "ZABCDEFGHJKLMNPQRTUVWXY"[10123456 % 23] == "F"
    assert pnc_check_character(1998, 1) == "ZABCDEFGHJKLMNPQRTUVWXY"[980000001 % 23] == "R"


@pytest.mark.parametrize(
    ("raw", "complaint"),
    [
        (_wrong_last(PNC, "ZABCDEFGHJKLMNPQRTUVWXY"), "check letter does not match"),
        ("2009/01234567C", "not a PNC id"),  # 8-digit serial
        ("209/0123456C", "not a PNC id"),
        ("2009/0123456", "not a PNC id"),
        ("2099/0123456C", "year is out of range"),
    ],
)
def test_rejects_a_pnc_id_with_a_wrong_check_letter_or_format(raw: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        normalise_pnc_id(raw, today=date(2026, 11, 23))


@pytest.mark.parametrize(("raw", "normal"), [("ab/123-45", "AB/123-45"), (" 12 345 ", "12345")])
def test_pnd_ids_are_upper_case_without_spaces(raw: str, normal: str) -> None:
    assert normalise_pnd_id(raw) == normal


@pytest.mark.parametrize("raw", ["", "-12", "12;34", "X" * 31])
def test_rejects_what_cannot_be_a_pnd_id(raw: str) -> None:
    with pytest.raises(ValueError, match="not a PND id"):
        normalise_pnd_id(raw)


def _person(**fields: Any) -> Person:
    return Person.model_validate({"name": "Ava Synthetic", **fields})


def test_a_person_keeps_what_partners_know_normalised() -> None:
    person = _person(
        home_address="  1 Synthetic Row, Testtown ",
        home_postcode="zz991aa",
        nhs_number=f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}",
        upn=UPN.lower(),
        pnc_id="09/123456c",
        pnd_id="ab 12",
        la_child_id="  LA-00042 ",
        home_local_authority="Synthetic Shire",
    )
    assert (person.home_address, person.home_postcode) == ("1 Synthetic Row, Testtown", "ZZ99 1AA")
    assert (person.nhs_number, person.upn, person.pnc_id) == (NHS, UPN, PNC)
    assert (person.pnd_id, person.la_child_id) == ("AB12", "LA-00042")
    assert person.identifier_keys() == [
        f"nhs:{NHS}",
        f"upn:{UPN}",
        f"pnc:{PNC}",
        "pnd:AB12",
        "la_child:synthetic shire:la-00042",
    ]


def test_every_identifier_is_optional() -> None:
    person = _person()
    assert person.identifier_keys() == []
    assert person.home_address is None and person.home_postcode is None


def test_a_local_child_id_without_its_authority_is_not_matched_on() -> None:
    assert _person(la_child_id="LA-00042").identifier_keys() == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nhs_number", _wrong_last(NHS, "0123456789")),
        ("upn", UPN[:-1]),
        ("pnc_id", _wrong_last(PNC, "ZABCDEFGHJKLMNPQRTUVWXY")),
        ("pnd_id", "12;34"),
        ("la_child_id", "X" * 51),
        ("la_child_id", "   "),
        ("home_postcode", "not a postcode"),
        ("home_address", "x" * 501),
    ],
)
def test_a_malformed_identifier_names_its_field(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _person(**{field: value})
    assert [e["loc"] for e in refused.value.errors()] == [(field,)]


def test_matching_facts_carry_identifiers_postcode_and_address() -> None:
    person = _person(nhs_number=NHS, home_postcode="ZZ99 1AA", home_address="1 Synthetic Row")
    facts = facts_of(
        name=person.name,
        aliases=[],
        nicknames=[],
        date_of_birth=None,
        estimated_age=None,
        observed_on=date(2026, 11, 23),
        phones=[],
        handles=[],
        identifiers=person.identifier_keys(),
        home_postcode=person.home_postcode,
        home_address=person.home_address,
    )
    assert facts.identifiers == frozenset({f"nhs:{NHS}"})
    assert facts.postcodes == frozenset({"ZZ99 1AA"})
    assert facts.addresses == ("1 synthetic row",)
    later = merged(
        facts,
        facts_of(
            name=person.name,
            aliases=[],
            nicknames=[],
            date_of_birth=None,
            estimated_age=None,
            observed_on=date(2026, 11, 23),
            phones=[],
            handles=[],
            identifiers=[f"upn:{UPN}"],
            home_postcode="ZZ99 2BB",
        ),
    )
    assert later.identifiers == frozenset({f"nhs:{NHS}", f"upn:{UPN}"})
    assert later.postcodes == frozenset({"ZZ99 1AA", "ZZ99 2BB"})
    assert later.addresses == ("1 synthetic row",)


def test_a_mention_row_keeps_what_its_report_said_and_the_id_holds_none_of_it() -> None:
    body = report_json(
        {
            "type": "sighting",
            "persons": [
                {
                    "name": "Ava Synthetic",
                    "nhs_number": NHS,
                    "upn": UPN,
                    "pnc_id": PNC,
                    "home_postcode": "zz99 1aa",
                    "home_address": "1 Synthetic Row",
                }
            ],
            "place": {"name": "Synthetic Park", "postcode": "ZZ99 9ZZ"},
        }
    )
    rows = build_report_graph(submitted(ReportCreate.model_validate(body)), id_key=b"k" * 32)
    (row,) = rows.persons
    assert (row["nhs_number"], row["upn"], row["pnc_id"]) == (NHS, UPN, PNC)
    assert (row["home_postcode"], row["home_address"]) == ("ZZ99 1AA", "1 Synthetic Row")
    assert row["identifiers"] == sorted([f"nhs:{NHS}", f"upn:{UPN}", f"pnc:{PNC}"])
    assert row["home_postcodes"] == ["ZZ99 1AA"]
    for value in (NHS, UPN, PNC):
        assert value not in row["id"]
