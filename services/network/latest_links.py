"""Which entities' latest links (schemas/graph.py LATEST_LINKS_KEPT: every entity but a person
keeps them) a change of links touches, and the entities whose links to them changed: the rows of
KEEP_LATEST_LINKS."""

from collections.abc import Iterable
from typing import Any

from schemas.graph import LATEST_LINKS_KEPT, evidence_fields, latest_link_fields
from schemas.linking import EntityKind

PERSON = f"{EntityKind.PERSON.value}:"


def keep_params() -> dict[str, Any]:
    """KEEP_LATEST_LINKS's parameters besides its rows and decision."""
    return {
        "keep": LATEST_LINKS_KEPT,
        "latest": latest_link_fields(),
        "evidence": evidence_fields(),
    }


def keeps_latest_links(entity_id: str) -> bool:
    """Whether the entity keeps its latest links: any but a person (ids name their kind)."""
    return not entity_id.startswith(PERSON)


def linked_keepers(links: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """For links (rows with `source` and `target`), each entity at either end that keeps its
    latest links, with the entities at the other ends: `{id, others}`, one row an entity in id
    order (so workers lock them in one order)."""
    others: dict[str, set[str]] = {}
    for link in links:
        for keeper, other in ((link["source"], link["target"]), (link["target"], link["source"])):
            if keeps_latest_links(keeper):
                others.setdefault(keeper, set()).add(other)
    return [{"id": keeper, "others": sorted(others[keeper])} for keeper in sorted(others)]


def mentioned_keepers(mentioned: list[str]) -> list[dict[str, Any]]:
    """For a retracted report's entities, each one that keeps its latest links, with all of
    them."""
    return [
        {"id": keeper, "others": sorted(mentioned)}
        for keeper in sorted(mentioned)
        if keeps_latest_links(keeper)
    ]
