"""Use case: decide whether a person mention is someone already in the graph.

Certain matches merge; uncertain ones become POSSIBLE_SAME_AS candidates for an analyst. A mention
is compared with what the known person's own reports said (names, nicknames, date of birth,
phones, handles), never with people merged into it later, so one loose match cannot chain into
another. A false merge would make patterns that are not there, so the rules lean towards asking.
"""

from dataclasses import dataclass, field
from datetime import date

import jellyfish
from rapidfuzz import fuzz

from schemas.identifiers.names import name_tokens, normalise_name

CERTAIN_NAME = 0.90
POSSIBLE_SCORE = 0.75
IDENTIFIER_BONUS = 0.10
DOB_BONUS = 0.10
AGE_TOLERANCE_YEARS = 2
NICKNAME_SCORE = 0.80
INITIAL_SCORE = 0.85
MAX_CANDIDATES = 50
# A blocking key more people have than this finds no one: it is too common to tell anyone apart
# (a date of birth, or an initial and a surname sound, in a large population), and reading all
# of them for every mention would make linking slower the bigger the graph grows.
MAX_KEY_SHARING = 200
MAX_POSSIBLE = 3  # candidates put to analysts per mention, most likely first
TYPO_JW = 0.85
# A typo is a slip of a key or two. Jaro-Winkler alone rewards a long shared beginning, so
# "Synth0d155636" and "Synth6800055c" (0.85, seven edits) would pass; the edit count keeps them
# apart.
TYPO_MAX_EDITS = 2


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What is known about a person (or said of them by one mention) that matching compares."""

    names: tuple[str, ...] = ()  # full names, normal form
    nicknames: tuple[str, ...] = ()  # nicknames and aliases, normal form
    date_of_birth: date | None = None
    birth_year: int | None = None  # from an estimated age when no date of birth is known
    phones: frozenset[str] = frozenset()
    handles: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class KnownPerson:
    """A person already in the graph, as a candidate for a mention."""

    id: str
    facts: PersonFacts


@dataclass(frozen=True, slots=True)
class Score:
    """How well a mention matches a known person, and why."""

    value: float
    certain: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Possible:
    """A candidate an analyst should confirm or reject."""

    person_id: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Resolution:
    """The person a mention is (an existing id or a new one) and the candidates to review."""

    person_id: str
    matched: bool
    possible: tuple[Possible, ...] = field(default_factory=tuple)


def facts_of(
    *,
    name: str | None,
    aliases: list[str],
    nicknames: list[str],
    date_of_birth: date | None,
    estimated_age: int | None,
    observed_on: date,
    phones: list[str],
    handles: list[str],
) -> PersonFacts:
    """The comparable facts of one mention."""
    full = tuple(dict.fromkeys(n for n in [normalise_name(name or "")] if len(n.split()) >= 2))
    short = [normalise_name(x) for x in [*aliases, *nicknames]]
    if name and len(normalise_name(name).split()) == 1:
        short.append(normalise_name(name))
    birth_year = None
    if date_of_birth is None and estimated_age is not None:
        birth_year = observed_on.year - estimated_age
    return PersonFacts(
        names=full,
        nicknames=tuple(dict.fromkeys(s for s in short if s)),
        date_of_birth=date_of_birth,
        birth_year=birth_year,
        phones=frozenset(phones),
        handles=frozenset(handles),
    )


def blocking_keys(facts: PersonFacts) -> list[str]:
    """Keys that find candidates cheaply: name sounds, initial+surname, nickname, DOB, ids."""
    keys: set[str] = set()
    for name in facts.names:
        tokens = name_tokens(name)
        sounds = [jellyfish.metaphone(t) for t in tokens]
        keys.add("name:" + " ".join(sorted(sounds)))
        # "D. Walsh" and "Walsh, Dean" meet "Dean Walsh" on surname sound plus first initial.
        keys.add(f"initial:{tokens[0][0]}:{sounds[-1]}")
        keys.add(f"initial:{tokens[-1][0]}:{sounds[0]}")
    for nick in facts.nicknames:
        keys.add(f"nick:{nick}")
    if facts.date_of_birth is not None:
        keys.add(f"dob:{facts.date_of_birth.isoformat()}")
    keys.update(f"phone:{p}" for p in facts.phones)
    keys.update(f"handle:{h}" for h in facts.handles)
    return sorted(keys)


def _initial_match(a: str, b: str) -> bool:
    """'d walsh' and 'dean walsh': same surname, and one first name is the other's initial."""
    ta, tb = name_tokens(a), name_tokens(b)
    if len(ta) < 2 or len(tb) < 2 or ta[-1] != tb[-1]:
        return False
    fa, fb = ta[0], tb[0]
    return (len(fa) == 1 or len(fb) == 1) and fa[0] == fb[0]


