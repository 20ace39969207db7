"""Precision and recall of person resolution on labelled synthetic records, by what they carry.

Synthetic people are written about several times each, as partners write about a young person:
each record is corrupted by the model below, the records are shuffled (reports arrive in any
order) and written to CSV in the format of `tessera resolution evaluate`, and that command's code
(`tessera_cli/resolution_evaluation.py`) streams them through the production resolver. The same
records are scored three times, by what partners hold: name, date of birth and address; name and
date of birth (address and postcode dropped); name only (date of birth dropped too). Beside each,
in the same run, the baseline: the first version's exact rule (normalised full name plus date of
birth are one person, anything else a new one); and, unless --no-train, the figures of a model
trained on the same records (all of them, with every field) by `tessera resolution train
--from-csv`'s own code (Splink: u by random sampling, m by expectation-maximisation, term
frequencies), beside the hand-set model's.

The population (everything invented; postcodes in the ZZ99 pseudo-area):
- given names from the `nicknames` package's table of English names (so each has nicknames),
  weighted by a Zipf law (exponent 0.7); surnames of nonsense syllables, a tenth with a prefix
  written with a space ("Mc Kadenro", "De Livo"), weighted by a Zipf law (exponent 0.6), so a few
  are common (the commonest about 1.5% of people, as the commonest in England is) and most rare;
- dates of birth of 10- to 17-year-olds; a home address (number, street, postcode) per household;
  15% of people moved, and 40% of their records give the earlier address;
- twins (4% of people have one): same surname, birthday and address, another given name;
  siblings (8%): same surname and address, another birthday and given name; namesakes (3%):
  same given name and surname, another birthday and address.

Each person has 1 to 8 records (mean 3.5). Each record independently gets (probabilities in
CORRUPTION): a typo in the given name or surname (a slip of one key: substitution by a keyboard
neighbour, deletion, insertion, two letters swapped); a phonetic respelling (ph/f, c/k, y/i,
ee/ea, a doubled or undoubled consonant...); the given name replaced by a nickname, or by its
initial; given name and surname swapped; a space inserted into a name part or the prefix's
space removed ("McKadenro"); a name part missing; the date of birth missing, one digit wrong,
two adjacent digits transposed, or day and month swapped (each still a valid date); the address
missing or written differently (street type abbreviated, a town added, the number mistyped), the
postcode missing, without its space, in lower case, or with a wrong letter. Case and extra
spaces change freely: normalising removes them.

    .venv/bin/python bench/resolution_quality.py --people 3000 --seed 7
"""

import argparse
import itertools
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from nicknames import NickNamer, name_triplets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas.identifiers.names import normalise_name  # noqa: E402
from services.network.matching import PersonFacts, blocking_keys, score  # noqa: E402
from services.network.resolution_model import (  # noqa: E402
    MatchModel,
    default_model,
    model_in_use,
)
from tessera_cli.resolution_evaluation import (  # noqa: E402
    Evaluation,
    LabelledRecord,
    Outcome,
    PairFigures,
    ProductionResolver,
    evaluate_file,
    facts_for,
    read_records,
    write_records,
)
from tessera_cli.resolution_training import (  # noqa: E402
    model_file_name,
    records_from_csv,
    train,
    write_model,
)

