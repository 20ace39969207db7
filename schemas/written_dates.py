"""Dates and times as the OpenAPI description and the JSON Schemas write them (ISO 8601).

pydantic reads a number, or a string of digits such as "0.0" or "-7.3e-287", as a Unix
timestamp, although the published schema says `format: date` or `format: date-time`. These
types refuse anything that does not start with a calendar date, YYYY-MM-DD. A date or datetime
object built in code passes unchanged.
"""

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator
from pydantic_core import PydanticCustomError

_CALENDAR_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def written_as(shape: str, *, whole: bool) -> BeforeValidator:
    """Refuse a number, or a string that is not (whole) or does not start with YYYY-MM-DD, with
    a message saying how to write it (`shape`)."""

    def check(value: object) -> object:
        if isinstance(value, str):
            found = _CALENDAR_DATE.fullmatch(value) if whole else _CALENDAR_DATE.match(value)
            if not found:
                raise PydanticCustomError(
                    "written_as", "Input should be written {shape}", {"shape": shape}
                )
        elif isinstance(value, int | float):
            raise PydanticCustomError(
                "written_as", "Input should be written {shape}, not as a number", {"shape": shape}
            )
        return value

    return BeforeValidator(check)


DATE_TIME = "as a date and time with a time zone, e.g. 2026-11-23T14:05:00Z"
IsoDate = Annotated[date, written_as("as a date, YYYY-MM-DD", whole=True)]
IsoDateTime = Annotated[
    datetime, written_as("as a date and time, e.g. 2026-11-23T14:05:00", whole=False)
]


def _with_an_instant(value: datetime) -> datetime:
    """Refuse a time that is no instant (year 1 with a positive offset has none in UTC, nor
    year 9999 with a negative one): comparing it, or writing it to Neo4j, would fail."""
    try:
        value.astimezone(UTC)
    except OverflowError as error:
        raise PydanticCustomError(
            "datetime_range", "Input should be a time between years 1 and 9999 in UTC"
        ) from error
    return value


IsoAwareDateTime = Annotated[
    AwareDatetime, written_as(DATE_TIME, whole=False), AfterValidator(_with_an_instant)
]