def _surname_typo(a: str, b: str) -> bool:
    """Every part the same but one later part, and that one only mistyped ("Welsh", "Walsh").

    Mistyped means alike by Jaro-Winkler and at most two edits apart. A different first name is
    never a typo here: twins share a surname and a birthday.
    """
    ta, tb = name_tokens(a), name_tokens(b)
    if len(ta) != len(tb) or ta[0] != tb[0]:
        return False
    differing = [(x, y) for x, y in zip(ta, tb, strict=True) if x != y]
    if len(differing) != 1:
        return False
    x, y = differing[0]
    return (
        jellyfish.jaro_winkler_similarity(x, y) >= TYPO_JW
        and jellyfish.damerau_levenshtein_distance(x, y) <= TYPO_MAX_EDITS
    )


def _name_score(mention: PersonFacts, known: PersonFacts) -> tuple[float, str]:
    best, why = 0.0, ""
    for a in mention.names:
        for b in known.names:
            tokens = sorted(name_tokens(a))
            if tokens == sorted(name_tokens(b)) and min(len(t) for t in tokens) > 1:
                return 1.0, "same name"
            ratio = fuzz.token_sort_ratio(a, b) / 100
            if _surname_typo(a, b):
                best, why = max(best, ratio, CERTAIN_NAME), "surname spelt differently"
            elif ratio > best:
                best, why = min(ratio, CERTAIN_NAME - 0.01), f"similar name ({ratio:.2f})"
            if _initial_match(a, b) and INITIAL_SCORE > best:
                best, why = INITIAL_SCORE, "initial and surname"
    mention_short = set(mention.nicknames)
    known_short = set(known.nicknames) | {n.split()[0] for n in known.names}
    if mention_short & set(known.nicknames) and NICKNAME_SCORE > best:
        best, why = NICKNAME_SCORE, "same nickname"
    elif mention_short & known_short and NICKNAME_SCORE - 0.1 > best:
        best, why = NICKNAME_SCORE - 0.1, "nickname is a first name"
    return best, why


def _birth_conflict(mention: PersonFacts, known: PersonFacts) -> str | None:
    a, b = mention.date_of_birth, known.date_of_birth
    if a is not None and b is not None:
        return None if a == b else "different dates of birth"
    years = [
        d.year if d is not None else y for d, y in ((a, mention.birth_year), (b, known.birth_year))
    ]
    if years[0] is not None and years[1] is not None:
        if abs(years[0] - years[1]) > AGE_TOLERANCE_YEARS:
            return "ages too far apart"
    return None


def score(mention: PersonFacts, known: PersonFacts) -> Score:
    """Score a mention against a known person; a conflict of birth rules a match out."""
    if conflict := _birth_conflict(mention, known):
        return Score(0.0, False, (conflict,))
    name, why = _name_score(mention, known)
    reasons = [why] if why else []
    value = name
    same_dob = mention.date_of_birth is not None and mention.date_of_birth == known.date_of_birth
    if same_dob:
        value += DOB_BONUS
        reasons.append("same date of birth")
    shared = (mention.phones & known.phones) | (mention.handles & known.handles)
    if shared:
        value += IDENTIFIER_BONUS
        reasons.append(f"shared identifier ({', '.join(sorted(shared))})")
    exact_full_name = why == "same name"
    typo = why == "surname spelt differently"
    certain = exact_full_name or (typo and (same_dob or bool(shared)))
    return Score(round(min(value, 1.0), 3), certain, tuple(reasons))


def resolve(*, mention: PersonFacts, candidates: list[KnownPerson], new_id: str) -> Resolution:
    """The best certain candidate, else a new person with the possible candidates listed."""
    scored = sorted(
        ((score(mention, c.facts), c) for c in candidates),
        key=lambda pair: (-pair[0].certain, -pair[0].value, pair[1].id),
    )
    certain = [(s, c) for s, c in scored if s.certain]
    # Two people the mention could equally be (namesakes, and it gives no date of birth):
    # merging with either could be wrong, so it stays apart and an analyst decides.
    ambiguous = len(certain) > 1 and certain[0][0].value == certain[1][0].value
    chosen = certain[0][1].id if certain and not ambiguous else new_id
    possible = tuple(
        Possible(person_id=c.id, score=s.value, reasons=s.reasons)
        for s, c in scored
        if c.id != chosen and s.value >= POSSIBLE_SCORE
    )[:MAX_POSSIBLE]
    return Resolution(person_id=chosen, matched=chosen != new_id, possible=possible)
