"""Through the web pages in headless Chromium: a home reports a child missing, collected by a car
that another child got into; police watch the alert arrive live and work it; an analyst opens the
child's network. Screenshots are kept in test-artifacts/."""

import base64
import random
import string
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, FilePayload, Page, expect

from schemas.audit import AuditEntry
from tests.support.browser import TIMEZONE, WebUsers, screenshot, sign_in
from tests.support.factories import report_json, run_tag
from tests.support.kafka_reading import read_values
from tests.support.stack import RunningStack

pytestmark = pytest.mark.browser

ALERT_TIMEOUT_MS = 90_000
WATCHING = "Synthetic test: watching for new alerts"  # the purpose the officer types
NewContext = Callable[[], BrowserContext]


def _local(at: datetime) -> str:
    """A value for <input type=datetime-local> in the browser's time zone."""
    return at.astimezone(ZoneInfo(TIMEZONE)).strftime("%Y-%m-%dT%H:%M")


def _mark() -> str:
    """A registration of the current format no other test uses."""
    letters = "".join(random.choices(string.ascii_uppercase, k=3))  # noqa: S311 - test data
    return f"ZZ{random.randint(10, 99)}{letters}"  # noqa: S311


def _graded(page: Page) -> None:
    """Answer the form's two grading questions: it answers neither for the user (issue 18)."""
    page.get_by_label("I saw or heard it myself").check()
    page.get_by_label("Reliable", exact=True).check()


def _reported_missing_through_the_form(
    page: Page, *, child: str, mark: str, last_seen: datetime
) -> list[str]:
    page.get_by_label("A young person has gone missing").check()
    page.get_by_label("Full name").fill(child)
    page.get_by_label("Date of birth").fill("2011-05-06")
    page.get_by_label("Description and clothing").fill("Slim, short brown hair, grey hoodie")
    page.locator('input[name="missing.at"]').fill(_local(last_seen))
    page.locator('input[name="missing.place"]').fill("Synthetic bus stop, Demo Road")
    page.get_by_label("They were collected in a car").check()

    registration = page.get_by_label("Registration (number plate)")
    registration.fill("ZZ1!")
    expect(page.get_by_text("Use letters and numbers only")).to_be_visible()  # as they type
    registration.fill(f"{mark[:4].lower()} {mark[4:].lower()}")
    expect(page.get_by_text("Use letters and numbers only")).to_be_hidden()
    page.get_by_label("Colour").fill("grey")
    page.get_by_label("Make or model").fill("hatchback")
    page.get_by_label("Who was in it").fill("Driver: male, early 20s, beard (synthetic)")
    page.locator('input[name="car.at"]').fill(_local(last_seen - timedelta(minutes=30)))

    page.get_by_label("Criminal exploitation").check()
    page.get_by_label("What happened, in your own words").fill(
        "Collected outside the home by a grey hatchback and did not come back (synthetic)."
    )
    page.get_by_label("Police incident reference").fill("SYN-2026-0042")
    page.get_by_label("Officer's shoulder number").fill("PC 4242")
    page.get_by_label("Officer's shoulder number").blur()
    expect(page.get_by_text("Fill this in").first).to_be_visible()  # the officer's name
    page.get_by_label("Officer's name").fill("PC Synth")
    expect(page.get_by_text("Draft saved on this device")).to_be_visible()
    _graded(page)
    screenshot(page, "01-form-filled")

    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    references = page.get_by_test_id("reference").all_inner_texts()
    screenshot(page, "02-form-confirmation")
    return references


