"""Structured logging set-up for every process."""

import logging

import structlog


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


def quiet_neo4j_notifications() -> None:
    """Neo4j warns on every query that names a label or property no node has yet (a
    relationship type before its first report, an optional property); those are expected in a
    young graph, so only errors are logged."""
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
