"""Bulk import of reports from a CSV or JSON Lines file through ingest's batch API, resumable."""

import csv
import email.utils
import hashlib
import io
import json
import os
import time
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from schemas.reports import ReportCreate

JsonObject = dict[str, Any]

SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
BATCH_PATH = "/v1/reports:batch"
# An import travels on ingest's bulk lane, so it never delays the alerts of live reports.
BULK_LANE = "bulk"
MAX_BATCH = 1000  # ingest refuses larger batches
DEFAULT_BATCH = 500
LIST_SEPARATOR = ";"
# A cell under a boolean field: the report models take booleans, not words.
BOOLEAN_WORDS = {"true": True, "false": False}
RETRY_ATTEMPTS = 10  # with ingest's default Retry-After of 5 s, about a minute of outage
MAX_WAIT_S = 60.0
HTTP_TIMEOUT_S = 120.0  # a batch waits for Kafka's acks=all on every report
RETRYABLE_STATUS = {502, 503, 504}
STATE_VERSION = 1


class ImportFailed(Exception):
    """The import cannot start or cannot go on; the message says why."""


class ImportStopped(ImportFailed):
    """The import stopped part-way; what was acknowledged is saved and a re-run resumes."""

    def __init__(self, message: str, *, summary: "Summary") -> None:
        super().__init__(message)
        self.summary = summary


class Unavailable(Exception):
    """Ingest could not take the batch now (503, or no answer); sending it again is safe."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Accepted:
    """Ingest holds the batch: one id per report, in order."""

    report_ids: list[str]
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class Refused:
    """Ingest refused the batch as invalid (422): reasons by position in the batch."""

    reasons: dict[int, str]
    detail: str


class Sender(Protocol):
    """Submits one batch of reports under an idempotency key."""

    def send(
        self, *, reports: Sequence[JsonObject], idempotency_key: str
    ) -> Accepted | Refused: ...


_REFUSALS = {
    401: "ingest refused the token (401): {detail}; check --token or TESSERA_TOKEN",
    403: "your role may not submit reports (403): {detail}",
    409: "ingest already holds a different submission under this batch's Idempotency-Key (409): "
    "the batch's valid rows differ from when it was first sent",
    413: "a batch is larger than ingest accepts (413): start again with "
    "--restart and a smaller --batch-size",
}


@dataclass(frozen=True, slots=True)
class HttpSender:
    """The real sender: POST /v1/reports:batch?lane=bulk with the user's bearer token.

    Takes any httpx client (a FastAPI TestClient too) whose base_url is the ingest API.
    """

    client: httpx.Client
    token: str
    lane: str = BULK_LANE

    def send(self, *, reports: Sequence[JsonObject], idempotency_key: str) -> Accepted | Refused:
        """Submit one batch; raise Unavailable when a retry may succeed."""
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": idempotency_key}
        try:
            response = self.client.post(
                BATCH_PATH,
                params={"lane": self.lane},
                json={"reports": list(reports)},
                headers=headers,
            )
        except httpx.ConnectError as error:
            raise ImportFailed(
                f"could not connect to ingest at {self.client.base_url} ({error}); is it running?"
            ) from error
        except httpx.TransportError as error:
            raise Unavailable(f"no answer from ingest ({error!r})") from error
        status = response.status_code
        if status == httpx.codes.ACCEPTED:
            try:
                body = response.json()
                return Accepted([str(i) for i in body["report_ids"]], bool(body.get("replayed")))
            except (ValueError, KeyError, TypeError) as error:
                raise ImportFailed(f"ingest answered 202 without report ids: {error}") from error
        detail = _detail(response)
        if status in RETRYABLE_STATUS:
            raise Unavailable(
                f"ingest is unavailable ({status}): {_text(detail)}",
                retry_after=_retry_after(response.headers.get("Retry-After")),
            )
        if status == httpx.codes.UNPROCESSABLE_ENTITY:
            return _refused(detail, reports)
        message = _REFUSALS.get(status, "ingest answered {status}: {detail}")
        raise ImportFailed(message.format(status=status, detail=_text(detail)))


def _detail(response: httpx.Response) -> Any:
    try:
        return response.json().get("detail", response.text)
    except (ValueError, AttributeError):
        return response.text


def _text(detail: Any) -> str:
    return (detail if isinstance(detail, str) else json.dumps(detail))[:500]


def _retry_after(header: str | None) -> float | None:
    """Retry-After in seconds, given as seconds or as an HTTP date."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _refused(detail: Any, reports: Sequence[JsonObject]) -> Refused:
    """Attribute FastAPI's 422 errors (loc body.reports.<i>.<field>) to the reports they name."""
    if not isinstance(detail, list):
        return Refused(reasons={}, detail=_text(detail))
    named: dict[int, list[Mapping[str, Any]]] = {}
    other: list[str] = []
    for error in detail:
        loc = error.get("loc", []) if isinstance(error, dict) else []
        if (
            len(loc) > 2
            and loc[:2] == ["body", "reports"]
            and isinstance(loc[2], int)
            and 0 <= loc[2] < len(reports)
        ):
            named.setdefault(loc[2], []).append({**error, "loc": loc[3:]})
        else:
            other.append(_text(error))
    reasons = {i: describe(errors, reports[i]) for i, errors in named.items()}
    return Refused(reasons=reasons, detail="; ".join(other))


