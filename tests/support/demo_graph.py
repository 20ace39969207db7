"""A small demo-like graph in the real Neo4j for tests that need real ids of every kind: one
report of every event type (tests/support/examples.py), a possible match waiting for a decision
and a report with handling code C, linked with the worker's own use case. Names, phones, handles
and registrations carry a run tag, so nothing is shared with another test's data."""

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from neo4j import Driver

from common.settings import InfraSettings
from schemas.linking import EntityKind
from schemas.reports import ReportCreate
from tests.support import queries
from tests.support.examples import EVENTS
from tests.support.factories import report_json, shared_only_with, submitted
from tests.support.linking import link_events

HOME, POLICE = "Synthetic Home A", "Synthetic Police"
TAGGED_TEXT = ("name", "nicknames", "address", "group", "operation_ref", "found_by")
PHONE_LISTS = ("phones", "numbers_used", "contacted_by", "phone_numbers_seized")
VRM_LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"


@dataclass(frozen=True, slots=True)
class DemoGraph:
    """The ids of what was linked; `restricted_to` alone may see the handling code C report."""

    tag: str
    restricted_to: str
    report_ids: tuple[str, ...]
    persons: tuple[str, ...]
    entities: tuple[str, ...]  # persons, places, vehicles, phones, handles and groups
    candidates: tuple[str, ...]  # POSSIBLE_SAME_AS ids
    reports_of: dict[str, tuple[str, ...]]  # person id: the reports that mention them


class _Tagger:
    """Copies an example report with its identifying values made unique to one run."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self._random = random.Random(tag)  # noqa: S311 - synthetic data, not security
        self._phones: dict[str, str] = {}
        self._vrms: dict[str, str] = {}

    def __call__(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: self(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v, key) for v in value]
        if not isinstance(value, str):
            return value
        if key in TAGGED_TEXT:
            return f"{value} {self.tag}"
        if key in PHONE_LISTS:  # one new drama-range number for each one the examples use
            return self._phones.setdefault(value, f"07700 900{self._random.randint(0, 999):03d}")
        if key == "vrm":
            letters = "".join(self._random.choice(VRM_LETTERS) for _ in range(3))
            return self._vrms.setdefault(value, f"ZZ{self._random.randint(10, 99)}{letters}")
        if key == "handle":
            return f"synth.{self.tag}"
        return value


def _reports(tag: str) -> list[tuple[ReportCreate, str]]:
    tagged = _Tagger(tag)
    reports = [
        (ReportCreate.model_validate(report_json(tagged(event))), HOME) for event in EVENTS.values()
    ]
    # Two records that may be one person: the linker proposes them as a possible match.
    reports += [
        (
            ReportCreate.model_validate(
                report_json(
                    {
                        "type": "sighting",
                        "persons": [{"name": f"{name} {tag}", "role": "young_person"}],
                        "place": {"name": f"Synthetic Arcade {tag}"},
                    }
                )
            ),
            HOME,
        )
        for name in ("Dean Walsh", "D. Walsh")
    ]
    restricted = report_json(
        tagged(EVENTS["sighting"]),
        grading=shared_only_with(POLICE),
    )
    reports.append((ReportCreate.model_validate(restricted), POLICE))
    return reports


@contextmanager
def demo_graph(settings: InfraSettings, driver: Driver) -> Iterator[DemoGraph]:
    """Link the demo graph into the real Neo4j for the block; remove it, and the decisions
    taken about its people, afterwards."""
    tag = uuid.uuid4().hex[:8]
    events = [submitted(report, agency=agency) for report, agency in _reports(tag)]
    report_ids = [str(e.event_id) for e in events]
    try:
        linked = link_events(settings, events)
        reports_of: dict[str, list[str]] = {}
        entities: set[str] = set()
        for event in linked:
            for entity in event.entities:
                entities.add(entity.id)
                if entity.kind is EntityKind.PERSON:
                    reports_of.setdefault(entity.id, []).append(str(event.report_id))
        candidates, _, _ = driver.execute_query(
            queries.CANDIDATES_AMONG, person_ids=sorted(reports_of)
        )
        yield DemoGraph(
            tag=tag,
            restricted_to=POLICE,
            report_ids=tuple(report_ids),
            persons=tuple(sorted(reports_of)),
            entities=tuple(sorted(entities)),
            candidates=tuple(r["id"] for r in candidates),
            reports_of={p: tuple(r) for p, r in reports_of.items()},
        )
    finally:
        driver.execute_query(queries.DELETE_DECISIONS_ABOUT_REPORTS, report_ids=report_ids)
        driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)
