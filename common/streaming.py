"""What every faust worker process shares: the app settings and its one Neo4j driver."""

from typing import Any

import faust
from neo4j import AsyncDriver, AsyncGraphDatabase
from neo4j.exceptions import ServiceUnavailable

from common.settings import InfraSettings


class Neo4jConnection(faust.Service):
    """Owns the process's Neo4j driver: opened when the worker starts, closed when it stops.

    Connectivity is checked lazily, so a worker starts while Neo4j is down and its agents retry.
    """

    def __init__(self, settings: InfraSettings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._settings = settings
        self._driver: AsyncDriver | None = None

    @property
    def driver(self) -> AsyncDriver:
        """The driver; ServiceUnavailable (retried by the agents) before the worker started."""
        if self._driver is None:
            raise ServiceUnavailable("the Neo4j driver is not open yet")
        return self._driver

    async def on_start(self) -> None:
        """Open the driver."""
        self._driver = AsyncGraphDatabase.driver(
            self._settings.neo4j_uri,
            auth=(self._settings.neo4j_user, self._settings.neo4j_password.get_secret_value()),
        )

    async def on_stop(self) -> None:
        """Close the driver."""
        if self._driver is not None:
            await self._driver.close()


def create_stream_app(*, app_id: str, settings: InfraSettings) -> tuple[faust.App, Neo4jConnection]:
    """A faust app with at-least-once processing, acks=all on what it sends, and no web server."""
    app = faust.App(
        app_id,
        broker=f"kafka://{settings.kafka_bootstrap_servers}",
        store="memory://",
        web_enabled=False,
        producer_acks=-1,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
    )
    neo4j = Neo4jConnection(settings, loop=app.loop, beacon=app.beacon)
    app.service(neo4j)  # type: ignore[arg-type]  # faust also takes an instance
    return app, neo4j
