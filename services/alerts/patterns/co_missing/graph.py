"""The Neo4j adapter P08 co-missing reads through: the child's reads, and shared episodes."""

from dataclasses import dataclass
from datetime import datetime

from services.alerts.patterns.co_missing import queries
from services.alerts.shared.provenance import Names, Reports, reports_of
from services.alerts.shared_reads import Neo4jChildGraph


@dataclass(frozen=True, slots=True)
class SharedLink:
    """The child's episode and another child's that end at one place, with one person, or in
    the same car, with the facts that say so beyond the episodes and what they call it."""

    episode_id: str
    other_id: str
    other_episode_id: str
    shared_id: str
    facts: tuple[Reports, ...]
    names: Names


class Neo4jCoMissingGraph(Neo4jChildGraph):
    """Reads children, their episodes, and the episodes of others that end alike."""

    async def shared_episodes(self, person_id: str, *, since: datetime) -> list[SharedLink]:
        """The other children's episodes that share how the child's ended."""
        rows = await self._rows_for(queries.SHARED_EPISODES, person_id, since=since.isoformat())
        return [
            SharedLink(
                episode_id=row["episode_id"],
                other_id=row["other_id"],
                other_episode_id=row["other_episode_id"],
                shared_id=row["shared_id"],
                facts=tuple(reports_of(fact) for fact in (row["mine"], row["theirs"]) if fact),
                names={n["id"]: n["name"] for n in row["names"] if n["name"]},
            )
            for row in rows
        ]
