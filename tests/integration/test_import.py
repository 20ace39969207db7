"""`tessera import` against the real ingest app (in process) and the real Kafka broker: good rows
land on the topic with the token's provenance, a bad row is listed, and nothing lands twice."""

import csv
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from common.auth import Role, TokenStore
from common.kafka_access import KafkaAccess
from schemas.events import Sighting
from schemas.reports import ReportSubmitted
from services.ingest.config import Settings
from services.ingest.main import create_app
from tessera_cli import importer
from tests.support.kafka_reading import read_reports

pytestmark = pytest.mark.integration

AGENCY = "Synthetic Home A"


@pytest.fixture
def sender(kafka: KafkaAccess, topic: str, tmp_path: Path) -> Iterator[importer.HttpSender]:
    """The real ingest app, its bulk lane on a private topic, and a sender holding a
    submitter's token. The live lane names a topic that does not exist: an import sent live
    would be refused."""
    settings = Settings(
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        ingest_reports_topic=f"{topic}.live-lane-unused",
        ingest_bulk_reports_topic=topic,
        ingest_publish_timeout_s=3.0,
        ingest_ledger_file=str(tmp_path / "ledger.sqlite3"),
        tessera_auth_file=str(tmp_path / "users.json"),
    )
    tokens = TokenStore(Path(settings.tessera_auth_file))
    tokens.add_agency(AGENCY)
    token = tokens.issue(user="k.worker", agency=AGENCY, role=Role.SUBMITTER)
    with TestClient(create_app(settings)) as client:
        yield importer.HttpSender(client=client, token=token)


class Counting:
    """Counts the batches that reach ingest."""

    def __init__(self, sender: importer.Sender) -> None:
        self.sender = sender
        self.batches = 0

    def send(
        self, *, reports: Sequence[dict[str, Any]], idempotency_key: str
    ) -> importer.Accepted | importer.Refused:
        self.batches += 1
        return self.sender.send(reports=reports, idempotency_key=idempotency_key)


def _first_person(event: ReportSubmitted) -> str:
    sighting = event.report.event
    assert isinstance(sighting, Sighting)
    return sighting.persons[0].name or ""


def _import(path: Path, sender: importer.Sender) -> importer.Summary:
    plan = importer.plan_import(path=path, batch_size=2)
    return importer.run_import(plan=plan, sender=sender)


def test_import_lands_good_rows_once_and_lists_the_bad_one(
    sender: importer.HttpSender, kafka: KafkaAccess, topic: str, tmp_path: Path
) -> None:
    observed = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    place = "Synthetic Fryer,ZZ99 1AA,take_away"
    path = tmp_path / "reports.csv"
    path.write_text(
        "observed_at,grading.source,grading.intelligence,grading.handling,concerns,event.type,"
        "event.place.name,event.place.postcode,event.place.category,"
        "event.persons.0.name,event.persons.0.date_of_birth,event.persons.1.name\n"
        f"{observed},2,B,P,cce;cse,sighting,{place},Ava Synth,2010-03-14,Ben Synth\n"
        f"{observed},2,B,P,cce,sighting,{place},Cal Synth,not a date,\n"
        f"{observed},1,A,P,,sighting,{place},Dee Synth,2011-06-21,\n"
        f"{observed},2,C,P,cse,sighting,{place},Eve Synth,,\n"
    )

    first = _import(path, sender)

    assert (first.accepted, first.rejected, first.skipped) == (3, 1, 0)
    with importer.rejects_path(path).open(newline="") as rejects:
        assert list(csv.reader(rejects)) == [
            ["row", "reason"],
            [
                "2",
                "event.persons.0.date_of_birth: Input should be written as a date, YYYY-MM-DD",
            ],
        ]
    events = read_reports(kafka, topic, 3)
    assert sorted(_first_person(e) for e in events) == ["Ava Synth", "Dee Synth", "Eve Synth"]
    assert {(e.source_agency, e.submitted_by) for e in events} == {(AGENCY, "k.worker")}
    ava = next(e for e in events if _first_person(e) == "Ava Synth")
    assert [c.value for c in ava.report.concerns] == ["cce", "cse"]

    counting = Counting(sender)
    again = _import(path, counting)
    assert (counting.batches, again.accepted, again.skipped) == (0, 0, 4)

    importer.state_path(path).unlink()  # as if every answer had been lost: all is sent again
    resent = _import(path, counting)
    assert (counting.batches, resent.accepted, resent.replayed) == (2, 3, 3)

    ids = sorted(str(e.event_id) for e in read_reports(kafka, topic, 3))
    assert ids == sorted({str(e.event_id) for e in events}), "duplicates on the topic"
