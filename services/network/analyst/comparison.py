"""Use case: why two people are, or are not, one person, as far as the caller may see.

The worker's own scoring (matching.score, with the model file's m and u values) runs on what
the reports the caller may see say of each person: every visible mention as its report said
it, and the phones and handles visible evidence links. So an analyst sees each field's level
and weight, the rule that stops a merge, and whether the pair would merge, be put to an analyst
or stay apart, without learning anything a report outside their rights states.
"""

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from common.auth import Principal
from common.visibility import audiences_of
from schemas.entities import identifier_keys
from services.network.analyst.ports import MatchFactsGraph
from services.network.matching import PersonFacts, facts_of, score
from services.network.pool import merged
from services.network.resolution_model import default_model


class NotVisible(Exception):
    """One of the two people does not exist, or no report the caller may see names them."""


class Outcome(StrEnum):
    """What the worker would do with the pair."""

    MERGE = "merge"
    CANDIDATE = "candidate"
    APART = "apart"


class Contribution(BaseModel):
    """One field's comparison level and the weight it adds (log2 of m/u)."""

    field: str
    level: str
    weight: float


class Comparison(BaseModel):
    """Why two people are, or are not, one person, on the facts the caller may see."""

    person_a: str
    person_b: str
    outcome: Outcome = Field(
        description="merge: the weight reaches the merge threshold and no rule stops it; "
        "candidate: it is put to an analyst; apart: neither."
    )
    weight: float = Field(description="The match weight: the sum of the contributions.")
    probability: float = Field(description="The match probability the weight gives.")
    merge_threshold: float
    candidate_threshold: float
    rule: str | None = Field(
        default=None, description="The rule that stops a merge (or a candidate), if one does."
    )
    contributions: list[Contribution]
    reasons: list[str] = Field(description="The same, as sentences for a reader.")
    model_version: str


def _mention_facts(mention: dict[str, Any]) -> PersonFacts:
    born = mention.get("date_of_birth")
    return facts_of(
        name=mention.get("name"),
        aliases=[],
        nicknames=list(mention.get("nicknames") or []),
        date_of_birth=date.fromisoformat(born) if born else None,
        estimated_age=mention.get("age"),
        observed_on=date.fromisoformat(mention["observed_on"]),
        phones=[],
        handles=[],
        identifiers=identifier_keys(
            nhs_number=mention.get("nhs_number"),
            upn=mention.get("upn"),
            pnc_id=mention.get("pnc_id"),
            pnd_id=mention.get("pnd_id"),
            la_child_id=mention.get("la_child_id"),
            home_local_authority=mention.get("home_local_authority"),
        ),
        home_postcode=mention.get("home_postcode"),
        home_address=mention.get("home_address"),
    )


def visible_facts(row: dict[str, Any]) -> PersonFacts:
    """What matching compares, from one person's visible mentions and contacts."""
    contacts: list[str] = list(row.get("contacts") or [])
    facts = PersonFacts(
        phones=frozenset(c.removeprefix("phone:") for c in contacts if c.startswith("phone:")),
        handles=frozenset(c.removeprefix("handle:") for c in contacts if c.startswith("handle:")),
    )
    for mention in row.get("mentions") or []:
        facts = merged(facts, _mention_facts(mention))
    return facts


def compare_people(
    graph: MatchFactsGraph, principal: Principal, *, person_a: str, person_b: str
) -> Comparison:
    """Score the two people as the worker would, on the facts the caller may see."""
    rows = {
        row["id"]: row
        for row in graph.person_match_facts(
            list(dict.fromkeys([person_a, person_b])), audiences=audiences_of(principal)
        )
    }
    if (
        person_a not in rows
        or person_b not in rows
        or not all(rows[p]["mentions"] for p in (person_a, person_b))
    ):
        raise NotVisible
    model = default_model()
    result = score(visible_facts(rows[person_b]), visible_facts(rows[person_a]), model=model)
    if result.certain:
        outcome = Outcome.MERGE
    elif result.candidate:
        outcome = Outcome.CANDIDATE
    else:
        outcome = Outcome.APART
    return Comparison(
        person_a=person_a,
        person_b=person_b,
        outcome=outcome,
        weight=result.weight,
        probability=result.value,
        merge_threshold=model.thresholds.merge,
        candidate_threshold=model.thresholds.candidate,
        rule=result.veto,
        contributions=[
            Contribution(field=p.field, level=p.level, weight=p.weight) for p in result.levels
        ],
        reasons=list(result.reasons),
        model_version=model.version,
    )
