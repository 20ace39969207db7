"""The officer's alert list in headless Chromium (issue 18): compact rows, filters, search and
sort done by the alerts API, and an alert's evidence saying what each report said with its
grading. Young people together every week at a youth club raise nothing. Screenshots are kept
in test-artifacts/."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.support.browser import WebUsers, screenshot, sign_in
from tests.support.factories import report_json, run_tag
from tests.support.stack import ARTIFACTS, RunningStack

pytestmark = pytest.mark.browser

NewContext = Callable[[], BrowserContext]
WAIT_S = 90


def _child(name: str, born: str = "2010-04-05") -> dict[str, Any]:
    return {"name": name, "date_of_birth": born, "role": "young_person"}


def _alerts(stack: RunningStack, **params: str) -> list[dict[str, Any]]:
    answer = httpx.get(
        f"{stack.alerts_url}/v1/alerts",
        params={"purpose": "browser test of the alert list", "limit": "200", **params},
        headers={"Authorization": f"Bearer {stack.police_token}"},
        timeout=10.0,
    )
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def _wait_for(stack: RunningStack, tag: str, types: set[str]) -> list[dict[str, Any]]:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = _alerts(stack, q=tag)
        if types <= {a["type"] for a in found}:
            return found
        time.sleep(1)
    raise AssertionError(f"no {types} alerts for {tag} within {WAIT_S} s")


def _rows(page: Page) -> Any:
    return page.locator("ol.alert-rows button.alert-item")


def test_an_officer_narrows_the_alert_list_and_reads_the_evidence(
    running_stack: RunningStack, web_users: WebUsers, new_context: NewContext
) -> None:
    tag = run_tag()
    now = datetime.now(UTC)
    club = {"name": f"Synth Youth Zone {tag}", "postcode": "ZZ99 4YZ", "category": "youth_club"}
    regulars = [_child(f"{n} Regular{tag}") for n in ("Ada", "Bea", "Cy")]
    for week in range(4):  # the same three at the youth club every week
        running_stack.submit(
            report_json(
                {"type": "sighting", "persons": regulars, "place": club},
                observed_at=(now - timedelta(days=7 * week + 1)).isoformat(),
            )
        )
    shop = {
        "name": f"Synth Fryer {tag}",
        "postcode": "ZZ99 4TA",
        "category": "take_away",
        "local_authority": f"Synthshire {tag}",
    }
    for hours, first, narrative in (
        (30, "Ava", "Ava was given a phone by an older man outside the shop (synthetic)."),
        (20, "Ben", "Ben left in a grey car after midnight (synthetic)."),
    ):
        running_stack.submit(
            report_json(
                {"type": "sighting", "persons": [_child(f"{first} List{tag}")], "place": shop},
                observed_at=(now - timedelta(hours=hours)).isoformat(),
                narrative=narrative,
                grading={"source": 1, "intelligence": "B", "handling": "P"},
            )
        )
    mark = f"ZZ{int(tag[:4], 16) % 90 + 10}LST"
    for hours, first, born in ((10, "Cai", "2015-02-03"), (5, "Dee", "2011-06-07")):
        running_stack.submit(
            report_json(
                {
                    "type": "vehicle_sighting",
                    "vehicle": {"vrm": mark, "colour": "grey"},
                    "place": {"name": f"Synth Lay-by {tag}", "local_authority": "Othershire"},
                    "got_in": [_child(f"{first} List{tag}", born)],
                },
                observed_at=(now - timedelta(hours=hours)).isoformat(),
            )
        )
    found = _wait_for(running_stack, tag, {"shared_hotspot", "vehicle_linked_to_children"})
    assert not [a for a in found if any(s["display_name"] == club["name"] for s in a["subjects"])]

    police = new_context().new_page()
    sign_in(police, web_users.police)
    expect(police.get_by_role("heading", name="Alerts")).to_be_visible()
    expect(_rows(police).first).to_be_visible()
    # Compact: a row is two short lines, and the summary is left for the detail.
    box = _rows(police).first.bounding_box()
    assert box is not None and box["height"] < 70, box
    expect(police.locator("ol.alert-rows .alert-summary")).to_have_count(0)
    screenshot(police, "21-alert-list")

    police.get_by_label("Search").fill(tag)
    expect(_rows(police)).to_have_count(2)
    expect(police.locator(".list-count")).to_have_text("Alerts 1–2 of 2")
    police.get_by_label("Sort").select_option("priority")
    expect(_rows(police).first).to_have_attribute("data-type", "vehicle_linked_to_children")
    expect(_rows(police).first).to_contain_text("HIGH")
    police.get_by_label("Priority").select_option("medium")
    expect(_rows(police)).to_have_count(1)
    expect(_rows(police).first).to_have_attribute("data-type", "shared_hotspot")
    police.get_by_label("Priority").select_option("")
    police.get_by_label("Area").fill(f"synthshire {tag}")
    expect(_rows(police)).to_have_count(1)
    expect(_rows(police).first).to_contain_text(f"Synthshire {tag}")
    police.get_by_role("button", name="Clear filters").click()
    police.get_by_label("Subject or place").fill(mark)
    expect(_rows(police)).to_have_count(1)
    expect(_rows(police).first).to_have_attribute("data-type", "vehicle_linked_to_children")
    police.get_by_label("Subject or place").fill("")
    police.get_by_label("Type").select_option("shared_hotspot")
    police.get_by_label("Raised from").fill(now.date().isoformat())
    police.get_by_label("Search").fill(tag)
    expect(_rows(police)).to_have_count(1)
    police.get_by_label("Raised to").fill((now - timedelta(days=2)).date().isoformat())
    expect(police.get_by_text("No alerts match these filters.")).to_be_visible()
    police.get_by_label("Raised to").fill("")
    expect(_rows(police)).to_have_count(1)
    screenshot(police, "22-alert-list-filtered")

    _rows(police).first.click()
    detail = police.locator(".alert-detail")
    expect(detail.get_by_role("heading", name="Shared hotspot")).to_be_visible()
    expect(detail.locator(".alert-summary-full")).to_contain_text("2 young people")
    evidence = detail.locator("table.evidence tbody tr")
    expect(evidence).to_have_count(2)
    avas = evidence.filter(has_text="given a phone by an older man")
    expect(avas).to_contain_text(f"Sighting at Synth Fryer {tag}")
    expect(avas.locator("td.grading")).to_have_text("1B P")
    expect(detail.get_by_text(f"Synthshire {tag}")).to_be_visible()
    screenshot(police, "23-alert-evidence")
    # The panel scrolls on its own: keep the evidence as the officer sees it scrolled to it.
    detail.locator("table.evidence").screenshot(path=str(ARTIFACTS / "browser-23b-evidence.png"))

    police.set_viewport_size({"width": 1600, "height": 1000})  # a desk's wider screen
    police.get_by_role("button", name="Clear filters").click()
    expect(police.locator(".list-count")).not_to_have_text("Alerts 1–1 of 1")
    screenshot(police, "24-alert-list-desk")
