"""The figures a supervisor watches, from what this console's Store has seen.

999 answer times (the share answered within 10 s and the 90th percentile) and the abandoned
rate over the last hour, the longest wait now, open incidents by grade against free units,
and incidents past their target with no unit there yet (console/attendance.py). Calls
leave the live state once closed, so the answer times are collected as calls are answered
(`note`): a console that started less than an hour ago says since when its figures run.

The answer times are the people's: 999s the demo's simulated colleagues answered
(`SIMULATED_COLLEAGUES`) are counted apart (`simulated_answered`) and left out of the
share and the p90. They leave every 999 ringing for people for 20 s first (issue 14), so
their answer times measure that courtesy, not the room; counted in, the demo's room read
"0 % within 10 s" whatever its people did. A live room has no simulated colleagues.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from console.attendance import awaiting_left_s
from console.store import Change, Store
from platform_api.contract import (
    SIMULATED_COLLEAGUES,
    CallPublic,
    CallState,
    Grade,
    Line,
    UnitStatus,
)

WINDOW = timedelta(hours=1)
ANSWER_TARGET_S = 10.0


@dataclass(frozen=True)
class Figures:
    since: datetime  # the figures' window starts here (an hour ago, or the console's start)
    answered: int  # 999s people answered
    within_target: float | None  # share of those answered within 10 s (0..1)
    p90_s: float | None
    abandoned_rate: float | None  # abandoned / (answered + abandoned), 999 and 101
    longest_wait_s: float
    open_by_grade: dict[Grade, int]
    free_units: int
    past_target: int  # open, target passed, no unit arrived (console/attendance.py)
    simulated_answered: int = 0  # 999s the simulated colleagues answered (left out above)


def p90(values: list[float]) -> float | None:
    """The nearest-rank 90th percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


class RoomFigures:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._answers: deque[tuple[datetime, float]] = deque()  # (answered at, seconds), 999
        self._simulated: deque[datetime] = deque()  # 999s the simulated colleagues answered
        self._ends: deque[tuple[datetime, bool]] = deque()  # (at, abandoned?) every line
        self._seen: set[str] = set()
        self._on_store_reset()
        store.reset.connect(self._on_store_reset)
        store.changed.connect(self._on_store_changed)

    def _on_store_reset(self) -> None:
        """A new state (a replay's seek included): the figures start again from its "now"."""
        self.started = self._store.now()
        self._answers.clear()
        self._simulated.clear()
        self._ends.clear()
        self._seen.clear()
        for call in self._store.calls.values():
            self._note(call)

    def _on_store_changed(self, change: Change) -> None:
        if change.kind != "calls":
            return
        calls = self._store.calls
        for call_id in change.upserted:
            if call_id in calls:
                self._note(calls[call_id])
        for call in change.left:
            self._note(call)

    def _note(self, call: CallPublic) -> None:
        if call.id in self._seen:
            return
        if call.state == CallState.ABANDONED:
            self._seen.add(call.id)
            self._ends.append((call.ended_at or call.received_at, True))
        elif call.answered_at is not None:
            self._seen.add(call.id)
            self._ends.append((call.answered_at, False))
            if call.line == Line.EMERGENCY and call.answered_by in SIMULATED_COLLEAGUES:
                self._simulated.append(call.answered_at)
            elif call.line == Line.EMERGENCY:
                wait = (call.answered_at - call.received_at).total_seconds()
                self._answers.append((call.answered_at, max(0.0, wait)))

    def figures(self) -> Figures:
        store = self._store
        now = store.now()
        since = max(now - WINDOW, self.started)
        while self._answers and self._answers[0][0] < now - WINDOW:
            self._answers.popleft()
        while self._ends and self._ends[0][0] < now - WINDOW:
            self._ends.popleft()
        while self._simulated and self._simulated[0] < now - WINDOW:
            self._simulated.popleft()
        waits = [s for _, s in self._answers]
        abandoned = sum(1 for _, gone in self._ends if gone)
        queued = [c for c in store.calls.values() if c.state == CallState.QUEUED]
        by_grade = dict.fromkeys(Grade, 0)
        past = 0
        for incident in store.incidents.values():
            by_grade[incident.grade] += 1
            left = awaiting_left_s(store, incident, now)
            if left is not None and left < 0:  # nobody there yet: met targets do not count
                past += 1
        return Figures(
            since=since,
            answered=len(waits),
            within_target=(
                sum(1 for w in waits if w <= ANSWER_TARGET_S) / len(waits) if waits else None
            ),
            p90_s=p90(waits),
            abandoned_rate=abandoned / len(self._ends) if self._ends else None,
            longest_wait_s=max(((now - c.received_at).total_seconds() for c in queued), default=0),
            open_by_grade=by_grade,
            free_units=sum(1 for u in store.units.values() if u.status == UnitStatus.AVAILABLE),
            past_target=past,
            simulated_answered=len(self._simulated),
        )
