"""The targets table `python -m bench` ends with: verdicts, sizes, and the figures' file."""

import math
from pathlib import Path

import pytest

from bench.targets import FIGURES_FILE, TARGETS, measured, read_figures, table


def test_a_bound_from_above_is_met_at_or_below_it() -> None:
    e2e = TARGETS["end_to_end"]
    at_size = {"reports/s": 200, "seconds": 300}
    assert e2e.verdict(2.0, at_size) == "met"
    assert e2e.verdict(2.01, at_size) == "NOT met"


def test_a_bound_from_below_is_met_at_or_above_it() -> None:
    rate = TARGETS["linking_rate"]
    assert rate.verdict(2000, {}) == "met"
    assert rate.verdict(1999, {}) == "NOT met"


def test_a_run_smaller_than_the_target_neither_meets_nor_misses_it() -> None:
    verdict = TARGETS["depth2_p99"].verdict(50.0, {"reports": 100_000})
    assert verdict == "smaller than the target's size (reports 100,000 of 1,000,000)"
    e2e = TARGETS["end_to_end"].verdict(0.5, {"reports/s": 50, "seconds": 300})
    assert e2e == "smaller than the target's size (reports/s 50 of 200)"


def test_a_load_a_little_short_of_its_aim_is_at_the_targets_size() -> None:
    assert TARGETS["end_to_end"].verdict(3.0, {"reports/s": 197, "seconds": 300}) == "NOT met"


def test_no_figure_and_a_target_without_a_limit() -> None:
    assert TARGETS["path_p99"].verdict(math.nan, {"reports": 1_000_000}) == "no figure"
    assert TARGETS["two_alert_workers"].verdict(1.2, {}) == "reported"


def test_figures_reach_the_table_through_the_runs_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bench.figures.jsonl"
    monkeypatch.setenv(FIGURES_FILE, str(path))
    measured("linking_rate", 640.0, baseline="bulk write 1,300/s")
    measured("depth2_p99", 158.4, baseline="p99 88.7 ms at 10,000", at={"reports": 1_000_012})
    printed = capsys.readouterr().out
    assert "target: linking rate >= 2000 reports/s: 640.00 reports/s" in printed
    assert "(baseline: bulk write 1,300/s): NOT met" in printed

    figures = read_figures(path)
    assert [f.target for f in figures] == ["linking_rate", "depth2_p99"]
    lines = table(figures)
    assert lines[0].startswith("target")
    assert len(lines) == 1 + len(TARGETS)  # one row a target: a figure, or "not run"
    (depth2,) = [line for line in lines if line.startswith("depth-2")]
    assert "158.40 ms" in depth2 and "p99 88.7 ms at 10,000" in depth2
    assert depth2.endswith("NOT met")
    (path_row,) = [line for line in lines if line.startswith("shortest path")]
    assert "not run" in path_row


def test_without_a_runs_file_a_figure_is_only_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(FIGURES_FILE, raising=False)
    monkeypatch.chdir(tmp_path)
    measured("growth", 1.2, baseline="98.7 ms a report", at={"reports": 1_000_000})
    assert list(tmp_path.iterdir()) == []
    assert read_figures(tmp_path / "missing.jsonl") == []
