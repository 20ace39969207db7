"""`tessera import`: CSV dotted paths and JSON Lines, rejects by row, batching, resuming, retries,
against a hand-written fake of ingest (and httpx's MockTransport for the HTTP sender)."""

import csv
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from schemas.entities import PersonFlags
from schemas.reports import ReportCreate
from tessera_cli import importer
from tessera_cli.importer import (
    Accepted,
    HttpSender,
    ImportFailed,
    ImportStopped,
    Refused,
    Unavailable,
)
from tests.support.factories import synthetic_nhs_number, synthetic_upn

OBSERVED = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
TOKEN = "tsr_synthetic"  # noqa: S105 - a made-up token for a fake ingest
HEADER = (
    "observed_at,grading.source,grading.intelligence,grading.handling,concerns,event.type,"
    "event.place.name,event.place.postcode,event.place.category,"
    "event.persons.0.name,event.persons.0.date_of_birth,event.persons.1.name"
)


def good(name: str, *, place: str = "Synthetic Chip Shop") -> str:
    """A valid CSV row: one young person seen at a take-away."""
    return f"{OBSERVED},2,B,P,cce,sighting,{place},ZZ99 1AA,take_away,{name},2010-05-01,"


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class FakeIngest:
    """Ingest's batch endpoint in memory: holds batches by Idempotency-Key as ingest does, and
    plays scripted answers (or raises scripted errors) first."""

    def __init__(
        self, script: Sequence[Accepted | Refused | Exception] = (), *, down_from: int = 0
    ) -> None:
        self.script = list(script)
        self.down_from = down_from
        self.calls: list[tuple[str, list[dict[str, Any]]]] = []
        self.held: dict[str, list[str]] = {}

    def send(
        self, *, reports: Sequence[dict[str, Any]], idempotency_key: str
    ) -> Accepted | Refused:
        self.calls.append((idempotency_key, list(reports)))
        if self.down_from and len(self.calls) >= self.down_from:
            raise Unavailable("ingest is unavailable (503)", retry_after=1)
        if self.script:
            answer = self.script.pop(0)
            if isinstance(answer, BaseException):
                raise answer
            return answer
        if idempotency_key in self.held:
            return Accepted(self.held[idempotency_key], replayed=True)
        ids = [f"{idempotency_key[-6:]}-{i}" for i in range(len(reports))]
        self.held[idempotency_key] = ids
        return Accepted(ids)

    @property
    def names(self) -> list[str]:
        """The first person's name in every report sent, in order."""
        return [r["event"]["persons"][0]["name"] for _, batch in self.calls for r in batch]


def run(
    path: Path,
    sender: FakeIngest,
    *,
    batch_size: int | None = None,
    restart: bool = False,
    sleeps: list[float] | None = None,
    attempts: int = 3,
) -> importer.Summary:
    plan = importer.plan_import(path=path, batch_size=batch_size, restart=restart)
    return importer.run_import(
        plan=plan,
        sender=sender,
        sleep=(sleeps if sleeps is not None else []).append,
        attempts=attempts,
    )


def rejects(path: Path) -> list[dict[str, str]]:
    with importer.rejects_path(path).open(newline="") as handle:
        return list(csv.DictReader(handle))