@dataclass(frozen=True, slots=True)
class Row:
    """One data row (CSV) or line (JSON Lines): the report, or why it cannot be read.

    Neither for a blank row, which is skipped.
    """

    number: int
    report: JsonObject | None = None
    problem: str | None = None


class Reject(NamedTuple):
    """A row that was not imported, and why."""

    row: int
    reason: str


def file_format(path: Path) -> str:
    """'csv' or 'jsonl', from the file's suffix."""
    try:
        return SUFFIXES[path.suffix.lower()]
    except KeyError:
        raise ImportFailed(
            f"{path.name}: unknown format; name the file .csv, .jsonl or .ndjson"
        ) from None


def file_sha256(path: Path) -> str:
    """The file's SHA-256, which ties saved progress and idempotency keys to its content."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_rows(path: Path) -> Generator[Row]:
    """Every data row of the file, numbered from 1 (CSV: below the header; JSONL: by line)."""
    if file_format(path) == "csv":
        return _csv_rows(path)
    return _jsonl_rows(path)


def count_rows(path: Path) -> int:
    """How many rows read_rows yields; a CSV header is checked on the way."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            if file_format(path) == "jsonl":
                return sum(1 for _ in handle)
            reader = csv.reader(handle)
            parse_header(next(reader, None))
            return sum(1 for _ in reader)
    except (UnicodeDecodeError, csv.Error) as error:
        raise ImportFailed(f"{path.name} cannot be read: {error}") from error


def _jsonl_rows(path: Path) -> Generator[Row]:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                yield jsonl_row(number, line)
    except UnicodeDecodeError as error:
        raise ImportFailed(f"{path.name} cannot be read: {error}") from error


def jsonl_row(number: int, line: str) -> Row:
    """One line of JSON Lines: a report object, or why it is not one."""
    if not line.strip():
        return Row(number)
    try:
        report = json.loads(line)
    except json.JSONDecodeError as error:
        return Row(number, problem=f"not valid JSON: {error.msg} (column {error.colno})")
    if not isinstance(report, dict):
        return Row(number, problem="not a JSON object: one report per line")
    return Row(number, report=report)


def _csv_rows(path: Path) -> Generator[Row]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            columns = parse_header(next(reader, None))
            for number, cells in enumerate(reader, start=1):
                yield csv_row(number, columns, cells)
    except (UnicodeDecodeError, csv.Error) as error:
        raise ImportFailed(f"{path.name} cannot be read: {error}") from error


FieldPath = tuple[str, ...]


def parse_header(header: Sequence[str] | None) -> list[FieldPath]:
    """The CSV header as dotted paths into the report; refuse one that cannot describe a report."""
    if not header:
        raise ImportFailed("the CSV file has no header row: name each column with a dotted path")
    columns: list[FieldPath] = []
    for position, raw in enumerate(header, start=1):
        name = raw.strip()
        path = tuple(name.split("."))
        if not name or not all(path):
            raise ImportFailed(
                f"header column {position} ({raw!r}) is not a dotted path such as event.place.name"
            )
        if path[0].isdigit():
            raise ImportFailed(f"header column {name!r} must start with a field name")
        if path in columns:
            raise ImportFailed(f"header column {name!r} appears twice")
        if not _schemas_at(_report_schema(), path, None):
            raise ImportFailed(
                f"header column {name!r} names no field of a report "
                "(see schemas/json/report-create.v1.json)"
            )
        columns.append(path)
    given = set(columns)
    kinds: dict[FieldPath, set[bool]] = {}
    for path in columns:
        for depth in range(1, len(path)):
            if path[:depth] in given:
                raise ImportFailed(
                    f"header columns {'.'.join(path[:depth])!r} and {'.'.join(path)!r} "
                    "cannot both be given"
                )
            kinds.setdefault(path[:depth], set()).add(path[depth].isdigit())
    for parent, seen in kinds.items():
        if len(seen) > 1:
            raise ImportFailed(
                f"under {'.'.join(parent)!r} the header mixes list positions and field names"
            )
    return columns


