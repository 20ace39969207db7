"""The pure helpers of bench/resolution_speed.py: cost sharing, probes, the profile's groups."""

import random
from datetime import date

from bench.resolution_quality import TODAY, population
from bench.resolution_speed import (
    chunks,
    group_profile,
    id_key,
    mention_costs,
    probes,
    screened_on,
    stored_graphs,
)


def test_a_batch_shares_its_read_equally_among_its_mentions() -> None:
    costs = mention_costs(shared=0.3, own=[0.1, 0.2, 0.0])
    assert [round(c, 9) for c in costs] == [0.2, 0.3, 0.1]
    assert round(sum(costs), 9) == round(0.3 + 0.1 + 0.2, 9)


def test_an_empty_batch_has_no_mention_costs() -> None:
    assert mention_costs(shared=0.5, own=[]) == []


def test_chunks_keep_order_and_the_last_may_be_short() -> None:
    assert [list(c) for c in chunks(list(range(7)), 3)] == [[0, 1, 2], [3, 4, 5], [6]]


def test_profile_groups_take_the_first_matching_group_else_other() -> None:
    own = {
        "~:<method 'poll' of 'select.epoll' objects>": 3.0,
        "/x/neo4j/_async/io.py:read": 1.0,
        "/x/services/network/matching.py:score": 2.0,
        "/x/services/network/matching.py:_edits": 0.5,
        "/x/json/decoder.py:decode": 0.25,
    }
    groups = (("wait", ("epoll",)), ("driver", ("neo4j/",)), ("scores", ("matching.py",)))
    assert group_profile(own, groups) == [
        ("wait", 3.0),
        ("scores", 2.5),
        ("driver", 1.0),
        ("other", 0.25),
    ]


def test_a_screening_day_finds_the_child_under_18() -> None:
    assert screened_on(None) == TODAY
    assert screened_on(date(2010, 5, 1)) == date(2022, 4, 28)  # 12 years of 365 days on
    assert screened_on(date(2020, 1, 1)) == TODAY  # never after the day the records are dated


def test_probes_are_of_people_in_the_small_graph_or_in_neither() -> None:
    people = population(300, random.Random(1))  # noqa: S311 - synthetic data
    mentions = probes(
        people,
        known_from=100,
        new_from=250,
        count=200,
        new_share=0.25,
        tag="t",
        salt="m",
        seed=1,
    )
    assert len(mentions) == 200
    assert 25 <= sum(not m.known for m in mentions) <= 75
    again = probes(
        people, known_from=100, new_from=250, count=200, new_share=0.25, tag="t", salt="m", seed=1
    )
    assert again == mentions  # the same probes at both sizes, and in every run of a seed


def test_stored_people_are_the_same_whatever_is_loaded_first() -> None:
    people = population(50, random.Random(2))  # noqa: S311 - synthetic data
    whole = list(stored_graphs(people, start=0, stop=20, tag="t", seed=3))
    tail = list(stored_graphs(people, start=10, stop=20, tag="t", seed=3))
    assert [g.persons for g in whole[10:]] == [g.persons for g in tail]
    assert all(len(g.persons) == 1 and g.persons[0]["keys"] for g in whole)
    assert {g.report["submitted_by"] for g in whole} == {"bench.synth"}  # found by bench.cleanup


def test_each_run_keys_its_person_ids_apart() -> None:
    assert id_key("a") != id_key("b")
