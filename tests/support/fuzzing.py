"""What the schemathesis suites of the four HTTP services share: the app a test fuzzes, the
stand-in bearer token, the hypothesis settings, the checks left out, and real ids put in place
of generated ones."""

import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from starlette.types import Receive, Scope, Send

Case = schemathesis.Case[Any]

# Bounded so the four suites add about three and a half minutes to `make test` on a 2-core
# machine (ingest and alerts about two, the analyst API 25 to 40 s, the web 40 to 55 s): 50
# random requests per operation, on top of the coverage phase's fixed boundary and missing-field
# cases (thousands per report endpoint, about 40 s each). One app (with its Kafka topic or Neo4j
# driver) serves every request of a test, as a deployed one would: sharing the function-scoped
# fixture is intended.
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Every other built-in check runs: no 5xx, documented status codes, content types, headers and
# bodies, 4xx for schema-violating requests, 401 without the token. Not this one: requests have
# rules the JSON Schema does not state (handling code C needs conditions; an event's `type` has
# a default in the schema yet picks the union member; a search needs one of five fields), so a
# request the description allows may rightly get a 422 that names the field.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]

# schemathesis builds its coverage-phase cases at import, before a fixture has issued a token,
# so the cases carry this stand-in and each call swaps in the test user's real token. Cases
# that leave the token out on purpose (to check for a 401) carry neither.
STAND_IN = "the-test-users-token"  # noqa: S105 - not a secret


class AppUnderTest:
    """The app a test fuzzes and its user's token, both set by the test's fixture.

    The descriptions are loaded at import from apps that are built but not started (nothing
    connects at import); a fixture then points this at an app of its own on the real services,
    and schemathesis sends every request here, its checks' probes too.
    `schemathesis.pytest.from_fixture` would load the description in a fixture instead, but it
    fails under pytest 9.2 (it sets `Node._nodeid`, which pytest no longer has).
    """

    def __init__(self) -> None:
        self.app: FastAPI | None = None
        self.token: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "a fixture sets the app under test"
        await self.app(scope, receive, send)


class StandInBearer:
    """Authorises every generated request that is not meant to go without a token (register it
    with `schema.auth(refresh_interval=None)(StandInBearer)`)."""

    def get(self, case: Case, ctx: schemathesis.AuthContext) -> str:
        """The stand-in, replaced by the real token when the request is sent."""
        return STAND_IN

    def set(self, case: Case, data: str, ctx: schemathesis.AuthContext) -> None:
        """Send it as a bearer token."""
        case.headers["Authorization"] = f"Bearer {data}"


def real_token(case: Case, target: AppUnderTest) -> dict[str, str] | None:
    """The Authorization header to send instead of the stand-in (None: the case has none)."""
    if case.headers.get("Authorization") != f"Bearer {STAND_IN}":
        return None
    return {"Authorization": f"Bearer {target.token}"}


def use_real_ids(
    case: Case,
    *,
    path: Mapping[str, Sequence[str]] | None = None,
    query: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Put ids that exist in place of generated ones, so requests reach past the 404.

    The coverage and examples phases build their cases at import, and the fuzzing phase draws
    before the test's data is known to it, so the ids are swapped in when the case is sent: for
    each named parameter a real id picked by what was generated (the same case always gets the
    same id; about one value in five is kept, so unknown ids are still tried).
    A location generated to break the schema, and the parameter a coverage case is about (its
    boundary lengths, for example), keep their generated values; schemathesis re-checks what
    the case now is before it judges the answer.
    """
    meta = case.meta
    about = meta.phase.data.parameter if meta is not None else None
    for location, choices in ((ParameterLocation.PATH, path), (ParameterLocation.QUERY, query)):
        container = case.get_container(location)
        if not choices or not isinstance(container, Mapping) or not container:
            continue
        if meta is not None and meta.is_negative_at(location):
            continue
        updated = dict(container)
        for name, ids in choices.items():
            if name in updated and name != about and ids:
                drawn = repr((name, updated[name], case.query, case.headers))
                chosen = zlib.crc32(drawn.encode()) % (len(ids) + len(ids) // 4 + 1)
                if chosen < len(ids):
                    updated[name] = ids[chosen]
        if updated != container:
            setattr(case, location.container_name, updated)
