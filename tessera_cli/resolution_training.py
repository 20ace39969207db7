"""`tessera resolution train`: the person-matching model's m and u probabilities, estimated with
Splink (DuckDB backend) from person mentions, written as a new versioned model file.

The mentions are the graph's own (each MENTIONS as its report said it: name, nicknames, date of
birth or age, home address and postcode, identifiers, and the phones and handles it gave), or
a CSV in the layout `tessera resolution evaluate` reads. Nothing is learnt from labels: the CSV's
entity_id, like the graph's person id, only counts how many people share a name.

Splink compares records with the worker's own levels: a DuckDB function computes each field's
level with `matching.compare`, as the worker does (the nicknames table, the typo rules, swapped
and joined names), so each Splink comparison level is one of ours (resolution_model.LEVELS).
Splink also sees the levels the worker does not weigh (a conflict, which is a veto; two
different nicknames, which say nothing), so that its estimates of the others are right; those
are not written. u: random sampling of record pairs; m: expectation-maximisation on pairs
blocked by date of birth, then by the same full name (a session cannot estimate the comparisons
its blocking rule uses; each is estimated in the other). A level Splink never saw keeps the base
model's values, and its note says so. Prior and thresholds are kept from the base model.

Term frequencies: Splink's, of the first given name and the surname (the share of mentions
naming each), with the exact levels adjusted by them; the model file keeps only the names at
least `min_people` people share (see resolution_model).
"""

import json
import logging
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import duckdb.func as duckdb_func
import pyarrow as pa
import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from neo4j import Driver, RoutingControl
from splink import DuckDBAPI, Linker, SettingsCreator

from common.private_files import write_private
from schemas.entities import identifier_keys
from schemas.graph import evidence_fields
from schemas.identifiers.names import name_tokens
from services.network.matching import PersonFacts, compare, facts_of
from services.network.resolution_model import (
    LEVELS,
    Comparison,
    Level,
    MatchModel,
    TermFrequencies,
)
from tessera_cli import queries
from tessera_cli.resolution_evaluation import facts_for, read_records

# Names fewer people than this share are never written to a model file: a name ten or more
# people have points to none of them (the order of the small-number rules official statistics
# publish under), and with fewer its frequency is one family's records, not a population's.
MIN_PEOPLE = 10
# An exact match on the commonest name still counts: it loses at most this many bits.
MAX_PENALTY = 5.0
# Pairs Splink compares to estimate u, and at most in each EM session (it samples beyond).
MAX_PAIRS = 1_000_000
MAX_MENTIONS = 1_000_000
SEED = 1

# The record columns each comparison reads: a blocking rule on one of them stops that
# comparison being estimated in its session (Splink's rule).
COLUMNS: dict[str, tuple[str, ...]] = {
    "given_name": ("names", "nicknames"),
    "surname": ("names", "nicknames"),
    "date_of_birth": ("date_of_birth", "birth_year"),
    "identifiers": ("identifiers",),
    "phones": ("phones",),
    "handles": ("handles",),
    "postcode": ("postcodes", "addresses"),
    "address": ("addresses",),
    "nickname": ("nicknames",),
}
# Levels Splink must tell apart that the worker does not weigh.
EXTRA_LEVELS: dict[str, tuple[str, ...]] = {
    "date_of_birth": ("conflict",),
    "identifiers": ("conflict",),
    "nickname": ("disagree",),
}
MISSING = "missing"
TF_COLUMNS = {"given_name": "given", "surname": "surname"}
BLOCKING_RULES = ("l.date_of_birth = r.date_of_birth", "l.names = r.names")
RECORD_SCHEMA = pa.schema(
    [("unique_id", pa.int64())]
    + [(c, pa.string()) for c in dict.fromkeys(c for cols in COLUMNS.values() for c in cols)]
    + [(c, pa.string()) for c in TF_COLUMNS.values()]
)
LEVEL_FUNCTION = "tessera_level"


