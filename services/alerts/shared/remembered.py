"""What a detector last worked out about an anchor, in this process, so that a report there is
added to it instead of the whole anchor being read again.

A detector that remembers also keeps, with what it worked out, which reports the candidate it
gave cites (`cited_digest`). It uses the memory only while the anchor's open alert cites exactly
those: an alert changed by another worker, closed, or not saved tells it that the memory is not
what the store holds, and it works everything out again. It does so also when the last full pass
is `every` or longer ago, so that what changed without a report at the anchor (an age given
elsewhere, a merge, the window moving on) is caught up, as `FullDerivations` does for P02 (given
a `CatchUp`, by the bulk lane, just after). Losing
the memory (a restart, another worker) costs only a full pass: nothing is skipped on its account.
"""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from services.alerts.shared.catch_up import CatchUp

KEEP = 200_000  # facts remembered in all (a busy place's sightings, say); the oldest go first


@dataclass(frozen=True, slots=True)
class Memo:
    """What was worked out about one anchor."""

    facts: Any
    full_at: datetime  # when it was last worked out in full
    cited: str  # the cited_digest of the candidate it gave
    size: int  # how many facts, counted against KEEP


class Remembered:
    """What detectors last worked out, by detector and anchor, the most recent first kept."""

    def __init__(
        self, every: timedelta, *, keep: int = KEEP, catch_up: CatchUp | None = None
    ) -> None:
        self._every = every
        self._keep = keep
        self._catch_up = catch_up
        self._held = 0
        self._memos: OrderedDict[tuple[str, str], Memo] = OrderedDict()

    def recall(self, detector: str, anchor_id: str, now: datetime) -> Memo | None:
        """What the detector worked out about the anchor; None when nothing is remembered or a
        full pass is due (the last one `every` or longer ago), unless `catch_up` takes the pass
        to the bulk lane."""
        memo = self._memos.get((detector, anchor_id))
        if memo is None:
            return None
        late = now - memo.full_at - self._every
        if late >= timedelta(0) and not (
            self._catch_up is not None and self._catch_up.defers(anchor_id, late)
        ):
            return None
        return memo

    def keep(self, detector: str, anchor_id: str, memo: Memo) -> None:
        """Remember what the detector worked out, in place of what it did before."""
        self.forget(detector, anchor_id)
        self._memos[detector, anchor_id] = memo
        self._held += memo.size
        while self._held > self._keep and len(self._memos) > 1:
            _, oldest = self._memos.popitem(last=False)
            self._held -= oldest.size

    def forget(self, detector: str, anchor_id: str) -> None:
        """Nothing remembered of the anchor any more (it gave no candidate)."""
        memo = self._memos.pop((detector, anchor_id), None)
        if memo is not None:
            self._held -= memo.size
