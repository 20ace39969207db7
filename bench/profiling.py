"""Sampling a service process with py-spy during a benchmark, and saying where its time went.

py-spy attaches to the process by pid (root, or ptrace allowed) and writes collapsed stacks;
the summary lists the functions the samples ended in and the share of samples spent under each
library, which is usually enough to say what bounds a figure.
"""

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import TracebackType

LIBRARIES = (
    "services/",
    "schemas/",
    "common/",
    "neo4j/",
    "kafka/",
    "aiokafka/",
    "faust/",
    "mode/",
    "pydantic",
    "fastapi/",
    "starlette/",
    "uvicorn/",
    "anyio/",
    "sqlite3",
    "json/",
    "asyncio/",
    "tenacity/",
    "rapidfuzz",
    "jellyfish",
    "logging/",
    "structlog/",
)
_LINE = re.compile(r":\d+\)")


def py_spy() -> str | None:
    """The py-spy executable beside this Python, or on the PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


class Profiler:
    """`with Profiler(pid, out):` samples the process until the block ends (needs py-spy)."""

    def __init__(self, pid: int, out: Path, *, rate: int = 100, enabled: bool = True) -> None:
        self.pid = pid
        self.out = out
        self.rate = rate
        self.enabled = enabled and py_spy() is not None
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Profiler":
        executable = py_spy()
        if self.enabled and executable is not None:
            self._process = subprocess.Popen(
                [
                    executable,
                    "record",
                    "--pid",
                    str(self.pid),
                    "--output",
                    str(self.out),
                    "--format",
                    "raw",
                    "--rate",
                    str(self.rate),
                    "--nonblocking",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
            try:
                self._process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._process.kill()

    def summary(self, *, top: int = 8) -> list[str]:
        """Lines naming where the samples were: leaf functions, then libraries (inclusive)."""
        if not self.out.exists():
            return ["(no profile: py-spy missing or not permitted to attach)"]
        leaves: Counter[str] = Counter()
        libraries: Counter[str] = Counter()
        total = 0
        for line in self.out.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = stack.split(";")
            leaves[_LINE.sub(")", frames[-1])] += n
            for library in {lib for lib in LIBRARIES for f in frames if lib in f}:
                libraries[library] += n
        if total == 0:
            return ["(no samples)"]
        lines = [f"{total} samples; where they ended:"]
        lines += [f"  {n / total:6.1%}  {frame}" for frame, n in leaves.most_common(top)]
        lines.append("time under each library (a sample counts for every library on its stack):")
        lines += [f"  {n / total:6.1%}  {lib}" for lib, n in libraries.most_common(top + 4)]
        return lines
