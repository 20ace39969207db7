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
from services.network.analyst.ports import CandidatesGraph, MatchFactsGraph
from services.network.matching import PersonFacts, Score, facts_of, score
from services.network.pool import merged
from services.network.resolution_model import MatchModel, default_model


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


def _visible_score(
    rows: dict[str, dict[str, Any]], person_a: str, person_b: str, model: MatchModel
) -> Score:
    """The pair scored on the facts the rows (the caller's visible ones) hold: b as a mention
    against a as a known person, as the worker scores a new mention."""
    if not all(rows.get(p, {}).get("mentions") for p in (person_a, person_b)):
        raise NotVisible
    return score(visible_facts(rows[person_b]), visible_facts(rows[person_a]), model=model)


def _outcome(result: Score) -> Outcome:
    if result.certain:
        return Outcome.MERGE
    return Outcome.CANDIDATE if result.candidate else Outcome.APART


def _judged(
    rows: dict[str, dict[str, Any]], person_a: str, person_b: str, model: MatchModel
) -> Score | None:
    """The pair's score if the facts the rows hold would put it to an analyst (or merge it):
    only such a pair is the caller's to list and to decide; else None."""
    try:
        result = _visible_score(rows, person_a, person_b, model)
    except NotVisible:
        return None
    return None if _outcome(result) is Outcome.APART else result


def judged_on_visible_facts(
    graph: MatchFactsGraph, audiences: list[str], *, person_a: str, person_b: str
) -> bool:
    """Whether the facts the caller may see would put the pair to an analyst (or merge it)."""
    rows = {r["id"]: r for r in graph.person_match_facts([person_a, person_b], audiences=audiences)}
    return _judged(rows, person_a, person_b, default_model()) is not None


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
    model = default_model()
    result = _visible_score(rows, person_a, person_b, model)
    outcome = _outcome(result)
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


class Candidate(BaseModel):
    """Two records that may be one person, scored on what the caller may see of them."""

    id: str
    person_a: str
    person_b: str
    score: float = Field(description="The match probability on the facts the caller may see.")
    reasons: list[str] = Field(description="Why, on those facts alone.")
    status: str


CANDIDATES_READ = 500  # candidates read from the graph at a time


def possible_matches(
    graph: CandidatesGraph,
    principal: Principal,
    *,
    status: str | None,
    person_id: str | None,
    offset: int,
    limit: int,
) -> list[Candidate]:
    """The possible matches the facts the caller may see would put to an analyst (or merge),
    each scored on those facts, likeliest first; offset and limit count these alone.

    The worker found each pair on every report; a pair that only reports outside the caller's
    rights make alike is not theirs to judge, and its score and reasons would tell them what
    those reports say (a date of birth, where each lives), so every candidate is scored again.
    """
    audiences = audiences_of(principal)
    model = default_model()
    shown: list[Candidate] = []
    read = 0
    while True:
        rows = graph.possible_matches(
            audiences=audiences,
            status=status,
            person_id=person_id,
            offset=read,
            limit=CANDIDATES_READ,
        )
        read += len(rows)
        people = sorted({p for row in rows for p in (row["person_a"], row["person_b"])})
        facts = {r["id"]: r for r in graph.person_match_facts(people, audiences=audiences)}
        for row in rows:
            result = _judged(facts, row["person_a"], row["person_b"], model)
            if result is not None:
                shown.append(
                    Candidate(
                        id=row["id"],
                        person_a=row["person_a"],
                        person_b=row["person_b"],
                        score=result.value,
                        reasons=list(result.reasons),
                        status=row["status"],
                    )
                )
        if len(rows) < CANDIDATES_READ:
            break
    shown.sort(key=lambda c: (-c.score, c.id))
    return shown[offset : offset + limit]
