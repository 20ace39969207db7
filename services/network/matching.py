"""Use case: decide whether a person mention is someone already in the graph.

Fellegi-Sunter: each candidate pair gets a comparison vector (a level per field: given name,
surname, date of birth, identifiers, phones, handles, postcode, address, nickname) and a match
weight, the sum of each level's log2(m/u) from the versioned model (resolution_model.json, or
the trained file NETWORK_RESOLUTION_MODEL names); an exact given name or surname the model lists
as common weighs log2(m/tf) instead (term frequencies, resolution_model.MatchModel.value_weight).
A pair over the merge threshold merges; one over the candidate threshold becomes a
POSSIBLE_SAME_AS candidate for an analyst. Some things no weight overrides (vetoes): conflicting
identifiers, a date of birth no error pattern explains, twins, an analyst's NOT_SAME_AS, and a
name with a date of birth on one side only and nothing else agreeing. A mention is compared with
what the known person's own reports said, never with people merged into it later, so one loose
match cannot chain into another. Pure: the model is data passed in (or the shipped one).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import jellyfish
from rapidfuzz import fuzz

from schemas.identifiers.address import normalise_address
from schemas.identifiers.names import name_tokens, normalise_name
from services.network.resolution_model import MatchModel, default_model, related_names

MAX_CANDIDATES = 50
# A blocking key more people have than this finds no one: it is too common to tell anyone apart
# (a date of birth, or an initial and a surname sound, in a large population), and reading all
# of them for every mention would make linking slower the bigger the graph grows.
MAX_KEY_SHARING = 200
MAX_POSSIBLE = 3  # candidates put to analysts per mention, most likely first
AGE_TOLERANCE_YEARS = 2
TYPO_JW = 0.85
# A typo is a slip of a key or two. Jaro-Winkler alone rewards a long shared beginning, so
# "Synth0d155636" and "Synth6800055c" (0.85, seven edits) would pass; the edit count keeps them
# apart.
TYPO_MAX_EDITS = 2
SIMILAR_MAX_EDITS = 3  # a surname spelt another way (Richards, Richardson), not just mistyped
ADDRESS_SIMILAR = 90  # rapidfuzz token set ratio
# Name comparisons are pure functions of two names, and one name meets the same few others
# again and again (every mention of a family scored against every person of it): remembered.
NAME_PAIRS_REMEMBERED = 1 << 16  # each of the three caches a few tens of MB at most
# A batch's mentions, whose blocking keys linking reads at each step (a few MB at most).
MENTIONS_REMEMBERED = 1 << 12
# What agreeing makes a name with a date of birth on one side only enough to merge.
CORROBORATING = {
    "identifiers": {"agree"},
    "phones": {"agree"},
    "handles": {"agree"},
    "postcode": {"exact"},
    "address": {"exact", "similar"},
}


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What is known about a person (or said of them by one mention) that matching compares."""

    names: tuple[str, ...] = ()  # full names, normal form
    nicknames: tuple[str, ...] = ()  # nicknames and aliases, normal form
    date_of_birth: date | None = None
    birth_year: int | None = None  # from an estimated age when no date of birth is known
    phones: frozenset[str] = frozenset()
    handles: frozenset[str] = frozenset()
    # Identifiers partners hold, `scheme:value` (Person.identifier_keys): nhs:, upn:, pnc:, pnd:,
    # la_child:<authority>:<id>. One scheme with two values on two sides is a conflict.
    identifiers: frozenset[str] = frozenset()
    postcodes: frozenset[str] = frozenset()  # home postcodes, canonical ("ZZ99 1AA" or "ZZ99")
    addresses: tuple[str, ...] = ()  # home addresses, normal form


@dataclass(frozen=True, slots=True)
class KnownPerson:
    """A person already in the graph, as a candidate for a mention."""

    id: str
    facts: PersonFacts
    # People analysts said this one is not (NOT_SAME_AS, a rejected candidate).
    different_from: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class FieldLevel:
    """One field's comparison: its level and the match weight it adds."""

    field: str
    level: str
    weight: float


