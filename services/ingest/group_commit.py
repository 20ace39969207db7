"""Group commit: concurrent callers' items written together, each caller returning once its own
item is written.

A synchronous SQLite commit costs a disk flush; one per request caps a busy ingest at the
disk's flush rate. Here the first caller to find no write under way writes every item waiting
(its own and those that arrived during the previous write) in one go, while the others wait.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(slots=True)
class _Ticket(Generic[T]):
    """One caller's item and, once written or failed, its outcome."""

    item: T
    done: bool = False
    error: BaseException | None = None


class GroupCommit(Generic[T]):
    """Calls `write` with lists of items from concurrent `submit` calls, one write at a time."""

    def __init__(self, write: Callable[[list[T]], None]) -> None:
        self._write = write
        self._changed = threading.Condition()
        self._waiting: list[_Ticket[T]] = []
        self._writing = False

    def submit(self, item: T) -> None:
        """Return once the item is written; raise what writing it raised."""
        ticket = _Ticket(item)
        group = self._join(ticket)
        if group:  # this caller leads: it writes the group, its own item included
            try:
                self._write_group(group)
            finally:
                with self._changed:
                    for written in group:
                        written.done = True
                    self._writing = False
                    self._changed.notify_all()
        if ticket.error is not None:
            raise ticket.error

    def _join(self, ticket: _Ticket[T]) -> list[_Ticket[T]]:
        """Wait while another caller writes; [] once that wrote this ticket, else every ticket
        waiting now, for this caller to write."""
        with self._changed:
            self._waiting.append(ticket)
            while self._writing and not ticket.done:
                self._changed.wait()
            if ticket.done:
                return []
            group, self._waiting = self._waiting, []
            self._writing = True
            return group

    def _write_group(self, group: list[_Ticket[T]]) -> None:
        """Write the group at once; if that fails, each item alone, so that a bad item fails
        only its own caller."""
        try:
            self._write([t.item for t in group])
        except Exception as error:
            if len(group) == 1:
                group[0].error = error
            else:
                for ticket in group:
                    ticket.error = self._write_alone(ticket.item)
        except BaseException as error:  # interrupted: no item is known to be written
            for ticket in group:
                ticket.error = error

    def _write_alone(self, item: T) -> Exception | None:
        try:
            self._write([item])
        except Exception as error:
            return error
        return None
