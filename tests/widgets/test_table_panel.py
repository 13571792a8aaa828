"""The boards' filter and sort proxies are sound models too, as grades and searches change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QSortFilterProxyModel

from platform_api.embedded import EmbeddedPlatform
from tests.console.conftest import console_core, run, until
from tests.platform_api.helpers import answered_call, make_call, make_incident
from widgets.call_queue import CALLER_COLUMN, STATE_COLUMN, CallQueuePanel
from widgets.incident_board import IncidentBoard
from widgets.table_panel import ValueFilter


@pytest.fixture
def kept() -> Iterator[list[Any]]:
    """Objects kept alive until after `qtmodeltester` (requested later) has let go of them."""
    objects: list[Any] = []
    yield objects
    for widget in objects:
        widget.deleteLater()


def test_the_incident_boards_grade_filter_and_search_keep_a_sound_model(
    aloop: qasync.QEventLoop,
    platform: EmbeddedPlatform,
    gateway: Any,
    calltaker: Any,
    tmp_path: Path,
    kept: list[Any],
    qtmodeltester: Any,
) -> None:
    async def body() -> None:
        async with console_core(platform.url, tmp_path, "dispatcher") as core:
            board = IncidentBoard(core.store)
            kept.append(board)
            await until(lambda: core.sync.state == "connected", what="connected")
            proxy = board.proxy
            assert isinstance(proxy, QSortFilterProxyModel)
            grade_filter = proxy.sourceModel()
            assert isinstance(grade_filter, ValueFilter)
            qtmodeltester.check(grade_filter, force_py=True)  # and on every change after
            make_incident(gateway, calltaker, grade="immediate")
            make_incident(gateway, calltaker, grade="priority")
            await until(lambda: proxy.rowCount() == 2, what="two incidents on the board")
            board.grades.setCurrentIndex(board.grades.findText("Priority"))
            assert proxy.rowCount() == 1 and grade_filter.rowCount() == 1
            board.filter_by("no such incident")
            assert proxy.rowCount() == 0
            board.reveal(next(iter(core.store.incidents)))
            assert proxy.rowCount() == 2  # reveal clears the search and the grade filter

    run(aloop, body())


def test_the_call_queue_never_cuts_who_answered_or_the_number_to_ring_back(
    aloop: qasync.QEventLoop,
    platform: EmbeddedPlatform,
    gateway: Any,
    api_for: Any,
    tmp_path: Path,
    kept: list[Any],
) -> None:
    # At 1280x720 the queue is about 450 px wide: "Answered by sim-calltaker" and a number
    # that came after the first ("020 7946 …") were cut.
    colleague = api_for("sim-calltaker")

    async def body() -> None:
        async with console_core(platform.url, tmp_path, "supervisor") as core:
            queue = CallQueuePanel(core.store)
            kept.append(queue)
            queue.resize(450, 300)
            queue.show()
            await until(lambda: core.sync.state == "connected", what="connected")
            make_call(gateway, "101", caller_number="07700 900105")
            await until(lambda: queue.proxy.rowCount() == 1)
            make_call(gateway, "101", caller_number="020 7946 0958")
            answered_call(gateway, colleague, "999")
            await until(lambda: queue.proxy.rowCount() == 3)
            view = queue.view
            texts = {
                view.model().index(r, c).data()
                for r in range(3)
                for c in (STATE_COLUMN, CALLER_COLUMN)
            }
            assert "Answered by sim-calltaker" in texts
            await until(
                lambda: all(
                    view.columnWidth(c) >= view.sizeHintForColumn(c)
                    for c in (STATE_COLUMN, CALLER_COLUMN)
                ),
                what="the state and caller columns wide enough for their text",
            )
            # and the number is on screen, not past the queue's right edge
            right = view.columnViewportPosition(CALLER_COLUMN) + view.columnWidth(CALLER_COLUMN)
            assert right <= view.viewport().width()

    run(aloop, body())
