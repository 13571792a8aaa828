"""A serving process freezes what the started platform holds and collects less often."""

from __future__ import annotations

import gc

from platform_api import gctune


def test_tune_freezes_the_started_objects_and_raises_the_thresholds() -> None:
    before = gc.get_threshold()
    try:
        gctune.tune()
        assert gc.get_freeze_count() > 10_000  # the imported code and objects at least
        assert gc.get_threshold() == (gctune.YOUNG_THRESHOLD, *gctune.OLDER_EVERY)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