@dataclass(frozen=True, slots=True)
class Score:
    """How well a mention matches a known person, and why.

    `value` is the match probability; `weight` the match weight it comes from; `levels` each
    field's part of it; `veto` the rule that stopped a merge (and, for a conflict, a candidate).
    """

    value: float
    certain: bool
    reasons: tuple[str, ...]
    weight: float = 0.0
    levels: tuple[FieldLevel, ...] = ()
    candidate: bool = False
    veto: str | None = None


@dataclass(frozen=True, slots=True)
class Possible:
    """A candidate an analyst should confirm or reject."""

    person_id: str
    score: float
    reasons: tuple[str, ...]
    weight: float = 0.0
    levels: tuple[FieldLevel, ...] = ()


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
    identifiers: Iterable[str] = (),
    home_postcode: str | None = None,
    home_address: str | None = None,
) -> PersonFacts:
    """The comparable facts of one mention; `identifiers` as Person.identifier_keys gives them."""
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
        identifiers=frozenset(identifiers),
        postcodes=frozenset([home_postcode] if home_postcode else []),
        addresses=tuple(a for a in [normalise_address(home_address or "")] if a),
    )


def _sound(token: str) -> str:
    return jellyfish.metaphone(token) or token


def _name_keys(tokens: list[str], birth: date | None) -> set[str]:
    """Keys of one name that survive a typo in either part, spacing and swapped parts."""
    keys: set[str] = set()
    joined = "".join(tokens)
    keys.add(f"joined:{joined}")  # "Mary Ann" meets "Maryann"
    if len(tokens) == 1:
        if birth is not None:
            keys.add(f"sound_dob:{_sound(joined)}:{birth.isoformat()}")
        return keys
    first, last = tokens[0], tokens[-1]
    sounds = [_sound(t) for t in tokens]
    keys.add("name:" + " ".join(sorted(sounds)))
    keys.add(f"joined:{last}{''.join(tokens[:-1])}")  # written surname first
    # "D. Walsh" and "Walsh, Dean" meet "Dean Walsh" on surname sound plus first initial.
    keys.add(f"initial:{first[0]}:{sounds[-1]}")
    keys.add(f"initial:{last[0]}:{sounds[0]}")
    # A typo that changes one part's sound leaves the other part and this one's sound.
    keys.add(f"part:{first}:{_sound(last)}")
    keys.add(f"part:{last}:{_sound(first)}")
    if birth is not None:
        day_month = "-".join(sorted((f"{birth.month:02}", f"{birth.day:02}")))
        for sound in {sounds[0], sounds[-1]}:
            keys.add(f"sound_dob:{sound}:{birth.isoformat()}")
            # Survive a date of birth with day and month swapped. A date with a digit wrong is
            # left to the keys of the name alone: a key of a sound and the year of birth found
            # it too, but a common surname's sound and year is shared by tens of people in a
            # large population, so it made a quarter to a third of a mention's reads, and
            # without it as many true matches are among the candidates (bench/RESULTS.md,
            # "One blocking key fewer").
            keys.add(f"sound_daymonth:{sound}:{birth.year}:{day_month}")
    return keys


def blocking_keys(facts: PersonFacts) -> list[str]:
    """Keys that find candidates cheaply and survive typos, spacing and swapped names: name
    sounds, each part with the other's sound, sounds with the date of birth, its variants,
    initial+surname, nickname, date of birth, phones, handles, identifiers, postcodes."""
    return list(_blocking_keys(facts))


