"""What every process logs at INFO and below: request lines without their query strings, and
no library that writes request or message content at DEBUG."""

import logging
from collections.abc import Iterator

import pytest
import uvicorn
from uvicorn.logging import AccessFormatter

from common.logs import configure_logging

SEARCH = "/v1/persons?name=Canary+Synthname&date_of_birth=2011-01-02&purpose=a+review"
CANARIES = ("Canary", "Synthname", "2011-01-02", "review")


class Kept(logging.Handler):
    """Keeps what it is given, formatted as uvicorn's own handler would."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s'))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        access = record.name == "uvicorn.access"
        self.lines.append(self.format(record) if access else record.getMessage())


@pytest.fixture
def kept() -> Iterator[Kept]:
    """uvicorn's logging as a server process sets it up, then ours, then a handler to read."""
    uvicorn.Config("services.web.main:create_app", factory=True)  # applies uvicorn's log config
    configure_logging(service="test")
    handler = Kept()
    for name in ("uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).addHandler(handler)
    yield handler
    for name in ("uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).removeHandler(handler)


def test_the_access_log_keeps_the_path_without_its_query_string(kept: Kept) -> None:
    access = logging.getLogger("uvicorn.access")
    access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET", SEARCH, "1.1", 200)
    assert kept.lines == ['127.0.0.1:50000 - "GET /v1/persons HTTP/1.1" 200 OK']


@pytest.mark.parametrize(
    ("path", "spelled", "kind"),
    [
        ("/v1/entities/phone:+447700900111/network?purpose=x", "447700900111", "phone"),
        ("/api/network/entities/vehicle:ZZ11ZZZ/network", "ZZ11ZZZ", "vehicle"),
        ("/v1/entities/handle:instagram:synth.ava", "synth.ava", "handle"),
        ("/v1/entities/phone:%2B447700900111", "447700900111", "phone"),
    ],
)
def test_the_access_log_names_a_phone_registration_or_handle_by_its_digest(
    kept: Kept, path: str, spelled: str, kind: str
) -> None:
    """An entity id in a path can spell out the identifier: it is logged as loggable_id gives
    it (as the services' own lines name it), the rest of the path as it was."""
    access = logging.getLogger("uvicorn.access")
    access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET", path, "1.1", 200)
    (line,) = kept.lines
    assert spelled not in line and f"/{kind}#" in line, line
    assert line.startswith('127.0.0.1:50000 - "GET /')


def test_websocket_lines_keep_the_path_without_its_query_string(kept: Kept) -> None:
    logging.getLogger("uvicorn.error").info(
        '%s - "WebSocket %s" [accepted]', "127.0.0.1:50000", SEARCH
    )
    assert kept.lines == ['127.0.0.1:50000 - "WebSocket /v1/persons" [accepted]']


@pytest.mark.parametrize("name", ["httpx", "httpcore", "neo4j.io", "aiokafka", "kafka"])
def test_libraries_that_log_request_content_stay_quiet_even_at_debug(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    configure_logging(service="test", level="DEBUG")
    assert not logging.getLogger(name).isEnabledFor(logging.DEBUG)
    if name.startswith("http"):  # httpx logs each URL, query string and all, at INFO
        assert not logging.getLogger(name).isEnabledFor(logging.INFO)


def test_an_id_that_spells_out_an_identifier_is_logged_as_a_keyed_digest() -> None:
    """Issue 13: the canary suite found a registration in a slow-detector line (vehicle ids
    are the registration)."""
    from common.logs import loggable_id

    for entity_id in ("vehicle:ZZ51SYN", "phone:+447700900123", "handle:instagram:synth.x"):
        logged = loggable_id(entity_id)
        assert entity_id.split(":", 1)[1] not in logged
        assert logged == loggable_id(entity_id) and logged.startswith(entity_id.split(":")[0])
    assert loggable_id("person:3f57cbdd6c598c48feb8") == "person:3f57cbdd6c598c48feb8"
