"""The alert worker process: a faust app that runs the detectors on linked entities."""

from typing import Any

import faust
from neo4j import AsyncDriver, AsyncGraphDatabase

from common.logs import configure_logging
from services.alerts.config import Settings, get_settings
from services.alerts.store import Neo4jAlertStore, Neo4jHotspotGraph


class GraphService(faust.Service):
    """Owns the process's one Neo4j driver: opened at start, closed at stop."""

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._settings = settings
        self._driver: AsyncDriver | None = None
        self.hotspots: Neo4jHotspotGraph | None = None
        self.alerts: Neo4jAlertStore | None = None

    async def on_start(self) -> None:
        """Open the driver; connectivity is checked lazily so a Neo4j outage is retried."""
        settings = self._settings
        self._driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        database = settings.neo4j_database
        self.hotspots = Neo4jHotspotGraph(driver=self._driver, database=database)
        self.alerts = Neo4jAlertStore(driver=self._driver, database=database)

    async def on_stop(self) -> None:
        """Close the driver."""
        if self._driver is not None:
            await self._driver.close()


def create_app(settings: Settings) -> tuple[faust.App, GraphService]:
    """Build the faust app with at-least-once processing and acks=all on what it sends."""
    app = faust.App(
        settings.alerts_app_id,
        broker=f"kafka://{settings.kafka_bootstrap_servers}",
        store="memory://",
        web_enabled=False,
        producer_acks=-1,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
    )
    graph = GraphService(settings, loop=app.loop, beacon=app.beacon)
    app.service(graph)  # type: ignore[arg-type]  # faust also takes an instance
    return app, graph


def main() -> None:
    """Run the worker until interrupted."""
    from services.alerts.agents import register_agents

    configure_logging(service="alerts")
    settings = get_settings()
    app, graph = create_app(settings)
    register_agents(app=app, settings=settings, graph=graph)
    app.main()


if __name__ == "__main__":
    main()
