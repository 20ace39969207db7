"""Background processes with pid files: start, find, stop; never by process name."""

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tessera_cli.paths import LOGS, ROOT, RUN, ensure_state_dirs


class StartFailed(Exception):
    """A process could not be started or did not become healthy; the message says why."""


@dataclass(frozen=True, slots=True)
class ManagedProcess:
    """A process Tessera starts in the background and tracks by its pid file."""

    name: str
    marker: str  # a string its command line must contain, so a recycled pid is not ours

    @property
    def pid_file(self) -> Path:
        return RUN / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return LOGS / f"{self.name}.log"

    def pid(self) -> int | None:
        """The pid of our running process, or None; a stale pid file is removed."""
        if not self.pid_file.exists():
            return None
        try:
            pid = int(self.pid_file.read_text().strip())
        except ValueError:
            self.pid_file.unlink(missing_ok=True)
            return None
        if _cmdline_contains(pid, self.marker):
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def clear_stale(self) -> str | None:
        """Remove a pid file whose process is gone or is no longer ours, and say so."""
        if not self.pid_file.exists():
            return None
        recorded = self.pid_file.read_text().strip()
        if self.pid() is not None:
            return None
        return f"{self.name}: removed a stale pid file (pid {recorded} is not {self.name})"

    def record(self, pid: int) -> None:
        """Name a process that was not started here (such as this one) in the pid file."""
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        self.pid_file.write_text(str(pid))

    def forget(self, pid: int) -> None:
        """Remove the pid file if it still names this pid."""
        with contextlib.suppress(FileNotFoundError):
            if self.pid_file.read_text().strip() == str(pid):
                self.pid_file.unlink()

    def start(self, command: list[str], *, env: dict[str, str] | None = None) -> int:
        """Start the command detached in the project's folder (where the services' relative
        default paths point), its output appended to the log file."""
        ensure_state_dirs()
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **(env or {})},
                cwd=ROOT,
                start_new_session=True,
            )
        self.pid_file.write_text(str(process.pid))
        return process.pid

    def stop(self, *, timeout_s: float = 30.0) -> str:
        """TERM the process, wait for it, KILL it only if it will not stop."""
        pid = self.pid()
        if pid is None:
            return f"{self.name}: not running"
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not _alive(pid):
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
            self.pid_file.unlink(missing_ok=True)
            return f"{self.name}: did not stop within {timeout_s:.0f}s, killed (pid {pid})"
        self.pid_file.unlink(missing_ok=True)
        return f"{self.name}: stopped (pid {pid})"

    def log_tail(self, lines: int = 30) -> str:
        """The end of the process's log, for error messages."""
        if not self.log_file.exists():
            return "(no log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        zombie = "\nState:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    if zombie:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reap our own child so its pid is freed
        return False
    return True


def _cmdline_contains(pid: int, marker: str) -> bool:
    # Just after fork the child may still show its parent's command line: look a few times.
    for _ in range(10):
        if not _alive(pid):
            return False
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            return False
        if marker in cmdline:
            return True
        time.sleep(0.05)
    return False


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts TCP connections on the port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_until(
    check: Callable[[], bool],
    *,
    process: ManagedProcess,
    timeout_s: float,
    what: str,
) -> float:
    """Poll until check() is true; fail with the log tail if the process dies or time runs out."""
    started = time.monotonic()
    last_error = "the health check never passed"
    while time.monotonic() - started < timeout_s:
        if process.pid() is None:
            raise StartFailed(f"{what} exited during start-up. Log tail:\n{process.log_tail()}")
        try:
            if check():
                return time.monotonic() - started
        except Exception as error:  # noqa: BLE001 - not ready yet; keep polling
            last_error = f"last health-check error: {error!r}"
        time.sleep(0.5)
    raise StartFailed(
        f"{what} was not healthy after {timeout_s:.0f}s ({last_error}). "
        f"Log tail:\n{process.log_tail()}"
    )


@contextlib.contextmanager
def exclusive(name: str) -> Iterator[None]:
    """Hold a lock so that two tessera commands never start or stop the stack at once."""
    ensure_state_dirs()
    with (RUN / f"{name}.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise StartFailed(
                "another tessera command is starting or stopping Tessera right now; "
                "wait for it to finish, then try again"
            ) from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