class TrainingError(ValueError):
    """The mentions cannot train a model: too few, or none Splink could compare."""


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    """One person mention and whom it is (only to count the people sharing a name)."""

    person: str
    facts: PersonFacts


@dataclass(frozen=True, slots=True)
class LevelSource:
    """Where a written level's m and u came from."""

    comparison: str
    level: str
    m_estimated: bool
    u_estimated: bool


@dataclass(frozen=True, slots=True)
class Trained:
    """A trained model and how it was made."""

    model: MatchModel
    records: int
    people: int
    sources: tuple[LevelSource, ...]
    sessions: tuple[str, ...]  # the EM blocking rules that ran
    skipped_sessions: tuple[str, ...]  # those that found no pairs or failed, with why
    term_frequencies: dict[str, int]  # names kept per comparison
    min_people: int  # people a kept name is shared by at least

    @property
    def kept(self) -> list[LevelSource]:
        """Levels that kept a base value for m or u."""
        return [s for s in self.sources if not (s.m_estimated and s.u_estimated)]


# ---------------------------------------------------------------- reading mentions


def records_from_csv(path: Path) -> list[TrainingRecord]:
    """A labelled CSV's records (the evaluate layout); the label counts people, nothing else."""
    return [
        TrainingRecord(person=r.entity_id, facts=facts_for(r.person())) for r in read_records(path)
    ]


def mention_facts(row: dict[str, Any]) -> PersonFacts:
    """What matching compares of one mention, as TRAINING_MENTIONS returns it."""
    born, contacts = row.get("date_of_birth"), list(row.get("contacts") or [])
    return facts_of(
        name=row.get("name"),
        aliases=[],
        nicknames=list(row.get("nicknames") or []),
        date_of_birth=date.fromisoformat(born) if born else None,
        estimated_age=row.get("age"),
        observed_on=date.fromisoformat(row["observed_on"]),
        phones=[c.removeprefix("phone:") for c in contacts if c.startswith("phone:")],
        handles=[c.removeprefix("handle:") for c in contacts if c.startswith("handle:")],
        identifiers=identifier_keys(
            nhs_number=row.get("nhs_number"),
            upn=row.get("upn"),
            pnc_id=row.get("pnc_id"),
            pnd_id=row.get("pnd_id"),
            la_child_id=row.get("la_child_id"),
            home_local_authority=row.get("home_local_authority"),
        ),
        home_postcode=row.get("home_postcode"),
        home_address=row.get("home_address"),
    )


def records_from_graph(
    driver: Driver, *, database: str, limit: int = MAX_MENTIONS
) -> list[TrainingRecord]:
    """The graph's person mentions (of reports not retracted), the latest `limit` of them."""
    rows, _, _ = driver.execute_query(
        queries.TRAINING_MENTIONS,
        limit=limit,
        evidence=evidence_fields(),
        database_=database,
        routing_=RoutingControl.READ,
    )
    return [TrainingRecord(person=row["person"], facts=mention_facts(row.data())) for row in rows]


# ---------------------------------------------------------------- records as Splink sees them


def _json(values: Iterable[str]) -> str | None:
    listed = sorted(values) if isinstance(values, frozenset) else list(values)
    return json.dumps(listed) if listed else None


def _first_form(facts: PersonFacts) -> tuple[str | None, str | None]:
    """The first given name and the surname of the mention's first full name."""
    for name in facts.names:
        tokens = name_tokens(name)
        if len(tokens) >= 2:
            return tokens[0], tokens[-1]
    return None, None


def splink_row(index: int, facts: PersonFacts) -> dict[str, Any]:
    """One record: each column a comparison reads (JSON lists, None when empty), and the
    names term frequencies count."""
    given, surname = _first_form(facts)
    return {
        "unique_id": index,
        "names": _json(facts.names),
        "nicknames": _json(facts.nicknames),
        "date_of_birth": facts.date_of_birth.isoformat() if facts.date_of_birth else None,
        "birth_year": None if facts.birth_year is None else str(facts.birth_year),
        "identifiers": _json(facts.identifiers),
        "phones": _json(facts.phones),
        "handles": _json(facts.handles),
        "postcodes": _json(facts.postcodes),
        "addresses": _json(facts.addresses),
        "given": given,
        "surname": surname,
    }


