"""The Neo4j adapter P02 peer group reads through."""

from datetime import datetime
from typing import Any

from services.alerts.patterns.peer_group_context import queries
from services.alerts.patterns.peer_group_context.rule import Named, PeerAnchor, PupilLink
from services.alerts.shared.provenance import UNNAMED, reports_of, traits_kept
from services.alerts.shared_reads import SharedReader, names_of

# The query that finds the pupils linked to each kind of peer-group anchor.
PUPILS_OF_ANCHOR = {
    "location": queries.FIND_PUPILS_SEEN_AT,
    "person": queries.FIND_PUPILS_APPROACHED_BY,
    "group": queries.FIND_PUPILS_APPROACHED_BY,
    "vehicle": queries.FIND_PUPILS_IN_VEHICLE,
}


class Neo4jPeerGroupGraph(SharedReader):
    """Reads a place, approacher or vehicle and the pupils linked to it."""

    async def anchor(self, entity_id: str) -> PeerAnchor | None:
        """The entity, or None when it is not in the graph."""
        standing = await self.standing(entity_id)
        if standing is None:
            return None
        return PeerAnchor(
            id=standing.id,
            kind=standing.kind,
            name=UNNAMED,
            category=standing.category,
            drugs_house=bool(standing.drugs_house_reports),
            category_reports=standing.category_reports,
            drugs_house_reports=standing.drugs_house_reports,
            complete=standing.complete,
        )

    async def schools_touched(
        self, anchor: PeerAnchor, report_ids: tuple[str, ...]
    ) -> frozenset[str]:
        """The schools whose peer groups at the place these reports can change: those of every
        person they name (the pupils they link to it among them)."""
        rows = await self._rows_asked(
            queries.SCHOOLS_TOUCHED, anchor.id, {"report_ids": sorted(set(report_ids))}
        )
        return frozenset(school for row in rows for school in row["schools"])

    async def pupils_linked(
        self, anchor: PeerAnchor, *, since: datetime, schools: frozenset[str] | None = None
    ) -> list[PupilLink]:
        """Every report since a time that links a pupil of some school (of `schools`, unless
        None) to the anchor."""
        query = PUPILS_OF_ANCHOR.get(anchor.kind)
        if query is None:
            return []
        rows = await self._rows_for(
            query,
            anchor.id,
            since=since.isoformat(),
            schools=None if schools is None else sorted(schools),
        )
        return [link for row in rows for link in _links_of(row)]


def _links_of(row: dict[str, Any]) -> list[PupilLink]:
    """A pupil's links to the anchor, from the query's row for them: what is the pupil's, or a
    school's, read once for all the links."""
    traits = traits_kept(row["traits"])
    enrolments = {
        e["school_id"]: (reports_of(e["reports"]), names_of(e["reports"]))
        for e in row["enrolments"]
    }
    links = []
    for r in row["links"]:
        enrolment, school_names = enrolments.get(r["school_id"], ({}, {}))
        links.append(
            PupilLink(
                person_id=row["person_id"],
                person_name=r["person_name"] or UNNAMED,
                age=r["age"],
                vulnerable=bool(r["vulnerable"]),
                school=Named(id=r["school_id"], name=r["school_name"] or ""),
                approached=bool(r["approached"]),
                report_id=r["report_id"],
                observed_at=datetime.fromisoformat(r["observed_at"]),
                via=tuple(Named(id=v["id"], name=v["name"] or UNNAMED) for v in r["via"]),
                anchor_name=r["anchor_name"],
                enrolment=enrolment,
                school_names=school_names,
                traits=traits,
            )
        )
    return links
