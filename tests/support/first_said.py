"""What the naming tests share: the two callers who see an entity differently, and what an
entity keeps of the earliest report of each audience (`said_first` and its kinds)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from neo4j import Driver

from common.auth import Principal, Role
from common.visibility import audiences_of
from schemas.reports import ReportCreate, ReportSubmitted
from services.network.analyst.reads import Neo4jAnalystGraph
from tests.support.factories import GRADING_JSON, submitted

NOW = datetime.now(UTC).replace(microsecond=0)

# The agency whose police-only report is the entity's earliest; a caller outside it, and one in it.
POLICE = "Synthetic Police"
CALLERS = (
    ("outside", audiences_of(Principal("a.outside", "Synthetic Analysts", Role.ANALYST))),
    ("inside", audiences_of(Principal("p.inside", POLICE, Role.ANALYST))),
)


def shown(driver: Driver, *, database: str, entity_id: str) -> dict[str, dict[str, Any]]:
    """The entity as the analyst shows it to each caller (`VISIBLE_NODES`)."""
    graph = Neo4jAnalystGraph(driver=driver, database=database)
    return {who: graph.nodes([entity_id], audiences=audiences)[0] for who, audiences in CALLERS}


def kept(driver: Driver, query: str, **params: Any) -> dict[str, list[str]]:
    """Each list the query returns of what the entity keeps, sorted (null: empty)."""
    records, _, _ = driver.execute_query(query, **params)
    return {name: sorted(value or []) for name, value in records[0].data().items()}


def address_concern(place: dict[str, Any], days_ago: int, **envelope: Any) -> ReportSubmitted:
    """A report of concern about a place, observed `days_ago`: by the police when the envelope
    is given (its grading, say), else by a home."""
    body = {
        "observed_at": (NOW - timedelta(days=days_ago)).isoformat(),
        "grading": GRADING_JSON,
        "event": {"type": "address_concern", "place": place, "multiple_callers": True},
        **envelope,
    }
    agency = POLICE if envelope else "Synthetic Home A"
    return submitted(ReportCreate.model_validate(body), agency=agency)