@lru_cache(maxsize=MENTIONS_REMEMBERED)
def _blocking_keys(facts: PersonFacts) -> tuple[str, ...]:
    """blocking_keys, remembered: linking asks for a mention's keys at each of its steps."""
    keys: set[str] = set()
    birth = facts.date_of_birth
    for name in facts.names:
        if tokens := name_tokens(name):
            keys |= _name_keys(tokens, birth)
    for nick in facts.nicknames:
        keys.add(f"nick:{nick}")
        if tokens := name_tokens(nick):
            keys |= _name_keys(["".join(tokens)], birth)
    if birth is not None:
        keys.add(f"dob:{birth.isoformat()}")
    keys.update(f"phone:{p}" for p in facts.phones)
    keys.update(f"handle:{h}" for h in facts.handles)
    keys.update(f"id:{i}" for i in facts.identifiers)
    keys.update(f"postcode:{p}" for p in facts.postcodes if " " in p)  # not a district alone
    return tuple(sorted(keys))


# ---------------------------------------------------------------- comparison levels


@dataclass(frozen=True, slots=True)
class _Form:
    """One way to read a name: a given name, a surname (None for a one-part name)."""

    given: str
    surname: str | None
    joined: frozenset[str]  # all parts without spaces, as written and surname first


def _forms(facts: PersonFacts) -> tuple[_Form, ...]:
    return _forms_of(facts.names, facts.nicknames)


@lru_cache(maxsize=NAME_PAIRS_REMEMBERED)
def _forms_of(names: tuple[str, ...], nicknames: tuple[str, ...]) -> tuple[_Form, ...]:
    """The ways to read a person's names (remembered: a person is read for every mention)."""
    forms: list[_Form] = []
    for name in names:
        t = name_tokens(name)
        if len(t) < 2:
            continue
        joined = frozenset({"".join(t), t[-1] + "".join(t[:-1]), "".join(t[1:]) + t[0]})
        forms.append(_Form(t[0], t[-1], joined))
        if len(t) > 2:  # "Mary Ann Smith" is "Maryann Smith"; "Dean Mc Donald" "Dean McDonald"
            forms.append(_Form("".join(t[:-1]), t[-1], joined))
            forms.append(_Form(t[0], "".join(t[1:]), joined))
    if forms:  # a full name says more than a nickname: it is not outvoted by one
        return tuple(forms)
    for nick in nicknames:
        t = name_tokens(nick)
        if len(t) == 1:
            forms.append(_Form(t[0], None, frozenset(t)))
    return tuple(forms)


def given_level(
    a: str, b: str, *, a_nicknames: Iterable[str] = (), b_nicknames: Iterable[str] = ()
) -> str:
    """exact, nickname (the table, or a nickname either side recorded, or a slip of the keys
    in a name the table does not know), initial, typo (Jaro-Winkler >= 0.85 and at most two
    edits), or different."""
    if a == b:
        return "exact"
    if a in b_nicknames or b in a_nicknames:
        return "nickname"
    return _names_level(a, b)


@lru_cache(maxsize=NAME_PAIRS_REMEMBERED)
def _names_level(a: str, b: str) -> str:
    """given_level of two different names, whatever either side recorded as nicknames."""
    if b in related_names(a):
        return "nickname"
    if min(len(a), len(b)) == 1:
        return "initial" if a[0] == b[0] else "different"
    if _numbered(a, b):
        return "different"
    if _slip(a, b):
        return "typo"
    if _slipped_nickname(a, b) or _slipped_nickname(b, a):
        return "nickname"
    return "different"


def _slip(a: str, b: str) -> bool:
    """One name mistyped as the other: at most two edits, and alike by Jaro-Winkler."""
    return _edits(a, b) <= TYPO_MAX_EDITS and jellyfish.jaro_winkler_similarity(a, b) >= TYPO_JW


def _slipped_nickname(a: str, b: str) -> bool:
    """`b` is no name the nicknames table knows, but a slip of one of `a`'s nicknames or
    formal names ("Amada" for Amanda, whom "Mandy" is short for). A name the table knows
    ("Bella") is taken as written, not as a slip of another ("Bela", listed for William)."""
    return not related_names(b) and any(_slip(n, b) for n in related_names(a))


