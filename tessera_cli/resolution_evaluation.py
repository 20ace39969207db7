"""`tessera resolution evaluate`: labelled person records through the production resolver, in
memory and in file order, scored by pairwise precision, recall and F1 against their labels.

Each record is one mention, resolved as the network worker resolves a report's person: checked
as a `Person` (as ingest would), its facts by `facts_of` (names, date of birth, home address and
postcode, identifiers), its candidates from a `PersonPool` by `blocking_keys`, then
`resolve_persons` (so an exact full name and date of birth converge on one id, as in the graph),
and the pool learns it, scoring again a person the record added to (`learn_and_rescore`: two
people it then finds to be one merge, as the worker's automatic decisions merge them). Two
scores: certain merges (the people the resolver made, automatic merges included), and merges
plus candidates (as if an analyst confirmed every POSSIBLE_SAME_AS candidate, which joins both
people, transitively).
"""

import csv
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from pydantic import ValidationError

from schemas.entities import Person
from services.network.identities import new_person_id, own_person_id
from services.network.linking.reports import learn_and_rescore, resolve_persons
from services.network.matching import PersonFacts, facts_of
from services.network.pool import PersonPool

REQUIRED_COLUMNS = (
    "record_id",
    "entity_id",
    "given_name",
    "surname",
    "date_of_birth",
    "address",
    "postcode",
)
# As the Person model names them; a local authority's child id counts only with the authority
# that issued it (Person.identifier_keys).
IDENTIFIER_COLUMNS = ("nhs_number", "upn", "pnc_id", "pnd_id", "la_child_id")
OPTIONAL_COLUMNS = (*IDENTIFIER_COLUMNS, "home_local_authority")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# The Person field each column fills, where the names differ.
PERSON_FIELD = {"address": "home_address", "postcode": "home_postcode"}


class RecordError(ValueError):
    """The file cannot be evaluated: a missing or unknown column, or a record that is not one."""


@dataclass(frozen=True, slots=True)
class LabelledRecord:
    """One mention of a person and the entity (the real person) it is labelled as."""

    record_id: str
    entity_id: str
    given_name: str | None = None
    surname: str | None = None
    date_of_birth: date | None = None
    address: str | None = None
    postcode: str | None = None
    identifiers: tuple[tuple[str, str], ...] = ()  # (column, value), e.g. ("nhs_number", "…")
    home_local_authority: str | None = None

    def person(self) -> Person:
        """The mention as a partner's report would carry it (validated and normalised)."""
        ids = dict(self.identifiers)
        return Person(
            name=self.name,
            date_of_birth=self.date_of_birth,
            home_address=self.address,
            home_postcode=self.postcode,
            home_local_authority=self.home_local_authority,
            nhs_number=ids.get("nhs_number"),
            upn=ids.get("upn"),
            pnc_id=ids.get("pnc_id"),
            pnd_id=ids.get("pnd_id"),
            la_child_id=ids.get("la_child_id"),
        )

    @property
    def name(self) -> str | None:
        """The full name as a partner would write it: given name then surname."""
        return " ".join(p for p in (self.given_name, self.surname) if p) or None


@dataclass(frozen=True, slots=True)
class Outcome:
    """Whom a record was resolved to, and the people put to an analyst as possibly them."""

    person_id: str
    candidates: tuple[str, ...] = ()
    merged: tuple[tuple[str, str], ...] = ()  # (kept, merged into it) by automatic decisions


class Resolver(Protocol):
    """Resolves records one at a time, each against the people the records before it made."""

    def resolve(self, record: LabelledRecord) -> Outcome:
        """The person this record is, and the candidates proposed for it."""
        ...


def facts_for(person: Person) -> PersonFacts:
    """What the network worker compares of a person mention (as `linking._facts` builds it)."""
    return facts_of(
        name=person.name,
        aliases=person.aliases,
        nicknames=person.nicknames,
        date_of_birth=person.date_of_birth,
        estimated_age=person.estimated_age,
        observed_on=date.today(),
        phones=list(person.phones),
        handles=[f"{h.platform.value}:{h.handle}" for h in person.handles],
        identifiers=person.identifier_keys(),
        home_postcode=person.home_postcode,
        home_address=person.home_address,
    )


