"""FastAPI dependencies of ingest: settings, the Kafka ports, the ledger and the caller."""

from typing import Annotated

from fastapi import Depends, Request

from common.adapters.http_auth import PrincipalDep, authorise
from common.auth import Principal, Role
from services.ingest.config import Settings
from services.ingest.ports import Ledger, Publisher, ReportReader

# Who may submit intelligence and read back their agency's reports. Administrators manage
# agencies and users; they do not submit intelligence.
SUBMITTING_ROLES = frozenset({Role.SUBMITTER, Role.POLICE, Role.ANALYST})
# Who may retract a report: its own agency's submitters, and administrators (of any agency).
RETRACTING_ROLES = frozenset({Role.SUBMITTER, Role.ADMIN})


# These dependencies are coroutines only so that FastAPI calls them on the event loop; a plain
# function would cost a hop to the thread pool and back on every request, for work that never
# blocks.
async def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with (create_app)."""
    settings: Settings = request.app.state.settings
    return settings


async def get_publisher(request: Request) -> Publisher:
    """The process's one Kafka publisher, opened in the lifespan."""
    publisher: Publisher = request.app.state.publisher
    return publisher


async def get_reader(request: Request) -> ReportReader:
    """The process's one report reader, opened in the lifespan."""
    reader: ReportReader = request.app.state.reader
    return reader


async def get_ledger(request: Request) -> Ledger:
    """The process's ledger of accepted reports and idempotency keys."""
    ledger: Ledger = request.app.state.ledger
    return ledger


async def require_submitter(principal: PrincipalDep) -> Principal:
    """Only roles that may submit intelligence pass."""
    return authorise(principal, allowed=SUBMITTING_ROLES, action="submit or read reports")


async def require_retractor(principal: PrincipalDep) -> Principal:
    """Only submitters (of the report's agency, checked by the use case) and admins pass."""
    return authorise(principal, allowed=RETRACTING_ROLES, action="retract reports")


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
PublisherDep = Annotated[Publisher, Depends(get_publisher)]
ReaderDep = Annotated[ReportReader, Depends(get_reader)]
LedgerDep = Annotated[Ledger, Depends(get_ledger)]
SubmitterDep = Annotated[Principal, Depends(require_submitter)]
RetractorDep = Annotated[Principal, Depends(require_retractor)]
