"""Why two people are, or are not, one: the worker's scoring on the facts the caller may see."""

from typing import Any

import pytest

from common.auth import Principal, Role
from services.network.analyst.comparison import (
    NotVisible,
    Outcome,
    compare_people,
    possible_matches,
    visible_facts,
)

ANALYST = Principal("a.analyst", "Synthetic Analysts", Role.ANALYST)


def _mention(name: str, **said: Any) -> dict[str, Any]:
    return {"name": name, "observed_on": "2026-11-20", **said}


class FakeGraph:
    """Person rows as PERSON_MATCH_FACTS returns them (already filtered by audiences)."""

    def __init__(self, rows: dict[str, dict[str, Any]]) -> None:
        self.rows = rows
        self.asked: list[str] = []

    def person_match_facts(self, ids: list[str], *, audiences: list[str]) -> list[dict[str, Any]]:
        self.asked = audiences
        return [{"id": i, **self.rows[i]} for i in ids if i in self.rows]


def _compare(a: list[dict[str, Any]], b: list[dict[str, Any]], **contacts: list[str]) -> Any:
    graph = FakeGraph(
        {
            "person:a": {"mentions": a, "contacts": contacts.get("a", [])},
            "person:b": {"mentions": b, "contacts": contacts.get("b", [])},
        }
    )
    return compare_people(graph, ANALYST, person_a="person:a", person_b="person:b")


def test_a_typo_with_the_same_birthday_would_merge_and_says_why() -> None:
    result = _compare(
        [_mention("Jayden Synth", date_of_birth="2011-05-05")],
        [_mention("Jaydon Synth", date_of_birth="2011-05-05")],
    )
    assert result.outcome is Outcome.MERGE and result.rule is None
    levels = {c.field: c.level for c in result.contributions}
    assert (levels["given_name"], levels["surname"], levels["date_of_birth"]) == (
        "typo",
        "exact",
        "exact",
    )
    assert result.weight == pytest.approx(sum(c.weight for c in result.contributions), abs=0.05)
    assert result.weight >= result.merge_threshold


def test_twins_are_kept_apart_by_a_rule_the_analyst_is_shown() -> None:
    result = _compare(
        [_mention("Dean Synth", date_of_birth="2011-05-05")],
        [_mention("Kai Synth", date_of_birth="2011-05-05")],
    )
    assert result.outcome is not Outcome.MERGE
    assert result.rule is not None and "twin" in result.rule


def test_conflicting_identifiers_keep_them_apart() -> None:
    result = _compare(
        [_mention("Ava Synth", nhs_number="9434765919")],
        [_mention("Ava Synth", nhs_number="9434765870")],
    )
    assert result.outcome is Outcome.APART
    assert {c.field: c.level for c in result.contributions}["identifiers"] == "conflict"


def test_every_visible_mention_and_contact_counts() -> None:
    row = {
        "mentions": [
            _mention("Ava Synth"),
            _mention("Ava Synth", date_of_birth="2011-05-05", nicknames=["Avs"]),
        ],
        "contacts": ["phone:+447700900123", "handle:instagram:ava.synth"],
    }
    facts = visible_facts(row)
    assert facts.date_of_birth is not None and facts.nicknames == ("avs",)
    assert facts.phones == frozenset({"+447700900123"})
    assert facts.handles == frozenset({"instagram:ava.synth"})


def test_someone_no_visible_report_names_is_not_visible() -> None:
    with pytest.raises(NotVisible):
        _compare([_mention("Ava Synth")], [])
    graph = FakeGraph({"person:a": {"mentions": [_mention("Ava Synth")], "contacts": []}})
    with pytest.raises(NotVisible):
        compare_people(graph, ANALYST, person_a="person:a", person_b="person:b")


class FakeCandidates(FakeGraph):
    """Candidates as POSSIBLE_MATCHES returns them, the worker's score first, a page at a time."""

    def __init__(self, rows: dict[str, dict[str, Any]], pairs: list[tuple[str, str]]) -> None:
        super().__init__(rows)
        self.pairs = [
            {
                "id": f"c{i:04d}",
                "person_a": a,
                "person_b": b,
                "score": 0.99,
                "reasons": ["x"],
                "status": "pending",
            }
            for i, (a, b) in enumerate(pairs)
        ]
        self.pages = 0

    def possible_matches(
        self,
        *,
        audiences: list[str],
        status: str | None,
        person_id: str | None,
        offset: int,
        limit: int,
    ) -> list[dict[str, Any]]:
        self.pages += 1
        return self.pairs[offset : offset + limit]


def test_possible_matches_are_scored_on_visible_facts_and_only_those_they_make_alike_listed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("services.network.analyst.comparison.CANDIDATES_READ", 3)
    rows: dict[str, dict[str, Any]] = {
        "person:dean": {"mentions": [_mention("Dean Walsh")], "contacts": []},
        "person:d": {"mentions": [_mention("D. Walsh")], "contacts": []},
        "person:jay": {
            "mentions": [_mention("Jayden Synth", date_of_birth="2011-05-05")],
            "contacts": [],
        },
        "person:jaydon": {
            "mentions": [_mention("Jaydon Synth", date_of_birth="2011-05-05")],
            "contacts": [],
        },
        "person:kai": {"mentions": [_mention("Kai Other")], "contacts": []},
        "person:unseen": {"mentions": [], "contacts": []},  # no visible report names them
    }
    graph = FakeCandidates(
        rows,
        [
            ("person:dean", "person:kai"),  # alike only in what the caller may not see
            ("person:dean", "person:d"),
            ("person:dean", "person:unseen"),
            ("person:jay", "person:jaydon"),
            ("person:dean", "person:hidden"),  # a person the caller may not see at all
        ],
    )
    listed = possible_matches(graph, ANALYST, status="pending", person_id=None, offset=0, limit=10)
    assert [(c.person_a, c.person_b) for c in listed] == [
        ("person:jay", "person:jaydon"),  # likeliest first, on what the caller sees
        ("person:dean", "person:d"),
    ]
    assert graph.pages == 2  # every candidate read, three at a time
    expected = compare_people(graph, ANALYST, person_a="person:dean", person_b="person:d")
    assert (listed[1].score, listed[1].reasons) == (expected.probability, expected.reasons)
    second = possible_matches(graph, ANALYST, status="pending", person_id=None, offset=1, limit=1)
    assert [c.id for c in second] == [listed[1].id]  # offset and limit count what is shown
