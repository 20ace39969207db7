"""The analyst graph's path reads (services/network/analyst/paths.py PathGraph) for fakes of
use cases that never search for a path: they find nothing."""

from contextlib import AbstractContextManager, nullcontext
from typing import Any


class NoPaths:
    """Every path read finds nothing; a fake of the analyst graph mixes it in."""

    def path_step(self, keys: list[str], **params: Any) -> list[dict[str, Any]]:
        """Nothing reached."""
        return []

    def hub_links(self, near: list[str], far: list[str], **params: Any) -> list[dict[str, Any]]:
        """No links between hubs."""
        return []

    def path_links(self, hops: list[dict[str, str]], **params: Any) -> list[dict[str, Any]]:
        """No links."""
        return []

    def path(self, **params: Any) -> dict[str, Any] | None:
        """No path."""
        return None

    def reading(self) -> AbstractContextManager[None]:
        """No transaction to share."""
        return nullcontext()
