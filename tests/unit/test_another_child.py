"""A person's own names, not only the best-aligned one, can say a mention is another child; and
the id a name gives is not taken by a namesake who lives elsewhere or holds another identifier.

Each case is a false merge the quality bench (`bench/resolution_quality.py --seed 11`) made
before: twins, one of whose names was mistyped or written as an initial."""

from datetime import date
from functools import reduce
from uuid import uuid4

from schemas.entities import Person
from services.network.identities import new_person_id, own_person_id
from services.network.linking.reports import resolve_persons
from services.network.matching import (
    TWIN_VETO,
    KnownPerson,
    PersonFacts,
    apart_despite_id,
    blocking_keys,
    score,
)
from services.network.pool import PersonPool, SharingPerson, merged
from tests.support.factories import id_key, synthetic_nhs_number
from tests.support.matching import facts

BORN = date(2010, 6, 10)
HOME = ("45 Selsel Avenue", "ZZ99 8UW")


def said(
    name: str | None,
    *,
    dob: date | None = BORN,
    home: tuple[str | None, str | None] = HOME,
    identifiers: tuple[str, ...] = (),
) -> PersonFacts:
    address, postcode = home
    return facts(name, dob=dob, identifiers=identifiers, postcode=postcode, address=address)


def person(*mentions: PersonFacts) -> PersonFacts:
    """What the graph knows of a person written about in these mentions."""
    return reduce(merged, mentions)


def test_a_slip_of_one_twins_name_does_not_make_the_other_twin_a_nickname() -> None:
    alice = person(said("Alice Teshujen"), said("Allice Teshujen"))
    # "Allice" is no name the table knows, and one slip from Allie, a nickname of Allison.
    found = score(said("Allison Teshujen"), alice)
    assert not found.certain
    assert found.veto == TWIN_VETO


def test_an_initial_does_not_speak_for_a_person_whose_given_name_is_known() -> None:
    rudolphus = person(said("R Denpemtes"), said("Rudolphus Denpemtes"))
    for roberta in (said("Roberta Denpemtes"), said("Denpemtes Roberta")):
        assert score(roberta, rudolphus).veto == TWIN_VETO
        assert score(rudolphus, roberta).veto == TWIN_VETO  # a person scored again


def test_a_surname_two_slips_away_with_another_given_name_is_a_twin() -> None:
    matthew = said("Matthew Muarmony")
    assert score(said("Jalen Msrmony"), matthew).veto == TWIN_VETO


def test_a_person_known_by_two_names_is_still_either_of_them() -> None:
    # An analyst said Alice and Allison are one girl: each name alone still finds her.
    both = person(said("Alice Teshujen"), said("Allison Teshujen"))
    assert score(said("Allison Teshujen"), both).certain
    assert score(said("Alice Teshujen"), both).certain
    # Names the table does not know may be slips of each other: left to the comparison.
    assert score(said("Ekminie Bawy"), person(said("Elminir Bawy"), said("Elminie Bawy"))).certain


def test_the_same_name_with_no_birthday_living_apart_is_not_one_person() -> None:
    here = said("Douglas Selbelmar", dob=None, home=(None, "ZZ99 4FA"))
    there = said("Douglas Selbelmar", dob=None, home=("88 Tormar Road", "ZZ99 6UR"))
    assert not score(there, here).certain
    assert apart_despite_id(there, here) is not None
    same_home = said("Douglas Selbelmar", dob=None, home=(None, "ZZ99 4FA"))
    assert score(same_home, here).certain
    assert apart_despite_id(same_home, here) is None
    nowhere = said("Douglas Selbelmar", dob=None, home=(None, None))
    assert apart_despite_id(nowhere, here) is None  # nothing says they live apart


def test_the_same_name_and_birthday_with_another_identifier_is_not_one_person() -> None:
    one = said("Kai Norrow", identifiers=(f"nhs:{synthetic_nhs_number(1)}",))
    other = said("Kai Norrow", identifiers=(f"nhs:{synthetic_nhs_number(2)}",))
    assert apart_despite_id(other, one) == "conflicting identifiers"
    # A dated mention that moved house is still the person its name and birthday give.
    moved = said("Kai Norrow", home=("3 Elsewhere Road", "ZZ99 1AA"))
    assert apart_despite_id(moved, one) is None


def _pool(person_id: str, facts: PersonFacts) -> PersonPool:
    return PersonPool(
        [SharingPerson.of(KnownPerson(id=person_id, facts=facts), blocking_keys(facts))]
    )


def test_a_namesake_living_elsewhere_gets_their_own_id() -> None:
    key = id_key()
    douglas = Person(name="Douglas Selbelmar", home_postcode="ZZ99 4FA")
    by_name = new_person_id(douglas, report_id=uuid4(), index=0, key=key)
    pool = _pool(by_name, said("Douglas Selbelmar", dob=None, home=(None, "ZZ99 4FA")))
    report = uuid4()
    elsewhere = said("Douglas Selbelmar", dob=None, home=("88 Tormar Road", "ZZ99 6UR"))
    own = own_person_id(report_id=report, index=0, key=key)
    (resolution,) = resolve_persons(facts=[elsewhere], new_ids=[by_name], own_ids=[own], pool=pool)
    assert resolution.person_id == own
    assert not resolution.matched
    # The same name again at the same home is the person the name gives.
    again = said("Douglas Selbelmar", dob=None, home=(None, "ZZ99 4FA"))
    (resolution,) = resolve_persons(facts=[again], new_ids=[by_name], own_ids=[own], pool=pool)
    assert resolution.person_id == by_name and resolution.matched
