"""The person-matching model as data: m and u probabilities per comparison level, thresholds.

Fellegi-Sunter: for a pair of records, m is how often a true match shows a level (the given
names are a typo of each other), u how often a random pair of different people does; the level
adds log2(m / u) to the pair's match weight. The values live in `resolution_model.json`,
versioned, so `tessera resolution train` can write them from the graph's own mentions and the
worker load them without a code change. It is read once per process.
"""

import math
from functools import lru_cache
from pathlib import Path
from typing import Self

from nicknames import NickNamer
from pydantic import BaseModel, ConfigDict, Field, model_validator

MODEL_FILE = Path(__file__).with_name("resolution_model.json")

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


class MatchModel(BaseModel):
    """A versioned matching model, as resolution_model.json holds it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1)
    written_by: str = ""
    prior_match_weight: float
    prior_note: str = ""
    thresholds: Thresholds
    comparisons: dict[str, Comparison]

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

    def probability(self, weight: float) -> float:
        """The match probability of a pair with this match weight, after the prior."""
        return 1 / (1 + 2 ** -(weight + self.prior_match_weight))


def load_model(path: Path) -> MatchModel:
    """Read and validate a model file."""
    return MatchModel.model_validate_json(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_model() -> MatchModel:
    """The model shipped beside the code, read once per process."""
    return load_model(MODEL_FILE)


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
