"""Use case: a person who gained evidence is scored again (resolution that is sequence neutral).

Mentions arrive in any order. "Jayden Smith" with his date of birth and "Jayden Smith" with
none are two people (a candidate) until a report gives the undated one the home address or NHS
number the other has. Whenever a mention adds evidence to a person (a date of birth,
identifier, address, postcode, phone or handle; another spelling of a name is not evidence
enough, see PersonPool.learn), the person's block neighbours and open candidates are scored
again with everything now known of them; a pair that now passes the
merge threshold, with no veto, is one person. Each such merge becomes an automatic `same`
decision, published on the decisions topic like an analyst's, so a replay reproduces it and a
`different` or a split undoes it. Pure: the pool holds the people.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from schemas.resolution import ResolutionDecided, Verdict
from services.network.matching import MAX_CANDIDATES, resolve, score
from services.network.pool import PersonPool
from services.network.resolution_model import MatchModel

# How many merges one gain may set off for one person: each merge is itself a gain.
MAX_ROUNDS = 5
RESOLVER = "tessera-resolver"  # decided_by of automatic decisions
RESOLVER_AGENCY = "Tessera"
_DECISIONS = uuid5(NAMESPACE_URL, "urn:tessera:automatic-resolution")
_REASON_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class AutoMerge:
    """Two people found to be one after `keep` gained evidence: `gone` merges into `keep`."""

    keep: str
    gone: str
    weight: float
    probability: float
    reasons: tuple[str, ...]

    @property
    def candidate_id(self) -> str:
        """The POSSIBLE_SAME_AS candidate the decision is made on (one id per pair)."""
        a, b = sorted((self.keep, self.gone))
        return f"candidate:{a}:{b}"


def merges_after_gain(
    pool: PersonPool,
    person_id: str,
    *,
    apart: frozenset[str] = frozenset(),
    model: MatchModel | None = None,
) -> list[AutoMerge]:
    """Score a person again against their neighbours; merge (in the pool) each that is now
    certainly them, best first, until none is. Ambiguity and vetoes hold as for a mention.
    People in `apart` (others the same report mentions) are never merged with them."""
    merges: list[AutoMerge] = []
    for _ in range(MAX_ROUNDS):
        facts = pool.facts(person_id)
        neighbours = [
            k for k in pool.neighbours(person_id, limit=MAX_CANDIDATES) if k.id not in apart
        ]
        chosen = resolve(mention=facts, candidates=neighbours, new_id=person_id, model=model)
        if not chosen.matched:
            return merges
        other = next(k for k in neighbours if k.id == chosen.person_id)
        found = score(facts, other.facts, model=model)
        merges.append(
            AutoMerge(
                keep=person_id,
                gone=other.id,
                weight=found.weight,
                probability=found.value,
                reasons=found.reasons,
            )
        )
        pool.merge(keep=person_id, gone=other.id)
    return merges


def automatic_decision(merge: AutoMerge, *, report_id: str, now: datetime) -> ResolutionDecided:
    """The `same` decision an automatic merge is published and recorded as. Its id is derived
    from the pair and the report that set it off, so a replay that makes it again records it
    once."""
    reason = (
        f"automatic: match weight {merge.weight:+.1f} passed the merge threshold when report "
        f"{report_id} added to what was known of {merge.keep}; " + "; ".join(merge.reasons)
    )
    return ResolutionDecided(
        event_id=_decision_id(merge, report_id),
        occurred_at=now,
        source_agency=RESOLVER_AGENCY,
        decided_by=RESOLVER,
        decision=Verdict.SAME,
        reason=reason[:_REASON_LIMIT],
        person_a=merge.keep,
        person_b=merge.gone,
        candidate_id=merge.candidate_id,
        automatic=True,
    )


def _decision_id(merge: AutoMerge, report_id: str) -> UUID:
    return uuid5(_DECISIONS, f"{merge.candidate_id}|{merge.keep}|{report_id}")