def test_a_missing_report_through_the_form_reaches_police_live_and_the_analyst(
    running_stack: RunningStack, web_users: WebUsers, new_context: NewContext
) -> None:
    tag = run_tag()
    mark = _mark()
    now = datetime.now(UTC)
    # Another child got into the same car last week: the form's report makes two.
    earlier = running_stack.submit(
        report_json(
            {
                "type": "vehicle_sighting",
                "vehicle": {"vrm": mark, "colour": "grey"},
                "place": {
                    "name": f"Synthetic Home {tag}",
                    "category": "care_home",
                    "coordinates": {"lat": 53.4794, "lon": -2.2453},
                },
                "got_in": [{"name": f"Cai Web{tag}", "role": "young_person"}],
            },
            observed_at=(now - timedelta(days=6)).isoformat(),
        )
    )

    police = new_context().new_page()
    sign_in(police, web_users.police)
    expect(police.get_by_role("heading", name="Alerts")).to_be_visible()
    # Every read of alerts states a purpose (audited): the page offers one the officer can change.
    why = police.get_by_label("Why are you looking?")
    expect(why).to_have_value("Monitoring and acting on safeguarding alerts")
    why.fill(WATCHING)
    why.blur()
    expect(police.get_by_text("Live: new alerts appear here")).to_be_visible()
    police.evaluate("window.__notReloaded = true")

    home = new_context().new_page()
    sign_in(home, web_users.home)
    expect(home.get_by_role("heading", name="Report a concern")).to_be_visible()
    references = _reported_missing_through_the_form(
        home, child=f"Dee Web{tag}", mark=mark, last_seen=now - timedelta(hours=1)
    )
    assert len(references) == 2  # the car, then the missing episode
    running_stack.report_ids.extend(references)

    # The alert appears on the open dashboard without a reload.
    item = police.locator(
        'button.alert-item[data-type="vehicle_linked_to_children"]', has_text=mark
    )
    expect(item).to_be_visible(timeout=ALERT_TIMEOUT_MS)
    assert police.evaluate("window.__notReloaded") is True
    expect(item.locator(".badge.new")).to_be_visible()
    # The stream recorded the alerts it sent in the audit first, with the officer's purpose.
    audit = read_values(running_stack.kafka(), running_stack.topics["audit"], 0)
    entries = [AuditEntry.model_validate_json(value) for value in audit]
    assert any(
        (e.action, e.user, e.purpose) == ("alerts.stream", web_users.police.name, WATCHING)
        for e in entries
    )
    screenshot(police, "03-dashboard-live-alert")

    item.click()
    detail = police.locator(".alert-detail")
    expect(detail.get_by_role("heading", name="Vehicle linked to children")).to_be_visible()
    for report_id in (earlier, references[0]):
        expect(detail.get_by_text(report_id).first).to_be_visible()
    expect(detail.locator(".graph canvas").first).to_be_attached()
    screenshot(police, "04-alert-explained")

    detail.get_by_role("button", name="Acknowledge").click()
    expect(detail.get_by_test_id("alert-status")).to_have_text("Acknowledged")
    detail.get_by_label("Assign to").fill(web_users.police.name)
    detail.get_by_role("button", name="Assign").click()
    expect(detail.get_by_text(f"Assigned to{web_users.police.name}")).to_be_visible()
    detail.get_by_role("button", name="Close alert").click()
    expect(detail.get_by_text("Say why the alert is closed")).to_be_visible()
    detail.get_by_label("Reason for closing (required)").fill("Strategy meeting held (synthetic)")
    detail.get_by_role("button", name="Close alert").click()
    expect(detail.get_by_test_id("alert-status")).to_have_text("Closed")
    expect(detail.locator(".history li")).to_have_count(4)  # raised, then our three
    screenshot(police, "05-alert-closed")

    analyst = new_context().new_page()
    sign_in(analyst, web_users.analyst)
    analyst.goto("/#/alerts")
    analyst.get_by_label("Show").select_option("all")
    analyst.locator(
        'button.alert-item[data-type="vehicle_linked_to_children"]', has_text=mark
    ).click()
    analyst.get_by_role("link", name=f"Open Dee Web{tag}'s network").click()
    expect(analyst.get_by_role("heading", name="Network explorer")).to_be_visible()
    expect(analyst.locator("p.status")).to_contain_text(f"Showing Dee Web{tag}")
    facts = analyst.locator(".person-facts")  # what the graph knows of her beyond links
    expect(facts).to_contain_text("Missing episodes (1)")
    expect(facts).to_contain_text("open (no found report you may see)")  # not found yet
    screenshot(analyst, "06a-analyst-person")
    links = analyst.locator(".links table")
    expect(links.get_by_role("button", name=mark).first).to_be_visible()
    expect(analyst.locator(".graph canvas").first).to_be_attached()
    links.get_by_role("button", name=mark).first.click()
    analyst.get_by_role("button", name="Expand: show its links").click()
    expect(links.get_by_role("button", name=f"Cai Web{tag}").first).to_be_visible()
    analyst.get_by_role("button", name="Reports behind it").first.click()
    expect(analyst.locator(".details table.data")).to_be_visible()
    expect(analyst.locator(".timeline-box svg.timeline")).to_be_visible()
    expect(analyst.locator(".map-box .map-place", has_text=f"Synthetic Home {tag}")).to_be_visible()
    screenshot(analyst, "06-analyst-network")


