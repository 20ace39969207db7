"""The report form through the web (issue 18): a home reports an adult approaching children at a
take-away and young people seen together at a place; the grading is asked, never assumed; an
analyst then finds the approacher, known only by a nickname, and a child by a given name alone.
Screenshots are kept in test-artifacts/."""

import time
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.support.browser import TIMEZONE, WebUsers, screenshot, sign_in
from tests.support.factories import run_tag
from tests.support.stack import ARTIFACTS, RunningStack

pytestmark = pytest.mark.browser

NewContext = Callable[[], BrowserContext]
LINKED_WITHIN_S = 60


def _now_local() -> str:
    return datetime.now(UTC).astimezone(ZoneInfo(TIMEZONE)).strftime("%Y-%m-%dT%H:%M")


def _scene(page: Page, *, child: str, place: str, others: str) -> None:
    page.get_by_label("Full name").fill(child)
    page.get_by_label("Or their age").fill("14")
    page.get_by_label("The place", exact=True).fill(place)
    page.locator('input[name="scene.postcode"]').fill("zz99 4cs")
    page.get_by_label("What kind of place").select_option("take_away")
    page.locator('input[name="scene.at"]').fill(_now_local())
    page.get_by_label("Other young people there: names or nicknames").fill(others)


def _part(part: Locator, name: str) -> None:
    """Keep a screenshot of one part of the page, as the user sees it on the tablet."""
    ARTIFACTS.mkdir(exist_ok=True)
    part.screenshot(path=str(ARTIFACTS / f"browser-{name}.png"))


def _found(page: Page, name: str) -> Locator:
    """Search the explorer until the worker has linked the report and `name` finds someone."""
    hits = page.locator("ul.hits li")
    deadline = time.monotonic() + LINKED_WITHIN_S
    while True:
        page.get_by_label("Name, alias or nickname").fill(name)
        page.get_by_role("button", name="Search").click()
        expect(page.locator(".results p").first).not_to_have_text("")
        if hits.count() or time.monotonic() > deadline:
            break
        time.sleep(1)
    return hits


def test_a_home_reports_an_approach_and_a_group_seen_together_graded_by_its_own_answers(
    running_stack: RunningStack, web_users: WebUsers, new_context: NewContext
) -> None:
    tag = run_tag()
    child, nickname, friend = f"Dean Form{tag}", f"Tiny{tag}", f"Jaylen{tag}"
    home = new_context().new_page()
    sign_in(home, web_users.home)
    home.get_by_label("Someone approached young people at a place").check()
    _scene(home, child=child, place=f"Synthetic Chicken {tag}", others=f"{friend}, Kez{tag}")
    expect(home.get_by_role("heading", name="Who approached them?")).to_be_visible()
    home.get_by_label("Nickname", exact=True).fill(nickname)
    home.get_by_label("What they look like").fill("Man about 25, grey tracksuit (synthetic)")
    home.get_by_label("What the approach seemed to be for").select_option("drug_trafficking")
    home.get_by_label("What they said, offered or asked").fill("Offered £50 to carry a bag")

    # Nothing is graded for the user: sending asks for both answers, in plain words.
    expect(home.get_by_label("I saw or heard it myself")).not_to_be_checked()
    expect(home.get_by_label("Reliable", exact=True)).not_to_be_checked()
    home.get_by_role("button", name="Send report").click()
    summary = home.locator(".error-summary")
    expect(summary).to_contain_text("How was this known?: Choose how this was known")
    expect(summary).to_contain_text("How reliable is where it came from?: Choose how reliable")
    screenshot(home, "21-form-grading-asked")
    _part(home.locator("section.form-section", has_text="How do you know?"), "21a-grading-asked")
    summary.get_by_role("link", name="How was this known?").click()
    home.get_by_label("Someone told me, and something else backs it up").check()
    home.get_by_label("Not yet known").check()
    expect(home.get_by_text("Choose how this was known", exact=True)).to_be_hidden()
    screenshot(home, "22-form-approach-filled")
    _part(home.locator("section.form-section", has_text="Where and when?"), "22a-approach-where")
    _part(home.locator("section.form-section", has_text="Who approached them?"), "22b-approacher")
    home.get_by_role("button", name="Send report").click()
    expect(home.get_by_role("heading", name="Report sent")).to_be_visible()
    running_stack.report_ids.extend(home.get_by_test_id("reference").all_inner_texts())

    home.get_by_role("button", name="Make another report").click()
    home.get_by_label("Young people seen together at a place").check()
    expect(home.get_by_role("heading", name="Who approached them?")).to_be_hidden()
    _scene(home, child=child, place=f"Synthetic Park {tag}", others="")
    home.get_by_label("I saw or heard it myself").check()
    home.get_by_label("Reliable", exact=True).check()
    home.get_by_role("button", name="Send report").click()
    expect(home.locator(".error-summary")).to_contain_text(
        "Name or describe at least one other young person seen with them"
    )
    home.get_by_label("Others you could not name").fill("Two girls about 13 (synthetic)")
    home.get_by_label("Other young people there: names or nicknames").fill(friend)
    home.get_by_role("button", name="Send report").click()
    expect(home.get_by_role("heading", name="Report sent")).to_be_visible()
    running_stack.report_ids.extend(home.get_by_test_id("reference").all_inner_texts())

    analyst = new_context().new_page()
    sign_in(analyst, web_users.analyst)
    analyst.get_by_role("link", name="Network explorer").click()
    analyst.get_by_label("Why are you looking? (required)").fill("Synthetic test: who is Tiny")
    hits = _found(analyst, nickname.lower())
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text(nickname)
    hits = _found(analyst, f"Dean Form{tag}".split()[1])  # a surname alone
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text(child)
    expect(hits.first).to_contain_text("match 90%")  # a part of the name, not the whole
    screenshot(analyst, "23-explorer-found-by-surname")
    hits.first.get_by_role("button").click()
    expect(analyst.locator(".status")).to_contain_text("Showing")
    screenshot(analyst, "24-explorer-approach-network")
