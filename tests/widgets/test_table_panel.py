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
from tests.platform_api.helpers import make_incident
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