def _loads(value: str | None) -> list[str]:
    return list(json.loads(value)) if value else []


@lru_cache(maxsize=1 << 16)
def _partial_facts(columns: tuple[str, ...], values: tuple[str | None, ...]) -> PersonFacts:
    cells = dict(zip(columns, values, strict=True))
    born, year = cells.get("date_of_birth"), cells.get("birth_year")
    return PersonFacts(
        names=tuple(_loads(cells.get("names"))),
        nicknames=tuple(_loads(cells.get("nicknames"))),
        date_of_birth=date.fromisoformat(born) if born else None,
        birth_year=int(year) if year else None,
        phones=frozenset(_loads(cells.get("phones"))),
        handles=frozenset(_loads(cells.get("handles"))),
        identifiers=frozenset(_loads(cells.get("identifiers"))),
        postcodes=frozenset(_loads(cells.get("postcodes"))),
        addresses=tuple(_loads(cells.get("addresses"))),
    )


LevelFunction = Callable[[str, tuple[str | None, ...], tuple[str | None, ...]], str]


def level_function(model: MatchModel) -> LevelFunction:
    """The comparison level of two records' columns for one comparison, as the worker computes
    it (matching.compare on the facts those columns hold), with the levels only Splink needs."""

    # Given name and surname read the same columns: their levels come from one alignment.
    @lru_cache(maxsize=1 << 18)
    def levels(
        columns: tuple[str, ...], left: tuple[str | None, ...], right: tuple[str | None, ...]
    ) -> dict[str, str]:
        a, b = _partial_facts(columns, left), _partial_facts(columns, right)
        found = compare(a, b, model=model)
        if found["nickname"] == MISSING and a.nicknames and b.nicknames:
            found["nickname"] = "disagree"
        return found

    def level(comparison: str, left: tuple[str | None, ...], right: tuple[str | None, ...]) -> str:
        return levels(COLUMNS[comparison], left, right)[comparison]

    return level


def _register_level_function(con: duckdb.DuckDBPyConnection, model: MatchModel) -> None:
    level = level_function(model)

    def batch(comparisons: pa.Array, lefts: pa.Array, rights: pa.Array) -> pa.Array:
        return pa.array(
            [
                level(c, tuple(a), tuple(b))
                for c, a, b in zip(
                    comparisons.to_pylist(), lefts.to_pylist(), rights.to_pylist(), strict=True
                )
            ],
            pa.string(),
        )

    con.create_function(
        LEVEL_FUNCTION,
        batch,
        ["VARCHAR", "VARCHAR[]", "VARCHAR[]"],
        "VARCHAR",
        type=duckdb_func.ARROW,  # a batch at a time
        null_handling=duckdb_func.SPECIAL,  # a missing value is a level too
    )


def _condition(comparison: str, level: str) -> str:
    columns = COLUMNS[comparison]
    left = ", ".join(f"{c}_l" for c in columns)
    right = ", ".join(f"{c}_r" for c in columns)
    return f"{LEVEL_FUNCTION}('{comparison}', [{left}], [{right}]) = '{level}'"


def splink_comparison(comparison: str) -> cl.CustomComparison:
    """One of our comparisons as Splink's: a level per level of ours (missing is its null
    level), then those the worker does not weigh; exact names carry term frequencies."""
    names = [lv for lv in LEVELS[comparison] if lv != MISSING] + list(
        EXTRA_LEVELS.get(comparison, ())
    )
    levels: list[Any] = [  # Splink types the list as its creators or dicts
        cll.CustomLevel(_condition(comparison, MISSING), MISSING).configure(is_null_level=True)
    ]
    for name in names:
        level = cll.CustomLevel(_condition(comparison, name), name)
        if name == "exact" and comparison in TF_COLUMNS:
            level.configure(
                tf_adjustment_column=TF_COLUMNS[comparison],
                tf_adjustment_weight=1.0,
                # Our exact level is not one column's equality (names align, swap, join).
                disable_tf_exact_match_detection=True,
            )
        levels.append(level)
    return cl.CustomComparison(comparison_levels=levels, output_column_name=comparison)