class ProductionResolver:
    """The network worker's resolver over an in-memory pool that grows as the graph would."""

    def __init__(self) -> None:
        self._pool = PersonPool([])
        # Ids never leave this process; a fixed key breaks ties between equal scores (by id)
        # the same way in every run, so a file always gets the same figures.
        self._key = b"tessera resolution evaluate"
        self._count = 0

    def survivor(self, person_id: str) -> str:
        """The person an automatic merge made of this one (itself when none)."""
        return self._pool.survivor(person_id)

    def resolve(self, record: LabelledRecord) -> Outcome:
        """Resolve one record as a report with one person mention (`link_reports`' steps)."""
        person = record.person()
        facts = facts_for(person)
        report_id = UUID(int=self._count)
        self._count += 1
        (resolution,) = resolve_persons(
            facts=[facts],
            new_ids=[new_person_id(person, report_id=report_id, index=0, key=self._key)],
            own_ids=[own_person_id(report_id=report_id, index=0, key=self._key)],
            pool=self._pool,
        )
        merges = learn_and_rescore(self._pool, [facts], [resolution])
        return Outcome(
            person_id=resolution.person_id,
            candidates=tuple(p.person_id for p in resolution.possible),
            merged=tuple((m.keep, m.gone) for m in merges),
        )


@dataclass(frozen=True, slots=True)
class PairFigures:
    """Pairwise scores of a clustering: a pair is two records put in one cluster."""

    true_pairs: int  # pairs of records labelled as one entity
    predicted_pairs: int  # pairs of records the resolver put together
    correct_pairs: int  # pairs in both

    @property
    def precision(self) -> float | None:
        """Share of predicted pairs that are true; None when nothing was put together."""
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else None

    @property
    def recall(self) -> float | None:
        """Share of true pairs that were predicted; None when no two records are one entity."""
        return self.correct_pairs / self.true_pairs if self.true_pairs else None

    @property
    def f1(self) -> float | None:
        """The harmonic mean of precision and recall."""
        total = self.predicted_pairs + self.true_pairs
        return 2 * self.correct_pairs / total if self.predicted_pairs and self.true_pairs else None

    def as_dict(self) -> dict[str, Any]:
        """The figures for JSON."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
            "correct_pairs": self.correct_pairs,
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    """How a resolver did on a file of labelled records."""

    records: int
    entities: int
    people: int  # people the resolver made
    certain: PairFigures
    with_candidates: PairFigures
    candidates: int  # (record, person) candidates proposed
    true_candidates: int  # of which the person's first record has the record's label
    unused_columns: tuple[str, ...]  # columns in the file the resolver cannot use

    def as_dict(self) -> dict[str, Any]:
        """The figures for JSON."""
        return {
            "records": self.records,
            "entities": self.entities,
            "people": self.people,
            "certain_merges": self.certain.as_dict(),
            "merges_and_candidates": self.with_candidates.as_dict(),
            "candidates": {"proposed": self.candidates, "true": self.true_candidates},
            "unused_columns": list(self.unused_columns),
        }


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pair_figures(truth: list[int], clusters: list[int]) -> PairFigures:
    """Pairwise figures of clusters (one label per record) against the true entities."""
    return PairFigures(
        true_pairs=sum(_pairs(n) for n in Counter(truth).values()),
        predicted_pairs=sum(_pairs(n) for n in Counter(clusters).values()),
        correct_pairs=sum(_pairs(n) for n in Counter(zip(truth, clusters, strict=True)).values()),
    )


class _Joined:
    """Union-find over people: a merge or a confirmed candidate makes two people one."""

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        root = x
        while self._parent.get(root, root) != root:
            root = self._parent[root]
        while self._parent.get(x, x) != root:
            self._parent[x], x = root, self._parent[x]
        return root

    def join(self, a: int, b: int) -> None:
        self._parent[self.find(a)] = self.find(b)


def evaluate(
    records: Iterable[LabelledRecord],
    *,
    resolver: Resolver,
    unused_columns: tuple[str, ...] = (),
    on_record: Callable[[], object] = lambda: None,
) -> Evaluation:
    """Resolve the records in order and score the people made against the labels."""
    entity_index: dict[str, int] = {}
    person_index: dict[str, int] = {}
    first_entity: list[int] = []  # each person's first record's entity
    truth: list[int] = []
    people: list[int] = []
    edges: list[tuple[int, int]] = []
    merged = _Joined()  # automatic merges: certain
    true_candidates = 0
    for record in records:
        outcome = resolver.resolve(record)
        entity = entity_index.setdefault(record.entity_id, len(entity_index))
        person = person_index.setdefault(outcome.person_id, len(person_index))
        if person == len(first_entity):
            first_entity.append(entity)
        truth.append(entity)
        people.append(person)
        for candidate in outcome.candidates:
            other = person_index.get(candidate)
            if other is None:  # a resolver proposing someone it never made: a bug
                raise RecordError(f"record {record.record_id}: unknown candidate {candidate}")
            edges.append((person, other))
            true_candidates += first_entity[other] == entity
        for kept, gone in outcome.merged:
            merged.join(person_index[gone], person_index[kept])
            edges.append((person_index[gone], person_index[kept]))
        on_record()
    joined = _Joined()
    for a, b in edges:
        joined.join(a, b)
    return Evaluation(
        records=len(truth),
        entities=len(entity_index),
        people=len({merged.find(p) for p in person_index.values()}),
        certain=pair_figures(truth, [merged.find(p) for p in people]),
        with_candidates=pair_figures(truth, [joined.find(p) for p in people]),
        candidates=len(edges),
        true_candidates=true_candidates,
        unused_columns=unused_columns,
    )


def _header(path: Path, fieldnames: Sequence[str] | None) -> list[str]:
    if not fieldnames:
        raise RecordError(f"{path}: empty file, expected a header row")
    header = [f.strip() for f in fieldnames]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        problems = [f"missing column {c}" for c in missing] + [
            f"unknown column {c}" for c in unknown
        ]
        raise RecordError(f"{path}: {'; '.join(problems)} (columns: {', '.join(COLUMNS)})")
    return header


def unused_columns(path: Path) -> tuple[str, ...]:
    """The columns of the file the resolver cannot use: la_child_id without the authority."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        header = _header(path, csv.DictReader(f).fieldnames)
    return (
        ("la_child_id",) if "la_child_id" in header and "home_local_authority" not in header else ()
    )


