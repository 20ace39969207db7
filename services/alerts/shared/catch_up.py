"""Full passes that fell due during live work, left to the bulk lane.

A detector that works out only what a batch's reports touch at a place (P01 at a busy place from
what it remembers, P02 for the schools a report names) works everything out again once its last
full pass there is `every` old (`Remembered`, `FullDerivations`), to catch up what changed without
a report at the place. At a county-wide place that pass reads thousands of links (one to two
seconds at a million reports), which a live report there would otherwise wait for.

Given a `CatchUp`, a live report at a place whose pass is due, but less than `grace` late, gets the
work its reports touch only, and the place is noted; the alert worker then examines the noted
places in full in its bulk lane, which gives way to live work (`register_agents`). A place left
`grace` late (the bulk lane starved, or the notes lost with a restart) is worked out in full by
the next live report there, as without a catch-up.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta


class CatchUp:
    """The places whose full pass was left to the bulk lane, in the order they were noted."""

    def __init__(self, grace: timedelta) -> None:
        self._grace = grace
        self._wanted: dict[str, None] = {}
        self._making: set[str] = set()

    def defers(self, anchor_id: str, late: timedelta) -> bool:
        """Whether a full pass `late` past due at the anchor is left to the bulk lane; if so, the
        anchor is noted. Never while the bulk lane is making the anchor's passes (`making`)."""
        if late >= self._grace or anchor_id in self._making:
            return False
        self._wanted[anchor_id] = None
        return True

    def take(self) -> list[str]:
        """The anchors noted since last taken, no longer noted."""
        wanted, self._wanted = list(self._wanted), {}
        return wanted

    @contextmanager
    def making(self) -> Iterator[list[str]]:
        """The anchors noted since last taken (`take`), held while the bulk lane examines them:
        meanwhile a pass due at one of them is made, not left to the bulk lane again. Examined
        with no report (`touched_by` empty), each detector makes only the passes due there."""
        anchors = self.take()
        self._making.update(anchors)
        try:
            yield anchors
        finally:
            self._making.difference_update(anchors)
