"""A person who gains evidence is scored again against their neighbours (rescoring.py)."""

from datetime import UTC, date, datetime

from services.network.linking.rescoring import (
    RESOLVER,
    AutoMerge,
    automatic_decision,
    merges_after_gain,
)
from services.network.matching import KnownPerson, PersonFacts, blocking_keys, facts_of
from services.network.pool import PersonPool, SharingPerson

BORN = date(2011, 4, 5)
HOME = "12 Synthetic Road, Synthtown"


def _facts(
    name: str,
    *,
    born: date | None = None,
    address: str | None = None,
    identifiers: tuple[str, ...] = (),
) -> PersonFacts:
    return facts_of(
        name=name,
        aliases=[],
        nicknames=[],
        date_of_birth=born,
        estimated_age=None,
        observed_on=date(2026, 12, 1),
        phones=[],
        handles=[],
        identifiers=list(identifiers),
        home_postcode=None,
        home_address=address,
    )


def _pool(
    *people: tuple[str, PersonFacts], apart: dict[str, frozenset[str]] | None = None
) -> PersonPool:
    apart = apart or {}
    return PersonPool(
        SharingPerson.of(
            KnownPerson(id=pid, facts=facts, different_from=apart.get(pid, frozenset())),
            blocking_keys(facts),
        )
        for pid, facts in people
    )


def test_gaining_the_address_the_other_has_merges_the_undated_one() -> None:
    pool = _pool(
        ("person:dated", _facts("Jayden Synth", born=BORN, address=HOME)),
        ("person:undated", _facts("Jayden Synth", identifiers=("nhs:9990000018",))),
    )
    assert merges_after_gain(pool, "person:undated") == [], "a name alone: a candidate only"

    said = _facts("Jayden Synth", address=HOME)
    assert pool.learn("person:undated", said, blocking_keys(said)), "an address is evidence"
    (merge,) = merges_after_gain(pool, "person:undated")

    assert (merge.keep, merge.gone) == ("person:undated", "person:dated")
    assert "address: exact" in " ".join(merge.reasons)
    assert "person:dated" not in pool and pool.survivor("person:dated") == "person:undated"
    assert pool.facts("person:undated").date_of_birth == BORN, "the survivor has both's facts"


def test_another_spelling_of_a_name_is_no_evidence() -> None:
    pool = _pool(("person:a", _facts("Jayden Synth", born=BORN)))
    said = _facts("Jaydon Synth", born=BORN)
    assert not pool.learn("person:a", said, blocking_keys(said))


def test_people_one_report_mentions_or_an_analyst_kept_apart_are_never_merged() -> None:
    people = (
        ("person:dated", _facts("Jayden Synth", born=BORN, address=HOME)),
        ("person:undated", _facts("Jayden Synth", address=HOME)),
    )
    assert merges_after_gain(_pool(*people), "person:undated"), "the pair merges on its own"
    assert (
        merges_after_gain(_pool(*people), "person:undated", apart=frozenset({"person:dated"})) == []
    )
    apart = {"person:dated": frozenset({"person:undated"})}
    assert merges_after_gain(_pool(*people, apart=apart), "person:undated") == []


def test_the_automatic_decision_names_no_value_and_has_one_id_per_pair_and_report() -> None:
    merge = AutoMerge(
        keep="person:b",
        gone="person:a",
        weight=26.4,
        probability=1.0,
        reasons=("given name: exact (+6.3)", "address: exact (+11.4)"),
    )
    now = datetime(2026, 12, 3, tzinfo=UTC)
    decision = automatic_decision(merge, report_id="r1", now=now)
    assert decision.automatic and decision.decided_by == RESOLVER
    assert decision.candidate_id == "candidate:person:a:person:b"
    assert (decision.person_a, decision.person_b) == ("person:b", "person:a")
    assert "Synth" not in decision.reason and "Road" not in decision.reason
    assert automatic_decision(merge, report_id="r1", now=now).event_id == decision.event_id
    assert automatic_decision(merge, report_id="r2", now=now).event_id != decision.event_id