def surname_level(a: str | None, b: str | None) -> str:
    """exact, typo1 (one edit), typo2 (two), similar (three, alike by Jaro-Winkler or sound),
    different; missing for a one-part name."""
    if a is None or b is None:
        return "missing"
    if a == b:
        return "exact"
    return _surnames_level(a, b)


@lru_cache(maxsize=NAME_PAIRS_REMEMBERED)
def _surnames_level(a: str, b: str) -> str:
    """surname_level of two different surnames."""
    if min(len(a), len(b)) == 1 or _numbered(a, b):
        return "different"
    edits = _edits(a, b)
    alike = jellyfish.jaro_winkler_similarity(a, b) >= TYPO_JW
    if edits == 1 and alike:
        return "typo1"
    if edits <= TYPO_MAX_EDITS and alike:
        return "typo2"
    if edits <= SIMILAR_MAX_EDITS and (alike or _sound(a) == _sound(b)):
        return "similar"
    return "different"


def _numbered(a: str, b: str) -> bool:
    """Names whose digits differ ("Child0", "Child1": a system's placeholders) are two labels,
    not a slip of a key."""
    return [c for c in a if c.isdigit()] != [c for c in b if c.isdigit()]


def _edits(a: str, b: str) -> int:
    return int(jellyfish.damerau_levenshtein_distance(a, b))


@dataclass(frozen=True, slots=True)
class _Names:
    given: str
    surname: str
    how: str  # as written, swapped, or joined
    # The names as the mention writes them, for term frequencies when a level is exact.
    given_value: str | None = None
    surname_value: str | None = None

    def weight(self, model: MatchModel) -> float:
        return model.value_weight("given_name", self.given, self.given_value) + model.value_weight(
            "surname", self.surname, self.surname_value
        )


def _name_levels(mention: PersonFacts, known: PersonFacts, model: MatchModel) -> _Names:
    """The best-scoring alignment of any of the mention's names with any of the known's (a
    common name's exact match weighing what its term frequency says)."""
    best, best_weight = _Names("missing", "missing", ""), float("-inf")
    mine, theirs = set(mention.nicknames), set(known.nicknames)

    def given(a: str, b: str) -> str:
        return given_level(a, b, a_nicknames=mine, b_nicknames=theirs)

    for a in _forms(mention):
        for b in _forms(known):
            if a.surname is None and b.surname is None:
                continue  # two one-part names: the nickname comparison
            options = [
                _Names(
                    given(a.given, b.given),
                    surname_level(a.surname, b.surname),
                    "",
                    a.given,
                    a.surname,
                )
            ]
            if a.surname is not None and b.surname is not None:
                options.append(
                    _Names(
                        given(a.given, b.surname),
                        surname_level(a.surname, b.given),
                        "swapped",
                        a.given,
                        a.surname,
                    )
                )
            elif a.surname is None:  # a one-part name may be the surname
                options.append(
                    _Names("missing", surname_level(a.given, b.surname), "", None, a.given)
                )
            else:
                options.append(
                    _Names("missing", surname_level(a.surname, b.given), "", None, a.surname)
                )
            if a.joined & b.joined:
                options.append(_Names("exact", "exact", "joined", a.given, a.surname))
            for option in options:
                weight = option.weight(model)
                if weight > best_weight:
                    best, best_weight = option, weight
    return best


def date_of_birth_level(a: PersonFacts, b: PersonFacts) -> str:
    """exact, day_month_swapped, one_digit, transposed, same_year (an age on one side),
    missing; conflict when no error pattern explains the difference."""
    da, db = a.date_of_birth, b.date_of_birth
    if da is not None and db is not None:
        if da == db:
            return "exact"
        if da.year == db.year and (da.month, da.day) == (db.day, db.month):
            return "day_month_swapped"
        x, y = da.strftime("%Y%m%d"), db.strftime("%Y%m%d")
        diff = [i for i in range(len(x)) if x[i] != y[i]]
        if len(diff) == 1:
            return "one_digit"
        i = diff[0]
        if diff == [i, i + 1] and (x[i], x[i + 1]) == (y[i + 1], y[i]):
            return "transposed"
        return "conflict"
    ya = da.year if da is not None else a.birth_year
    yb = db.year if db is not None else b.birth_year
    if ya is None or yb is None:
        return "missing"
    return "same_year" if abs(ya - yb) <= AGE_TOLERANCE_YEARS else "conflict"


