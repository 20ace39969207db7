"""Waiting for something the running services will do, and failing with what never happened."""

import time
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def eventually(probe: Callable[[], T | None], *, timeout_s: float = 60.0, what: str) -> T:
    """Poll until probe() returns something, or fail saying what never happened."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if (found := probe()) is not None:
            return found
        time.sleep(0.3)
    pytest.fail(f"timed out after {timeout_s}s waiting for {what}")
