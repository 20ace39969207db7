"""The screening tool: its indicators verbatim, and the rules of domain.md 3.1 and 3.4."""

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from schemas.events import ScreeningCompleted
from schemas.screening import INDICATORS, Tier, add_months, tier_of
from tests.support.examples import CHILD, EVENTS


def _screen(**changes: Any) -> ScreeningCompleted:
    return ScreeningCompleted.model_validate(EVENTS["screening"] | changes)


def test_the_four_tiers_hold_the_tools_items() -> None:
    counts = {tier: sum(1 for c in INDICATORS if tier_of(c) is tier) for tier in Tier}
    assert counts == {
        Tier.SIGNIFICANT_RISK: 15,
        Tier.STRONG_INDICATORS: 26,  # 24 cells, T16 is three items under one checkbox
        Tier.EARLY_INDICATORS: 14,
        Tier.VULNERABILITY_FACTORS: 18,
    }


def test_indicator_texts_are_verbatim() -> None:
    assert INDICATORS["S4"] == "Frequent and persistent  episodes  of Missing from home/care"
    assert INDICATORS["S2"] == "Unexplained gifts , money or additional mobile phones"
    assert INDICATORS["T16b"] == "Possessing large amount of unexplained cash."


def test_unknown_indicator_codes_are_refused() -> None:
    with pytest.raises(ValidationError, match="indicators"):
        _screen(indicators=["S99"])


def test_a_yes_schedules_a_review_three_months_on() -> None:
    screening = _screen()
    assert screening.review_date == date(2027, 2, 22)


def test_an_explicit_review_date_is_kept() -> None:
    assert _screen(review_date="2026-12-22").review_date == date(2026, 12, 22)


def test_a_no_needs_no_review() -> None:
    assert _screen(outcome="no", review_date=None).review_date is None


def test_three_months_from_the_end_of_a_month() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_r4_no_child_under_13_is_low_risk_with_indicators() -> None:
    child = CHILD | {"date_of_birth": "2015-01-01"}
    with pytest.raises(ValidationError, match="R4"):
        _screen(child=child, risk_level="low")


def test_r6_no_child_with_a_learning_disability_is_low_risk_with_indicators() -> None:
    child = CHILD | {"flags": {"learning_disability": True}}
    with pytest.raises(ValidationError, match="R6"):
        _screen(child=child, risk_level="low")


def test_vulnerability_factors_alone_do_not_trigger_r4() -> None:
    child = CHILD | {"date_of_birth": "2015-01-01"}
    screening = _screen(child=child, risk_level="low", outcome="no", indicators=["V4"])
    assert screening.risk_level == "low"


def test_an_older_teenager_may_be_low_risk() -> None:
    assert _screen(risk_level="low").risk_level == "low"


def test_the_tool_is_for_under_18s() -> None:
    adult = CHILD | {"date_of_birth": "2007-01-01"}
    with pytest.raises(ValidationError, match="under 18"):
        _screen(child=adult)


def test_up_to_21_with_additional_needs() -> None:
    young_adult = CHILD | {"date_of_birth": "2006-01-01", "flags": {"additional_needs": True}}
    assert _screen(child=young_adult).child.age_on(date(2026, 11, 22)) == 20


def test_a_yes_needs_indicators() -> None:
    with pytest.raises(ValidationError, match="indicators that support it"):
        _screen(indicators=[])
