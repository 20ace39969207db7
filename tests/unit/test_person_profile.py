"""The screening status a person's profile shows: the EXP flag (W3, W4, W7) and review."""

from datetime import date

from services.network.analyst.profiles import screening_status

TODAY = date(2026, 11, 24)


def _screening(on: str, outcome: str, review: str | None = None) -> dict[str, str | None]:
    return {"report_id": f"r-{on}", "screened_on": on, "outcome": outcome, "review_date": review}


def test_a_yes_is_current_and_its_review_can_fall_due() -> None:
    status = screening_status([_screening("2026-06-01", "yes", "2026-09-01")], today=TODAY)
    assert (status.exp_flag, status.review_overdue, status.report_id) == (
        "current",
        True,
        "r-2026-06-01",
    )
    later = screening_status([_screening("2026-11-01", "yes", "2027-02-01")], today=TODAY)
    assert later.exp_flag == "current" and not later.review_overdue


def test_a_no_after_a_yes_is_historic_and_a_no_alone_is_none() -> None:
    newest_first = [_screening("2026-11-01", "no"), _screening("2026-06-01", "yes", "2026-09-01")]
    historic = screening_status(newest_first, today=TODAY)
    assert (historic.exp_flag, historic.review_overdue, historic.screenings) == (
        "historic",
        False,
        2,
    )
    assert screening_status([_screening("2026-11-01", "no")], today=TODAY).exp_flag == "none"
    nothing = screening_status([], today=TODAY)
    assert (nothing.exp_flag, nothing.screenings) == ("none", 0)