def _by_scheme(identifiers: Iterable[str]) -> dict[str, set[str]]:
    schemes: dict[str, set[str]] = {}
    for identifier in identifiers:
        scheme, _, value = identifier.rpartition(":")
        schemes.setdefault(scheme, set()).add(value)
    return schemes


def identifier_level(a: PersonFacts, b: PersonFacts) -> str:
    """agree (a scheme both hold shares a value), conflict (one they hold differs), missing."""
    sa, sb = _by_scheme(a.identifiers), _by_scheme(b.identifiers)
    shared = sa.keys() & sb.keys()
    if any(not sa[s] & sb[s] for s in shared):
        return "conflict"
    return "agree" if shared else "missing"


def _set_level(a: Iterable[str], b: Iterable[str]) -> str:
    left, right = set(a), set(b)
    if not left or not right:
        return "missing"
    return "agree" if left & right else "disagree"


def postcode_level(a: PersonFacts, b: PersonFacts) -> str:
    """exact, district (the same outward code), different, missing."""
    if not a.postcodes or not b.postcodes:
        return "missing"
    if any(" " in p for p in a.postcodes & b.postcodes):
        return "exact"
    if {p.split()[0] for p in a.postcodes} & {p.split()[0] for p in b.postcodes}:
        return "district"
    return "different"


def address_level(a: PersonFacts, b: PersonFacts) -> str:
    """exact, similar (token set ratio >= 90), different, missing."""
    if not a.addresses or not b.addresses:
        return "missing"
    if set(a.addresses) & set(b.addresses):
        return "exact"
    best = max(fuzz.token_set_ratio(x, y) for x in a.addresses for y in b.addresses)
    return "similar" if best >= ADDRESS_SIMILAR else "different"


def _compare(
    mention: PersonFacts, known: PersonFacts, model: MatchModel
) -> tuple[dict[str, str], _Names]:
    names = _name_levels(mention, known, model)
    # The postcode is part of the address: counted only when there is no address to compare,
    # or one household would count twice (and siblings share both).
    address = address_level(mention, known)
    levels = {
        "given_name": names.given,
        "surname": names.surname,
        "date_of_birth": date_of_birth_level(mention, known),
        "identifiers": identifier_level(mention, known),
        "phones": _set_level(mention.phones, known.phones),
        "handles": _set_level(mention.handles, known.handles),
        "postcode": postcode_level(mention, known) if address == "missing" else "missing",
        "address": address,
        "nickname": "agree" if set(mention.nicknames) & set(known.nicknames) else "missing",
    }
    return levels, names


def compare(
    mention: PersonFacts, known: PersonFacts, *, model: MatchModel | None = None
) -> dict[str, str]:
    """The comparison vector: each field's level (a conflict is a level no model weighs), and
    under `names` how the names were aligned ("", "swapped" or "joined")."""
    levels, names = _compare(mention, known, model or default_model())
    return {**levels, "names": names.how}


# ---------------------------------------------------------------- vetoes and the score


TWIN_VETO = "may be a twin or sibling: same surname, other given name"
UNDATED_APART = "no date of birth either side, and they live apart"
SHARED_PARTS = frozenset({"initial", "missing"})  # of a given name: what twins may share
# A surname level (or, names compared swapped, a given-name level) close enough to be one
# family's name mistyped: with another given name, a twin or sibling.
ALIKE_SURNAMES = frozenset({"exact", "typo1", "typo2", "similar", "typo"})


