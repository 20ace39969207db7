"""The CPU meter the latency and linking benches print: real /proc readings of real work."""

import os
import time

from bench.cpu import CpuMeter, Reading, budget, process_seconds, shares


def _spin(seconds: float) -> None:
    until = time.process_time() + seconds
    while time.process_time() < until:
        pass


def test_a_process_cpu_time_counts_the_work_it_did() -> None:
    before = process_seconds(os.getpid())
    _spin(0.3)
    after = process_seconds(os.getpid())
    assert before is not None and after is not None
    assert 0.25 <= after - before <= 1.0


def test_a_process_that_has_gone_reads_as_none() -> None:
    assert process_seconds(2**22 + 7) is None  # above pid_max's default range
    assert CpuMeter(pids={"gone": 2**22 + 7, "never": None}).read().processes == {
        "gone": None,
        "never": None,
    }


def test_the_budget_shares_the_cpu_out_by_report_and_compares_it_with_the_rate() -> None:
    cores = os.cpu_count() or 1
    before = Reading(processes={"worker": 10.0, "gone": 1.0}, busy=100.0, total=1000.0)
    after = Reading(
        processes={"worker": 14.0, "gone": None}, busy=100.0 + 6.0, total=1000.0 + 10.0 * cores
    )
    lines = budget(before, after, items=1000, rate=200.0)
    assert lines[0] == f"CPU over 10s on {cores} cores, 1,000 reports:"
    assert "4.00 ms a report" in lines[1] and "40% of a core" in lines[1]
    assert "not running throughout" in lines[2]
    assert "2.0s" in lines[3] and "2.00 ms a report" in lines[3]  # busy time no process explains
    assert (
        f"6.00 ms of CPU a report in all, against at most {1000 * cores / 200:.2f} ms" in lines[4]
    )
    assert f"(ratio {6.0 / 1000 * 200 / cores:.2f})" in lines[4]


def test_the_shares_say_what_part_of_a_core_each_process_took() -> None:
    cores = os.cpu_count() or 1
    before = Reading(processes={"worker": 10.0, "gone": 1.0}, busy=100.0, total=1000.0)
    after = Reading(
        processes={"worker": 14.0, "gone": None}, busy=100.0 + 5.0, total=1000.0 + 10.0 * cores
    )
    lines = shares(before, after)
    assert lines[0] == f"CPU over 10s on {cores} cores:"
    assert "4.0s" in lines[1] and "40% of a core" in lines[1]
    assert "not running throughout" in lines[2]
    assert "1.0s" in lines[3] and "10% of a core" in lines[3]  # busy time no process explains
    assert lines[4] == f"  machine busy {5.0 / (10.0 * cores):.0%} of its cores"