def state(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(importer.state_path(path).read_text())
    return loaded


# --- reading rows ------------------------------------------------------------------------------


def test_csv_dotted_paths_build_the_report_body() -> None:
    columns = importer.parse_header(
        [
            "observed_at",
            "grading.source",
            "concerns",
            "narrative",
            "event.type",
            "event.place.name",
            "event.persons.0.name",
            "event.persons.0.nicknames",
            "event.persons.1.name",
            "event.persons.2.name",
        ]
    )
    row = importer.csv_row(
        7,
        columns,
        [
            *(OBSERVED, "2", "cce; cse", "met at 5pm; left at 6", "sighting", " Synth Chips "),
            *("", "", "", "Ava Synth"),
        ],
    )

    assert row == importer.Row(
        7,
        report={
            "observed_at": OBSERVED,
            "grading": {"source": "2"},
            "concerns": ["cce", "cse"],
            "narrative": "met at 5pm; left at 6",
            "event": {
                "type": "sighting",
                "place": {"name": "Synth Chips"},
                "persons": [{"name": "Ava Synth"}],
            },
        },
    )


def test_list_fields_split_on_semicolons_inside_lists_of_objects() -> None:
    columns = importer.parse_header(["event.type", "event.persons.0.nicknames"])

    row = importer.csv_row(1, columns, ["sighting", "Avi;;A-Syn"])

    assert row.report == {
        "event": {"type": "sighting", "persons": [{"nicknames": ["Avi", "A-Syn"]}]}
    }


def test_a_boolean_column_gives_booleans_the_report_model_takes() -> None:
    columns = importer.parse_header(
        [
            "event.type",
            "event.persons.0.flags.looked_after",
            "event.persons.0.flags.additional_needs",
        ]
    )

    row = importer.csv_row(1, columns, ["sighting", "TRUE", "false"])

    assert row.report == {
        "event": {
            "type": "sighting",
            "persons": [{"flags": {"looked_after": True, "additional_needs": False}}],
        }
    }


def test_a_word_where_a_flag_goes_is_refused_outside_a_csv() -> None:
    with pytest.raises(ValidationError, match="looked_after"):
        PersonFlags.model_validate({"looked_after": "true"})


def test_a_csv_row_of_empty_cells_is_skipped_not_rejected() -> None:
    columns = importer.parse_header(["event.type", "narrative"])

    assert importer.csv_row(3, columns, [" ", ""]) == importer.Row(3)


def test_a_csv_row_with_more_cells_than_the_header_is_rejected() -> None:
    columns = importer.parse_header(["event.type"])

    row = importer.csv_row(2, columns, ["sighting", "extra"])

    assert row == importer.Row(2, problem="2 cells, but the header names 1")


@pytest.mark.parametrize(
    ("header", "complaint"),
    [
        (["grading.sorce"], "'grading.sorce' names no field of a report"),
        (["event.persons.x.name"], "names no field"),
        (["narrative", "narrative"], "'narrative' appears twice"),
        (["event.place", "event.place.name"], "'event.place' and 'event.place.name' cannot both"),
        (["event..type"], "is not a dotted path"),
        ([""], "is not a dotted path"),
        (["0.name"], "must start with a field name"),
        ([], "no header row"),
    ],
)
def test_refuses_a_header_that_cannot_describe_a_report(header: list[str], complaint: str) -> None:
    with pytest.raises(ImportFailed) as refused:
        importer.parse_header(header)

    assert complaint in str(refused.value)


@pytest.mark.parametrize(
    ("line", "row"),
    [
        ('{"narrative": "x"}', importer.Row(4, report={"narrative": "x"})),
        ("   ", importer.Row(4)),
        ("[1, 2]", importer.Row(4, problem="not a JSON object: one report per line")),
        ('{"narrative": ', importer.Row(4, problem="not valid JSON: Expecting value (column 15)")),
    ],
)
def test_jsonl_lines(line: str, row: importer.Row) -> None:
    assert importer.jsonl_row(4, line) == row


def test_reasons_name_the_field_as_the_file_writes_it() -> None:
    columns = importer.parse_header(HEADER.split(","))
    cells = good("Ava Synth").split(",")
    cells[1], cells[8] = "7", "nightclub"
    row = importer.csv_row(1, columns, cells)

    assert row.report is not None
    reason = importer.check(row.report)

    assert reason is not None
    assert reason.startswith("grading.source: Input should be 1, 2 or 3; event.place.category: ")


def test_identifiers_and_home_are_columns_checked_and_normalised() -> None:
    nhs = synthetic_nhs_number(11)
    header = HEADER.split(",") + [
        "event.persons.0.nhs_number",
        "event.persons.0.upn",
        "event.persons.0.home_postcode",
        "event.persons.0.home_address",
    ]
    columns = importer.parse_header(header)
    cells = [*good("Ava Synth").split(","), f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}", "", "zz991aa", ""]
    row = importer.csv_row(1, columns, cells)
    assert row.report is not None
    assert importer.check(row.report) is None
    person = ReportCreate.model_validate(row.report).event.model_dump()["persons"][0]
    assert (person["nhs_number"], person["home_postcode"]) == (nhs, "ZZ99 1AA")

    cells[-3] = synthetic_upn(3)[:-1]  # one character short
    cells[-4] = nhs[:-1] + str((int(nhs[-1]) + 1) % 10)  # wrong check digit
    reason = importer.check(importer.csv_row(2, columns, cells).report or {})
    assert reason is not None
    assert "event.persons.0.nhs_number: not a valid NHS number" in reason
    assert "event.persons.0.upn: not a Unique Pupil Number" in reason
    assert nhs[:-1] not in reason


# --- importing ---------------------------------------------------------------------------------


def test_rejected_rows_are_listed_with_their_number_and_reason(tmp_path: Path) -> None:
    path = write(
        tmp_path / "reports.csv",
        HEADER,
        good("Ava Synth"),
        good("Ben Synth").replace(",2,B,", ",7,B,"),
        ",,,,,,,,,,,",
        good("Cal Synth").replace("sighting", "sightting"),
        good("Dee Synth"),
    )
    ingest = FakeIngest()

    summary = run(path, ingest)

    assert ingest.names == ["Ava Synth", "Dee Synth"]
    listed = rejects(path)
    assert [r["row"] for r in listed] == ["2", "4"]
    assert listed[0]["reason"] == "grading.source: Input should be 1, 2 or 3"
    assert listed[1]["reason"].startswith("event: Input tag 'sightting' found using 'type'")
    assert (summary.accepted, summary.rejected, summary.skipped) == (2, 2, 0)
    assert summary.rejects_file == tmp_path / "reports.csv.rejected.csv"


def test_jsonl_rejects_carry_line_numbers(tmp_path: Path) -> None:
    report = {
        "observed_at": OBSERVED,
        "grading": {"source": 2, "intelligence": "B", "handling": "P"},
        "event": {
            "type": "sighting",
            "persons": [{"name": "Ava Synth"}],
            "place": {"name": "Synthetic Park", "postcode": "ZZ99 2BB", "category": "park"},
        },
    }
    path = write(
        tmp_path / "reports.jsonl",
        json.dumps(report),
        "",
        "not json",
        json.dumps({**report, "colour": "red"}),
        json.dumps(report),
    )
    ingest = FakeIngest()

    summary = run(path, ingest, batch_size=2)

    assert [len(batch) for _, batch in ingest.calls] == [1, 1]
    assert rejects(path) == [
        {"row": "3", "reason": "not valid JSON: Expecting value (column 1)"},
        {"row": "4", "reason": "colour: Extra inputs are not permitted"},
    ]
    assert (summary.accepted, summary.rejected) == (2, 2)


def test_no_rejects_file_when_every_row_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "reports.csv", HEADER, good("Ava Synth"))

    run(path, FakeIngest())

    assert not importer.rejects_path(path).exists()


