"""console/allocation/reasons.py: the words a dispatcher reads beside a unit."""

from __future__ import annotations

import pytest

from console.allocation import (
    recommend,
)
from console.allocation.reasons import distance_words, duration_words
from platform_api.contract import (
    UnitType,
)
from tests.console.allocation.builders import (
    CONFIG,
    NOW,
    incident,
    unit,
)

# ---------------------------------------------------------------- words


def test_the_reason_reads_distance_time_type_and_status() -> None:
    arv = unit("tj51", (1400, 0), type=UnitType.ARMED_RESPONSE)
    (rec,) = recommend(incident(classification="Firearms"), [arv], [], CONFIG, now=NOW)
    # 1.4 km x 1.4 road factor at 56 km/h = 126 s
    assert rec.reason == "1.4 km, about 2 min (straight-line estimate), ARV, available"
    assert rec.callsign == "TJ51"
    assert rec.distance_m == pytest.approx(1400, rel=1e-3)
    assert rec.eta_s == pytest.approx(126, rel=1e-3)


@pytest.mark.parametrize(
    ("metres", "words"),
    [
        (0, "0 m"),
        (348, "350 m"),
        (994, "990 m"),
        (996, "1.0 km"),
        (1449, "1.4 km"),
        (12345, "12.3 km"),
    ],
)
def test_distance_words(metres: float, words: str) -> None:
    assert distance_words(metres) == words


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(5, "about 1 min"), (89, "about 1 min"), (90, "about 2 min"), (180, "about 3 min"),
     (3590, "about 1 h"), (4800, "about 1 h 20 min")],
)  # fmt: skip
def test_duration_words(seconds: float, words: str) -> None:
    assert duration_words(seconds) == words
