"""The Neo4j adapter P04, P06 (a) and P17 read through."""

from datetime import datetime

from services.alerts.patterns.linked_children import queries
from services.alerts.patterns.linked_children.rule import Anchor
from services.alerts.shared.child_links import ChildLink, child_links
from services.alerts.shared.provenance import UNNAMED
from services.alerts.shared_reads import Reader


class Neo4jLinkedChildrenGraph(Reader):
    """Reads an adult, vehicle or phone and the children linked to it."""

    async def anchor(self, entity_id: str) -> Anchor | None:
        """The entity, or None when it is not an adult, vehicle or phone in the graph."""
        rows = await self._rows_for(queries.GET_ANCHOR, entity_id)
        if not rows:
            return None
        row = rows[0]
        return Anchor(id=row["id"], kind=row["kind"], name=UNNAMED, adult=bool(row["adult"]))

    async def children_linked(self, entity_id: str, *, since: datetime) -> list[ChildLink]:
        """Every report since a time that links a young person directly to the entity."""
        rows = await self._rows_for(
            queries.FIND_CHILDREN_LINKED, entity_id, since=since.isoformat()
        )
        return child_links(rows)
