"""Through the web pages in headless Chromium: an analyst reviews a possible match (one boy named
the same in two reports, his date of birth in one of them), reads why it was put to them and
confirms it; the match leaves the list and the two become one person. Screenshots are kept in
test-artifacts/."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import Driver
from playwright.sync_api import BrowserContext, Locator, Page, expect

from schemas.audit import AuditEntry
from tests.support import queries
from tests.support.browser import WebUsers, sign_in
from tests.support.factories import report_json, run_tag
from tests.support.kafka_reading import read_values
from tests.support.stack import ARTIFACTS, RunningStack

pytestmark = pytest.mark.browser

LINK_TIMEOUT_S = 60.0
MAX_PAGES = 30  # of ten possible matches each: the shared graph may hold others'
REVIEWING = "Synthetic test: reviewing possible matches"  # the purpose the analyst types
NewContext = Callable[[], BrowserContext]

CANDIDATE_OF = """
MATCH (:Report {id: $report_id})-[:MENTIONS]->(:Person)-[c:POSSIBLE_SAME_AS]-(:Person)
RETURN c.id AS id, c.status AS status
"""


def _waited(neo4j: Driver, query: str, **params: Any) -> list[dict[str, Any]]:
    """The rows of a query once it has any (the network worker links reports as they come)."""
    deadline = time.monotonic() + LINK_TIMEOUT_S
    while time.monotonic() < deadline:
        records, _, _ = neo4j.execute_query(query, **params)
        if records:
            return [dict(r) for r in records]
        time.sleep(0.5)
    raise AssertionError(f"nothing for {params} after {LINK_TIMEOUT_S}s")


def _sighting(person: dict[str, Any], *, tag: str, days_ago: int) -> dict[str, Any]:
    return report_json(
        {
            "type": "sighting",
            "persons": [person],
            "place": {"name": f"Synthetic Youth Club {tag}", "category": "other"},
        },
        observed_at=(datetime.now(UTC) - timedelta(days=days_ago)).isoformat(),
    )


def _found_on_some_page(page: Page, name: str) -> Locator:
    """The possible match naming `name`, paging on until it is shown."""
    card = page.locator("li.match", has_text=name)
    for _ in range(MAX_PAGES):
        expect(page.locator("p.status")).to_contain_text("most likely first")
        if card.count():
            return card
        page.get_by_role("button", name="Next page").click()
    raise AssertionError(f"no possible match naming {name} in {MAX_PAGES} pages")


def test_an_analyst_reads_why_two_people_may_be_one_and_confirms_it(
    running_stack: RunningStack,
    web_users: WebUsers,
    new_context: NewContext,
    neo4j_driver: Driver,
) -> None:
    tag = run_tag()
    name = f"Ezra Quillon{tag}"
    # The same full name, with the date of birth in one report only: never merged on its own.
    dated = running_stack.submit(
        _sighting(
            {"name": name, "date_of_birth": "2011-03-14", "role": "young_person"},
            tag=tag,
            days_ago=6,
        )
    )
    _waited(neo4j_driver, queries.MENTIONS_OF_REPORTS, report_ids=[dated])
    undated = running_stack.submit(
        _sighting({"name": name, "role": "young_person"}, tag=tag, days_ago=2)
    )
    [candidate] = _waited(neo4j_driver, CANDIDATE_OF, report_id=undated)
    assert candidate["status"] == "pending"

    try:
        analyst = new_context().new_page()
        sign_in(analyst, web_users.analyst)
        # The purpose typed in the explorer carries over to the review (for the browser tab).
        expect(analyst.get_by_role("heading", name="Network explorer")).to_be_visible()
        analyst.get_by_label("Why are you looking? (required)").fill(REVIEWING)
        analyst.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Possible matches"
        ).click()
        expect(analyst.get_by_role("heading", name="Possible matches", level=1)).to_be_visible()
        expect(analyst.get_by_label("Why are you looking? (required)")).to_have_value(REVIEWING)

        card = _found_on_some_page(analyst, name)
        expect(card.get_by_role("heading", name=f"{name} and {name}")).to_be_visible()
        expect(card).to_contain_text("born 2011-03-14")
        expect(card).to_contain_text("date of birth not known")

        card.get_by_role("button", name="Why they were put to you").click()
        table = card.locator("table.contributions")
        expect(table).to_be_visible()
        given = table.locator('tr[data-field="given_name"]')
        expect(given).to_contain_text("The same")
        expect(given.locator("td.weight")).to_contain_text("+")
        expect(table.locator('tr[data-field="surname"]')).to_contain_text("The same")
        expect(card.get_by_test_id("match-rule")).to_contain_text(
            "a date of birth on one side only"
        )
        expect(card).to_contain_text("merged without asking from 18")
        expect(card.locator(".explanation")).to_contain_text("so not counted: date of birth")
        # The shared graph may hold other possible matches: keep this one, with its explanation.
        ARTIFACTS.mkdir(exist_ok=True)
        card.screenshot(path=str(ARTIFACTS / "browser-09-possible-match-explained.png"))

        card.get_by_role("button", name="Same person", exact=True).click()
        reason = card.get_by_label("Why? (required)")
        expect(reason).to_be_focused()
        card.get_by_role("button", name="Record decision").click()  # no reason yet
        expect(card.get_by_text("Give a reason")).to_be_visible()
        reason.fill("Same school, placement and social worker (synthetic)")
        card.get_by_role("button", name="Record decision").click()

        outcome = analyst.get_by_test_id("decision-outcome")
        expect(outcome).to_contain_text(f"{name} and {name} are the same person")
        expect(outcome).to_be_focused()
        expect(analyst.locator(f'li.match[data-candidate="{candidate["id"]}"]')).to_have_count(0)
        analyst.screenshot(path=str(ARTIFACTS / "browser-10-possible-match-decided.png"))

        # Decided, with the page's purpose; asked again, the list no longer has it.
        [after] = _waited(neo4j_driver, CANDIDATE_OF, report_id=undated)
        assert after["status"] == "confirmed"
        audit = read_values(running_stack.kafka(), running_stack.topics["audit"], 0)
        entries = [AuditEntry.model_validate_json(value) for value in audit]
        assert any(
            (e.action, e.user, e.purpose) == ("candidate.decide", web_users.analyst.name, REVIEWING)
            for e in entries
        )
        analyst.get_by_role("button", name="Show possible matches").click()
        expect(analyst.locator("p.status, li.empty").first).to_be_visible()
        expect(analyst.locator("li.match", has_text=name)).to_have_count(0)
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_DECISIONS_ABOUT_REPORTS, report_ids=[dated, undated]
        )
