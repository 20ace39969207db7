"""The network worker process: a faust app that links reports into Neo4j."""

import logging

from common import kafka_access as kafka_principal
from common.adapters.streaming import create_stream_app, run_worker
from common.logs import configure_logging
from services.network.config import get_settings
from services.network.linking.agents import register_agents
from services.network.resolution_model import default_model, model_path


def main() -> None:
    """Run the worker until interrupted (arguments as faust's `worker` command takes them)."""
    configure_logging(service="network")
    settings = get_settings()
    # Read now: a missing or invalid model file stops the worker before it links anything.
    model = default_model()
    logging.getLogger(__name__).info("person matching: model %s (%s)", model.version, model_path())
    app, neo4j = create_stream_app(
        app_id=settings.network_app_id, settings=settings, principal=kafka_principal.NETWORK
    )
    register_agents(app=app, settings=settings, neo4j=neo4j)
    run_worker(app)


if __name__ == "__main__":
    main()
