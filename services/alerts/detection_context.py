"""What every detector is given and how each is registered.

A pattern's `detector.py` reads the neighbourhood of the one entity it is given through its
Neo4j adapter, applies its pure rule, and declares itself as one `Detector` record per kind of
entry point; `services/alerts/patterns/registry.py` lists them.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from neo4j import AsyncDriver

from schemas.alerts import AlertType
from schemas.linking import EntityKind
from services.alerts.batched_reads import ReadRows
from services.alerts.config import Settings
from services.alerts.evidence import KnownGradings
from services.alerts.profile import EntityProfile
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared.full_derivations import FullDerivations
from services.alerts.shared.remembered import Remembered


@dataclass(frozen=True, slots=True)
class Context:
    """What every runner gets: the graph, the thresholds and the time of detection.

    `once`: within one `detect`, the reads several detectors make alike (a child, their episodes,
    where they were found or seen: `shared_reads.py`), made once and shared; None (a runner
    called on its own), every read is made.
    `timings`: when given, the milliseconds each detector took, by its name, and the reads of
    `detect` itself (`(profile)`, `(grading)`); the growth bench profiles detection with it.
    `reads`: when given, the batch's reads of many entities made together (`batched_reads.py`);
    None, each entity's reads are made for it alone.
    `touched_by`: the reports of the batch that linked the entity, so that a detector may work
    out again only what they can change (peer groups at a place: the schools of the pupils they
    name); None (a retraction's re-check, a runner called on its own), everything about it.
    `full_derivations`: the worker's record of when each anchor was last worked out in full,
    which such a detector keeps up; None, it works everything out each time.
    `remembered`: what detectors last worked out about each anchor in this process, for a
    detector that adds a batch's reports to it (P01 at a busy place) instead of reading the
    anchor whole (`shared/remembered.py`); None, it reads everything each time.
    `gradings`: the gradings of the reports the worker has read (`evidence.KnownGradings`);
    None, every cited report's grading is read.
    """

    driver: AsyncDriver
    database: str
    settings: Settings
    now: datetime
    once: dict[tuple[str, str], asyncio.Future[Any]] | None = None
    timings: dict[str, list[float]] | None = None
    reads: ReadRows | None = None
    touched_by: tuple[str, ...] | None = None
    full_derivations: FullDerivations | None = None
    remembered: Remembered | None = None
    gradings: KnownGradings | None = None


Runner = Callable[[str, Context], Awaitable[list[AlertCandidate]]]
Applies = Callable[[EntityProfile], bool]


@dataclass(frozen=True, slots=True)
class Detector:
    """One pattern's entry point: on which kinds of entity it runs, when (its gate, read from the
    entity's profile), what it runs, and the alert types it can raise."""

    name: str
    raises: tuple[AlertType, ...]
    kinds: frozenset[EntityKind]
    run: Runner
    applies: Applies


PERSON = frozenset({EntityKind.PERSON})
LOCATION = frozenset({EntityKind.LOCATION})
VEHICLE = frozenset({EntityKind.VEHICLE})
GROUP = frozenset({EntityKind.GROUP})


def always(_: EntityProfile) -> bool:
    """The gate of a detector that runs on every entity of its kinds."""
    return True


def adult_or_thing(profile: EntityProfile) -> bool:
    """An adult, or a vehicle, phone or handle (never young people)."""
    return profile.adult


def missing_child(profile: EntityProfile) -> bool:
    """A young person with a missing episode."""
    return profile.young and profile.went_missing


def young(profile: EntityProfile) -> bool:
    """A young person."""
    return profile.young


def found(candidate: AlertCandidate | None) -> list[AlertCandidate]:
    """A runner's result from a detector that finds at most one pattern."""
    return [candidate] if candidate is not None else []


def window(ctx: Context, days: int) -> datetime:
    """The start of a rolling window of days ending at the time of detection."""
    return ctx.now - timedelta(days=days)
