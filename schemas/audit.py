"""The audit entry: one read of personal data, chained by hash to the entry before it.

Each writer (one per process) keeps a chain of its own: a chain id made when it starts, a
sequence number from 0, the hash of the chain's previous entry (GENESIS_HASH for the first) and
its own hash, the SHA-256 of the entry's canonical JSON without the hash. An entry changed after
it was written no longer matches its hash, or the next entry's prev_hash; one removed leaves a gap
in its chain's sequence.
"""

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from schemas.reports import AwareDatetime

SCHEMA_VERSION = 1
AUDIT_LABEL = "AuditEntry"  # the graph label of the entries' Neo4j copy
GENESIS_HASH = "0" * 64  # the prev_hash of a chain's first entry
HASH_FIELD = "hash"


class AuditEntry(BaseModel):
    """Who read what, when and why: every subject id the read returned, in a writer's chain."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    schema_version: int = SCHEMA_VERSION
    id: str = Field(description="The entry's own id (a UUID).")
    at: AwareDatetime
    chain_id: str = Field(description="The writer's chain, made when the writer started.")
    sequence: int = Field(ge=0, description="The entry's place in its chain, from 0.")
    prev_hash: str = Field(description="The hash of the chain's previous entry.")
    service: str = Field(description="The process that recorded the read, e.g. alerts-api.")
    user: str
    agency: str
    role: str
    action: str = Field(description="What was read, e.g. alerts.list, person.read.")
    purpose: str
    subject_ids: tuple[str, ...] = Field(description="Every subject the read returned.")
    parameters: tuple[str, ...] = Field(description="What was asked for, as name=value.")
    hash: str = Field(description="SHA-256 of the canonical JSON of the other fields.")


def canonical_json(fields: Mapping[str, Any]) -> bytes:
    """The fields as canonical JSON: keys sorted, no spaces, UTF-8."""
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def entry_hash(fields: Mapping[str, Any]) -> str:
    """The hash an entry carries: SHA-256 of its canonical JSON without the hash itself."""
    unhashed = {k: v for k, v in fields.items() if k != HASH_FIELD}
    return hashlib.sha256(canonical_json(unhashed)).hexdigest()


def sealed(entry: AuditEntry) -> AuditEntry:
    """The entry with its hash computed from everything else in it."""
    return entry.model_copy(update={HASH_FIELD: entry_hash(entry.model_dump(mode="json"))})


def intact(fields: Mapping[str, Any]) -> bool:
    """Whether an entry's fields, as written (its JSON), still match the hash it carries."""
    return fields.get(HASH_FIELD) == entry_hash(fields)
