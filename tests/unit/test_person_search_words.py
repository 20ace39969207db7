"""Person search by one word of a name: a nickname, an alias, a given name or a surname alone
finds the person, scored only against what the reports the caller may see call them."""

from datetime import date
from typing import Any

from common.auth import Principal, Role
from services.network.analyst.analysis import name_words_query, search_persons, word_match
from tests.support.fakes.no_paths import NoPaths

ANALYST = Principal(user="a.analyst", agency="Synthetic Analysts", role=Role.ANALYST)


class FakeGraph(NoPaths):
    """People and what visible reports call them; search_words answers as the index would."""

    def __init__(self, people: dict[str, dict[str, Any]]) -> None:
        self._people = people
        self.queries: list[str] = []

    def search_keys(self, keys: list[str], *, audiences: list[str], limit: int) -> list[str]:
        """No blocking key matches in these tests: the word search alone must find them."""
        return []

    def search_identifier(
        self, identifier_id: str, *, audiences: list[str], limit: int
    ) -> list[str]:
        """Not used here."""
        return []

    def search_words(self, words: str, *, audiences: list[str], limit: int) -> list[dict[str, Any]]:
        """Everyone: the use case must keep only who matches."""
        self.queries.append(words)
        return [{"id": pid, "said": p["said"]} for pid, p in self._people.items()]

    def person_facts(self, ids: list[str], *, audiences: list[str]) -> list[dict[str, Any]]:
        """Labels, date of birth and role of each person asked for."""
        return [
            {
                "id": pid,
                "labels": [s for s in self._people[pid]["said"] if s[0].isupper()],
                "nickname_lists": [],
                "date_of_birth": self._people[pid].get("date_of_birth"),
                "role": "young_person",
                "last_reported": "2026-11-30T10:00:00Z",
            }
            for pid in ids
            if pid in self._people
        ]

    def expand(self, ids: list[str], **params: Any) -> list[dict[str, Any]]:
        """Not used here."""
        return []

    def nodes(self, ids: list[str], *, audiences: list[str]) -> list[dict[str, Any]]:
        """Not used here."""
        return []


PEOPLE: dict[str, dict[str, Any]] = {
    "person:dean": {"said": ["Dean Walsh", "deano"], "date_of_birth": "2010-05-01"},
    "person:tiny": {"said": ["Tiny", "tiny"]},
    "person:zoe": {"said": ["Zoë Ortiz"]},
    "person:other": {"said": ["Mia Hart"]},
}


def _search(name: str, **extra: Any) -> list[tuple[str, str | None]]:
    hits = search_persons(
        name=name,
        date_of_birth=extra.get("date_of_birth"),
        identifier=None,
        principal=ANALYST,
        graph=FakeGraph(PEOPLE),
        limit=20,
        today=lambda: date(2026, 12, 1),
    )
    return [(h.id, h.matched_on) for h in hits]


def test_a_given_name_alone_finds_the_person() -> None:
    assert _search("Dean") == [("person:dean", "Dean Walsh")]


def test_a_surname_alone_finds_the_person_despite_a_typo() -> None:
    assert _search("Welsh") == [("person:dean", "Dean Walsh")]


def test_a_nickname_finds_someone_known_only_by_it() -> None:
    assert _search("tiny") == [("person:tiny", "Tiny")]


def test_a_nickname_finds_the_person_it_was_recorded_for() -> None:
    assert _search("Deano") == [("person:dean", "deano")]


def test_accents_do_not_matter() -> None:
    assert _search("Zoe") == [("person:zoe", "Zoë Ortiz")]


def test_a_different_date_of_birth_keeps_a_word_match_out() -> None:
    assert _search("Dean", date_of_birth=date(2011, 1, 1)) == []


def test_a_word_nobody_is_called_finds_no_one() -> None:
    assert _search("Quentin") == []


def test_the_whole_name_scores_above_a_part_of_it() -> None:
    whole, whole_name = word_match("tiny", ["Tiny"]) or (0.0, "")
    part, _ = word_match("dean", ["Dean Walsh"]) or (0.0, "")
    assert (whole, whole_name) == (1.0, "Tiny")
    assert 0 < part < whole


def test_the_full_text_query_needs_every_word_and_allows_one_typo_in_long_ones() -> None:
    assert name_words_query("Dean  O'Neil") == "+(dean~1) +(o'neil~1 oneil~1)"
    assert name_words_query("Smith-Jones") == "+(smith~1) +(jones~1)"
    assert name_words_query("Al") == "+(al)"
    assert name_words_query("Zoë") == "+(zoë zoe)"
    assert name_words_query("AND OR *") == "+(and) +(or)"
    assert name_words_query("!!") is None


class KeyedGraph(FakeGraph):
    """Ava's match keys hold a date of birth only a report the caller may not see gives; a phone
    the caller may see links Dean."""

    def search_keys(self, keys: list[str], *, audiences: list[str], limit: int) -> list[str]:
        return ["person:ava"]

    def search_identifier(
        self, identifier_id: str, *, audiences: list[str], limit: int
    ) -> list[str]:
        return ["person:dean"] if identifier_id == "phone:+447700900111" else []


def test_a_person_found_only_by_hidden_keys_stays_hidden_when_an_identifier_is_searched_too() -> (
    None
):
    """Adding a phone to a search by date of birth must not return the people the date's match
    keys found (keys hold every report's facts): only those the identifier links, or who match
    on what the caller may see."""
    people = {**PEOPLE, "person:ava": {"said": ["Ava Synth"]}}
    for phone in ("phone:+447700900000", "phone:+447700900111"):
        hits = search_persons(
            name=None,
            date_of_birth=date(2011, 1, 2),
            identifier=phone,
            principal=ANALYST,
            graph=KeyedGraph(people),
            limit=20,
            today=lambda: date(2026, 12, 1),
        )
        linked = ["person:dean"] if phone.endswith("111") else []
        assert [h.id for h in hits] == linked, phone
