"""Run every benchmark in turn, after printing the machine, the date and the command.

Each benchmark prints its own figures and ratios; the run ends with issue 17's targets in one
table, each with this run's figure, its baseline and its verdict (bench/targets.py). The whole
output is also kept in test-artifacts/bench-<time>.txt for bench/RESULTS.md.

    .venv/bin/python -m bench                 # quick sizes: minutes
    .venv/bin/python -m bench --full          # the issues' sizes (1M reports, 1M people): 3 h+
    .venv/bin/python -m bench --only linking --profile
"""

import argparse
import os
import platform
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import targets

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Run:
    """One benchmark run: the script it runs and that script's options at each size."""

    script: str
    quick: tuple[str, ...] = ()
    full: tuple[str, ...] = ()


RUNS = {
    "ingest": Run("ingest", full=("--reports", "20000", "--batch-sizes", "1,100,500")),
    "linking": Run("linking", full=("--reports", "10000")),
    # The five minutes at 200 a second, on a graph that already holds reports.
    "latency": Run(
        "latency",
        full=("--rate", "200", "--duration", "300", "--wait", "900", "--background", "100000"),
    ),
    # Live alerts while an import runs on the bulk lane (the issue: 100,000 reports), apart from
    # the load above so that neither slows the other's figures.
    "live_beside_import": Run(
        "latency",
        quick=("--bulk", "5000", "--duration", "0"),
        # 31 planted alerts live, not 6, for a p99 that is not just the largest of a few.
        full=("--bulk", "100000", "--duration", "0", "--wait", "600", "--idle-reports", "2000"),
    ),
    "analyst": Run("analyst", full=("--reports", "1000000")),
    "growth": Run("growth", full=("--large", "1000000")),
    "alert_workers": Run("alert_workers", full=("--reports", "10000")),
    "resolution_speed": Run("resolution_speed", full=("--people", "1000000")),
    "kafka_security": Run("kafka_security", full=("--messages", "50000", "--rounds", "3")),
}

PROFILED = ("ingest", "linking", "latency")


def _machine() -> list[str]:
    def run(*command: str) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, check=False).stdout
        except OSError:
            return "(unavailable)\n"

    return [
        f"date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"command: {shlex.join([Path(sys.executable).name, '-m', 'bench', *sys.argv[1:]])}",
        f"host: {platform.node()} {platform.platform()}, Python {platform.python_version()}",
        f"nproc: {run('nproc').strip()}",
        f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "free -g:",
        *("  " + line for line in run("free", "-g").splitlines()),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the issue's sizes (1M reports)")
    parser.add_argument("--only", choices=RUNS, action="append", help="run only these")
    parser.add_argument("--profile", action="store_true", help="py-spy where it applies")
    args = parser.parse_args()
    log_dir = ROOT / "test-artifacts"
    log_dir.mkdir(exist_ok=True)
    log = log_dir / f"bench-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.txt"
    figures = log.with_suffix(".figures.jsonl")
    failed = []
    with log.open("w") as out:

        def say(line: str) -> None:
            print(line, flush=True)
            out.write(line + "\n")
            out.flush()

        for line in _machine():
            say(line)
        for name in args.only or RUNS:
            run = RUNS[name]
            command = [sys.executable, "-m", f"bench.{run.script}"]
            command += run.full if args.full else run.quick
            command += ["--profile"] if args.profile and run.script in PROFILED else []
            say(f"\n== {shlex.join(['python', *command[1:]])}")
            began = time.monotonic()
            with subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1", targets.FIGURES_FILE: str(figures)},
            ) as process:
                for line in process.stdout or ():
                    say(line.rstrip("\n"))
            say(f"(exit {process.returncode}, {time.monotonic() - began:.0f}s)")
            if process.returncode:
                failed.append(name)
        say(f"\nissue 17's targets, {'full' if args.full else 'quick'} sizes:")
        for line in targets.table(targets.read_figures(figures)):
            say("  " + line)
        say(f"\nkept in {log.relative_to(ROOT)} (figures: {figures.relative_to(ROOT)})")
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
