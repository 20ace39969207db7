"""Person matching: name variants, swapped names, nicknames, dates of birth and identifiers."""

from datetime import date

import pytest

from services.network.matching import (
    KnownPerson,
    PersonFacts,
    blocking_keys,
    resolve,
    score,
)
from tests.support.matching import facts

DEAN = facts("Dean Walsh", nicknames=("Deano",), dob=date(2009, 4, 2))


@pytest.mark.parametrize(
    ("mention", "certain", "at_least"),
    [
        (facts("Dean Walsh", dob=date(2009, 4, 2)), True, 1.0),
        (facts("DEAN  walsh"), False, 0.75),  # a date of birth on one side only: ask
        (facts("Walsh Dean", dob=date(2009, 4, 2)), True, 1.0),  # swapped first and last
        (facts("Dean Welsh", dob=date(2009, 4, 2)), True, 0.9),  # a typo, same DOB
        (facts("Dean Welsh"), False, 0.75),  # a typo alone is only possible
        # An initial and the birthday: Dean, unless a twin is known too (matching.resolve).
        (facts("D. Walsh", dob=date(2009, 4, 2)), True, 0.9),
        (facts("D. Walsh"), False, 0.75),  # an initial alone: ask an analyst
        (facts(nicknames=("deano",)), False, 0.8),  # a nickname: ask an analyst
        (facts("Dean Walsh", age=16), False, 0.75),  # an age agrees (born ~2010): ask
        (facts("Dean Walsh", age=16, phones=("+447700900123",)), False, 0.75),  # phone unknown
    ],
)
def test_name_variants(mention: PersonFacts, certain: bool, at_least: float) -> None:
    result = score(mention, DEAN)
    assert result.certain is certain
    assert result.value >= at_least


def test_a_shared_phone_makes_a_similar_name_certain() -> None:
    known = facts("Dean Walsh", phones=("+447700900123",))
    assert score(facts("Dean Welsh", phones=("+447700900123",)), known).certain


@pytest.mark.parametrize(
    "mention",
    [
        facts("Dean Walsh", dob=date(2011, 1, 1)),  # another boy of the same name
        facts("Dean Walsh", age=40),  # an adult of the same name
    ],
)
def test_a_birth_conflict_rules_a_match_out(mention: PersonFacts) -> None:
    result = score(mention, DEAN)
    assert result.value == 0 and not result.certain


def test_a_surname_that_only_begins_the_same_is_not_a_typo() -> None:
    # Jaro-Winkler gives these 0.85 for the shared "synth", but seven keys differ.
    born = date(2011, 3, 4)
    mention = facts("Ava Synth0d155636", dob=born)
    assert not score(mention, facts("Ava Synth6800055c", dob=born)).certain
    assert score(facts("Ava Richardson", dob=born), facts("Ava Richards", dob=born)).certain


def test_different_people_do_not_match() -> None:
    assert score(facts("Jordan Price", dob=date(2009, 4, 2)), DEAN).value < 0.75


def test_resolve_prefers_the_certain_candidate_and_lists_the_possible() -> None:
    candidates = [
        KnownPerson("person:a", facts("Dean Walsh", dob=date(2009, 4, 2))),
        KnownPerson("person:b", facts("Dean Welsh")),
    ]
    result = resolve(
        mention=facts("Dean Walsh", dob=date(2009, 4, 2)), candidates=candidates, new_id="new"
    )
    assert result.person_id == "person:a" and result.matched
    assert [p.person_id for p in result.possible] == ["person:b"]


def test_an_uncertain_mention_is_someone_new_with_a_candidate() -> None:
    result = resolve(
        mention=facts(nicknames=("Deano",)), candidates=[KnownPerson("person:a", DEAN)], new_id="n"
    )
    assert result.person_id == "n" and not result.matched
    assert result.possible[0].person_id == "person:a"


def test_matching_does_not_chain() -> None:
    """D. Walsh is only possibly Dean Walsh, so a later Dave Walsh never reaches Dean."""
    first = resolve(
        mention=facts("D Walsh"), candidates=[KnownPerson("dean", DEAN)], new_id="d-walsh"
    )
    assert first.person_id == "d-walsh"
    dave = resolve(
        mention=facts("Dave Walsh", dob=date(2001, 1, 1)),
        candidates=[KnownPerson("dean", DEAN), KnownPerson("d-walsh", facts("D Walsh"))],
        new_id="dave",
    )
    assert dave.person_id == "dave"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (facts("Dean Walsh"), facts("Walsh Dean")),
        (facts("Dean Walsh"), facts("D. Walsh")),
        (facts("Dean Walsh", nicknames=("Deano",)), facts(nicknames=("deano",))),
        (facts("Ava Synth", dob=date(2010, 5, 1)), facts("Eva Smith", dob=date(2010, 5, 1))),
        (facts("Ava Synth", phones=("+447700900001",)), facts("A S", phones=("+447700900001",))),
        # A date of birth with a digit wrong: the name's own keys.
        (facts("Dean Walsh", dob=date(2009, 4, 2)), facts("Dean Walsh", dob=date(2009, 4, 3))),
        # Day and month swapped, and the given name mistyped.
        (facts("Dean Walsh", dob=date(2009, 4, 2)), facts("Dewn Walsh", dob=date(2009, 2, 4))),
    ],
)
def test_variants_share_a_blocking_key(a: PersonFacts, b: PersonFacts) -> None:
    assert set(blocking_keys(a)) & set(blocking_keys(b))


def test_a_surname_and_a_year_of_birth_alone_find_no_one() -> None:
    """Tens of people share a common surname and a year of birth in a large population: a
    candidate must share more with the mention than that."""
    ava = facts("Ava Synth", dob=date(2010, 5, 1))
    bob = facts("Bob Synth", dob=date(2010, 9, 17))
    assert not set(blocking_keys(ava)) & set(blocking_keys(bob))


def test_a_mentions_keys_are_worked_out_once_and_each_caller_gets_its_own_list() -> None:
    """Linking asks for a mention's keys at each step; what one caller does with its list
    changes no other's."""
    mention = facts("Dean Walsh", dob=date(2009, 4, 2))
    first = blocking_keys(mention)
    first.clear()
    again = blocking_keys(facts("Dean Walsh", dob=date(2009, 4, 2)))
    assert again == sorted(again)
    assert "dob:2009-04-02" in again
    assert again is not blocking_keys(mention)


def test_twins_are_not_merged() -> None:
    """Same surname, same birthday, different first names: ask, never merge."""
    jon = facts("Jon Synth", dob=date(2011, 2, 3))
    jan = facts("Jan Synth", dob=date(2011, 2, 3))
    assert not score(jan, jon).certain
