"""Live before bulk: two lanes of work in one worker, and the bulk lane giving way.

Each worker reads the live topic and the bulk topic with agents of their own, so a live event
never waits in a queue behind bulk ones. The two agents share one process and one database, so
the bulk agent also gives way: before each step (a batch, or one entity examined) it waits
while the live agent holds work in hand. The live agent never waits for the bulk one.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class LiveFirst:
    """Tells the bulk lane when the live lane is idle."""

    def __init__(self) -> None:
        self._live = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @asynccontextmanager
    async def live(self) -> AsyncIterator[None]:
        """Hold live work in hand: the bulk lane does not start a step meanwhile."""
        self._live += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._live -= 1
            if self._live == 0:
                self._idle.set()

    @property
    def live_in_hand(self) -> bool:
        """Whether the live lane holds work now."""
        return self._live > 0

    async def bulk_turn(self) -> None:
        """Wait until the live lane holds no work (at once when it holds none). Each time the
        live lane goes idle every waiting bulk step gets its turn, so bulk is never starved."""
        await self._idle.wait()