# ---------------------------------------------------------------- training


@contextmanager
def _quiet_splink() -> Iterator[None]:
    """Splink logs each step and each level it cannot estimate; the trainer reports those."""
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _has_data(rows: list[dict[str, Any]], comparison: str) -> bool:
    column = COLUMNS[comparison][0]
    return sum(1 for row in rows if row[column] is not None) >= 2


def _people_per_name(records: Sequence[TrainingRecord]) -> dict[str, dict[str, int]]:
    people: dict[str, dict[str, set[str]]] = {c: defaultdict(set) for c in TF_COLUMNS}
    for record in records:
        given, surname = _first_form(record.facts)
        for comparison, value in (("given_name", given), ("surname", surname)):
            if value is not None:
                people[comparison][value].add(record.person)
    return {c: {v: len(p) for v, p in values.items()} for c, values in people.items()}


def _estimated(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and 0 < value <= 1 else None


def _level(
    comparison: str, name: str, base: Level, trained: dict[str, Any], how: str
) -> tuple[Level, LevelSource]:
    m, u = _estimated(trained.get("m_probability")), _estimated(trained.get("u_probability"))
    source = LevelSource(comparison, name, m is not None, u is not None)
    if m is not None and u is not None:
        note = f"{how}; Splink saw this level"
    elif m is None and u is None:
        note = f"hand-set, kept: Splink never saw this level ({base.note})"
    else:
        kept = "m" if m is None else "u"
        note = f"{how}, but {kept} hand-set, kept: Splink could not estimate it ({base.note})"
    return Level(m=m if m is not None else base.m, u=u if u is not None else base.u, note=note), (
        source
    )


def _term_frequencies(
    linker: Linker, records: Sequence[TrainingRecord], *, min_people: int
) -> TermFrequencies:
    people = _people_per_name(records)
    tables: dict[str, dict[str, float]] = {}
    for comparison, column in TF_COLUMNS.items():
        rows = linker.table_management.compute_tf_table(column).as_record_list()
        tables[comparison] = {
            str(row[column]): round(float(row[f"tf_{column}"]), 6)
            for row in rows
            if people[comparison].get(str(row[column]), 0) >= min_people
        }
    return TermFrequencies(
        min_people=min_people,
        max_penalty=MAX_PENALTY,
        note=(
            f"Splink's term frequencies (share of the training mentions naming each first given "
            f"name and surname), only for names at least {min_people} people share: no rarer "
            "name is written here. A listed name's exact match weighs log2(m / tf), at most "
            f"the level's weight and at least {MAX_PENALTY:g} bits less."
        ),
        given_name=dict(sorted(tables["given_name"].items())),
        surname=dict(sorted(tables["surname"].items())),
    )


def train(
    records: Sequence[TrainingRecord],
    *,
    base: MatchModel,
    version: str,
    written_by: str,
    max_pairs: int = MAX_PAIRS,
    seed: int = SEED,
    min_people: int = MIN_PEOPLE,
) -> Trained:
    """Estimate the model's m and u with Splink from the mentions (the base model's alignment
    of names, prior, thresholds and the values of levels Splink cannot see)."""
    if len(records) < 10:
        raise TrainingError(f"{len(records)} mentions: too few to train a model on")
    rows = [splink_row(i, r.facts) for i, r in enumerate(records)]
    used = [c for c in LEVELS if _has_data(rows, c)]
    if not {"given_name", "surname"} <= set(used):
        raise TrainingError("the mentions give no full names to compare")
    con = duckdb.connect()
    _register_level_function(con, base)
    db_api = DuckDBAPI(connection=con)
    table = db_api.register(pa.Table.from_pylist(rows, schema=RECORD_SCHEMA))
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[splink_comparison(c) for c in used],
        probability_two_random_records_match=min(0.5, 2 / len(records)),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    sessions: list[str] = []
    skipped: list[str] = []
    with _quiet_splink():
        linker = Linker(table, settings, log_level=logging.ERROR)
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        for rule in BLOCKING_RULES:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, max_pairs=max_pairs
                )
            except Exception as error:  # noqa: BLE001 - Splink raises several kinds; reported
                skipped.append(f"{rule}: {str(error).splitlines()[0][:200]}")
            else:
                sessions.append(rule)
        estimated = linker.misc.save_model_to_json()
        tf = _term_frequencies(linker, records, min_people=min_people)
    by_label = {
        c["output_column_name"]: {lv.get("label_for_charts"): lv for lv in c["comparison_levels"]}
        for c in estimated["comparisons"]
    }
    how = (
        f"Splink {splink.__version__}: u by random sampling (seed {seed}), m by "
        "expectation-maximisation"
    )
    comparisons: dict[str, Comparison] = {}
    sources: list[LevelSource] = []
    for name, base_comparison in base.comparisons.items():
        levels: dict[str, Level] = {}
        for level_name, base_level in base_comparison.levels.items():
            if level_name == MISSING:
                levels[level_name] = base_level
                continue
            level, source = _level(
                name, level_name, base_level, by_label.get(name, {}).get(level_name, {}), how
            )
            levels[level_name] = level
            sources.append(source)
        comparisons[name] = Comparison(description=base_comparison.description, levels=levels)
    people = len({r.person for r in records})
    model = MatchModel(
        version=version,
        written_by=written_by,
        prior_match_weight=base.prior_match_weight,
        prior_note=f"kept from {base.version}: {base.prior_note}",
        thresholds=base.thresholds.model_copy(
            update={"note": f"kept from {base.version}: {base.thresholds.note}"}
        ),
        comparisons=comparisons,
        term_frequencies=tf,
    )
    return Trained(
        model=model,
        records=len(records),
        people=people,
        sources=tuple(sources),
        sessions=tuple(sessions),
        skipped_sessions=tuple(skipped),
        term_frequencies={"given_name": len(tf.given_name), "surname": len(tf.surname)},
        min_people=min_people,
    )


