"""Trimmed text keeps to the maxLength its JSON Schema declares, counted as sent: pydantic
stripped the whitespace first, so a longer value that began with a space got through (found by
fuzzing the analyst API: a 2,001-character reason was accepted)."""

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from schemas.entities import LongText, Text
from schemas.events import Reference
from schemas.grading import AgencyName
from schemas.resolution import Reason as DecisionReason
from schemas.retractions import Reason as RetractionReason
from services.alerts.api import Comment, Note, UserName
from services.alerts.api import Reason as ClosureReason
from services.web.api import SignIn

LIMITED: list[tuple[Any, int]] = [
    (Text, 200),
    (LongText, 10_000),
    (AgencyName, 200),
    (Reference, 60),
    (DecisionReason, 2000),
    (RetractionReason, 2000),
    (UserName, 200),
    (Note, 2000),
    (ClosureReason, 500),
    (Comment, 2000),
]


@pytest.mark.parametrize(("text", "limit"), LIMITED)
def test_text_longer_as_sent_than_its_declared_max_length_is_refused(text: Any, limit: int) -> None:
    adapter: TypeAdapter[str] = TypeAdapter(text)
    assert adapter.json_schema()["maxLength"] == limit
    with pytest.raises(ValidationError, match="string_too_long"):
        adapter.validate_python(" " + "x" * limit)


@pytest.mark.parametrize(("text", "limit"), LIMITED)
def test_text_within_its_max_length_is_trimmed(text: Any, limit: int) -> None:
    adapter: TypeAdapter[str] = TypeAdapter(text)
    padded = " " + "x" * (limit - 2) + " "
    assert adapter.validate_python(padded) == "x" * (limit - 2)


def test_a_sign_in_name_longer_as_sent_than_declared_is_refused() -> None:
    assert SignIn.model_json_schema()["properties"]["user"]["maxLength"] == 200
    with pytest.raises(ValidationError, match="string_too_long"):
        SignIn(user=" " + "x" * 200, password="synthetic")  # noqa: S106 - synthetic
