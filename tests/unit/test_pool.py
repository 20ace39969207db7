"""The person pool ranks candidates as the graph did, and learns what each mention says."""

from datetime import date

from services.network.matching import MAX_KEY_SHARING, KnownPerson, PersonFacts
from services.network.pool import PersonPool, SharingPerson, key_weight, merged


def _person(pid: str, keys: set[str], facts: PersonFacts | None = None) -> SharingPerson:
    person = KnownPerson(id=pid, facts=facts or PersonFacts())
    return SharingPerson.of(person, keys)


def test_candidates_share_most_keys_first_then_by_id() -> None:
    pool = PersonPool(
        [
            _person("person:b", {"k1"}),
            _person("person:a", {"k1"}),
            _person("person:c", {"k1", "k2"}),
        ]
    )
    ranked = [p.id for p in pool.candidates(["k1", "k2", "k2"], limit=2)]
    assert ranked == ["person:c", "person:a"]


def test_a_rare_key_outweighs_several_common_ones() -> None:
    crowd = [_person(f"person:crowd{n}", {"common1", "common2"}) for n in range(6)]
    pool = PersonPool([*crowd, _person("person:z", {"rare"})])
    ranked = [p.id for p in pool.candidates(["common1", "common2", "rare"], limit=2)]
    assert ranked == ["person:z", "person:crowd0"]
    assert key_weight(1) > 2 * key_weight(6)


def test_the_graphs_count_of_a_key_weighs_it_and_can_make_it_common() -> None:
    people = [_person("person:a", {"dob"}), _person("person:b", {"name"})]
    # The graph says 150 people have the date of birth: it weighs less than a name two share.
    pool = PersonPool(people, sharing={"dob": 150, "name": 2})
    assert [p.id for p in pool.candidates(["dob", "name"], limit=2)] == ["person:b", "person:a"]
    # Past the cap, as the graph counts it, a key finds no one, though the pool holds one.
    crowded = PersonPool(people, sharing={"dob": MAX_KEY_SHARING + 1, "name": 2})
    assert [p.id for p in crowded.candidates(["dob", "name"], limit=2)] == ["person:b"]


def test_a_learnt_mention_adds_facts_and_keys_as_the_graph_merges_them() -> None:
    pool = PersonPool(
        [_person("person:a", {"k1"}, PersonFacts(names=("ava synth",), birth_year=2010))]
    )
    said = PersonFacts(
        names=("ava synth", "ava synthe"), date_of_birth=date(2010, 5, 1), phones=frozenset({"+1"})
    )
    pool.learn("person:a", said, ["k9"])
    (found,) = pool.candidates(["k9"], limit=5)
    assert found.facts.names == ("ava synth", "ava synthe")
    assert found.facts.date_of_birth == date(2010, 5, 1) and found.facts.birth_year == 2010
    assert found.facts.phones == frozenset({"+1"})
    assert "person:a" in pool and "person:new" not in pool


def test_merging_keeps_what_was_known_first() -> None:
    known = PersonFacts(date_of_birth=date(2011, 1, 1), nicknames=("deano",))
    after = merged(known, PersonFacts(date_of_birth=date(2012, 2, 2), nicknames=("dw", "deano")))
    assert after.date_of_birth == date(2011, 1, 1)
    assert after.nicknames == ("deano", "dw")


def test_a_key_too_many_people_have_finds_no_one() -> None:
    crowd = [_person(f"person:{i:03d}", {"dob:2010-01-01"}) for i in range(MAX_KEY_SHARING + 1)]
    pool = PersonPool([*crowd, _person("person:named", {"name:AF SN0"})])
    assert pool.candidates(["dob:2010-01-01"], limit=5) == []
    assert [p.id for p in pool.candidates(["dob:2010-01-01", "name:AF SN0"], limit=5)] == [
        "person:named"
    ]


def test_a_key_the_graph_says_is_common_finds_no_one() -> None:
    pool = PersonPool([_person("person:a", {"dob:2010-01-01"})], common={"dob:2010-01-01"})
    assert pool.candidates(["dob:2010-01-01"], limit=5) == []


def test_candidates_keep_whom_analysts_said_they_are_not() -> None:
    person = KnownPerson("person:a", PersonFacts(), different_from=frozenset({"person:b"}))
    pool = PersonPool([SharingPerson.of(person, {"k1"})])
    (found,) = pool.candidates(["k1"], limit=5)
    assert found.different_from == frozenset({"person:b"})


def test_a_persons_facts_are_built_only_when_the_pool_needs_them() -> None:
    built: list[str] = []

    def read(pid: str, facts: PersonFacts) -> SharingPerson:
        def build() -> PersonFacts:
            built.append(pid)
            return facts

        return SharingPerson(id=pid, facts=build, keys=frozenset({f"k:{pid}", "shared"}))

    born = PersonFacts(names=("jayden synth",), date_of_birth=date(2010, 3, 4))
    pool = PersonPool([read(f"person:{n}", born) for n in range(50)])
    assert built == [] and "person:7" in pool
    (found,) = pool.candidates(["k:person:7"], limit=5)
    assert found.facts == born and built == ["person:7"]
    pool.learn("person:8", PersonFacts(phones=frozenset({"+447700900123"})), ["k:person:8"])
    assert pool.facts("person:8").date_of_birth == born.date_of_birth
    pool.merge(keep="person:7", gone="person:9")
    assert "person:9" not in pool and pool.facts("person:7") == born
    assert sorted(built) == ["person:7", "person:8", "person:9"]
    pool.candidates(["k:person:7"], limit=5)
    assert len(built) == 3  # built once each