def _readings(facts: PersonFacts) -> list[_Form]:
    """Each full name read as written and swapped."""
    forms = [f for f in _forms(facts) if f.surname is not None]
    return forms + [_Form(f.surname, f.given, f.joined) for f in forms if f.surname is not None]


def _names_another_child(mention: PersonFacts, known: PersonFacts) -> bool:
    """One of the known person's own full names gives a given name the nicknames table knows,
    with the family's surname, and the mention another the table knows and does not relate to
    it: "Allison Teshujen" is not the person once written "Alice Teshujen", however like a slip
    of Alice ("Allice") is to a nickname of Allison; "Denpemtes Roberta" is not the person
    written "R Denpemtes" and "Rudolphus Denpemtes". The best alignment alone would let the
    slip or the initial speak for the person. Names the table does not know may be slips or
    spellings of each other, and are left to the comparison; and a person one of whose names
    the mention gives is that person."""
    if len(mention.names) + len(known.names) < 3:  # one name each: the comparison's own veto
        return False
    family = [
        (a, b)
        for a in _readings(mention)
        for b in _readings(known)
        if surname_level(a.surname, b.surname) in ALIKE_SURNAMES
    ]
    if any(a.given == b.given or b.given in related_names(a.given) for a, b in family):
        return False  # known by this name (an analyst may have said two names are one child)
    return any(
        related_names(a.given)
        and related_names(b.given)
        and given_level(a.given, b.given) == "different"
        for a, b in family
    )


def _veto(
    levels: dict[str, str], mention: PersonFacts, known: PersonFacts, *, swapped: bool = False
) -> tuple[str, bool] | None:
    """The rule that stops a merge, and whether it also rules out a candidate. Names compared
    `swapped`, the given name level is one's given name against the other's surname."""
    if levels["identifiers"] == "conflict":
        return "conflicting identifiers", True
    if levels["date_of_birth"] == "conflict":
        dated = mention.date_of_birth is not None and known.date_of_birth is not None
        return ("different dates of birth" if dated else "ages too far apart"), True
    readings = [(levels["surname"], levels["given_name"])]
    if swapped:  # "Walsh Liam" against "Dean Walsh": Walsh agrees, Liam and Dean differ
        readings.append((levels["given_name"], levels["surname"]))
    if any(
        family in ALIKE_SURNAMES and first == "different" for family, first in readings
    ) or _names_another_child(mention, known):
        # Twins share a surname and a birthday, siblings a surname and a home: a given name
        # that is no nickname, typo or initial of the other is another child until an analyst
        # says not. (An initial, or no given name, may be either twin: when both are in the
        # graph, the mention is ambiguous and merges with neither: `resolve`.)
        return TWIN_VETO, False
    corroborated = any(levels[f] in agreeing for f, agreeing in CORROBORATING.items())
    if (mention.date_of_birth is None) != (known.date_of_birth is None) and not corroborated:
        return "a date of birth on one side only, and nothing else agrees", False
    if (
        mention.date_of_birth is None
        and known.date_of_birth is None
        and _live_apart(mention, known)
    ):
        return UNDATED_APART, False
    return None


_LABELS = {"given_name": "given name", "date_of_birth": "date of birth"}


def _live_apart(a: PersonFacts, b: PersonFacts) -> bool:
    """Their home addresses differ, or their full postcodes do."""
    if a.addresses and b.addresses:
        return address_level(a, b) == "different"
    full_a, full_b = ({p for p in x.postcodes if " " in p} for x in (a, b))
    return bool(full_a and full_b and not full_a & full_b)


def apart_despite_id(mention: PersonFacts, known: PersonFacts) -> str | None:
    """Why a mention is not the person whose id its name gives it (identities.new_person_id:
    the same full name and date of birth, or the same full name with none), or None. Their
    identifiers conflict; or, with no date of birth said, they live apart: namesakes."""
    if identifier_level(mention, known) == "conflict":
        return "conflicting identifiers"
    if mention.date_of_birth is None and _live_apart(mention, known):
        return UNDATED_APART
    return None


