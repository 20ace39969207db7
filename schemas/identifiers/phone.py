"""Phone numbers in E.164, read as a UK number unless they carry a country code."""

import phonenumbers

DEFAULT_REGION = "GB"
# Ofcom keeps 07700 900000-900999 for drama: never a real phone, so synthetic test and demo data
# use it. libphonenumber does not count it as valid, so it is allowed by name here.
OFCOM_DRAMA_MOBILE_PREFIX = "+447700900"


def to_e164(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """ "07700 900123" -> "+447700900123"; raise ValueError when it is not a valid number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"not a phone number: {error}") from error
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    drama = e164.startswith(OFCOM_DRAMA_MOBILE_PREFIX) and len(e164) == len("+447700900123")
    if not (drama or phonenumbers.is_valid_number(number)):
        raise ValueError(
            "not a valid phone number (UK numbers may be written without +44; "
            "put a partly known number in the report's narrative)"
        )
    return e164
