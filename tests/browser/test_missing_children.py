"""Missing children through the web (issue 18): a child reported missing through the API (not
the form, so no home shared a profile) is on police's Missing children page, with how long and
where last seen, until a report says they were found. Screenshots are kept in test-artifacts/."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.support.browser import WebUsers, screenshot, sign_in
from tests.support.factories import report_json, run_tag
from tests.support.stack import ARTIFACTS, RunningStack

pytestmark = pytest.mark.browser

NewContext = Callable[[], BrowserContext]
LINKED_WITHIN_S = 150  # a fresh clone's CI once needed more than 60 s to show a found child gone


def _ago(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


def _child(name: str) -> dict[str, object]:
    return {"name": name, "date_of_birth": "2011-04-05", "role": "young_person"}


def _after_reloads(page: Page, card: Callable[[], Locator], *, count: int, loaded: str) -> None:
    """Reload until the worker has linked the reports and the page shows `count` such cards.

    Cards are counted once the list has loaded: when a card for `loaded` (a child who is
    missing throughout) is on it. The page's "Missing now" heading shows before its list."""
    deadline = time.monotonic() + LINKED_WITHIN_S
    while True:
        page.reload()
        page.get_by_text("missing now", exact=False).first.wait_for()
        listed = page.locator("article.missing-child", has_text=loaded)
        try:
            listed.wait_for(timeout=10_000)
        except PlaywrightTimeoutError:
            pass  # not linked yet: reload again until the deadline
        if (listed.count() == 1 and card().count() == count) or time.monotonic() > deadline:
            break
        time.sleep(1)
    expect(card()).to_have_count(count)


def _linking_of(report_id: str) -> str:
    """What the network worker's log says of a report, for a failure's message."""
    log = ARTIFACTS / "e2e-network-worker.log"
    if not log.exists():
        return f"(no {log.name})"
    lines = log.read_text(errors="replace").splitlines()
    about = [line for line in lines if report_id in line]
    return "\n".join(
        [f"{log.name} on report {report_id}:", *(about or ["(nothing)"]), "its last lines:"]
        + lines[-15:]
    )


def test_a_child_reported_missing_through_the_api_is_on_the_missing_page_until_found(
    running_stack: RunningStack, web_users: WebUsers, new_context: NewContext
) -> None:
    tag = run_tag()
    child, other = f"Maya Api{tag}", f"Noor Api{tag}"
    for name, hours, risk in ((child, 29.5, "high"), (other, 3.2, "medium")):
        running_stack.submit(
            report_json(
                {
                    "type": "missing_reported",
                    "child": _child(name),
                    "placement": {
                        "name": f"Synthetic House {tag}",
                        "postcode": "ZZ99 1HM",
                        "category": "care_home",
                    },
                    "last_seen_at": _ago(hours),
                    "last_seen_place": {"name": "Synthetic Chip Shop", "postcode": "ZZ99 4CS"},
                    "police_risk_grading": risk,
                },
                observed_at=_ago(hours),
            )
        )
    running_stack.submit(
        report_json(
            {
                "type": "sighting",
                "persons": [_child(child)],
                "place": {"name": f"Synthetic Arcade {tag}", "postcode": "ZZ99 9ZZ"},
            },
            observed_at=_ago(2),
        )
    )

    police = new_context().new_page()
    sign_in(police, web_users.police)
    police.get_by_role("link", name="Missing children").click()
    card = police.locator("article.missing-child", has_text=child)
    # Linked, the missing report and the later sighting (which may come a batch after it).
    seen_since = card.filter(has_text=f"at Synthetic Arcade {tag}")
    _after_reloads(police, lambda: seen_since, count=1, loaded=other)
    expect(card.get_by_text("Missing 1 day 5 h")).to_be_visible()
    expect(card.get_by_text("High risk")).to_be_visible()
    expect(card.get_by_text("Synthetic Chip Shop, ZZ99 4CS")).to_be_visible()
    expect(card.get_by_text(f"Synthetic House {tag}, ZZ99 1HM")).to_be_visible()
    expect(card.get_by_text(f"at Synthetic Arcade {tag}")).to_be_visible()
    names = police.locator("article.missing-child h3").all_inner_texts()
    assert names.index(child) < names.index(other), "the longest missing comes first"
    police.locator("article.missing-child", has_text=other).scroll_into_view_if_needed()
    screenshot(police, "20-missing-children-from-the-api")

    found = running_stack.submit(
        report_json(
            {
                "type": "missing_ended",
                "child": _child(child),
                "found_at": _ago(0.5),
                "circumstances": "returned",
            },
            observed_at=_ago(0.5),
        )
    )
    try:
        _after_reloads(police, lambda: card, count=0, loaded=other)
    except AssertionError as still_listed:
        raise AssertionError(f"{still_listed}\n{_linking_of(found)}") from None
    expect(police.locator("article.missing-child", has_text=other)).to_be_visible()
