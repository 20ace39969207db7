"""Why a message failed validation, by field path and kind of error, never by its values."""

from typing import cast, get_args

from pydantic import ValidationError
from pydantic_core import ErrorDetails, PydanticKnownError
from pydantic_core.core_schema import ErrorType

# Context a pydantic message may quote because it comes from the schema, not from the input.
# Any other context (`error` of a validator, `tag` of an unknown union member) may hold the
# input itself, so messages with it are cut at their first placeholder.
SCHEMA_CONTEXT = frozenset(
    {
        "actual_length",
        "class",
        "class_name",
        "decimal_places",
        "discriminator",
        "encoding",
        "expected",
        "expected_schemes",
        "expected_tags",
        "expected_version",
        "field_type",
        "ge",
        "gt",
        "le",
        "lt",
        "max_digits",
        "max_length",
        "method_name",
        "min_length",
        "multiple_of",
        "pattern",
        "tz_expected",
        "whole_digits",
    }
)
KNOWN_TYPES = frozenset(get_args(ErrorType))
MAX_ERRORS = 10


def field_errors(error: ValidationError) -> str:
    """`path: what is wrong` for each error, e.g. `persons.0.date_of_birth: Input should be a
    valid date or datetime`; safe to log and to keep beside the message."""
    errors = error.errors(include_url=False, include_input=False)
    described = [f"{_path(e)}: {_what(e)}" for e in errors[:MAX_ERRORS]]
    if len(errors) > MAX_ERRORS:
        described.append(f"and {len(errors) - MAX_ERRORS} more")
    return "; ".join(described)


def _path(error: ErrorDetails) -> str:
    return ".".join(str(part) for part in error["loc"]) or "(the message)"


def _what(error: ErrorDetails) -> str:
    context = error.get("ctx", {})
    if set(context) <= SCHEMA_CONTEXT:
        return error["msg"]
    if error["type"] not in KNOWN_TYPES:  # a custom error type: its name says enough
        return error["type"]
    try:
        template = PydanticKnownError(cast(ErrorType, error["type"]), context).message_template
    except TypeError:  # its context is not the one pydantic expects
        return error["type"]
    return template.split("{", 1)[0].rstrip(" ,:'\"(") or error["type"]
