"""What the browser tests share besides their fixtures (tests/browser/conftest.py): the users
who sign in, signing in as a person would, and keeping a screenshot."""

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

from common.auth import Role
from tests.support.stack import ARTIFACTS

TIMEZONE = "Europe/London"


@dataclass(frozen=True, slots=True)
class WebUser:
    """A user who signs in to the web with a password."""

    name: str
    password: str
    agency: str
    role: Role


@dataclass(frozen=True, slots=True)
class WebUsers:
    """A home's key worker, a police officer and a police analyst."""

    home: WebUser
    police: WebUser
    analyst: WebUser


def sign_in(page: Page, user: WebUser) -> None:
    """Sign in through the page, as a person would."""
    page.goto("/")
    page.get_by_label("User name").fill(user.name)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"{user.name} · {user.role.value}").wait_for()


def screenshot(page: Page, name: str) -> Path:
    """Keep a screenshot in test-artifacts/ (uploaded with the run's other artefacts)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"browser-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