def _png() -> bytes:
    """A tiny valid PNG (one grey pixel) standing in for a synthetic child's photo."""
    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgYAAAAAMAAWgmWQ0AAAAASUVORK5CYII="
    )


def test_a_profile_is_shared_with_police_only_while_the_child_is_missing(
    running_stack: RunningStack, web_users: WebUsers, new_context: NewContext
) -> None:
    tag = run_tag()
    child = f"Eli Web{tag}"
    home = new_context().new_page()
    sign_in(home, web_users.home)
    home.get_by_role("link", name="Children's profiles").click()
    home.get_by_role("button", name="New profile").click()
    home.get_by_label("Full name").fill(child)
    home.get_by_label("Date of birth").fill("2012-02-03")
    home.get_by_label("Description").fill("Tall for age, red trainers (synthetic)")
    home.get_by_label("A recent photo").set_input_files(
        files=FilePayload(name="eli.png", mimeType="image/png", buffer=_png())
    )
    expect(home.get_by_text("Photo ready")).to_be_visible()
    home.get_by_label("Phone numbers they use").fill("07700 900456")
    home.get_by_role("button", name="Add associates").click()
    home.get_by_label("Name or nickname").fill(f"Big Fin Web{tag}")
    home.get_by_role("button", name="Add places").click()
    home.get_by_label("Place", exact=True).fill(f"Synthetic Arcade {tag}")
    home.get_by_label("Postcode", exact=True).fill("zz99 1ab")
    home.get_by_role("button", name="Save profile").click()
    expect(home.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    screenshot(home, "07-profile-saved")

    police = new_context().new_page()
    sign_in(police, web_users.police)
    police.get_by_role("link", name="Missing children").click()
    expect(police.get_by_label("Why are you looking?")).to_have_value(
        "Finding a child reported missing"
    )
    expect(police.get_by_role("heading", name=child)).to_have_count(0)

    # A draft survives a reload (and a time-out): the form comes back as it was left.
    home.get_by_role("link", name="Report a concern").click()
    home.get_by_label("Choose a child from your home's profiles").select_option(label=child)
    expect(home.get_by_label("Full name")).to_have_value(child)
    home.get_by_label("Postcode there").first.fill("not a postcode")
    expect(home.get_by_text("Enter a UK postcode").first).to_be_visible()
    home.get_by_label("Postcode there").first.fill("ZZ99 1AB")
    expect(home.get_by_text("Draft saved on this device")).to_be_visible()
    home.reload()
    expect(home.get_by_text("Your draft from")).to_be_visible()
    expect(home.get_by_label("Full name")).to_have_value(child)
    expect(home.get_by_label("Choose a child from your home's profiles")).not_to_have_value("")
    _graded(home)
    home.get_by_role("button", name="Send report").click()
    expect(home.get_by_role("heading", name="Report sent")).to_be_visible()
    expect(home.get_by_text("profile and photo are now shared with police")).to_be_visible()
    running_stack.report_ids.extend(home.get_by_test_id("reference").all_inner_texts())

    police.reload()
    shared = police.locator("article.shared-profile", has_text=child)
    expect(shared).to_be_visible()
    expect(shared.get_by_role("img", name=f"Photo of {child}")).to_be_visible()
    expect(shared.get_by_text("+447700900456")).to_be_visible()
    expect(shared.get_by_text(f"Synthetic Arcade {tag}")).to_be_visible()
    screenshot(police, "08-police-shared-profile")

    # Found: the profile is no longer shared.
    home.get_by_role("button", name="Make another report").click()
    home.get_by_label("A missing young person is back or has been found").check()
    home.get_by_label("Choose a child from your home's profiles").select_option(label=child)
    _graded(home)
    home.get_by_role("button", name="Send report").click()
    expect(home.get_by_role("heading", name="Report sent")).to_be_visible()
    running_stack.report_ids.extend(home.get_by_test_id("reference").all_inner_texts())
    police.reload()
    expect(police.locator("article.shared-profile", has_text=child)).to_have_count(0)


def test_a_young_person_leaving_with_luggage_warns_police_with_a_time_to_report_missing(
    running_stack: RunningStack, web_users: WebUsers, new_context: NewContext
) -> None:
    tag = run_tag()
    now = datetime.now(UTC)
    home = new_context().new_page()
    sign_in(home, web_users.home)
    home.get_by_label("A young person is going out and I am worried").check()
    home.get_by_label("Full name").fill(f"Ola Web{tag}")
    home.get_by_label("Date of birth").fill("2011-02-03")
    # Staff write it up late: she left three hours ago and was due back half an hour ago.
    home.locator('input[name="leaving.at"]').fill(_local(now - timedelta(hours=3)))
    home.get_by_label("Where they said they were going").fill("Synthtown centre")
    home.get_by_label("Who they are meeting").fill(f"an older boy called Zed{tag}")
    back = home.locator('input[name="leaving.back"]')
    back.fill(_local(now - timedelta(hours=4)))
    back.blur()
    expect(home.get_by_text("This is before they left")).to_be_visible()  # as they type
    back.fill(_local(now - timedelta(minutes=90)))
    home.get_by_label("Luggage or a bag of clothes").check()
    home.get_by_label("Money", exact=True).check()
    home.get_by_label("How much money, roughly (£)").fill("40")
    home.get_by_label("How they travelled").select_option("bus")
    home.get_by_label("What happened, in your own words").fill(
        "Left with a packed bag and money, said she would be back tonight (synthetic)."
    )
    _graded(home)
    home.get_by_role("button", name="Send report").click()
    expect(home.get_by_role("heading", name="Report sent")).to_be_visible()
    running_stack.report_ids.extend(home.get_by_test_id("reference").all_inner_texts())
    screenshot(home, "11-leaving-confirmation")

    police = new_context().new_page()
    sign_in(police, web_users.police)
    item = police.locator('button.alert-item[data-type="departure_risk"]', has_text=f"Ola Web{tag}")
    expect(item).to_be_visible(timeout=ALERT_TIMEOUT_MS)
    item.click()
    detail = police.locator(".alert-detail")
    expect(detail.get_by_text(f"meeting an older boy called Zed{tag}")).to_be_visible()
    expect(detail.get_by_text("escort or follow the young person").first).to_be_visible()
    # Due an hour after the time they said they would be back (the form keeps whole minutes),
    # which has passed: the dashboard says so.
    due = (now - timedelta(minutes=30)).astimezone(ZoneInfo(TIMEZONE)).strftime("%H:%M")
    deadline = detail.locator("li", has_text="report them missing to the police if they are not")
    expect(deadline.filter(has_text=due)).to_be_visible()
    expect(deadline.locator(".badge.overdue")).to_have_text("Overdue")
    expect(detail.locator("li", has_text="escort or follow").locator(".badge")).to_have_count(0)
    screenshot(police, "12-departure-risk")
