"""The people a batch's mentions may be: read from the graph once, kept up to date in memory.

A batch of reports is resolved against one read of everyone who shares a blocking key with any
of its mentions. As each report is resolved, what it says of its people is learnt, exactly as
the graph write will merge it, so the next report in the batch sees them as it would after a
write: the result is the same as resolving the reports one transaction at a time.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from services.network.matching import MAX_KEY_SHARING, KnownPerson, PersonFacts


@dataclass(frozen=True, slots=True)
class SharingPerson:
    """A person in the graph and which of the asked-for blocking keys they have."""

    person: KnownPerson
    keys: frozenset[str]


def merged(known: PersonFacts, said: PersonFacts) -> PersonFacts:
    """What the graph knows of a person after a mention of them is written (MERGE_PERSONS)."""
    return PersonFacts(
        names=known.names + tuple(n for n in said.names if n not in known.names),
        nicknames=known.nicknames + tuple(n for n in said.nicknames if n not in known.nicknames),
        date_of_birth=known.date_of_birth or said.date_of_birth,
        birth_year=known.birth_year if known.birth_year is not None else said.birth_year,
        phones=known.phones | said.phones,
        handles=known.handles | said.handles,
        identifiers=known.identifiers | said.identifiers,
        postcodes=known.postcodes | said.postcodes,
        addresses=known.addresses + tuple(a for a in said.addresses if a not in known.addresses),
    )


class PersonPool:
    """Candidates by shared blocking keys, most keys shared first, as the graph would rank them.

    A key more than MAX_KEY_SHARING people have (in the graph: `common`; or once the pool
    learnt that many) finds no one.
    """

    def __init__(self, people: Iterable[SharingPerson], *, common: Iterable[str] = ()) -> None:
        self._facts: dict[str, PersonFacts] = {}
        self._by_key: dict[str, set[str]] = defaultdict(set)
        self._common = set(common)
        self._different: dict[str, frozenset[str]] = {}
        for sharing in people:
            self._facts[sharing.person.id] = sharing.person.facts
            self._different[sharing.person.id] = sharing.person.different_from
            for key in sharing.keys:
                self._by_key[key].add(sharing.person.id)

    def __contains__(self, person_id: object) -> bool:
        return person_id in self._facts

    def candidates(self, keys: list[str], *, limit: int) -> list[KnownPerson]:
        """People sharing any of the keys, those sharing most first, then by id."""
        usable = (
            people
            for key in set(keys) - self._common
            if len(people := self._by_key.get(key, ())) <= MAX_KEY_SHARING
        )
        shared = Counter(pid for people in usable for pid in people)
        ranked = sorted(shared.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
        return [
            KnownPerson(
                id=pid, facts=self._facts[pid], different_from=self._different.get(pid, frozenset())
            )
            for pid, _ in ranked
        ]

    def learn(self, person_id: str, facts: PersonFacts, keys: list[str]) -> None:
        """A written mention: the person has these facts and keys too."""
        known = self._facts.get(person_id)
        self._facts[person_id] = facts if known is None else merged(known, facts)
        for key in keys:
            self._by_key[key].add(person_id)
