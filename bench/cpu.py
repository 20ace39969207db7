"""Where a benchmark's CPU went: each process's user and system seconds, read from /proc.

On a machine whose cores the services, Kafka, Neo4j and the load generator share, a rate is
bounded by what one report costs all of them together: at R reports a second on N cores, a report
may cost at most N / R seconds of CPU in all. `CpuMeter` reads each named process's CPU time and
the machine's busy time before and after a stretch of work, and `budget` says what each process
spent a report against that bound.
"""

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tessera_cli import local_infra

_TICK = os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float | None:
    """User plus system CPU seconds of a process and its threads; None once it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    # After the command's closing parenthesis: state is field 3, utime 14 and stime 15.
    return (int(fields[11]) + int(fields[12])) / _TICK


def machine_seconds() -> tuple[float, float]:
    """Busy and total CPU seconds of every core since boot (idle and iowait are not busy)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])  # guest time is counted in user already
    return (total - idle) / _TICK, total / _TICK


@dataclass(frozen=True)
class Reading:
    """CPU seconds of each named process, and of the machine, at one moment."""

    processes: Mapping[str, float | None]
    busy: float
    total: float


@dataclass(frozen=True)
class CpuMeter:
    """Reads the CPU time of the named processes (pids) and of the whole machine."""

    pids: Mapping[str, int | None]

    def read(self) -> Reading:
        """CPU seconds so far."""
        busy, total = machine_seconds()
        processes = {
            name: None if pid is None else process_seconds(pid) for name, pid in self.pids.items()
        }
        return Reading(processes=processes, busy=busy, total=total)


def meter(*, this: str = "this process", **pids: int | None) -> CpuMeter:
    """A meter of the named processes, the local Neo4j and Kafka, and this process (`this`)."""
    return CpuMeter(
        pids={
            **pids,
            "neo4j": local_infra.NEO4J.process.pid(),
            "kafka": local_infra.KAFKA.process.pid(),
            this: os.getpid(),
        }
    )


def _spent(before: Reading, after: Reading) -> tuple[float, float, dict[str, float | None]]:
    """Between two readings: the wall seconds, the machine's busy CPU seconds, and each named
    process's CPU seconds (None when it was not running throughout)."""
    wall = (after.total - before.total) / (os.cpu_count() or 1)
    processes: dict[str, float | None] = {}
    for name, first in before.processes.items():
        last = after.processes.get(name)
        processes[name] = None if first is None or last is None else last - first
    return wall, after.busy - before.busy, processes


def _process_lines(
    processes: dict[str, float | None], rest: float, fmt: Callable[[float], str]
) -> list[str]:
    """A line for each process's seconds and one for what no process explains, `fmt` giving
    what follows the seconds."""
    lines = [
        f"  {name:<16} (not running throughout)"
        if seconds is None
        else f"  {name:<16} {seconds:8.1f}s  {fmt(seconds)}"
        for name, seconds in processes.items()
    ]
    return [*lines, f"  {'everything else':<16} {rest:8.1f}s  {fmt(rest)}"]


def budget(before: Reading, after: Reading, *, items: int, rate: float) -> list[str]:
    """Lines saying what each process spent an item (milliseconds of CPU) between two readings,
    the machine's busy share, and the most an item may cost at `rate` a second on these cores."""
    cores = os.cpu_count() or 1
    wall, busy, processes = _spent(before, after)
    rest = busy - sum(seconds or 0.0 for seconds in processes.values())
    lines = [
        f"CPU over {wall:.0f}s on {cores} cores, {items:,} reports:",
        *_process_lines(
            processes,
            rest,
            lambda seconds: (
                f"{1000 * seconds / items:6.2f} ms a report  {seconds / wall:5.0%} of a core"
            ),
        ),
    ]
    per_report = busy / items
    lines.append(
        f"  machine busy {busy / (wall * cores):.0%} of its cores; {1000 * per_report:.2f} ms of "
        f"CPU a report in all, against at most {1000 * cores / rate:.2f} ms a report at "
        f"{rate:,.0f} reports a second on {cores} cores (ratio {per_report * rate / cores:.2f})"
    )
    return lines


def shares(before: Reading, after: Reading) -> list[str]:
    """Lines saying what share of a core each process took between two readings, and how busy
    the machine was: where the cores went, when there is no rate to hold them to."""
    cores = os.cpu_count() or 1
    wall, busy, processes = _spent(before, after)
    rest = busy - sum(seconds or 0.0 for seconds in processes.values())
    lines = [
        f"CPU over {wall:.0f}s on {cores} cores:",
        *_process_lines(processes, rest, lambda seconds: f"{seconds / wall:5.0%} of a core"),
    ]
    lines.append(f"  machine busy {busy / (wall * cores):.0%} of its cores")
    return lines