TODAY = date(2026, 11, 23)
SYLLABLES = ["ka", "ro", "li", "den", "mar", "tes", "vo", "ny", "sha", "bel", "quin", "zor", "ul"]
SYLLABLES += ["pem", "dra", "fi", "gol", "hu", "jen", "wy", "sel", "tor", "ba", "cre", "mo"]
PREFIXES = ["Mc", "De", "Van", "Le"]
STREET_TYPES = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Lane": "Ln", "Close": "Cl"}
TOWNS = ["Synthton", "Fakeley", "Mockbury"]
KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
# Respellings that sound alike, tried in turn from a random start; the first that applies is used.
PHONETIC = [
    ("ph", "f"), ("f", "ph"), ("ck", "k"), ("c", "k"), ("k", "c"), ("y", "i"), ("i", "y"),
    ("ee", "ea"), ("ea", "ee"), ("ie", "y"), ("ou", "ow"), ("s", "z"), ("z", "s"), ("th", "t"),
    ("ll", "l"), ("l", "ll"), ("nn", "n"), ("n", "nn"), ("tt", "t"), ("t", "tt"), ("ey", "y"),
]  # fmt: skip
CORRUPTION = {
    "given_typo": 0.08,
    "surname_typo": 0.08,
    "given_phonetic": 0.05,
    "surname_phonetic": 0.05,
    "nickname": 0.08,
    "initial": 0.03,
    "swapped_names": 0.03,
    "spacing": 0.04,
    "given_missing": 0.02,
    "surname_missing": 0.02,
    "dob_missing": 0.08,
    "dob_digit": 0.03,
    "dob_transposed": 0.02,
    "dob_day_month": 0.02,
    "address_missing": 0.10,
    "address_variant": 0.25,
    "postcode_missing": 0.10,
    "postcode_typo": 0.02,
}
SUBSETS = {
    "with_dob_and_address": "name, date of birth and address",
    "with_dob_only": "name and date of birth",
    "name_only": "name only",
}
TARGETS = {"with_dob_and_address": (0.995, 0.95), "name_only": (0.99, None)}
NICKNAMES = NickNamer()


@dataclass(frozen=True)
class Truth:
    """A synthetic person as they really are."""

    entity_id: str
    given: str
    surname: str
    dob: date
    addresses: tuple[tuple[str, str], ...]  # (address, postcode), the current one first


def _zipf(rng: random.Random, items: list[str], exponent: float, k: int) -> list[str]:
    weights = [1 / (rank**exponent) for rank in range(1, len(items) + 1)]
    return rng.choices(items, weights=weights, k=k)


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _address(rng: random.Random) -> tuple[str, str]:
    street = f"{rng.randint(1, 140)} {_word(rng, 2)} {rng.choice(list(STREET_TYPES))}"
    letters = "ABDEFGHJLNPQRSTUWXYZ"  # the letters an inward code uses
    return street, f"ZZ99 {rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _dob(rng: random.Random) -> date:
    return TODAY - timedelta(days=rng.randrange(10 * 365, 18 * 365))


def population(people: int, rng: random.Random) -> list[Truth]:
    """Synthetic people with twins, siblings, namesakes and long-tailed surnames."""
    table = sorted({t.name1 for t in name_triplets() if t.relationship == "has_nickname"})
    rng.shuffle(table)
    given_names = [g.capitalize() for g in table]
    plain = sorted({_word(rng, rng.choice((2, 3))) for _ in range(people)})
    rng.shuffle(plain)
    surnames = [f"{rng.choice(PREFIXES)} {s}" if rng.random() < 0.1 else s for s in plain]
    out: list[Truth] = []
    for given, surname in zip(
        _zipf(rng, given_names, 0.7, people), _zipf(rng, surnames, 0.6, people), strict=True
    ):
        if len(out) >= people:
            break
        home = _address(rng)
        homes = (home, _address(rng)) if rng.random() < 0.15 else (home,)
        person = Truth(f"p{len(out)}", given, surname, _dob(rng), homes)
        out.append(person)
        other = rng.choice([g for g in given_names[:200] if g != given])
        draw = rng.random()
        if draw < 0.04:  # a twin
            out.append(replace(person, entity_id=f"p{len(out)}", given=other))
        elif draw < 0.12:  # a sibling
            out.append(replace(person, entity_id=f"p{len(out)}", given=other, dob=_dob(rng)))
        elif draw < 0.15:  # a namesake
            born, away = _dob(rng), (_address(rng),)
            out.append(replace(person, entity_id=f"p{len(out)}", dob=born, addresses=away))
    return out[:people]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word)) if rng.random() < 0.9 else 0
    c = word[i].lower()
    row = next((r for r in KEYBOARD if c in r), None)
    kind = rng.choice(["substitute", "delete", "insert", "transpose"])
    if kind == "substitute" and row is not None:
        j = row.index(c)
        near = [row[k] for k in (j - 1, j + 1) if 0 <= k < len(row)]
        new = rng.choice(near)
        return word[:i] + (new.upper() if word[i].isupper() else new) + word[i + 1 :]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "insert":
        return word[:i] + rng.choice("aeiounrst") + word[i:]
    i = max(i, 1)
    if i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:-2] + word[-1] + word[-2]


