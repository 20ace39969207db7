"""When each anchor's alerts were last all worked out again, in this process.

A detector that can work out again only what a batch's reports touch (P02's peer groups at a
place: the schools of the pupils they name) still works everything out again when a report comes
and the last time is `every` or longer ago. So what changed a group without a report naming its
pupils there (an enrolment learned later, a merge, an age given elsewhere, a retraction that
changed what the place is) is caught up by a report at the place within `every`, and at a quiet
place by its next report, as when every report worked out everything; given a `CatchUp`, by the
bulk lane just after that report.
"""

from collections import OrderedDict
from datetime import datetime, timedelta

from services.alerts.shared.catch_up import CatchUp

KEEP = 100_000  # anchors remembered; the longest unseen are forgotten (then worked out in full)


class FullDerivations:
    """The last time each anchor was worked out in full, for the `KEEP` most recent."""

    def __init__(
        self, every: timedelta, *, keep: int = KEEP, catch_up: CatchUp | None = None
    ) -> None:
        self._every = every
        self._keep = keep
        self._catch_up = catch_up
        self._at: OrderedDict[str, datetime] = OrderedDict()

    def due(self, anchor_id: str, now: datetime) -> bool:
        """Whether the anchor is to be worked out in full by the live report asking: never yet,
        or `every` ago or more, unless `catch_up` takes the pass to the bulk lane."""
        at = self._at.get(anchor_id)
        if at is None:
            return True
        late = now - at - self._every
        return late >= timedelta(0) and not (
            self._catch_up is not None and self._catch_up.defers(anchor_id, late)
        )

    def done(self, anchor_id: str, now: datetime) -> None:
        """Note that the anchor was worked out in full at `now`."""
        self._at[anchor_id] = now
        self._at.move_to_end(anchor_id)
        while len(self._at) > self._keep:
            self._at.popitem(last=False)
