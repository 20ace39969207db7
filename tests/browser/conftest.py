"""Headless Debian Chromium, driven by Playwright, against a private Tessera with its web process.

The stack is the end-to-end tests' own fixture (all processes on private topics and ports); the
browser is /usr/bin/chromium, installed by `make system-deps`: Playwright's own browser download
does not work on these machines.
"""

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, expect, sync_playwright

from common.auth import Role, TokenStore
from tests.e2e.conftest import running_stack  # noqa: F401 - the fixture
from tests.support.browser import TIMEZONE, WebUser, WebUsers
from tests.support.stack import RunningStack

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags, Chromium's calls home are refused by this machine's
# closed network, many at a time; the rest keep a test browser quiet and reproducible.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=en-GB",  # dates in inputs as UK staff write them
]
# A report's answer waits for Kafka's acks=all; on a loaded 2-core CI machine the 5 s default of
# Playwright's assertions is too tight for that, though every wait still ends as soon as it holds.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def web_users(running_stack: RunningStack) -> WebUsers:  # noqa: F811 - the imported fixture
    """Users of this run, with passwords set as `tessera user password` sets them."""
    assert running_stack.auth_file is not None
    store = TokenStore(running_stack.auth_file)
    tag = secrets.token_hex(3)
    users = []
    for name, agency, role in (
        (f"kw.{tag}", "Synthetic Home A", Role.SUBMITTER),
        (f"pc.{tag}", "Synthetic Police", Role.POLICE),
        (f"an.{tag}", "Synthetic Police", Role.ANALYST),
    ):
        store.add_agency(agency)
        store.issue(user=name, agency=agency, role=role)
        password = secrets.token_urlsafe(16)
        store.set_password(user=name, password=password)
        users.append(WebUser(name=name, password=password, agency=agency, role=role))
    return WebUsers(*users)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver for the session."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, with a fresh profile of Playwright's making."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (it installs chromium)")
    launched = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


@pytest.fixture
def new_context(
    browser: Browser,
    running_stack: RunningStack,  # noqa: F811 - the imported fixture
) -> Iterator[Callable[[], BrowserContext]]:
    """Open a browser context (its own cookies and storage) on the web, as on a tablet."""
    contexts: list[BrowserContext] = []

    def open_context() -> BrowserContext:
        context = browser.new_context(
            base_url=running_stack.web_url,
            viewport={"width": 1180, "height": 820},  # a landscape tablet
            timezone_id=TIMEZONE,
            locale="en-GB",
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
