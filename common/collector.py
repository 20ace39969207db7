"""How a worker process runs Python's garbage collector.

A batch of 500 reports allocates millions of objects; with the default youngest generation
(700) the collector ran about 3,000 times while the network worker linked 10,000 reports, and
its full sweeps of the start-up heap took 3.2 of 3.9 GC seconds (bench/RESULTS.md, twelfth
session). An alert worker's memory (saved alert versions, evidence entries, what detectors
worked out) holds over a million objects, which each full sweep walks: with the default settings
one sweep took a second in the growth bench at a million reports (bench/RESULTS.md,
thirty-sixth session).
"""

import gc

# Objects a worker allocates before the collector looks at its youngest generation.
YOUNG_GENERATION = 20_000


def tune_for_a_worker() -> None:
    """What start-up built (modules, models, the name tables) frozen out of the collector's
    sweeps, and a larger youngest generation: cycles are still collected, less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, 20, 20)
