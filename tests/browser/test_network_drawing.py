"""The network two steps out, through the web (issue 18): laid out by fCoSE, a busy place's
young people drawn as one crowd the analyst can open, entities the analyst can hide and pin, and
places on the map at their postcode's centroid. Screenshots are kept in test-artifacts/."""

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from common.settings import InfraSettings
from tessera_cli import geo
from tests.support.browser import WebUsers, screenshot, sign_in
from tests.support.factories import report_json, run_tag
from tests.support.stack import ARTIFACTS, RunningStack

pytestmark = pytest.mark.browser

NewContext = Callable[[], BrowserContext]
LINKED_WITHIN_S = 60
CROWD = 8


def _young(name: str) -> dict[str, object]:
    return {"name": name, "role": "young_person", "date_of_birth": "2010-06-07"}


def _submitted(stack: RunningStack, tag: str) -> None:
    rio, vin = f"Rio Net{tag}", f"Vin Net{tag}"
    park = {"name": f"Synthetic Skate Park {tag}", "postcode": "ZZ99 9ZZ", "category": "park"}
    kids = [_young(f"Kid{i} Net{tag}") for i in range(CROWD)]
    stack.submit(report_json({"type": "sighting", "persons": [_young(rio), *kids], "place": park}))
    stack.submit(
        report_json(
            {
                "type": "association",
                "person_a": _young(rio),
                "person_b": {"name": vin, "role": "adult", "estimated_age": 27},
                "nature": "risky_adult",
            }
        )
    )
    stack.submit(
        report_json(
            {
                "type": "approach",
                "approached": [_young(f"Sky Net{tag}"), _young(f"Tam Net{tag}")],
                "approachers": [{"name": vin, "role": "adult", "estimated_age": 27}],
                "place": {
                    "name": f"Synthetic Chicken {tag}",
                    "postcode": "ZZ99 4CS",
                    "category": "take_away",
                },
                "purpose": "drug_trafficking",
            }
        )
    )


def _opened(page: Page, name: str, *, entities: int) -> None:
    """Search until the worker has linked every report, then open the network two steps out."""
    page.get_by_label("How far out").select_option("2")
    deadline = time.monotonic() + LINKED_WITHIN_S
    status = page.locator("p.status")
    while True:
        page.get_by_label("Name, alias or nickname").fill(name)
        page.get_by_role("button", name="Search").click()
        hit = page.locator("ul.hits li button", has_text=name)
        if hit.count():
            hit.first.click()
            expect(status).to_contain_text("Showing")
            shown = int(status.inner_text().split(": ")[1].split(" ")[0])
            if shown >= entities:
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"{name}'s network never reached {entities} entities")
        time.sleep(1)


def test_a_busy_place_is_a_crowd_and_the_analyst_hides_and_pins(
    running_stack: RunningStack,
    web_users: WebUsers,
    new_context: NewContext,
    settings: InfraSettings,
) -> None:
    tag = run_tag()
    _submitted(running_stack, tag)
    analyst = new_context().new_page()
    sign_in(analyst, web_users.analyst)
    analyst.get_by_role("link", name="Network explorer").click()
    analyst.get_by_label("Why are you looking? (required)").fill("Synthetic test: Rio's network")
    # Rio, the park, the 8 at the park, Vin, the take-away, Sky and Tam: 14 two steps out.
    _opened(analyst, f"Rio Net{tag}", entities=3 + CROWD + 1)
    geo.load(settings, geo.SYNTHETIC_FILE)  # as `tessera geo load`: the places are located
    analyst.locator("ul.hits li button", has_text=f"Rio Net{tag}").first.click()
    map_box = analyst.locator(".map-box")
    expect(map_box.locator(".map-place", has_text=f"Synthetic Skate Park {tag}")).to_be_visible()
    expect(map_box.locator(".map-place", has_text=f"Synthetic Chicken {tag}")).to_be_visible()
    map_box.screenshot(path=str(ARTIFACTS / "browser-27-map-of-places.png"))
    state = analyst.locator(".drawing-state")
    crowd = state.get_by_role("button", name=f"{CROWD} young people at Synthetic Skate Park {tag}")
    expect(crowd).to_be_visible()
    screenshot(analyst, "25-network-two-steps-crowd")
    analyst.locator(".graph-panel").screenshot(path=str(ARTIFACTS / "browser-25a-network.png"))

    crowd.click()
    details = analyst.locator(".details")
    expect(details.get_by_role("heading", name=f"{CROWD} young people at")).to_be_visible()
    expect(details.locator(".crowd-list li")).to_have_count(CROWD)
    details.get_by_role("button", name="Draw them one by one").click()
    expect(crowd).to_be_hidden()
    details.get_by_role("button", name="Draw its young people as a crowd again").click()
    expect(crowd).to_be_visible()

    links = analyst.locator(".links table")
    links.get_by_role("button", name=f"Vin Net{tag}").first.click()
    details.get_by_role("button", name="Hide from the drawing").click()
    expect(state).to_contain_text(f"1 hidden: Vin Net{tag}")
    links.get_by_role("button", name=f"Synthetic Chicken {tag}").first.click()
    details.get_by_role("button", name="Pin where it is").click()
    expect(state).to_contain_text("1 pinned")
    expect(details.get_by_role("button", name="Unpin")).to_be_visible()
    analyst.locator(".graph-panel").screenshot(
        path=str(ARTIFACTS / "browser-26a-hidden-pinned.png")
    )
    state.get_by_role("button", name="Show the 1 hidden").click()
    expect(state).not_to_contain_text("hidden")
