"""Structured logging set-up for every process.

No personal data is logged at INFO or below, only ids: request lines lose their query strings
(where a search's name, date of birth, phone and purpose travel), and the libraries that write
whole requests or messages when asked for detail are held above that detail.
"""

import hashlib
import hmac
import logging
from urllib.parse import unquote

import structlog

from common.keys import installation_key

# Loggers that write request or message content: httpx every URL (query string and all) at
# INFO; httpcore, the Neo4j driver (each query's parameters) and the Kafka clients (each
# message's value) at DEBUG. Each is held at the level given, whatever the process's level.
CONTENT_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "neo4j": logging.INFO,
    "aiokafka": logging.INFO,
    "kafka": logging.INFO,
}
# Entity ids that are the identifier itself (a registration, a phone number, a handle).
SPELLED_OUT_IDS = ("vehicle:", "phone:", "handle:")
# uvicorn's lines that carry a request's path with its query string.
REQUEST_LINE_LOGGERS = ("uvicorn.access", "uvicorn.error")


def configure_logging(*, level: str = "INFO", service: str) -> None:
    """Send structlog and stdlib logs to stderr as key=value lines tagged with the service."""
    logging.basicConfig(level=level, format="%(message)s")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.KeyValueRenderer(key_order=["timestamp", "level", "event"]),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
    )
    structlog.contextvars.bind_contextvars(service=service)
    quiet_neo4j_notifications()
    quiet_content_loggers()
    drop_query_strings()


def quiet_neo4j_notifications() -> None:
    """Neo4j warns on every query that names a label or property no node has yet (a
    relationship type before its first report, an optional property); those are expected in a
    young graph, so only errors are logged."""
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


def quiet_content_loggers() -> None:
    """Hold the loggers that write request or message content above that level (a logger
    already set higher, e.g. neo4j.notifications, stays higher)."""
    for name, floor in CONTENT_LOGGERS.items():
        logger = logging.getLogger(name)
        logger.setLevel(max(logger.level, floor))


def loggable_path(path: str) -> str:
    """A request path fit for a log line: no query string, and each segment that is a
    spelled-out entity id (`/v1/entities/phone:+447700900111/network`) as loggable_id gives it."""
    return "/".join(
        loggable_id(unquote(segment)) if unquote(segment).startswith(SPELLED_OUT_IDS) else segment
        for segment in path.partition("?")[0].split("/")
    )


class QueryStringDropped(logging.Filter):
    """Cuts the query string off the path in uvicorn's access and WebSocket lines, and logs an
    entity id in the path that spells out a registration, number or handle as its digest."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's path argument in place; every record is kept."""
        request_line = record.name == "uvicorn.access" or '"WebSocket %s"' in str(record.msg)
        if request_line and isinstance(record.args, tuple):
            record.args = tuple(
                (loggable_path(arg) if arg.startswith("/") else arg.partition("?")[0])
                if isinstance(arg, str)
                else arg
                for arg in record.args
            )
        return True


def drop_query_strings() -> None:
    """Filter uvicorn's request-line loggers; called after uvicorn applied its log config (in
    the app's lifespan), and a logger filter holds whatever handlers that config gave it."""
    for name in REQUEST_LINE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, QueryStringDropped) for f in logger.filters):
            logger.addFilter(QueryStringDropped())


def loggable_id(entity_id: str) -> str:
    """An entity id fit for a log line: person and place ids are keyed digests already; a
    vehicle, phone or handle id spells out the registration, number or handle, so it is logged
    as its kind and a keyed digest (the same entity always logs the same way)."""
    if not entity_id.startswith(SPELLED_OUT_IDS):
        return entity_id
    kind = entity_id.split(":", 1)[0]
    digest = hmac.new(installation_key(), entity_id.encode(), hashlib.sha256).hexdigest()[:12]
    return f"{kind}#{digest}"
