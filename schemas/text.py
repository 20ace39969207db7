"""Trimmed text that keeps to the length its JSON Schema declares.

pydantic strips surrounding whitespace before it counts, so a 201-character name that starts
with a space passed `max_length=200`, although the published maxLength (200) refuses it.
`at_most` counts what was sent, as the description says; put it after the StringConstraints.
"""

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError


def at_most(max_length: int) -> BeforeValidator:
    """Refuse a string longer than max_length as sent, before any whitespace is stripped."""

    def check(value: object) -> object:
        if isinstance(value, str) and len(value) > max_length:
            raise PydanticCustomError(
                "string_too_long",
                "String should have at most {max_length} characters",
                {"max_length": max_length},
            )
        return value

    return BeforeValidator(check)
