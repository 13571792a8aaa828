"""The server process's cyclic garbage collector, set for a long-running server.

Python collects cycles when allocations outnumber deallocations by 700 (then every 10th
time the older generation, every 100th the oldest). A platform process holds ~190,000
objects once started (FastAPI, SQLAlchemy, pydantic schemas, the force pack), all of
which a collection of the oldest generation walks: 0.1-0.3 s with the whole process stopped.
A room's position batch allocates thousands of short-lived objects (its fixes, validated,
then built into columns), so collections ran several times per batch: measured in the
process, the collector cost more than validating the batch (1.7 ms against 1.2 ms), and
each full collection stalled every event stream at once, the tail of the fan-out delay.

`tune()` runs once the platform has started: `gc.freeze()` moves everything that exists
then (the code, the app, the pack) out of the collector's reach for good, and the first
generation's threshold rises so that collections come less often, each over young objects
only. Reference counting still frees almost everything at once; the collector is only for
cycles, which the request path rarely makes.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000  # allocations between collections of the youngest generation
OLDER_EVERY = (50, 1000)  # collections of one generation between those of the next


def tune() -> None:
    """Freeze what the started platform holds and collect less often (process-wide)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_EVERY)
