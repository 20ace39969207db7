"""The alert worker process: a faust app that runs the detectors on linked entities."""

from common import kafka_access as kafka_principal
from common.adapters.streaming import create_stream_app, run_worker
from common.logs import configure_logging
from services.alerts.agents import register_agents
from services.alerts.config import get_settings


def main() -> None:
    """Run the worker until interrupted (arguments as faust's `worker` command takes them)."""
    configure_logging(service="alerts")
    settings = get_settings()
    app, neo4j = create_stream_app(
        app_id=settings.alerts_app_id, settings=settings, principal=kafka_principal.ALERTS
    )
    register_agents(app=app, settings=settings, neo4j=neo4j)
    run_worker(app)


if __name__ == "__main__":
    main()