def csv_row(number: int, columns: Sequence[FieldPath], cells: Sequence[str]) -> Row:
    """One CSV row as a report body: empty cells left out, numbered paths made lists."""
    extra = [c for c in cells[len(columns) :] if c.strip()]
    if extra:
        return Row(number, problem=f"{len(cells)} cells, but the header names {len(columns)}")
    filled = [(path, cell.strip()) for path, cell in zip(columns, cells, strict=False)]
    filled = [(path, value) for path, value in filled if value]
    if not filled:
        return Row(number)
    tree: JsonObject = {}
    for path, value in filled:
        node = tree
        for segment in path[:-1]:
            node = node.setdefault(segment, {})
        node[path[-1]] = value
    for path, value in filled:
        schemas = _schemas_at(_report_schema(), path, tree)
        if any(_is_list(s) for s in schemas):
            parts = [p.strip() for p in value.split(LIST_SEPARATOR)]
            _parent(tree, path)[path[-1]] = [p for p in parts if p]
        elif value.lower() in BOOLEAN_WORDS and any(s.get("type") == "boolean" for s in schemas):
            _parent(tree, path)[path[-1]] = BOOLEAN_WORDS[value.lower()]
    return Row(number, report=_listed(tree))


def _parent(tree: JsonObject, path: FieldPath) -> JsonObject:
    node = tree
    for segment in path[:-1]:
        node = node[segment]
    return node


def _listed(node: Any) -> Any:
    """Nodes keyed by positions become lists in position order (gaps closed up)."""
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_listed(node[key]) for key in sorted(node, key=int)]
    return {key: _listed(value) for key, value in node.items()}


@cache
def _report_schema() -> JsonObject:
    return ReportCreate.model_json_schema()


