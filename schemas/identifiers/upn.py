"""Unique Pupil Numbers (DfE): a check letter, then 12 characters (python-stdnum's `gb.upn`).

A UPN is the check letter, the 3-digit local authority number of the issuing school, its 4-digit
establishment number, 2 digits of the year of issue and a 3-digit serial (a temporary UPN ends
with a letter instead of the last digit). The check letter is the sum of each of the 12
characters after it times its position (2 to 13), modulo 23, as a letter of
ABCDEFGHJKLMNPQRTUVWXYZ (the DfE's algorithm; stdnum's `calc_check_digit`).

stdnum also refuses local authority numbers not in its table, which predates recent
reorganisations (Dorset and BCP 2019, the Northamptonshire and Cumbria unitaries): a child's UPN
from one of those would be refused, so the authority number is not checked against a list here.
"""

import re

from stdnum.gb import upn

_FORMAT = re.compile(r"[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]")


def normalise_upn(raw: str) -> str:
    """ "a 801 2000 05 001" -> "A801200005001" checked; raise ValueError when it is not a UPN.

    The message never repeats the number: it is personal data, and errors are logged.
    """
    number = upn.compact(raw)
    if not _FORMAT.fullmatch(number):
        raise ValueError(
            "not a Unique Pupil Number: a check letter and 12 more characters, "
            "e.g. the 13 characters on the pupil's school record"
        )
    if upn.calc_check_digit(number[1:]) != number[0]:
        raise ValueError("not a valid Unique Pupil Number: the check letter does not match")
    return number