def score(mention: PersonFacts, known: PersonFacts, *, model: MatchModel | None = None) -> Score:
    """The match weight of a mention against a known person, its levels, and any veto."""
    model = model or default_model()
    levels, names = _compare(mention, known, model)
    how = names.how
    veto = _veto(levels, mention, known, swapped=how == "swapped")
    shared = {"given_name": names.given_value, "surname": names.surname_value}
    parts = tuple(
        FieldLevel(
            f, lv, 0.0 if lv == "conflict" else round(model.value_weight(f, lv, shared.get(f)), 2)
        )
        for f, lv in levels.items()
    )
    weight = round(sum(p.weight for p in parts), 2)
    reasons = [
        f"{_LABELS.get(p.field, p.field)}: {p.level} ({p.weight:+.1f})"
        for p in parts
        if p.level != "missing"
    ]
    if how:
        reasons.insert(0, f"names compared {how}")
    if veto is not None:
        reasons.insert(0, veto[0])
        if veto[1]:
            return Score(0.0, False, tuple(reasons), weight, parts, False, veto[0])
    limits = model.thresholds
    # The same full name, in any order, with no date of birth either side is one person, as
    # the same name written the same way is by its id (identities.new_person_id), unless they
    # live apart.
    undated_namesake = (
        levels["given_name"] == levels["surname"] == "exact"
        and mention.date_of_birth is None
        and known.date_of_birth is None
    )
    return Score(
        value=round(model.probability(weight), 3),
        certain=veto is None and (weight >= limits.merge or undated_namesake),
        reasons=tuple(reasons),
        weight=weight,
        levels=parts,
        candidate=weight >= limits.candidate,
        veto=veto[0] if veto else None,
    )


def _twins_share_it(
    best: tuple[Score, KnownPerson], others: list[tuple[Score, KnownPerson]], model: MatchModel
) -> bool:
    """The best match rests on a part of the name twins share (an initial, or no given name)
    and another certain match is that person's twin or sibling: "D. Walsh" born that day is
    Dean or Dan, whichever weighs a little more."""
    levels = {x.field: x.level for x in best[0].levels}
    if levels.get("given_name") not in SHARED_PARTS or any(
        levels.get(f) == "agree" for f in ("identifiers", "phones", "handles")
    ):
        return False
    return any(
        score(other.facts, best[1].facts, model=model).veto == TWIN_VETO for _, other in others
    )


def resolve(
    *,
    mention: PersonFacts,
    candidates: list[KnownPerson],
    new_id: str,
    model: MatchModel | None = None,
) -> Resolution:
    """The best certain candidate, else a new person with the possible candidates listed.

    A candidate an analyst said the mention's own person is not is left out. Two certain
    candidates of equal weight, or two analysts said are different people, or twins the mention
    fits by a part of the name they share (an initial, or no given name), are ambiguous: the
    mention stays apart and both are put to an analyst.
    """
    model = model or default_model()
    scored = sorted(
        (
            (score(mention, c.facts, model=model), c)
            for c in candidates
            if new_id not in c.different_from
        ),
        key=lambda pair: (-pair[0].certain, -pair[0].weight, pair[1].id),
    )
    certain = [(s, c) for s, c in scored if s.certain]
    ambiguous = len(certain) > 1 and (
        certain[0][0].weight == certain[1][0].weight
        or any(c.id in certain[0][1].different_from for _, c in certain[1:])
        or _twins_share_it(certain[0], certain[1:], model)
    )
    chosen = certain[0][1].id if certain and not ambiguous else new_id
    possible = tuple(
        Possible(person_id=c.id, score=s.value, reasons=s.reasons, weight=s.weight, levels=s.levels)
        for s, c in scored
        if c.id != chosen and (s.candidate or s.certain)
    )[:MAX_POSSIBLE]
    return Resolution(person_id=chosen, matched=chosen != new_id, possible=possible)
