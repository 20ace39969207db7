"""Issue 17's targets, and what each benchmark measured against them.

A benchmark calls `measured` with its figure, the baseline it ran in the same process, and the
size it ran at. That prints the verdict at once, and, under `python -m bench`, adds the figure
to the run's figures file (BENCH_FIGURES), which `table` reads after the last benchmark to print
every target in one place. A quick run is smaller than most targets' sizes: its verdict says so
instead of calling a target met or missed.
"""

import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

FIGURES_FILE = "BENCH_FIGURES"
# A load generator's rate falls a little short of the rate it aims at; within this, a run is at
# the target's size.
SIZE_SLACK = 0.98


@dataclass(frozen=True)
class Target:
    """A figure to reach, at or above the size it is asked at; no limit: only reported."""

    text: str
    unit: str
    limit: float | None = None
    at_most: bool = True
    needs: Mapping[str, float] = field(default_factory=dict)

    def verdict(self, value: float, at: Mapping[str, float]) -> str:
        """Met, not met, not measurable at this size, or reported."""
        if math.isnan(value):
            return "no figure"
        short = {
            k: (at.get(k, 0.0), need)
            for k, need in self.needs.items()
            if at.get(k, 0.0) < need * SIZE_SLACK
        }
        if short:
            sizes = ", ".join(f"{k} {got:,.0f} of {need:,.0f}" for k, (got, need) in short.items())
            return f"smaller than the target's size ({sizes})"
        if self.limit is None:
            return "reported"
        met = value <= self.limit if self.at_most else value >= self.limit
        return "met" if met else "NOT met"

    @property
    def wanted(self) -> str:
        """The target as a bound, for the table."""
        if self.limit is None:
            return "reported"
        return f"{'<=' if self.at_most else '>='} {self.limit:g} {self.unit}".rstrip()


TARGETS = {
    "end_to_end": Target(
        "end-to-end alert p99 at 200 reports/s for 5 minutes",
        "s",
        2.0,
        needs={"reports/s": 200, "seconds": 300},
    ),
    "live_beside_import": Target(
        "live alert p99 while a 100,000-report import runs",
        "s",
        5.0,
        needs={"imported reports": 100_000},
    ),
    "linking_rate": Target("linking rate", "reports/s", 2000, at_most=False),
    "linking_ratio": Target("linking / bulk write", "", 0.5, at_most=False),
    "depth2_p99": Target(
        "depth-2 network p99 at 1M reports", "ms", 100, needs={"reports": 1_000_000}
    ),
    "path_p99": Target("shortest path p99 at 1M reports", "ms", 20, needs={"reports": 1_000_000}),
    "growth": Target(
        "cost a report at 1M / at 10,000 (connected population)",
        "",
        1.5,
        needs={"reports": 1_000_000},
    ),
    "two_alert_workers": Target("two alert workers / one", ""),
}


@dataclass(frozen=True)
class Figure:
    """One measurement against a target: its value, the baseline and the size it ran at."""

    target: str
    value: float
    baseline: str
    at: dict[str, float]

    @property
    def verdict(self) -> str:
        return TARGETS[self.target].verdict(self.value, self.at)

    def line(self) -> str:
        """The figure as the benchmark prints it."""
        target = TARGETS[self.target]
        return (
            f"target: {target.text} {target.wanted}: {self.value:,.2f} {target.unit}".rstrip()
            + f" (baseline: {self.baseline}): {self.verdict}"
        )


def measured(
    target: str, value: float, *, baseline: str, at: Mapping[str, float] | None = None
) -> Figure:
    """Print a figure's verdict and add it to the run's figures file, if there is one."""
    figure = Figure(target=target, value=value, baseline=baseline, at=dict(at or {}))
    print(figure.line(), flush=True)
    if path := os.environ.get(FIGURES_FILE):
        with Path(path).open("a") as out:
            out.write(json.dumps(asdict(figure)) + "\n")
    return figure


def read_figures(path: Path) -> list[Figure]:
    """The figures a run's benchmarks added to its file (none if it was never written)."""
    if not path.exists():
        return []
    return [Figure(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


def table(figures: Iterable[Figure]) -> list[str]:
    """Every target with this run's figures for it (or none), as lines of a table."""
    by_target: dict[str, list[Figure]] = {}
    for figure in figures:
        by_target.setdefault(figure.target, []).append(figure)
    rows = [("target", "wanted", "this run", "baseline (same run)", "verdict")]
    for key, target in TARGETS.items():
        if key not in by_target:
            rows.append((target.text, target.wanted, "not run", "", ""))
        for figure in by_target.get(key, []):
            value = f"{figure.value:,.2f} {target.unit}".rstrip()
            rows.append((target.text, target.wanted, value, figure.baseline, figure.verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]])
        for row in rows
    ]
