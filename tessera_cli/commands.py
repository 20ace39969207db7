"""How the CLI names a command for the user to run next: as they ran this one, shell-quoted."""

import shlex
import sys
from pathlib import Path


def command_line(*args: str) -> str:
    """A `tessera` command line to paste into a shell: the program as it was invoked (such as
    `.venv/bin/tessera`), else `tessera`, with each argument quoted for a POSIX shell."""
    invoked = sys.argv[0] if sys.argv else ""
    program = invoked if Path(invoked).name == "tessera" else "tessera"
    return " ".join(shlex.quote(part) for part in (program, *args))


def unknown_agency(agency: str) -> str:
    """The error for an agency that is not registered, with the command that registers it."""
    return (
        f"agency {agency!r} is not registered; register it first with "
        f"`{command_line('agency', 'add', agency)}`, then run this command again"
    )