def _phonetic(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    start = rng.randrange(len(PHONETIC))
    for old, new in PHONETIC[start:] + PHONETIC[:start]:
        at = word.lower().find(old, 1)
        if at > 0:
            return word[:at] + new + word[at + len(old) :]
    return word + word[-1]


def _spacing(rng: random.Random, given: str, surname: str) -> tuple[str, str]:
    prefix = next((p for p in PREFIXES if surname.startswith(p + " ")), None)
    if prefix is not None:
        return given, surname.replace(" ", "", 1)
    target = surname if rng.random() < 0.5 else given
    if len(target) < 4:
        return given, surname
    i = rng.randrange(2, len(target) - 1)
    spaced = target[:i] + " " + target[i:]
    return (given, spaced) if target is surname else (spaced, surname)


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        born = date(y, m, d)
    except ValueError:
        return None
    return born if born <= TODAY else None


def _dob_error(rng: random.Random, dob: date, kind: str) -> date:
    if kind == "day_month":
        return _valid(dob.year, dob.day, dob.month) or dob
    digits = list(dob.strftime("%Y%m%d"))
    for _ in range(10):
        wrong = digits.copy()
        i = rng.choice([2, 3, 4, 5, 6, 7])  # never the century
        if kind == "digit":
            wrong[i] = rng.choice([d for d in "0123456789" if d != digits[i]])
        else:  # two adjacent digits within the year, month or day, transposed
            i = rng.choice([2, 4, 6])
            wrong[i], wrong[i + 1] = wrong[i + 1], wrong[i]
        text = "".join(wrong)
        born = _valid(int(text[:4]), int(text[4:6]), int(text[6:]))
        if born is not None and born != dob:
            return born
    return dob


def _address_variant(rng: random.Random, address: str) -> str:
    kind = rng.choice(["abbreviated", "town", "number", "case"])
    if kind == "abbreviated":
        for full, short in STREET_TYPES.items():
            address = address.replace(f" {full}", f" {short}")
        return address
    if kind == "town":
        return f"{address}, {rng.choice(TOWNS)}"
    if kind == "number":  # two digits swapped, else the next number
        number, rest = address.split(" ", 1)
        swapped = number[::-1]
        return f"{swapped if swapped != number else int(number) + 1} {rest}"
    return address.upper()


def _postcode_variant(rng: random.Random, postcode: str) -> str:
    choice = rng.random()
    if choice < 0.2:
        return postcode.replace(" ", "")
    if choice < 0.3:
        return postcode.lower()
    return postcode


def record_of(rng: random.Random, truth: Truth, record_id: str) -> LabelledRecord:
    """One record of a person, corrupted as the model says."""
    hit = {k: rng.random() < p for k, p in CORRUPTION.items()}
    given, surname = truth.given, truth.surname
    nicknames = sorted(NICKNAMES.nicknames_of(given.lower()))
    if hit["nickname"] and nicknames:
        given = rng.choice(nicknames).capitalize()
    elif hit["initial"]:
        given = given[0]
    if hit["given_phonetic"]:
        given = _phonetic(rng, given)
    if hit["surname_phonetic"]:
        surname = _phonetic(rng, surname)
    if hit["given_typo"]:
        given = _typo(rng, given)
    if hit["surname_typo"]:
        surname = _typo(rng, surname)
    if hit["spacing"]:
        given, surname = _spacing(rng, given, surname)
    if rng.random() < 0.1:
        given, surname = given.upper(), f" {surname.lower()} "
    if hit["swapped_names"]:
        given, surname = surname, given
    dob: date | None = truth.dob
    for kind in ("digit", "transposed", "day_month"):
        if hit[f"dob_{kind}"]:
            dob = _dob_error(rng, truth.dob, kind)
    address, postcode = (
        truth.addresses[1]
        if len(truth.addresses) > 1 and rng.random() < 0.4
        else truth.addresses[0]
    )
    if hit["address_variant"]:
        address = _address_variant(rng, address)
    if hit["postcode_typo"]:
        postcode = postcode[:-1] + ("A" if postcode[-1] != "A" else "B")
    return LabelledRecord(
        record_id=record_id,
        entity_id=truth.entity_id,
        given_name=None if hit["given_missing"] and not hit["surname_missing"] else given,
        surname=None if hit["surname_missing"] else surname,
        date_of_birth=None if hit["dob_missing"] else dob,
        address=None if hit["address_missing"] else address,
        postcode=None if hit["postcode_missing"] else _postcode_variant(rng, postcode),
    )


def records(people: list[Truth], rng: random.Random) -> list[LabelledRecord]:
    """Every person's records, shuffled as reports would arrive."""
    out = [
        record_of(rng, truth, f"r{i}-{n}")
        for i, truth in enumerate(people)
        for n in range(rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 8]))
    ]
    rng.shuffle(out)
    return out


