"""Police identifiers: the PNC id (Police National Computer) and the PND id.

A PNC id is the year the record was made, a slash, a serial of up to 7 digits and a check
character, written "2001/0123456F" or "01/123456F". The check character is the number formed by
the year's last two digits and the serial padded to 7 digits, modulo 23, as a letter of
ZABCDEFGHJKLMNPQRTUVWXY (the Home Office's algorithm; HMPPS uses the same). A two-digit year
is read as the most recent year ending in those digits. The canonical form has the full year
and the 7-digit serial: "2001/0123456F".

The Police National Database publishes no format or check character for its ids: a PND id is
kept as given, upper case, without spaces, if it is letters, digits, / and - only.
"""

import re
from datetime import date

CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
SERIAL_DIGITS = 7
PND_MAX_LENGTH = 30
_PNC = re.compile(r"([0-9]{2}|[0-9]{4})/?([0-9]{1,7})([A-Z])")
_PND = re.compile(r"[A-Z0-9][A-Z0-9/-]*")


def pnc_check_character(year: int, serial: int) -> str:
    """The check character of the PNC id with this year and serial number."""
    return CHECK_LETTERS[int(f"{year % 100:02d}{serial:0{SERIAL_DIGITS}d}") % len(CHECK_LETTERS)]


def normalise_pnc_id(raw: str, *, today: date | None = None) -> str:
    """ "01/123456f" -> "2001/0123456F"; raise ValueError when it is not a valid PNC id.

    The message never repeats the id: it is personal data, and errors are logged.
    """
    match = _PNC.fullmatch(re.sub(r"\s", "", raw).upper())
    if not match:
        raise ValueError(
            "not a PNC id: the year, /, a serial number of up to 7 digits and the check "
            "letter, e.g. 2001/0123456F"
        )
    written, serial, check = match.group(1), int(match.group(2)), match.group(3)
    this_year = (today or date.today()).year
    year = int(written)
    if len(written) == 2:
        year += this_year - this_year % 100
        if year > this_year:
            year -= 100
    if not 1900 <= year <= this_year:
        raise ValueError("not a valid PNC id: the year is out of range")
    if pnc_check_character(year, serial) != check:
        raise ValueError("not a valid PNC id: the check letter does not match")
    return f"{year}/{serial:0{SERIAL_DIGITS}d}{check}"


def normalise_pnd_id(raw: str) -> str:
    """Upper case without spaces; raise ValueError unless letters, digits, / and - only."""
    value = re.sub(r"\s", "", raw).upper()
    if not (_PND.fullmatch(value) and len(value) <= PND_MAX_LENGTH):
        raise ValueError(
            f"not a PND id: letters, digits, / and - only, at most {PND_MAX_LENGTH} characters"
        )
    return value