def test_batches_cover_fixed_row_ranges_under_keys_from_the_file_hash(tmp_path: Path) -> None:
    names = [f"Synth Child {i}" for i in range(1, 6)]
    path = write(tmp_path / "reports.csv", HEADER, *(good(n) for n in names))
    digest = importer.file_sha256(path)
    ingest = FakeIngest()

    run(path, ingest, batch_size=2)

    assert [key for key, _ in ingest.calls] == [
        f"tessera-import:{digest}:2:0",
        f"tessera-import:{digest}:2:1",
        f"tessera-import:{digest}:2:2",
    ]
    assert ingest.names == names
    assert state(path) | {"updated_at": None} == {
        "version": 1,
        "file": "reports.csv",
        "file_sha256": digest,
        "batch_size": 2,
        "rows": 5,
        "batches_done": 3,
        "accepted": 5,
        "rejected": 0,
        "rejects_file_bytes": 0,
        "updated_at": None,
    }


def test_batch_size_is_bounded_by_ingests_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "reports.csv", HEADER, good("Ava Synth"))

    with pytest.raises(ImportFailed, match="between 1 and 1000"):
        importer.plan_import(path=path, batch_size=1001)


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "reports.txt", "{}")

    with pytest.raises(ImportFailed, match=r"\.csv, \.jsonl or \.ndjson"):
        importer.plan_import(path=path)


# --- resuming ----------------------------------------------------------------------------------


def stopped_at_second_batch(path: Path) -> ImportStopped:
    """Import with ingest unavailable from the second batch on, until the import gives up."""
    with pytest.raises(ImportStopped) as stopped:
        run(path, FakeIngest(down_from=2), batch_size=2, attempts=3)
    assert state(path)["batches_done"] == 1
    return stopped.value


