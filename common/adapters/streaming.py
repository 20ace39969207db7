"""What every faust worker process shares: the app settings, its one Neo4j driver, and how it
runs."""

from typing import Any

import faust
from neo4j import AsyncDriver, AsyncGraphDatabase
from neo4j.exceptions import ServiceUnavailable

from common.collector import tune_for_a_worker
from common.kafka_access import kafka_access
from common.settings import InfraSettings, refuse_development_defaults


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


# Messages each agent's buffer holds, and the most one fetch brings of a partition. faust hands
# the consumer's messages to the agents' buffers one at a time, for every topic, and waits while
# a buffer is full; it stops fetching a partition once its buffer is four fifths full, but still
# hands on what was fetched before. Beside an import, the alert worker's bulk buffer (then faust's
# default, 4,096, whatever `maxsize` its topic was given) filled while a bulk batch was examined,
# and live events waited with it: live detection stood still for 20 to 70 s at a time
# (bench/RESULTS.md, "Live before bulk"). A fifth of 20,000 is room for far more than one fetch
# of 256 KiB (under 1,000 events of the smallest kind, about 300 bytes each).
STREAM_BUFFER = 20_000
FETCH_BYTES = 256 * 1024

# How a worker's batches are compressed; the largest event it sends is the setting
# STREAM_MAX_EVENT_BYTES (16 MiB, before compression: the producer checks that size). An alert's
# event carries its evidence and explaining subgraph: a county-wide place's shared-hotspot alert
# at a million reports cites about 2,500 reports, 1.8 MB of JSON (bench/RESULTS.md,
# twenty-eighth session), over faust's default limit of 1,000,000 bytes. Such a change could
# never be published, and the outbox, which publishes changes in order, would have held every
# later alert change behind it. Compressed, such an event is a fraction of the broker's limit on
# a batch (1 MiB by default).
COMPRESSION = "gzip"


def create_stream_app(
    *, app_id: str, settings: InfraSettings, principal: str
) -> tuple[faust.App, Neo4jConnection]:
    """A faust app with at-least-once processing, acks=all on what it sends, and no web server;
    refused (UnsafeSettings) when the settings keep a development default in production.

    It connects to Kafka as `principal` (SASL SCRAM over TLS) and never creates topics: they are
    made by `tessera infra up` with their retention, and no service principal may create one.
    """
    refuse_development_defaults(settings)
    access = kafka_access(settings, default_user=principal)
    credential = access.credential
    if credential is None:
        raise ValueError("a stream worker needs Kafka credentials")
    app = faust.App(
        app_id,
        broker=[f"kafka://{server}" for server in access.bootstrap_servers.split(",")],
        broker_credentials=faust.SASLCredentials(
            username=credential.username,
            password=credential.password.get_secret_value(),
            mechanism=credential.mechanism,
            ssl_context=access.ssl_context(),
        ),
        topic_allow_declare=False,
        store="memory://",
        web_enabled=False,
        producer_acks=-1,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        stream_buffer_maxsize=STREAM_BUFFER,
        consumer_max_fetch_size=FETCH_BYTES,
        producer_max_request_size=settings.stream_max_event_bytes,
        producer_compression_type=COMPRESSION,
    )
    neo4j = Neo4jConnection(settings, loop=app.loop, beacon=app.beacon)
    app.service(neo4j)  # type: ignore[arg-type]  # faust also takes an instance
    return app, neo4j


def run_worker(app: faust.App) -> None:
    """Run the app until interrupted (arguments as faust's `worker` command takes them), with the
    garbage collector as a worker runs it (`common.collector`)."""
    tune_for_a_worker()
    app.main()
