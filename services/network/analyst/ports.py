"""Ports of the analyst API: what its use cases need of the graph and of Kafka, free of any
client. The graph's rows are the records they carry (dicts, filtered by the caller's
audiences)."""

from typing import Any, Protocol

from services.network.analyst.paths import PathGraph


class PublishFailed(Exception):
    """Kafka did not acknowledge the message; nothing may be recorded as done."""


class Publisher(Protocol):
    """Somewhere a keyed message can be durably published."""

    def publish(self, *, topic: str, key: bytes, value: bytes) -> None:
        """Return only once Kafka acknowledged the message (acks=all), else raise PublishFailed."""
        ...


class MissingGraph(Protocol):
    """The read the use case needs, filtered by the caller's audiences."""

    def missing_now(
        self, *, audiences: list[str], agency: str, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        """Open missing episodes the caller may see, longest missing first."""
        ...


class MatchFactsGraph(Protocol):
    """The read the comparison needs."""

    def person_match_facts(self, ids: list[str], *, audiences: list[str]) -> list[dict[str, Any]]:
        """Each person's visible mentions and visible phones and handles."""
        ...


class ResolutionGraph(MatchFactsGraph, Protocol):
    """What the decisions read from and write to the graph."""

    def candidate(self, *, candidate_id: str, audiences: list[str]) -> dict[str, Any] | None:
        """The candidate's id and two people, if the caller may see both."""
        ...

    def split_check(
        self, *, person_id: str, report_ids: list[str], audiences: list[str]
    ) -> dict[str, Any] | None:
        """The person if visible: which of the reports are visible, which mention them."""
        ...

    def apply_decision(self, decision: dict[str, Any]) -> None:
        """Record the decision and apply it, in one transaction."""
        ...


class CandidatesGraph(MatchFactsGraph, Protocol):
    """The reads the list of possible matches needs."""

    def possible_matches(
        self,
        *,
        audiences: list[str],
        status: str | None,
        person_id: str | None,
        offset: int,
        limit: int,
    ) -> list[dict[str, Any]]:
        """POSSIBLE_SAME_AS candidates between visible people, the worker's likeliest first."""
        ...


class AnalystGraph(PathGraph, Protocol):
    """The reads the analyst use cases need; every call is filtered by audiences, and raises
    QueryTimedOut when the graph stops it for running too long."""

    def expand(self, ids: list[str], **params: Any) -> list[dict[str, Any]]:
        """Visible links of the given entities, with the entity at the other end."""
        ...

    def nodes(self, ids: list[str], *, audiences: list[str]) -> list[dict[str, Any]]:
        """The visible entities among ids, labelled as a visible report named them."""
        ...

    def search_keys(self, keys: list[str], *, audiences: list[str], limit: int) -> list[str]:
        """Visible people sharing blocking keys."""
        ...

    def search_identifier(
        self, identifier_id: str, *, audiences: list[str], limit: int
    ) -> list[str]:
        """Visible people linked to a phone, handle or vehicle."""
        ...

    def search_words(self, words: str, *, audiences: list[str], limit: int) -> list[dict[str, Any]]:
        """Visible people a visible report calls by the words (a full-text query): each row's
        `id` and `said`, what only the visible reports call them."""
        ...

    def person_facts(self, ids: list[str], *, audiences: list[str]) -> list[dict[str, Any]]:
        """What visible reports say of each person."""
        ...
