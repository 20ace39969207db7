"""The analyst API's person search takes a date of birth only as YYYY-MM-DD (the fuzz test found
"0.0" accepted: pydantic reads a number as a Unix timestamp)."""

from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError

from services.network.analyst.api import IsoDate

DATES = TypeAdapter(IsoDate)


def test_an_iso_date_is_a_date() -> None:
    assert DATES.validate_python("2011-04-05") == date(2011, 4, 5)


@pytest.mark.parametrize("written", ["0.0", "1", "20110405", "05/04/2011"])
def test_anything_else_is_refused(written: str) -> None:
    with pytest.raises(ValidationError):
        DATES.validate_python(written)
