"""Live before bulk, through real processes: a live report that completes a pattern is linked
and alerted while an import of 3,000 reports on the bulk lane is still pending.

A private stack (ingest, the network and alert workers, the alert API) on topics of its own.
Two young people are seen at a take-away and linked; 3,000 reports go in on the bulk lane
(`POST /v1/reports:batch?lane=bulk`, as `tessera import` sends them); then a third young
person is seen there, live. Their hotspot alert must come while the bulk lane has not drained:
on one lane it would wait for all 3,000 to be linked and examined first. The test asserts on
progress (how far the bulk lane had got when the alert came), never on time.
"""

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from neo4j import Driver

from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas import topics
from tessera_cli.topics import group_lag, topic_end
from tests.support import queries
from tests.support.cleanup import delete_reports
from tests.support.factories import run_tag, sighting_json
from tests.support.polling import eventually
from tests.support.stack import PrivateStack

pytestmark = pytest.mark.e2e
log = logging.getLogger(__name__)

BULK = 3_000
BATCH = 1_000  # the most ingest takes in one request


@pytest.fixture
def lanes_stack(tmp_path: Path, neo4j_driver: Driver) -> Iterator[tuple[PrivateStack, list[str]]]:
    settings = InfraSettings()
    report_ids: list[str] = []
    with PrivateStack(settings=settings, workdir=tmp_path, prefix="e2e") as running:
        try:
            yield running, report_ids
        finally:
            running.stop()  # before the clean-up, so nothing is linked again behind it
            delete_reports(neo4j_driver, report_ids, database=settings.neo4j_database)


def _post(stack: PrivateStack, path: str, body: object, **params: str) -> httpx.Response:
    response = httpx.post(
        f"{stack.ingest_url}{path}",
        params=params,
        json=body,
        headers=stack.submitter_headers,
        timeout=120.0,
    )
    assert response.status_code == 202, response.text
    return response


def _linked(driver: Driver, report_ids: list[str]) -> int:
    records, _, _ = driver.execute_query(queries.COUNT_EACH_REPORT, report_ids=report_ids)
    return len(records)


def test_a_live_report_is_alerted_before_a_bulk_import_drains(
    lanes_stack: tuple[PrivateStack, list[str]], kafka: KafkaAccess, neo4j_driver: Driver
) -> None:
    stack, report_ids = lanes_stack
    tag = run_tag()
    place = f"Synthetic Chip Shop {tag}"

    def live(name: str) -> str:
        body = sighting_json(f"{name} Synth {tag}", place=place)
        report_id = str(_post(stack, "/v1/reports", body).json()["report_id"])
        report_ids.append(report_id)
        return report_id

    planted = [live("Ava"), live("Ben")]
    eventually(
        lambda: True if _linked(neo4j_driver, planted) == 2 else None,
        timeout_s=120,
        what="the two planted live reports to be linked",
    )

    bulk_ids: list[str] = []
    for first in range(0, BULK, BATCH):
        reports = [
            # A different first name and place each: no pattern, and no two are one person.
            sighting_json(f"Yan{i} Bulk{tag}", place=f"Synthetic Corner {tag} {i}")
            for i in range(first, first + BATCH)
        ]
        accepted = _post(stack, "/v1/reports:batch", {"reports": reports}, lane="bulk").json()
        bulk_ids += [str(i) for i in accepted["report_ids"]]
    report_ids.extend(bulk_ids)
    bulk_reports = stack.private[topics.REPORTS_BULK]
    assert topic_end(kafka, bulk_reports) == BULK  # all on the bulk lane ...
    assert topic_end(kafka, stack.private[topics.REPORTS]) == 2  # ... none on the live one

    completing = live("Cai")
    cited = {*planted, completing}

    def hotspot_alert() -> dict[str, object] | None:
        response = httpx.get(
            f"{stack.alerts_url}/v1/alerts",
            params={"limit": 200, "purpose": "end-to-end test"},
            headers={"Authorization": f"Bearer {stack.police_token}"},
            timeout=10.0,
        )
        assert response.status_code == 200, response.text
        for alert in response.json()["items"]:
            evidence = {e["report_id"] for e in alert["evidence"]}
            if alert["type"] == "shared_hotspot" and cited <= evidence:
                return dict(alert)
        return None

    eventually(hotspot_alert, timeout_s=300, what="the live report's shared_hotspot alert")
    # How far the bulk lane had got when the live alert came: the alert worker commits an
    # offset of the bulk linked topic only once the detectors examined what came before it.
    bulk_linked_then = _linked(neo4j_driver, bulk_ids)
    announced = topic_end(kafka, stack.private[topics.ENTITIES_LINKED_BULK])
    examined = announced - group_lag(
        kafka, stack.env["ALERTS_APP_ID"], stack.private[topics.ENTITIES_LINKED_BULK]
    )
    progress = f"bulk reports linked {bulk_linked_then}, announced {announced}, examined {examined}"
    assert examined < BULK, f"the bulk lane had drained before the live alert: {progress}"
    log.warning("when the live alert came: %s of %d", progress, BULK)

    # The bulk lane is not starved: it drains, every report linked once.
    eventually(
        lambda: True if _linked(neo4j_driver, bulk_ids) == BULK else None,
        timeout_s=600,
        what="every bulk report to be linked",
    )