def test_a_rerun_skips_the_batches_already_done(tmp_path: Path) -> None:
    names = [f"Synth Child {i}" for i in range(1, 6)]
    path = write(tmp_path / "reports.csv", HEADER, *(good(n) for n in names))

    stop = stopped_at_second_batch(path)
    assert "gave up after 3 attempts" in str(stop)
    assert (stop.summary.accepted, state(path)["batches_done"]) == (2, 1)

    ingest = FakeIngest()
    summary = run(path, ingest, batch_size=2)

    assert ingest.names == names[2:]
    assert [key[-2:] for key, _ in ingest.calls] == [":1", ":2"]
    assert (summary.accepted, summary.skipped, summary.total_accepted) == (3, 2, 5)


def test_a_finished_import_sends_nothing_again(tmp_path: Path) -> None:
    path = write(tmp_path / "reports.csv", HEADER, good("Ava Synth"), good("Ben Synth"))
    run(path, FakeIngest())
    ingest = FakeIngest()

    summary = run(path, ingest)

    assert ingest.calls == []
    assert (summary.accepted, summary.skipped, summary.total_accepted) == (0, 2, 2)


def test_a_batch_whose_answer_was_lost_is_sent_again_under_the_same_key(tmp_path: Path) -> None:
    path = write(tmp_path / "reports.csv", HEADER, good("Ava Synth"), good("Ben Synth"))
    ingest = FakeIngest()
    original = ingest.send

    def accept_then_crash(
        *, reports: Sequence[dict[str, Any]], idempotency_key: str
    ) -> Accepted | Refused:
        original(reports=reports, idempotency_key=idempotency_key)
        raise KeyboardInterrupt

    ingest.send = accept_then_crash  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        run(path, ingest)
    ingest.send = original  # type: ignore[method-assign]

    summary = run(path, ingest)

    assert [key for key, _ in ingest.calls][0] == [key for key, _ in ingest.calls][1]
    assert (summary.accepted, summary.replayed) == (2, 2)


def test_a_changed_file_starts_again_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "reports.csv", HEADER, good("Ava Synth"), good("Ben Synth"))
    run(path, FakeIngest(), batch_size=1)
    write(path, HEADER, good("Ava Synth"), good("Ben Synth"), good("Cal Synth"))
    ingest = FakeIngest()

    plan = importer.plan_import(path=path)
    summary = importer.run_import(plan=plan, sender=ingest)

    assert not plan.resumed
    assert "changed since the import saved" in plan.warnings[0]
    assert ingest.names == ["Ava Synth", "Ben Synth", "Cal Synth"]
    assert ingest.calls[0][0] == f"tessera-import:{importer.file_sha256(path)}:500:0"
    assert (summary.skipped, state(path)["rows"]) == (0, 3)


def test_restart_ignores_saved_progress(tmp_path: Path) -> None:
    path = write(tmp_path / "reports.csv", HEADER, good("Ava Synth"))
    run(path, FakeIngest())
    ingest = FakeIngest()

    summary = run(path, ingest, restart=True)

    assert ingest.names == ["Ava Synth"]
    assert (summary.accepted, summary.skipped) == (1, 0)


def test_a_resumed_import_keeps_its_batch_size(tmp_path: Path) -> None:
    path = write(tmp_path / "reports.csv", HEADER, *(good(f"Synth {i}") for i in range(5)))
    stopped_at_second_batch(path)

    plan = importer.plan_import(path=path, batch_size=3)

    assert plan.resumed
    assert (plan.state.batch_size, plan.skipped_rows) == (2, 2)
    assert "batch size this import started with (2)" in plan.warnings[0]


def test_an_unreadable_state_file_starts_again(tmp_path: Path) -> None:
    path = write(tmp_path / "reports.csv", HEADER, good("Ava Synth"))
    importer.state_path(path).write_text("{not json")

    plan = importer.plan_import(path=path)

    assert not plan.resumed
    assert "cannot be read" in plan.warnings[0]


def test_rejects_of_an_unfinished_batch_are_not_listed_twice(tmp_path: Path) -> None:
    path = write(
        tmp_path / "reports.csv",
        HEADER,
        good("Ava Synth").replace(",2,B,", ",7,B,"),
        good("Ben Synth"),
        good("Cal Synth"),
    )
    stopped_at_second_batch(path)
    with importer.rejects_path(path).open("a") as handle:
        handle.write("3,written before a crash\n")  # the batch was never recorded as done

    run(path, FakeIngest(), batch_size=2)

    assert [r["row"] for r in rejects(path)] == ["1"]


