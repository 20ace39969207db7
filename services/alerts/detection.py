"""Which detectors run for an entity, run together, and their candidates graded.

Each detector reads only the neighbourhood of the one entity it is given, so the cost of an event
does not grow with the size of the graph. The detectors are listed in DETECTORS
(`patterns/registry.py`), one line per pattern; to add one, write its folder under `patterns/`
(see `patterns/__init__.py`) and its line there.
"""

import asyncio
import logging
import time
from dataclasses import replace

from common.logs import loggable_id
from schemas.linking import EntityKind
from services.alerts.detection_context import Context, Detector, Runner
from services.alerts.evidence import grade
from services.alerts.patterns.registry import DETECTORS
from services.alerts.profile import read_profile
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared_reads import reads_of

__all__ = ["DETECTORS", "Context", "Runner", "detect", "slowest"]

log = logging.getLogger(__name__)
# A detector taking longer than this is logged (debug) with the entity it read. Examined in a
# batch, every detector waits for its batch's statements, so nearly all would be: at info, the
# lines cost the alert worker a sixth of its time at 200 reports a second (py-spy, 2026-12-05).
# The worker logs each batch's slowest detectors once instead (`slowest`).
SLOW_S = 0.05


def _took(ctx: Context, name: str, started: float) -> float:
    """Milliseconds since `started`, kept in the context's timings when it has them."""
    took = (time.perf_counter() - started) * 1000
    if ctx.timings is not None:
        ctx.timings.setdefault(name, []).append(took)
    return took


async def _timed(detector: Detector, entity_id: str, ctx: Context) -> list[AlertCandidate]:
    started = time.perf_counter()
    try:
        return await detector.run(entity_id, ctx)
    finally:
        took = _took(ctx, detector.name, started)
        if took > SLOW_S * 1000 and log.isEnabledFor(logging.DEBUG):
            log.debug(
                "slow detector %s on %s: %.0f ms", detector.name, loggable_id(entity_id), took
            )


def slowest(timings: dict[str, list[float]], *, top: int = 3) -> str:
    """The detectors that took longest on one entity, with how many entities each examined:
    `name max ms/n`, slowest first."""
    ranked = sorted(timings.items(), key=lambda item: max(item[1]), reverse=True)[:top]
    return ", ".join(f"{name} {max(took):.0f} ms/{len(took)}" for name, took in ranked)


async def detect(kind: EntityKind, entity_id: str, ctx: Context) -> list[AlertCandidate]:
    """Every candidate the detectors for this kind of entity find around it, run together.

    One read of the entity's profile first skips the detectors that cannot apply to it, the
    reads several detectors make alike (a child, their episodes, their whereabouts) are made once,
    and one read of the cited reports grades every evidence entry.
    """
    started = time.perf_counter()
    profile = await read_profile(reads_of(ctx), entity_id)
    _took(ctx, "(profile)", started)
    if profile is None:
        return []
    ctx = replace(ctx, once={})  # the reads several detectors make alike, made once for them all
    detectors = [d for d in DETECTORS if kind in d.kinds and d.applies(profile)]
    found = await asyncio.gather(*(_timed(d, entity_id, ctx) for d in detectors))
    # Every evidence entry carries its report's grading (3x5x2), read once for them all.
    started = time.perf_counter()
    graded = await grade(
        [candidate for candidates in found for candidate in candidates],
        reads_of(ctx),
        ctx.gradings,
    )
    _took(ctx, "(grading)", started)
    return graded