def count_records(path: Path) -> int:
    """How many records the file holds (a pass over it, for a progress bar)."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        return sum(1 for _ in csv.DictReader(f))


def _record(row: dict[str, str | None], where: str) -> LabelledRecord:
    cells = {k.strip(): (v or "").strip() or None for k, v in row.items() if k is not None}
    if None in row:
        raise RecordError(f"{where}: more cells than columns")
    record_id, entity_id = cells.get("record_id"), cells.get("entity_id")
    if not record_id or not entity_id:
        raise RecordError(f"{where}: record_id and entity_id are required")
    dob = cells.get("date_of_birth")
    try:
        born = date.fromisoformat(dob) if dob else None
    except ValueError as error:
        raise RecordError(f"{where}: date_of_birth {dob!r} is not YYYY-MM-DD") from error
    record = LabelledRecord(
        record_id=record_id,
        entity_id=entity_id,
        given_name=cells.get("given_name"),
        surname=cells.get("surname"),
        date_of_birth=born,
        address=cells.get("address"),
        postcode=cells.get("postcode"),
        identifiers=tuple((c, v) for c in IDENTIFIER_COLUMNS if (v := cells.get(c))),
        home_local_authority=cells.get("home_local_authority"),
    )
    try:  # what ingest would refuse, the worker never sees
        record.person()
    except ValidationError as error:
        first = error.errors()[0]
        column = {v: k for k, v in PERSON_FIELD.items()}
        field = ".".join(column.get(str(x), str(x)) for x in first["loc"]) or "record"
        reason = "no given name or surname" if record.name is None else first["msg"]
        raise RecordError(f"{where}: {field}: {reason}") from error
    return record


def read_records(path: Path) -> Iterator[LabelledRecord]:
    """The file's records in order, one at a time; a bad one stops the reading with its row."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        _header(path, reader.fieldnames)
        seen: set[str] = set()
        for number, row in enumerate(reader, start=1):  # row 1: the first under the header
            where = f"{path}: row {number}"
            record = _record(row, where)
            if record.record_id in seen:
                raise RecordError(f"{where}: record_id {record.record_id} appears twice")
            seen.add(record.record_id)
            yield record


def evaluate_file(
    path: Path, *, resolver: Resolver, on_record: Callable[[], object] = lambda: None
) -> Evaluation:
    """Evaluate a resolver on a CSV file of labelled records (see COLUMNS)."""
    return evaluate(
        read_records(path),
        resolver=resolver,
        unused_columns=unused_columns(path),
        on_record=on_record,
    )


def write_records(path: Path, records: Iterable[LabelledRecord]) -> None:
    """Write labelled records in the format `read_records` reads (empty cell: missing)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for r in records:
            ids = dict(r.identifiers)
            writer.writerow(
                [
                    r.record_id,
                    r.entity_id,
                    r.given_name or "",
                    r.surname or "",
                    r.date_of_birth.isoformat() if r.date_of_birth else "",
                    r.address or "",
                    r.postcode or "",
                    *(ids.get(c, "") for c in IDENTIFIER_COLUMNS),
                    r.home_local_authority or "",
                ]
            )