# ---------------------------------------------------------------- the file


def next_version(directory: Path, *, today: date) -> str:
    """`<date>.splink.<n>`: one more than the model files already in the directory that day."""
    prefix = f"{today.isoformat()}.splink."
    taken = [0]
    for path in directory.glob("*.json") if directory.is_dir() else []:
        try:
            version = str(json.loads(path.read_text(encoding="utf-8")).get("version", ""))
        except (OSError, ValueError, AttributeError):
            continue
        if version.startswith(prefix) and (n := version.removeprefix(prefix)).isdigit():
            taken.append(int(n))
    return f"{prefix}{max(taken) + 1}"


def model_file_name(version: str) -> str:
    """The file a version is written to by default."""
    return f"resolution_model.{re.sub(r'[^0-9A-Za-z.-]', '_', version)}.json"


def write_model(model: MatchModel, path: Path) -> None:
    """Write the model as JSON, checked first; a new file only its owner may read (it is made
    from intelligence: common names and how partners' records differ)."""
    text = json.dumps(model.model_dump(mode="json", exclude_none=True), indent=2) + "\n"
    MatchModel.model_validate_json(text)
    write_private(path, text)


def level_weights(model: MatchModel) -> dict[str, dict[str, float]]:
    """Each comparison's level weights, for a summary."""
    return {
        name: {level: round(math.log2(v.m / v.u), 2) for level, v in comparison.levels.items()}
        for name, comparison in model.comparisons.items()
    }
