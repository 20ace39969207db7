"""The person-matching model as data: m and u probabilities per comparison level, thresholds.

Fellegi-Sunter: for a pair of records, m is how often a true match shows a level (the given
names are a typo of each other), u how often a random pair of different people does; the level
adds log2(m / u) to the pair's match weight. The values live in a versioned model file:
`resolution_model.json` beside this module (hand-set), or one `tessera resolution train` wrote
from the graph's own mentions, named by NETWORK_RESOLUTION_MODEL. It is read once per process.

Term frequencies: an exact given name or surname that many people share says less than a rare
one. A model may list the names at least `min_people` people share, each with its frequency
(tf); an exact match on a listed name weighs log2(m / tf) instead of log2(m / u), never more
than the level's own weight and never more than `max_penalty` bits less. A name not listed
(fewer people have it) keeps the level's weight, so no rare name, which could point to a child,
is ever written to a model file.
"""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Self

from nicknames import NickNamer
from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.network.config import get_settings

MODEL_FILE = Path(__file__).with_name("resolution_model.json")
# The comparisons whose exact level term frequencies adjust.
TF_COMPARISONS = ("given_name", "surname")

# The comparisons and levels matching.py computes: a model file must give each of them.
LEVELS: dict[str, tuple[str, ...]] = {
    "given_name": ("exact", "nickname", "typo", "initial", "different", "missing"),
    "surname": ("exact", "typo1", "typo2", "similar", "different", "missing"),
    "date_of_birth": (
        "exact",
        "one_digit",
        "transposed",
        "day_month_swapped",
        "same_year",
        "missing",
    ),
    "identifiers": ("agree", "missing"),
    "phones": ("agree", "disagree", "missing"),
    "handles": ("agree", "disagree", "missing"),
    "postcode": ("exact", "district", "different", "missing"),
    "address": ("exact", "similar", "different", "missing"),
    "nickname": ("agree", "missing"),
}


class Level(BaseModel):
    """One level of a comparison: how often true matches and random pairs show it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    m: float = Field(gt=0, le=1)
    u: float = Field(gt=0, le=1)
    note: str = ""

    @property
    def weight(self) -> float:
        """log2(m / u): what this level adds to a pair's match weight."""
        return math.log2(self.m / self.u)


class Comparison(BaseModel):
    """A field compared between two records, and its levels."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    levels: dict[str, Level]


class Thresholds(BaseModel):
    """Match weights at which a pair merges, or is put to an analyst."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    merge: float
    candidate: float
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.candidate >= self.merge:
            raise ValueError("the candidate threshold must be below the merge threshold")
        return self


class TermFrequencies(BaseModel):
    """How common each name at least `min_people` people share is, by comparison."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_people: int = Field(ge=2)
    max_penalty: float = Field(ge=0, description="bits an exact name loses at most")
    note: str = ""
    given_name: dict[str, float] = Field(default_factory=dict)
    surname: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _frequencies(self) -> Self:
        for comparison in TF_COMPARISONS:
            if bad := [n for n, f in getattr(self, comparison).items() if not 0 < f <= 1]:
                raise ValueError(f"{comparison} frequencies must be in (0, 1]: {bad[:3]}")
        return self

    def frequency(self, comparison: str, value: str) -> float | None:
        """The share of records naming this value, if it is listed."""
        table: dict[str, float] = getattr(self, comparison, {})
        return table.get(value)


class MatchModel(BaseModel):
    """A versioned matching model, as resolution_model.json holds it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1)
    written_by: str = ""
    prior_match_weight: float
    prior_note: str = ""
    thresholds: Thresholds
    comparisons: dict[str, Comparison]
    term_frequencies: TermFrequencies | None = None

    @model_validator(mode="after")
    def _complete(self) -> Self:
        for name, levels in LEVELS.items():
            comparison = self.comparisons.get(name)
            if comparison is None:
                raise ValueError(f"the model has no comparison {name!r}")
            if missing := [lv for lv in levels if lv not in comparison.levels]:
                raise ValueError(f"comparison {name!r} lacks levels {missing}")
        return self

    def weight(self, comparison: str, level: str) -> float:
        """The match weight a comparison's level adds."""
        return self.comparisons[comparison].levels[level].weight

    def value_weight(self, comparison: str, level: str, value: str | None) -> float:
        """The weight of a level for the value both sides share: an exact given name or
        surname that is common weighs log2(m / tf), bounded by the level's weight above and
        `max_penalty` below; anything else the level's weight."""
        weight = self.weight(comparison, level)
        tf = self.term_frequencies
        if tf is None or level != "exact" or value is None or comparison not in TF_COMPARISONS:
            return weight
        frequency = tf.frequency(comparison, value)
        if frequency is None:
            return weight
        m = self.comparisons[comparison].levels[level].m
        return max(weight - tf.max_penalty, min(weight, math.log2(m / frequency)))

    def probability(self, weight: float) -> float:
        """The match probability of a pair with this match weight, after the prior."""
        return 1 / (1 + 2 ** -(weight + self.prior_match_weight))


def load_model(path: Path) -> MatchModel:
    """Read and validate a model file."""
    return MatchModel.model_validate_json(path.read_text(encoding="utf-8"))


def model_path() -> Path:
    """The model file the network processes use: NETWORK_RESOLUTION_MODEL, else the shipped one."""
    configured = get_settings().network_resolution_model
    return Path(configured) if configured else MODEL_FILE


@lru_cache(maxsize=1)
def _configured_model() -> MatchModel:
    return load_model(model_path())


_in_use: list[MatchModel] = []


def default_model() -> MatchModel:
    """The model in use: the file NETWORK_RESOLUTION_MODEL names (else the shipped one), read
    once per process, unless `model_in_use` lends another."""
    return _in_use[-1] if _in_use else _configured_model()


@contextmanager
def model_in_use(model: MatchModel) -> Iterator[MatchModel]:
    """Score with this model instead, within the block (the bench and `tessera resolution
    evaluate --model` run the production resolver with a model file they were given)."""
    _in_use.append(model)
    try:
        yield model
    finally:
        _in_use.pop()


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=65536)
def related_names(name: str) -> frozenset[str]:
    """Names the nicknames table relates to this one: its nicknames, the names it is a nickname
    of, and their other nicknames (Bill, Billy and Will are all William)."""
    namer = _namer()
    formal = namer.canonicals_of(name)
    related = set(namer.nicknames_of(name)) | formal
    for canonical in formal:
        related |= namer.nicknames_of(canonical)
    related.discard(name)
    return frozenset(related)
