"""NHS numbers: ten digits, the last a modulus-11 check digit (python-stdnum's `gb.nhs`)."""

from stdnum.exceptions import ValidationError
from stdnum.gb import nhs


def normalise_nhs_number(raw: str) -> str:
    """ "943 476 5919" -> "9434765919"; raise ValueError when it is not a valid NHS number.

    The message never repeats the number: it is personal data, and errors are logged.
    """
    try:
        return str(nhs.validate(raw))
    except ValidationError as error:
        raise ValueError(
            "not a valid NHS number: 10 digits whose last is the check digit"
        ) from error