def project(record: LabelledRecord, subset: str) -> LabelledRecord:
    """The record with only what partners hold in the subset."""
    if subset == "with_dob_and_address":
        return record
    if subset == "with_dob_only":
        return replace(record, address=None, postcode=None)
    return replace(record, address=None, postcode=None, date_of_birth=None)


class ExactRule:
    """The baseline: normalised full name plus date of birth is one person, else a new one."""

    def resolve(self, record: LabelledRecord) -> Outcome:
        """The record's key under the exact rule."""
        if record.name is None:
            return Outcome(f"record:{record.record_id}")
        return Outcome(f"{normalise_name(record.name)}|{record.date_of_birth}")


def _row(label: str, figures: PairFigures) -> str:
    def share(x: float | None) -> str:
        return "   n/a" if x is None else f"{x:.4f}"

    return (
        f"  {label:<32} {share(figures.precision)}  {share(figures.recall)}  {share(figures.f1)}"
        f"  {figures.true_pairs:>10,}  {figures.predicted_pairs:>10,}"
    )


def _targets(subset: str, results: dict[str, Evaluation]) -> str | None:
    if subset not in TARGETS:
        return None
    precision_at_least, recall_at_least = TARGETS[subset]
    verdicts = []
    for label, result in results.items():
        p, r = result.certain.precision or 0.0, result.certain.recall or 0.0
        met = p >= precision_at_least and (recall_at_least is None or r >= recall_at_least)
        verdicts.append(f"{label} {'met' if met else 'NOT met'}")
    wanted = f"precision >= {precision_at_least}" + (
        f" and recall >= {recall_at_least}" if recall_at_least is not None else ""
    )
    return f"  target (certain merges): {wanted}: {'; '.join(verdicts)}"


def _trained_model(path: Path, *, pairs: int, seed: int, keep: Path | None) -> MatchModel:
    """Train on the CSV as `tessera resolution train --from-csv` does; keep the file if asked."""
    started = time.perf_counter()
    trained = train(
        records_from_csv(path),
        base=default_model(),
        version=f"bench.splink.{seed}",
        written_by=f"bench/resolution_quality.py: {path.name}, seed {seed}, {pairs:,} pairs",
        max_pairs=pairs,
        seed=seed,
    )
    tf = trained.term_frequencies
    print(
        f"trained on {path.name} in {time.perf_counter() - started:.0f} s: EM blocked on "
        f"{', '.join(trained.sessions) or 'nothing'}; {len(trained.kept)} levels kept from "
        f"the hand-set model; term frequencies of {tf['given_name']} given names and "
        f"{tf['surname']} surnames"
    )
    if keep is not None:
        write_model(trained.model, keep / model_file_name(trained.model.version))
    return trained.model


