"""widgets/table_panel.py, incident_detail.py, recommendations.py: a selection belongs to the
operator. It follows its entity, never its row; actions name their target."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.console.conftest import until
from tests.platform_api.helpers import WESTMINSTER, make_incident, make_unit
from tests.widgets.conftest import Consoles

NEAR = {"lat": 51.5010, "lon": -0.1250}
FAR = {"lat": 51.5400, "lon": -0.1430}


def test_an_incident_closed_by_someone_else_stays_selected_and_says_who_closed_it(
    consoles: Consoles,
    gateway: Any,
    calltaker: Any,
    dispatcher: Any,
    qtbot: Any,
) -> None:
    async def body() -> None:
        async with consoles.open() as window:
            make_unit(gateway, "CW31", at=FAR)
            make_unit(gateway, "CW32", at=NEAR)
            chosen = make_incident(gateway, calltaker, location=WESTMINSTER)
            other = make_incident(gateway, calltaker, location=WESTMINSTER)
            third = make_incident(gateway, calltaker, location=WESTMINSTER)
            store = window.session.store
            await until(lambda: len(store.incidents) == 3 and len(store.units) == 2)
            board, recs = window.incidents, window.recommendations
            # Recommendations start at the top for each incident, and name their target.
            assert board.select_id(other["id"])
            await until(lambda: len(recs.recommendations) == 2)
            recs.table.setFocus()
            qtbot.keyClick(recs.table, Qt.Key.Key_Down)
            assert recs.table.currentRow() == 1
            assert recs.assign_button.text() == f"Assign CW31 → {other['reference']} (Enter)"
            assert board.select_id(third["id"])
            await until(lambda: recs.incident_id == third["id"] and recs.table.rowCount() == 2)
            assert recs.table.currentRow() == 0
            assert recs.assign_button.text() == f"Assign CW32 → {third['reference']} (Enter)"
            # Someone else closes the chosen incident while it is selected.
            assert board.select_id(chosen["id"])
            await until(lambda: window.detail.incident_id == chosen["id"])
            dispatcher.ok(
                f"/v1/incidents/{chosen['id']}/close",
                {"closing_classification": "No trace"},
                version=chosen["version"],
            )
            await until(lambda: chosen["id"] not in store.incidents, what="closed elsewhere")
            await until(
                lambda: "CLOSED by dispatcher" in window.detail.text.toPlainText(),
                what=window.detail.text.toPlainText,
            )
            assert chosen["reference"] in window.detail.text.toPlainText()
            assert board.selected_id == chosen["id"]  # not the row that took its place
            await until(lambda: not board.view.selectionModel().hasSelection())
            assert recs.incident_id == chosen["id"]
            assert "CLOSED by dispatcher" in recs.title.text()
            assert not recs.assign_button.isEnabled()
            # Enter in the recommendations sends nothing anywhere.
            sent: list[str] = []
            window.session.commands.queued.connect(sent.append)
            window.session.commands.sent.connect(sent.append)
            recs.table.setFocus()
            qtbot.keyClick(recs.table, Qt.Key.Key_Return)
            assert window.session.outbox.pending_count() == 0 and sent == []
            # The operator's next choice is theirs again.
            assert board.select_id(other["id"])
            await until(lambda: window.detail.incident_id == other["id"])
            assert "CLOSED" not in window.detail.text.toPlainText()

    consoles.run(body())
