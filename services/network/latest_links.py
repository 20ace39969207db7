"""Which places' latest links (schemas/graph.py LATEST_LINKS_KEPT) a change of links touches,
and the entities whose links to them changed: the rows of KEEP_LATEST_LINKS."""

from collections.abc import Iterable
from typing import Any

from schemas.graph import LATEST_LINKS_KEPT, evidence_fields, latest_link_fields
from schemas.linking import EntityKind

PLACE = f"{EntityKind.LOCATION.value}:"


def keep_params() -> dict[str, Any]:
    """KEEP_LATEST_LINKS's parameters besides its rows and decision."""
    return {
        "keep": LATEST_LINKS_KEPT,
        "latest": latest_link_fields(),
        "evidence": evidence_fields(),
    }


def is_place(entity_id: str) -> bool:
    """Whether the entity is a place (ids name their kind: `location:...`)."""
    return entity_id.startswith(PLACE)


def linked_places(links: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """For links (rows with `source` and `target`), each place at either end with the entities at
    the other ends: `{id, others}`, one row a place in id order (so workers lock them in one
    order)."""
    others: dict[str, set[str]] = {}
    for link in links:
        for place, other in ((link["source"], link["target"]), (link["target"], link["source"])):
            if is_place(place):
                others.setdefault(place, set()).add(other)
    return [{"id": place, "others": sorted(others[place])} for place in sorted(others)]


def mentioned_places(mentioned: list[str]) -> list[dict[str, Any]]:
    """For a retracted report's entities, each place among them with all of them."""
    return [
        {"id": place, "others": sorted(mentioned)} for place in sorted(mentioned) if is_place(place)
    ]