def _evaluate(path: Path, title: str, models: dict[str, MatchModel]) -> dict[str, Evaluation]:
    results: dict[str, Evaluation] = {}
    timings = []
    for label, model in models.items():
        started = time.perf_counter()
        with model_in_use(model):
            results[label] = evaluate_file(path, resolver=ProductionResolver())
        timings.append(
            f"{label} {(time.perf_counter() - started) * 1000 / results[label].records:.2f}"
        )
    base = evaluate_file(path, resolver=ExactRule())
    print(f"{title} ({path.name}; ms a record: {', '.join(timings)})")
    print(_row("baseline exact name+dob", base.certain))
    for label, result in results.items():
        print(_row(f"{label} certain merges", result.certain))
        print(_row(f"{label} merges + candidates", result.with_candidates))
    for label, result in results.items():
        print(
            f"  {label}: candidates put to analysts: {result.candidates:,}, of which "
            f"{result.true_candidates:,} true"
        )
    return results


def main() -> None:
    """Generate, write, train, evaluate and print the figures by subset."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="keep the CSV files (and trained model) here")
    parser.add_argument(
        "--no-train", action="store_true", help="only the hand-set model, no trained one"
    )
    parser.add_argument(
        "--misses",
        action="store_true",
        help="why the true pairs of the full records that the hand-set model left apart are apart",
    )
    parser.add_argument(
        "--train-pairs",
        type=int,
        default=300_000,
        help="pairs Splink samples for u, and at most per EM session",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)  # noqa: S311 - synthetic data
    people = population(args.people, rng)
    labelled = records(people, rng)
    ((_, top),) = Counter(p.surname for p in people).most_common(1)
    print(
        f"{len(people):,} synthetic people (seed {args.seed}), {len(labelled):,} records; "
        f"the commonest surname is {top / len(people):.1%} of people"
    )
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        paths = {subset: out / f"{subset}.csv" for subset in SUBSETS}
        for subset, path in paths.items():
            write_records(path, (project(r, subset) for r in labelled))
        models = {"hand-set": default_model()}
        if not args.no_train:
            models["trained"] = _trained_model(
                paths["with_dob_and_address"],
                pairs=args.train_pairs,
                seed=args.seed,
                keep=args.out,
            )
        print(
            f"  {'':<32} {'precision':>6}  {'recall':>6}  {'F1':>6}  {'true pairs':>10}  predicted"
        )
        for subset, title in SUBSETS.items():
            results = _evaluate(paths[subset], title, models)
            if line := _targets(subset, results):
                print(line)
        if args.misses:
            _print_misses(paths["with_dob_and_address"])


def _why_apart(a: PersonFacts, b: PersonFacts) -> str:
    """Why two records of one person are not one person: what their own comparison says."""
    found = score(a, b)
    if found.certain:
        return "certain on their own: the order they came in put them with two people"
    if found.veto:
        return f"veto: {found.veto}"
    if not set(blocking_keys(a)) & set(blocking_keys(b)):
        return "no blocking key in common: never compared"
    levels = ", ".join(f"{x.field} {x.level}" for x in found.levels if x.level != "missing")
    return f"weight {found.weight:.1f} below the merge threshold ({levels})"


def _print_misses(path: Path, *, shown: int = 8) -> None:
    """The true pairs the resolver left apart, counted by why."""
    records = list(read_records(path))
    resolver = ProductionResolver()
    people = [resolver.resolve(r).person_id for r in records]
    people = [resolver.survivor(p) for p in people]
    facts = [facts_for(r.person()) for r in records]
    by_entity: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        by_entity.setdefault(record.entity_id, []).append(i)
    why: Counter[str] = Counter()
    for indices in by_entity.values():
        for a, b in itertools.combinations(indices, 2):
            if people[a] != people[b]:
                why[_why_apart(facts[a], facts[b])] += 1
    total = sum(why.values())
    print(f"true pairs left apart ({path.name}, hand-set model): {total:,}")
    for reason, count in why.most_common(shown):
        print(f"  {count:6,} {count / total:6.1%}  {reason}")


if __name__ == "__main__":
    main()