def _resolve(schema: JsonObject) -> JsonObject:
    while "$ref" in schema:
        schema = _report_schema()["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _is_list(schema: JsonObject) -> bool:
    kind = schema.get("type")
    return kind == "array" or (isinstance(kind, list) and "array" in kind)


def _schemas_at(schema: JsonObject, path: FieldPath, node: Any) -> list[JsonObject]:
    """The JSON Schemas a value at `path` may have to match; a union is narrowed by its tag in
    `node` (the partly built report) when there is one."""
    schema = _resolve(schema)
    alternatives = schema.get("oneOf") or schema.get("anyOf") or schema.get("allOf")
    if alternatives:
        discriminator = schema.get("discriminator")
        if discriminator and isinstance(node, dict):
            tag = node.get(discriminator["propertyName"])
            if tag in discriminator["mapping"]:
                alternatives = [{"$ref": discriminator["mapping"][tag]}]
        return [found for alt in alternatives for found in _schemas_at(alt, path, node)]
    if not path:
        return [schema]
    head, rest = path[0], path[1:]
    child = node.get(head) if isinstance(node, dict) else None
    if head.isdigit() and _is_list(schema):
        return _schemas_at(schema.get("items", {}), rest, child)
    properties = schema.get("properties", {})
    if head in properties:
        return _schemas_at(properties[head], rest, child)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        return _schemas_at(extra, rest, child)
    return []


def describe(errors: Iterable[Mapping[str, Any]], report: Any) -> str:
    """pydantic's errors as 'field.path: message; ...', with paths as the file writes them."""
    reasons = []
    for error in errors:
        field = _field_path(error.get("loc", ()), report)
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        reasons.append(f"{field}: {message}" if field else message)
    return "; ".join(reasons)


def _field_path(loc: Iterable[Any], report: Any) -> str:
    parts: list[str] = []
    node = report
    for element in loc:
        if isinstance(node, dict) and element not in node and node.get("type") == element:
            continue  # pydantic names the event type it tried; the file has no such level
        parts.append(str(element))
        if isinstance(node, dict):
            node = node.get(element)
        elif isinstance(node, list) and isinstance(element, int) and 0 <= element < len(node):
            node = node[element]
        else:
            node = None
    return ".".join(parts)


def check(report: JsonObject) -> str | None:
    """Why ingest would refuse the report, or None when it is valid."""
    try:
        ReportCreate.model_validate(report)
    except ValidationError as error:
        return describe(error.errors(include_url=False), report)
    return None


class ImportState(BaseModel):
    """What a re-run needs to resume: written after every acknowledged batch."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    version: int = STATE_VERSION
    file: str
    file_sha256: str
    batch_size: int
    rows: int
    batches_done: int = 0
    accepted: int = 0
    rejected: int = 0
    rejects_file_bytes: int = 0
    updated_at: datetime


def state_path(path: Path) -> Path:
    """Where the import of `path` keeps its progress."""
    return path.with_name(f"{path.name}.import-state.json")


def rejects_path(path: Path) -> Path:
    """Where the rows of `path` that were not imported are listed."""
    return path.with_name(f"{path.name}.rejected.csv")


def idempotency_key(*, sha256: str, batch_size: int, index: int) -> str:
    """The same batch of the same file always gets the same key, so a re-send is harmless."""
    return f"tessera-import:{sha256}:{batch_size}:{index}"


def save_state(path: Path, state: ImportState) -> None:
    """Replace the state file atomically, so a crash leaves the old or the new one."""
    target = state_path(path)
    scratch = target.with_name(f"{target.name}.tmp")
    with scratch.open("w", encoding="utf-8") as handle:
        handle.write(state.model_dump_json(indent=2))
        handle.flush()
        os.fsync(handle.fileno())
    scratch.replace(target)


def _load_state(path: Path) -> tuple[ImportState | None, str | None]:
    target = state_path(path)
    if not target.exists():
        return None, None
    try:
        return ImportState.model_validate_json(target.read_text(encoding="utf-8")), None
    except (OSError, ValidationError):
        return None, f"{target.name} cannot be read; starting from the first row"


@dataclass(frozen=True, slots=True)
class Plan:
    """Where an import starts: from nothing, or from the progress a previous run saved."""

    path: Path
    state: ImportState
    resumed: bool
    warnings: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        """Data rows in the file."""
        return self.state.rows

    @property
    def skipped_rows(self) -> int:
        """Rows in batches an earlier run completed."""
        return min(self.state.rows, self.state.batches_done * self.state.batch_size)


def plan_import(*, path: Path, batch_size: int | None = None, restart: bool = False) -> Plan:
    """Check the file and decide where to start; warn when saved progress cannot be used."""
    file_format(path)
    if batch_size is not None and not 1 <= batch_size <= MAX_BATCH:
        raise ImportFailed(f"--batch-size must be between 1 and {MAX_BATCH}")
    sha256 = file_sha256(path)
    rows = count_rows(path)
    warnings: list[str] = []
    state, problem = (None, None) if restart else _load_state(path)
    warnings += [problem] if problem else []
    if state is not None and state.file_sha256 != sha256:
        warnings.append(
            f"{path.name} changed since the import saved in {state_path(path).name}; starting "
            "again from the first row: rows already imported from the old file are sent again"
        )
        state = None
    if state is not None:
        if batch_size is not None and batch_size != state.batch_size:
            warnings.append(
                f"resuming with the batch size this import started with ({state.batch_size}); "
                "--restart to use another"
            )
        return Plan(path=path, state=state, resumed=True, warnings=tuple(warnings))
    fresh = ImportState(
        file=path.name,
        file_sha256=sha256,
        batch_size=batch_size or DEFAULT_BATCH,
        rows=rows,
        updated_at=datetime.now(UTC),
    )
    return Plan(path=path, state=fresh, resumed=False, warnings=tuple(warnings))


@dataclass(frozen=True, slots=True)
class Summary:
    """What an import run did, and the totals over every run of this file."""

    rows: int
    accepted: int
    replayed: int
    rejected: int
    skipped: int
    total_accepted: int
    total_rejected: int
    rejects_file: Path


def run_import(
    *,
    plan: Plan,
    sender: Sender,
    on_rows: Callable[[int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    attempts: int = RETRY_ATTEMPTS,
    max_wait_s: float = MAX_WAIT_S,
) -> Summary:
    """Send the file's batches not yet done, saving progress after each acknowledged one."""
    state = plan.state
    size = state.batch_size
    if not plan.resumed:
        rejects_path(plan.path).unlink(missing_ok=True)
        save_state(plan.path, state)
    else:
        _trim_rejects(plan.path, state.rejects_file_bytes)
    retrying = Retrying(
        retry=retry_if_exception_type(Unavailable),
        stop=stop_after_attempt(attempts),
        wait=_retry_after_or_backoff(max_wait_s),
        reraise=True,
        sleep=sleep,
    )
    accepted = replayed = rejected = 0

    def send(reports: list[JsonObject], key: str) -> Accepted | Refused:
        try:
            return retrying(sender.send, reports=reports, idempotency_key=key)
        except Unavailable as error:
            raise ImportFailed(f"{error}; gave up after {attempts} attempts") from error

    def summary() -> Summary:
        return Summary(
            rows=state.rows,
            accepted=accepted,
            replayed=replayed,
            rejected=rejected,
            skipped=plan.skipped_rows,
            total_accepted=state.accepted,
            total_rejected=state.rejected,
            rejects_file=rejects_path(plan.path),
        )

    try:
        with closing(read_rows(plan.path)) as rows:
            for _ in islice(rows, plan.skipped_rows):
                pass
            index = state.batches_done
            while batch := list(islice(rows, size)):
                key = idempotency_key(sha256=state.file_sha256, batch_size=size, index=index)
                sent, resent, rejects = _import_batch(batch, key=key, send=send)
                written = _append_rejects(plan.path, rejects, state.rejects_file_bytes)
                index += 1
                state = state.model_copy(
                    update={
                        "batches_done": index,
                        "accepted": state.accepted + sent,
                        "rejected": state.rejected + len(rejects),
                        "rejects_file_bytes": written,
                        "updated_at": datetime.now(UTC),
                    }
                )
                save_state(plan.path, state)
                accepted += sent
                replayed += resent
                rejected += len(rejects)
                if on_rows is not None:
                    on_rows(len(batch))
    except ImportFailed as error:
        raise ImportStopped(str(error), summary=summary()) from error
    return summary()


def _import_batch(
    batch: list[Row], *, key: str, send: Callable[[list[JsonObject], str], Accepted | Refused]
) -> tuple[int, int, list[Reject]]:
    """Check a batch's rows, send the valid ones; (accepted, replayed, rejects)."""
    rejects: list[Reject] = []
    valid: list[Row] = []
    for row in batch:
        reason = row.problem if row.report is None else check(row.report)
        if reason is not None:
            rejects.append(Reject(row.number, reason))
        elif row.report is not None:
            valid.append(row)
    if not valid:
        return 0, 0, rejects
    reports = [row.report for row in valid if row.report is not None]
    answer = send(reports, key)
    if isinstance(answer, Refused):
        named = "; ".join(f"row {valid[i].number}: {r}" for i, r in sorted(answer.reasons.items()))
        fallback = f"ingest refused the whole batch: {named or answer.detail}"
        rejects += [
            Reject(row.number, answer.reasons.get(i, fallback)) for i, row in enumerate(valid)
        ]
        return 0, 0, sorted(rejects)
    if len(answer.report_ids) != len(valid):
        raise ImportFailed(
            f"ingest answered {len(answer.report_ids)} ids for a batch of {len(valid)} reports"
        )
    return len(valid), len(valid) if answer.replayed else 0, rejects


def _retry_after_or_backoff(max_wait_s: float) -> Callable[[RetryCallState], float]:
    backoff = wait_exponential(multiplier=1, max=max_wait_s)

    def wait(retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, Unavailable) and error.retry_after is not None:
            return min(error.retry_after, max_wait_s)
        return float(backoff(retry_state))

    return wait


def _trim_rejects(path: Path, size: int) -> None:
    """Drop rejects written for a batch that was never recorded as done: it will run again."""
    target = rejects_path(path)
    if size == 0:
        target.unlink(missing_ok=True)
    elif target.exists() and target.stat().st_size > size:
        with target.open("r+b") as handle:
            handle.truncate(size)


def _append_rejects(path: Path, rejects: list[Reject], size: int) -> int:
    """Add rejects (a header first in a new file); the file's size afterwards."""
    if not rejects:
        return size
    target = rejects_path(path)
    text = io.StringIO()
    writer = csv.writer(text)
    if not target.exists() or target.stat().st_size == 0:
        writer.writerow(["row", "reason"])
    writer.writerows(rejects)
    with target.open("ab") as handle:
        handle.write(text.getvalue().encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
        return handle.tell()
