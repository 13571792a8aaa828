"""Dispatching in the window: recommendations and the unit board to the platform, answers back.

Every dispatch command goes through `Dispatching` (sent at once; queued only when the
platform is unreachable). A refusal (another dispatcher took the unit a moment earlier) is
said in a message naming what happened; nothing is half-done.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from console import commands
from console.allocation import AllocationConfig, Proposal, propose_rebalance
from console.client import Command
from console.tasks import spawn
from widgets.rebalance_panel import RebalancePanel

if TYPE_CHECKING:
    from widgets.main_window import MainWindow


class DispatchLinks(QObject):
    def __init__(self, window: MainWindow, config: AllocationConfig) -> None:
        super().__init__(window)
        self.w = window
        self._config = config
        dispatching = window.session.dispatching
        window.incidents.selected.connect(window.recommendations.show_incident)
        window.recommendations.command_requested.connect(self.send)
        window.units.command_requested.connect(self.send)
        dispatching.sent.connect(self._on_dispatching_sent)
        dispatching.refused.connect(self._on_dispatching_refused)
        dispatching.queued.connect(self._on_dispatching_queued)
        self.rebalance_panel: RebalancePanel | None = None
        self.refusal: QMessageBox | None = None

    def send(self, command: Command) -> None:
        self.w.status.showMessage(f"Sending: {command.label}…", 5000)
        self.w.session.dispatching.send(command)

    def _on_dispatching_sent(self, label: str) -> None:
        self.w.status.showMessage(f"Done: {label}", 8000)

    def _on_dispatching_queued(self, label: str) -> None:
        self.w.status.showMessage(
            f"Platform unreachable: “{label}” waits in the outbox and goes when it is back", 15000
        )

    def _on_dispatching_refused(self, label: str, message: str) -> None:
        self.w.status.showMessage(f"Refused: {label}: {message}", 15000)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Not done",
            f"<b>{label}</b><br>{message}<br><br>Nothing was changed. "
            "The boards show the current state; choose again.",
            QMessageBox.StandardButton.Ok,
            self.w,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.refusal = box

    # ---------------------------------------------------------------- rebalance

    def propose_rebalance(self) -> None:
        if self.w.session.role not in ("supervisor", "admin"):
            self.w.status.showMessage("Rebalancing is for supervisors", 8000)
            return
        self.w.status.showMessage("Working out a rebalance…", 5000)
        spawn(self._propose())

    async def _propose(self) -> None:
        store = self.w.session.store
        incidents = list(store.incidents.values())
        units = list(store.units.values())
        assignments = list(store.assignments.values())
        # The assignment problem is CPU work: off the GUI thread, on copies of the state.
        proposals = await asyncio.get_running_loop().run_in_executor(
            None,
            lambda: propose_rebalance(incidents, units, self._config, assignments=assignments),
        )
        panel = RebalancePanel(proposals, self.w)
        panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        panel.accepted_line.connect(self._on_rebalance_accepted_line)
        panel.show()
        self.rebalance_panel = panel

    def _on_rebalance_accepted_line(self, proposal: Proposal) -> None:
        store = self.w.session.store
        unit = store.units.get(proposal.unit_id)
        incident = store.incidents.get(proposal.incident_id)
        if unit is None or incident is None:
            self.w.status.showMessage("That unit or incident has changed; propose again", 8000)
            return
        self.send(commands.assign(unit, incident))
