"""Precision and recall of person resolution on a synthetic population with planted duplicates.

Every mention of a synthetic person is a variant a partner might write (case and spacing,
swapped first and last names, a mistyped surname, an initial, a nickname, with or without the
date of birth); planted look-alikes (twins, namesakes born in other years) must stay apart.
The resolver runs over the mentions in order, against an in-memory index that grows as the graph
would. The baseline, measured in the same run, is the walking skeleton's exact rule (normalised
name plus date of birth).

    .venv/bin/python bench/resolution_quality.py --people 2000 --seed 7
"""

import argparse
import itertools
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas.identifiers.names import normalise_name  # noqa: E402
from services.network.matching import (  # noqa: E402
    MAX_CANDIDATES,
    PersonFacts,
    blocking_keys,
    facts_of,
    resolve,
)
from services.network.pool import PersonPool  # noqa: E402

SYLLABLES = ["ka", "ro", "li", "den", "mar", "tes", "vo", "ny", "sha", "bel", "quin", "zor", "ul"]
TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class Mention:
    truth: int
    name: str | None
    nicknames: tuple[str, ...]
    dob: date | None


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + rng.choice("aeiou") + word[i + 1 :]


def population(people: int, rng: random.Random) -> list[Mention]:
    """Mentions of synthetic people, shuffled as reports would arrive."""
    mentions: list[Mention] = []
    truth = 0
    for _ in range(people):
        first, last = _word(rng, 2), _word(rng, 3)
        dob = TODAY - timedelta(days=rng.randrange(11 * 365, 18 * 365))
        nick = first[:3] + "o"
        lookalikes = [(first, dob), ((_word(rng, 2)), dob), (first, dob - timedelta(days=800))]
        for n, (given, born) in enumerate(lookalikes[: 1 + (rng.random() < 0.15) * 2]):
            variants = [
                Mention(truth, f"{given} {last}", (nick,) if n == 0 else (), born),
                Mention(truth, f"  {given.upper()}   {last.lower()} ", (), born),
                Mention(truth, f"{last} {given}", (), None),
                Mention(truth, f"{given} {_typo(rng, last)}", (), born),
                Mention(truth, f"{given[0]}. {last}", (), None),
                Mention(truth, None, (nick,), None),
                Mention(truth, f"{given} {last}", (), None),
            ]
            mentions += rng.sample(variants, k=rng.randint(2, 5))
            truth += 1
    rng.shuffle(mentions)
    return mentions


def _facts(m: Mention) -> PersonFacts:
    return facts_of(
        name=m.name,
        aliases=[],
        nicknames=list(m.nicknames),
        date_of_birth=m.dob,
        estimated_age=None,
        observed_on=TODAY,
        phones=[],
        handles=[],
    )


def tessera(mentions: list[Mention]) -> tuple[list[str], set[tuple[int, int]]]:
    """Cluster with the streaming resolver; also the mention pairs proposed as candidates."""
    pool = PersonPool([])  # the service's: what the graph would hold, in memory
    assigned: list[str] = []
    first_mention: dict[str, int] = {}
    proposed: set[tuple[int, int]] = set()
    for i, m in enumerate(mentions):
        facts = _facts(m)
        full = normalise_name(m.name or "")
        parts = full.split()
        whole = len(parts) >= 2 and min(len(p) for p in parts) > 1
        new_id = f"{full}|{m.dob}" if whole else f"mention:{i}"  # as resolve.new_person_id
        keys = blocking_keys(facts)
        candidates = pool.candidates(keys, limit=MAX_CANDIDATES)
        result = resolve(mention=facts, candidates=candidates, new_id=new_id)
        assigned.append(result.person_id)
        first_mention.setdefault(result.person_id, i)
        for p in result.possible:
            proposed.add((first_mention[p.person_id], i))
        pool.learn(result.person_id, facts, keys)
    return assigned, proposed


def baseline(mentions: list[Mention]) -> list[str]:
    """The skeleton's rule: normalised name and date of birth, else the mention alone."""
    return [
        f"{normalise_name(m.name or '')}|{m.dob}" if m.name else f"mention:{i}"
        for i, m in enumerate(mentions)
    ]


def pair_scores(mentions: list[Mention], clusters: list[str]) -> tuple[float, float]:
    """Pairwise precision and recall of the clustering against the truth."""
    by_cluster: dict[str, list[int]] = defaultdict(list)
    by_truth: dict[int, list[int]] = defaultdict(list)
    for i, (m, c) in enumerate(zip(mentions, clusters, strict=True)):
        by_cluster[c].append(i)
        by_truth[m.truth].append(i)
    predicted = {p for ms in by_cluster.values() for p in itertools.combinations(ms, 2)}
    actual = {p for ms in by_truth.values() for p in itertools.combinations(ms, 2)}
    correct = len(predicted & actual)
    return (correct / len(predicted) if predicted else 1.0, correct / len(actual))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    mentions = population(args.people, random.Random(args.seed))  # noqa: S311 - synthetic data
    clusters, proposed = tessera(mentions)
    base = baseline(mentions)
    p, r = pair_scores(mentions, clusters)
    bp, br = pair_scores(mentions, base)
    truth_of = [m.truth for m in mentions]
    same = {(a, b) for a, b in proposed if truth_of[a] == truth_of[b]}
    print(f"mentions {len(mentions)} of {len(set(truth_of))} synthetic people (seed {args.seed})")
    print(f"baseline exact name+dob: precision {bp:.4f} recall {br:.4f}")
    print(f"tessera certain merges:  precision {p:.4f} recall {r:.4f}")
    print(f"ratios vs baseline: precision {p / bp:.3f} recall {r / br:.3f}")
    print(
        f"POSSIBLE_SAME_AS candidates for analysts: {len(proposed)}, "
        f"of which {len(same)} true ({len(same) / max(len(proposed), 1):.3f})"
    )


if __name__ == "__main__":
    main()
