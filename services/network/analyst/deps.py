"""FastAPI dependencies of the analyst API: settings, the graph, the publisher, the caller."""

from typing import Annotated

from fastapi import Depends, Request

from common.adapters.http_auth import PrincipalDep, authorise
from common.auth import Principal, Role
from services.network.analyst.ports import Publisher
from services.network.analyst.reads import Neo4jAnalystGraph
from services.network.config import Settings, get_settings

SettingsDep = Annotated[Settings, Depends(get_settings)]

ANALYSTS = frozenset({Role.ANALYST, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})
MISSING_READERS = frozenset({Role.POLICE, Role.ANALYST, Role.ADMIN})


def get_graph(request: Request) -> Neo4jAnalystGraph:
    """The process's graph reads, opened in the lifespan."""
    graph: Neo4jAnalystGraph = request.app.state.analyst_graph
    return graph


def get_publisher(request: Request) -> Publisher:
    """The process's one Kafka publisher (decisions), opened in the lifespan."""
    publisher: Publisher = request.app.state.publisher
    return publisher


def require_analyst(principal: PrincipalDep) -> Principal:
    """Analysts and admins may explore the network."""
    return authorise(principal, allowed=ANALYSTS, action="explore the intelligence network")


def require_missing_reader(principal: PrincipalDep) -> Principal:
    """Police, analysts and admins may list the children missing now."""
    return authorise(principal, allowed=MISSING_READERS, action="list the children missing now")


def require_admin(principal: PrincipalDep) -> Principal:
    """Only admins read the audit log."""
    return authorise(principal, allowed=ADMINS, action="read the audit log")


GraphDep = Annotated[Neo4jAnalystGraph, Depends(get_graph)]
PublisherDep = Annotated[Publisher, Depends(get_publisher)]
AnalystDep = Annotated[Principal, Depends(require_analyst)]
AdminDep = Annotated[Principal, Depends(require_admin)]
MissingReaderDep = Annotated[Principal, Depends(require_missing_reader)]
