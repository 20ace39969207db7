"""Dates and times are taken only as ISO 8601, as the published schemas say: fresh clones' fuzz
tests found "0.0" (a date of birth) and "-7.29e-287" (a network's `until`) accepted, because
pydantic reads a number as a Unix timestamp."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import TypeAdapter, ValidationError

from schemas.entities import Person
from schemas.reports import AwareDatetime
from schemas.written_dates import IsoAwareDateTime, IsoDate, IsoDateTime

DATES = TypeAdapter(IsoDate)
TIMES = TypeAdapter(IsoDateTime)
AWARE = TypeAdapter(IsoAwareDateTime)
IN_UTC = TypeAdapter(AwareDatetime)
NUMBERS = ["0.0", "1", "-7.290089690660219e-287", "1700000000"]


def test_an_iso_date_is_a_date() -> None:
    assert DATES.validate_python("2011-04-05") == date(2011, 4, 5)


@pytest.mark.parametrize("written", [*NUMBERS, "20110405", "05/04/2011", "2011-04-05T00:00"])
def test_a_date_written_otherwise_is_refused(written: str) -> None:
    with pytest.raises(ValidationError, match="written as a date"):
        DATES.validate_python(written)


@pytest.mark.parametrize("adapter", [DATES, TIMES, AWARE, IN_UTC])
@pytest.mark.parametrize("number", [0, 1.5, 1_700_000_000])
def test_a_number_is_refused_by_every_type(adapter: TypeAdapter[object], number: float) -> None:
    with pytest.raises(ValidationError, match="not as a number"):
        adapter.validate_python(number)


@pytest.mark.parametrize("written", NUMBERS)
def test_a_time_written_as_a_number_is_refused(written: str) -> None:
    for adapter in (TIMES, AWARE, IN_UTC):
        with pytest.raises(ValidationError, match="written as a date"):
            adapter.validate_python(written)


def test_iso_times_are_read_as_before() -> None:
    plus_one = timezone(timedelta(hours=1))
    assert TIMES.validate_python("2026-11-23T14:05:00") == datetime(2026, 11, 23, 14, 5)
    assert AWARE.validate_python("2026-11-23T14:05:00+01:00") == datetime(
        2026, 11, 23, 14, 5, tzinfo=plus_one
    )
    assert IN_UTC.validate_python("2026-11-23T14:05:00+01:00") == datetime(
        2026, 11, 23, 13, 5, tzinfo=UTC
    )
    with pytest.raises(ValidationError, match="timezone"):
        AWARE.validate_python("2026-11-23T14:05:00")


def test_objects_built_in_code_pass_unchanged() -> None:
    now = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
    assert AWARE.validate_python(now) == now
    assert DATES.validate_python(date(2011, 4, 5)) == date(2011, 4, 5)


def test_a_persons_date_of_birth_as_a_number_names_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        Person.model_validate({"name": "Jay Example", "date_of_birth": 1_300_000_000})
    assert refused.value.errors()[0]["loc"] == ("date_of_birth",)


@pytest.mark.parametrize("written", ["0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"])
def test_a_time_with_no_instant_in_utc_is_refused(written: str) -> None:
    """The fuzz test of GET /v1/alerts found `raised_to=0001-01-01T00:00:00+00:01` answered 500:
    it has no UTC instant, so converting it overflowed."""
    for adapter in (AWARE, IN_UTC):
        with pytest.raises(ValidationError, match="out of range|between years 1 and 9999"):
            adapter.validate_python(written)
