"""`tessera resolution train`: Splink estimates the matching model from mentions (issue 15).

Every person, name, date and address here is invented (the bench's corruption model).
"""

import json
import math
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.resolution_quality import population, records
from services.network import resolution_model
from services.network.config import get_settings
from services.network.matching import facts_of, score
from services.network.resolution_model import (
    MatchModel,
    TermFrequencies,
    default_model,
    load_model,
    model_in_use,
)
from tessera_cli.main import app
from tessera_cli.resolution_evaluation import write_records
from tessera_cli.resolution_training import (
    COLUMNS,
    Trained,
    TrainingError,
    TrainingRecord,
    level_function,
    next_version,
    records_from_csv,
    splink_row,
    train,
)

PAIRS = 20_000
DAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def labelled_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(11)  # noqa: S311 - synthetic data
    path = tmp_path_factory.mktemp("training") / "labelled.csv"
    write_records(path, records(population(400, rng), rng))
    return path


@pytest.fixture(scope="module")
def trained(labelled_csv: Path) -> Trained:
    return train(
        records_from_csv(labelled_csv),
        base=default_model(),
        version="test.splink.1",
        written_by="a unit test",
        max_pairs=PAIRS,
        min_people=5,
    )


def test_training_gives_a_valid_model_whose_levels_are_in_order(trained: Trained) -> None:
    model = MatchModel.model_validate_json(trained.model.model_dump_json())
    assert trained.sessions == ("l.date_of_birth = r.date_of_birth", "l.names = r.names")

    def w(comparison: str, level: str) -> float:
        return model.weight(comparison, level)

    assert w("given_name", "exact") > w("given_name", "typo") > w("given_name", "different")
    assert w("given_name", "nickname") > 0 > w("given_name", "different")
    assert w("surname", "exact") > w("surname", "typo1") > w("surname", "different")
    assert w("surname", "typo2") > w("surname", "different")
    assert w("date_of_birth", "exact") > w("date_of_birth", "one_digit") > 0
    # Siblings share a home exactly, so an exact address need not outweigh a similar one.
    assert min(w("address", "exact"), w("address", "similar")) > 0 > w("address", "different")


def test_levels_splink_saw_are_estimated_the_others_keep_the_hand_set_values(
    trained: Trained,
) -> None:
    base, model = default_model(), trained.model
    exact = model.comparisons["given_name"].levels["exact"]
    assert exact != base.comparisons["given_name"].levels["exact"]
    assert "Splink" in exact.note and "expectation-maximisation" in exact.note
    # The bench's records carry no identifiers and no phones: nothing to estimate them from.
    for comparison, level in (("identifiers", "agree"), ("phones", "agree")):
        kept = model.comparisons[comparison].levels[level]
        hand_set = base.comparisons[comparison].levels[level]
        assert (kept.m, kept.u) == (hand_set.m, hand_set.u)
        assert kept.note.startswith("hand-set, kept")
    assert {(s.comparison, s.level) for s in trained.kept} >= {
        ("identifiers", "agree"),
        ("phones", "agree"),
    }
    assert model.thresholds.merge == base.thresholds.merge
    assert model.prior_match_weight == base.prior_match_weight


def test_only_names_enough_people_share_are_written(labelled_csv: Path, trained: Trained) -> None:
    people: dict[str, set[str]] = defaultdict(set)
    for record in records_from_csv(labelled_csv):
        row = splink_row(0, record.facts)
        if row["surname"] is not None:
            people[row["surname"]].add(record.person)
    tf = trained.model.term_frequencies
    assert tf is not None and tf.min_people == 5
    assert tf.surname, "the bench's commonest surnames are shared by more than five people"
    assert all(len(people[name]) >= 5 for name in tf.surname)
    rare = [name for name, who in people.items() if len(who) < 5]
    assert rare and not set(rare) & set(tf.surname)
    assert all(0 < f < 1 for f in tf.surname.values())


def test_splink_compares_with_the_workers_own_levels() -> None:
    level = level_function(default_model())

    def row(name: str, born: date | None = None) -> dict[str, str | None]:
        facts = facts_of(
            name=name,
            aliases=[],
            nicknames=[],
            date_of_birth=born,
            estimated_age=None,
            observed_on=DAY,
            phones=[],
            handles=[],
        )
        return splink_row(0, facts)

    def levels(a: dict[str, str | None], b: dict[str, str | None], comparison: str) -> str:
        columns = COLUMNS[comparison]
        return level(comparison, tuple(a[c] for c in columns), tuple(b[c] for c in columns))

    written, swapped = row("Dean Walsh", date(2011, 3, 4)), row("Walsh Dean", date(2011, 4, 3))
    assert levels(written, swapped, "given_name") == "exact"  # aligned as the worker aligns
    assert levels(written, swapped, "date_of_birth") == "day_month_swapped"
    assert levels(row("Dean Walsh"), row("Daen Walsh"), "given_name") == "typo"
    assert levels(row("Bill Walsh"), row("William Walsh"), "given_name") == "nickname"
    assert levels(written, row("Dean Walsh", date(2012, 9, 9)), "date_of_birth") == "conflict"


def test_too_few_mentions_train_nothing() -> None:
    facts = facts_of(
        name="Ada Synth",
        aliases=[],
        nicknames=[],
        date_of_birth=None,
        estimated_age=None,
        observed_on=DAY,
        phones=[],
        handles=[],
    )
    with pytest.raises(TrainingError, match="too few"):
        train(
            [TrainingRecord("p1", facts)] * 3,
            base=default_model(),
            version="v",
            written_by="",
        )


