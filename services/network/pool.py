"""The people a batch's mentions may be: read from the graph once, kept up to date in memory.

A batch of reports is resolved against one read: for each of its mentions, the MAX_CANDIDATES
people sharing most of its blocking keys, the candidates `candidates` ranks first. As each report
is resolved, what it says of its people is learnt, exactly as the graph write will merge it, so the
next report in the batch sees them as it would after a write: the result is the same as resolving
the reports one transaction at a time.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from services.network.matching import MAX_KEY_SHARING, KnownPerson, PersonFacts


@dataclass(frozen=True, slots=True)
class SharingPerson:
    """A person in the graph, which of the asked-for blocking keys they have, the people they
    are known to be different from and those they are an open (pending) candidate with.

    `facts` gives what the graph knows of them, and is called only when the pool first needs
    it: a batch reads thousands of people, most of whom no mention is compared with.
    """

    id: str
    facts: Callable[[], PersonFacts]
    keys: frozenset[str]
    different_from: frozenset[str] = frozenset()
    pending: frozenset[str] = frozenset()

    @classmethod
    def of(cls, person: KnownPerson, keys: Iterable[str]) -> "SharingPerson":
        """A person whose facts are known already, a candidate with no one."""
        facts = person.facts
        return cls(
            id=person.id,
            facts=lambda: facts,
            keys=frozenset(keys),
            different_from=person.different_from,
        )


@dataclass(frozen=True, slots=True)
class PeopleSharing:
    """What the graph says of a batch's blocking keys: the people read (each mention's
    best-ranked), the keys too many people have, and how many have each of the others."""

    people: list[SharingPerson]
    common: set[str] = field(default_factory=set)
    sharing: dict[str, int] = field(default_factory=dict)


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


def _evidence(facts: PersonFacts) -> tuple[object, ...]:
    """What, gained, makes a person worth scoring again against their neighbours."""
    return (
        facts.date_of_birth,
        facts.identifiers,
        facts.postcodes,
        facts.addresses,
        facts.phones,
        facts.handles,
    )


def key_weight(sharing: int) -> int:
    """What sharing a blocking key says, by how many people have it: a key two people share
    says more than one a hundred share (an inverse frequency, in whole numbers so that the
    graph's ranking and the pool's agree exactly)."""
    return 1_000_000 // max(sharing, 1)


class PersonPool:
    """Candidates by shared blocking keys, rarest first, as the graph would rank them: by the
    summed `key_weight` of the keys shared, then by how many, then by id.

    `sharing`: how many people the graph says have each key (the pool counts those it learns
    on top). A key more than MAX_KEY_SHARING people have (in the graph: `common`; or once the
    pool learnt that many) finds no one. The pool also keeps who is an open candidate with
    whom, and follows merges made while the batch is resolved: a merged person is no one, and
    their facts, keys and candidates are the survivor's.
    """

    def __init__(
        self,
        people: Iterable[SharingPerson],
        *,
        common: Iterable[str] = (),
        sharing: Mapping[str, int] | None = None,
    ) -> None:
        self._facts: dict[str, PersonFacts] = {}
        self._unread: dict[str, Callable[[], PersonFacts]] = {}  # not needed yet
        self._by_key: dict[str, set[str]] = defaultdict(set)
        self._keys: dict[str, set[str]] = defaultdict(set)
        self._common = set(common)
        self._different: dict[str, frozenset[str]] = {}
        self._pending: dict[str, set[str]] = defaultdict(set)
        self._merged: dict[str, str] = {}
        for found in people:
            pid = found.id
            self._unread[pid] = found.facts
            self._different[pid] = found.different_from
            self._pending[pid] |= found.pending
            for other in found.pending:
                self._pending[other].add(pid)
            for key in found.keys:
                self._by_key[key].add(pid)
                self._keys[pid].add(key)
        # The people with each key whom the pool was not given.
        self._unseen = {
            key: count - len(self._by_key.get(key, ())) for key, count in (sharing or {}).items()
        }

    @classmethod
    def read(cls, found: PeopleSharing) -> "PersonPool":
        """The pool of what one read of the graph found."""
        return cls(found.people, common=found.common, sharing=found.sharing)

    def __contains__(self, person_id: object) -> bool:
        return person_id in self._facts or person_id in self._unread

    def survivor(self, person_id: str) -> str:
        """The person a merge in this batch made of this one (itself when none)."""
        while person_id in self._merged:
            person_id = self._merged[person_id]
        return person_id

    def facts(self, person_id: str) -> PersonFacts:
        """What the pool knows of a person."""
        unread = self._unread.pop(person_id, None)
        if unread is not None:
            self._facts[person_id] = unread()
        return self._facts[person_id]

    def _known(self, pid: str) -> KnownPerson:
        return KnownPerson(
            id=pid, facts=self.facts(pid), different_from=self._different.get(pid, frozenset())
        )

    def _sharing(self, key: str) -> int:
        return len(self._by_key.get(key, ())) + self._unseen.get(key, 0)

    def candidates(self, keys: list[str], *, limit: int) -> list[KnownPerson]:
        """People sharing any of the keys, ranked: the summed weight of the keys they share
        (rarer keys weigh more), then how many, then by id."""
        weight: Counter[str] = Counter()
        count: Counter[str] = Counter()
        for key in set(keys) - self._common:
            if (sharing := self._sharing(key)) > MAX_KEY_SHARING:
                continue
            for pid in self._by_key.get(key, ()):
                weight[pid] += key_weight(sharing)
                count[pid] += 1
        ranked = sorted(weight, key=lambda pid: (-weight[pid], -count[pid], pid))[:limit]
        return [self._known(pid) for pid in ranked]

    def neighbours(self, person_id: str, *, limit: int) -> list[KnownPerson]:
        """The people a person may be: those sharing their keys, and their open candidates."""
        by_keys = [
            k
            for k in self.candidates(sorted(self._keys[person_id]), limit=limit + 1)
            if k.id != person_id
        ][:limit]
        found = {k.id for k in by_keys}
        pending = sorted(
            pid
            for pid in self._pending.get(person_id, ())
            if pid in self and pid not in found and pid != person_id
        )
        return by_keys + [self._known(pid) for pid in pending]

    def learn(self, person_id: str, facts: PersonFacts, keys: list[str]) -> bool:
        """A written mention: the person has these facts and keys too. True when the person
        was known and gained evidence: a date of birth, identifier, home, phone or handle they
        did not have (another spelling of a name is no new evidence: scoring a person again
        for one let loose spellings chain, and cost the bench precision)."""
        known = self.facts(person_id) if person_id in self else None
        self._facts[person_id] = facts if known is None else merged(known, facts)
        for key in keys:
            self._by_key[key].add(person_id)
            self._keys[person_id].add(key)
        return known is not None and _evidence(self._facts[person_id]) != _evidence(known)

    def merge(self, *, keep: str, gone: str) -> None:
        """Two people are one: `gone`'s facts, keys and candidates become `keep`'s."""
        self._facts[keep] = merged(self.facts(keep), self.facts(gone))
        del self._facts[gone]
        for key in self._keys.pop(gone, set()):
            self._by_key[key].discard(gone)
            self._by_key[key].add(keep)
            self._keys[keep].add(key)
        self._different[keep] = self._different.get(keep, frozenset()) | self._different.pop(
            gone, frozenset()
        )
        for other in self._pending.pop(gone, set()):
            self._pending[other].discard(gone)
            if other != keep:
                self._pending[other].add(keep)
                self._pending[keep].add(other)
        self._pending[keep].discard(gone)
        for pid, apart in self._different.items():
            if gone in apart:
                self._different[pid] = apart | {keep}
        self._merged[gone] = keep