# --- retries and ingest's answers --------------------------------------------------------------


def test_unavailable_is_retried_honouring_retry_after(tmp_path: Path) -> None:
    path = write(tmp_path / "reports.csv", HEADER, good("Ava Synth"))
    ingest = FakeIngest([Unavailable("503", retry_after=7), Unavailable("no answer")])
    sleeps: list[float] = []

    summary = run(path, ingest, sleeps=sleeps, attempts=3)

    assert sleeps == [7.0, 2.0]  # Retry-After, then exponential backoff
    assert len({key for key, _ in ingest.calls}) == 1
    assert summary.accepted == 1


def test_a_refused_batch_rejects_its_rows_with_ingests_reasons(tmp_path: Path) -> None:
    path = write(tmp_path / "reports.csv", HEADER, good("Ava Synth"), good("Ben Synth"))
    ingest = FakeIngest([Refused(reasons={1: "event.place.name: too long"}, detail="")])

    summary = run(path, ingest)

    assert rejects(path) == [
        {"row": "1", "reason": "ingest refused the whole batch: row 2: event.place.name: too long"},
        {"row": "2", "reason": "event.place.name: too long"},
    ]
    assert (summary.accepted, summary.rejected, state(path)["batches_done"]) == (0, 2, 1)


def test_a_fatal_answer_stops_the_import_keeping_progress(tmp_path: Path) -> None:
    path = write(tmp_path / "reports.csv", HEADER, good("Ava Synth"), good("Ben Synth"))
    ingest = FakeIngest([Accepted(["a"]), ImportFailed("ingest refused the token (401)")])

    with pytest.raises(ImportStopped, match="refused the token") as stopped:
        run(path, ingest, batch_size=1)

    assert stopped.value.summary.accepted == 1
    assert state(path)["batches_done"] == 1


# --- the HTTP sender ---------------------------------------------------------------------------


def sender(handler: Any) -> HttpSender:
    client = httpx.Client(base_url="http://ingest.invalid", transport=httpx.MockTransport(handler))
    return HttpSender(client=client, token=TOKEN)


def test_http_sender_posts_the_batch_with_token_and_key() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202, json={"report_ids": ["r1"], "count": 1, "replayed": True})

    answer = sender(handler).send(reports=[{"narrative": "x"}], idempotency_key="k-0")

    assert answer == Accepted(["r1"], replayed=True)
    assert seen[0].url.path == "/v1/reports:batch"
    assert seen[0].url.params["lane"] == "bulk"  # an import never delays live reports
    assert seen[0].headers["Authorization"] == "Bearer tsr_synthetic"
    assert seen[0].headers["Idempotency-Key"] == "k-0"
    assert json.loads(seen[0].content) == {"reports": [{"narrative": "x"}]}


def test_http_sender_attributes_a_422_to_the_reports_it_names() -> None:
    detail = [
        {
            "loc": ["body", "reports", 1, "event", "sighting", "place", "name"],
            "msg": "Field required",
        },
        {"loc": ["body", "reports", 1, "observed_at"], "msg": "Value error, in the future"},
    ]
    reports = [{}, {"event": {"type": "sighting", "place": {}}}]

    answer = sender(lambda request: httpx.Response(422, json={"detail": detail})).send(
        reports=reports, idempotency_key="k"
    )

    assert answer == Refused(
        reasons={1: "event.place.name: Field required; observed_at: in the future"}, detail=""
    )


def test_http_sender_503_is_unavailable_with_retry_after() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"detail": "Kafka down"}, headers={"Retry-After": "5"})

    with pytest.raises(Unavailable, match="Kafka down") as unavailable:
        sender(handler).send(reports=[{}], idempotency_key="k")

    assert unavailable.value.retry_after == 5.0


@pytest.mark.parametrize(
    ("status", "message"),
    [(401, "refused the token"), (403, "role may not submit"), (413, "smaller --batch-size")],
)
def test_http_sender_refusals_stop_the_import(status: int, message: str) -> None:
    with pytest.raises(ImportFailed, match=message):
        sender(lambda request: httpx.Response(status, json={"detail": "no"})).send(
            reports=[{}], idempotency_key="k"
        )


def test_http_sender_cannot_connect() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    with pytest.raises(ImportFailed, match="could not connect to ingest"):
        sender(handler).send(reports=[{}], idempotency_key="k")