# ---------------------------------------------------------------- term frequencies at scoring


def _with_frequencies(**tables: dict[str, float]) -> MatchModel:
    tf = TermFrequencies(min_people=10, max_penalty=3.0, **tables)
    return default_model().model_copy(update={"term_frequencies": tf})


def _named(name: str) -> tuple[float, float]:
    facts = facts_of(
        name=name,
        aliases=[],
        nicknames=[],
        date_of_birth=date(2011, 3, 4),
        estimated_age=None,
        observed_on=DAY,
        phones=[],
        handles=[],
    )
    model = _with_frequencies(given_name={"oliver": 0.02}, surname={"smith": 0.5})
    result = score(facts, facts, model=model)
    weights = {p.field: p.weight for p in result.levels}
    return weights["given_name"], weights["surname"]


def test_a_common_exact_name_counts_for_less() -> None:
    exact = default_model().comparisons["given_name"].levels["exact"]
    common_given, _ = _named("Oliver Synthwick")
    rare_given, rare_surname = _named("Zebedee Synthwick")
    assert rare_given == round(exact.weight, 2)  # not listed: the level's weight
    assert common_given == pytest.approx(math.log2(exact.m / 0.02), abs=0.01)
    assert common_given < rare_given
    # A very common surname loses no more than max_penalty bits.
    _, common_surname = _named("Zebedee Smith")
    assert common_surname == pytest.approx(rare_surname - 3.0, abs=0.01)


def test_a_listed_name_rarer_than_average_gains_nothing() -> None:
    model = _with_frequencies(given_name={"oliver": 1e-6})
    level = model.comparisons["given_name"].levels["exact"]
    assert model.value_weight("given_name", "exact", "oliver") == level.weight
    assert model.value_weight("given_name", "typo", "oliver") == model.weight("given_name", "typo")


def test_frequencies_must_be_shares() -> None:
    with pytest.raises(ValueError, match="frequencies"):
        TermFrequencies(min_people=10, max_penalty=3.0, surname={"smith": 1.5})


# ---------------------------------------------------------------- the file and the setting


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings and the model read afresh, and again after the test."""
    get_settings.cache_clear()
    resolution_model._configured_model.cache_clear()
    yield
    monkeypatch.delenv("NETWORK_RESOLUTION_MODEL", raising=False)
    get_settings.cache_clear()
    resolution_model._configured_model.cache_clear()


@pytest.fixture(scope="module")
def written(labelled_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The file `tessera resolution train --from-csv` wrote, and what it printed."""
    out = tmp_path_factory.mktemp("models") / "trained.json"
    result = CliRunner().invoke(
        app,
        ["resolution", "train", "--from-csv", str(labelled_csv), "--out", str(out)]
        + ["--max-pairs", str(PAIRS), "--min-people", "5"],
    )
    assert result.exit_code == 0, result.output
    return out, " ".join(result.output.split())


def test_the_train_command_writes_a_model_the_worker_loads(
    written: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, configured: None
) -> None:
    out, output = written
    model = load_model(out)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d\.splink\.1", model.version)
    assert "tessera resolution train" in model.written_by
    assert "--from-csv labelled.csv" in model.written_by
    assert model.term_frequencies is not None and model.term_frequencies.surname
    assert f"written to {out}" in output
    assert out.stat().st_mode & 0o077 == 0  # only its owner may read it

    monkeypatch.setenv("NETWORK_RESOLUTION_MODEL", str(out))
    get_settings.cache_clear()
    resolution_model._configured_model.cache_clear()
    assert default_model().version == model.version
    assert resolution_model.model_path() == out


def test_without_the_setting_the_worker_uses_the_shipped_model(configured: None) -> None:
    assert resolution_model.model_path() == resolution_model.MODEL_FILE
    assert default_model().version == load_model(resolution_model.MODEL_FILE).version


def test_a_model_can_be_lent_for_a_block() -> None:
    other = default_model().model_copy(update={"version": "lent"})
    with model_in_use(other):
        assert default_model().version == "lent"
    assert default_model().version != "lent"


def test_versions_count_up_within_a_day(tmp_path: Path) -> None:
    assert next_version(tmp_path, today=DAY) == "2026-11-23.splink.1"
    for n in (1, 4):
        (tmp_path / f"m{n}.json").write_text(json.dumps({"version": f"2026-11-23.splink.{n}"}))
    (tmp_path / "other.json").write_text(json.dumps({"version": "2026-11-22.splink.9"}))
    (tmp_path / "broken.json").write_text("{")
    assert next_version(tmp_path, today=DAY) == "2026-11-23.splink.5"


def test_evaluate_can_use_a_trained_model(labelled_csv: Path, written: tuple[Path, str]) -> None:
    out, _ = written
    result = CliRunner().invoke(
        app, ["resolution", "evaluate", str(labelled_csv), "--model", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["model"] == load_model(out).version


def test_a_file_that_is_no_model_is_refused(labelled_csv: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": "x"}))
    result = CliRunner().invoke(
        app, ["resolution", "train", "--from-csv", str(labelled_csv), "--base", str(bad)]
    )
    assert result.exit_code == 1
    assert "not a model file" in result.output
