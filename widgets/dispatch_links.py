"""Dispatching in the window: recommendations, the unit board and the map to the command
service, and what became of each command back to the operator.

Every command (from any panel, the map's drag-to-assign included) goes through `send` and
from there through the one command service (outbox first; see `console.command_service`).
A refusal (another dispatcher took the unit a moment earlier) is said in a box naming what
happened; nothing is half-done.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from console import commands
from console.allocation import AllocationConfig, Proposal, propose_rebalance
from console.client import Command
from console.command_service import CommandService
from console.message import MessageBridge
from console.store import Store
from console.tasks import spawn
from widgets.incident_board import IncidentBoard
from widgets.rebalance_panel import RebalancePanel
from widgets.recommendations import RecommendationPanel
from widgets.unit_board import UnitBoard

SUPERVISORS = ("supervisor", "admin")


class DispatchLinks(QObject):
    def __init__(
        self,
        *,
        incidents: IncidentBoard,
        recommendations: RecommendationPanel,
        units: UnitBoard,
        commands: CommandService,
        store: Store,
        role: str,
        config: AllocationConfig,
        messages: MessageBridge,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._window = window  # the parent of the rebalance panel
        self._commands, self._store, self._role = commands, store, role
        self._config, self._messages = config, messages
        incidents.selected.connect(recommendations.show_incident)
        recommendations.command_requested.connect(self.send)
        units.command_requested.connect(self.send)
        commands.sent.connect(self._on_commands_sent)
        commands.refused.connect(self._on_commands_refused)
        commands.queued.connect(self._on_commands_queued)
        self.rebalance_panel: RebalancePanel | None = None

    def send(self, command: Command) -> None:
        self._messages.info(f"Sending: {command.label}…")
        self._commands.send(command)

    def _on_commands_sent(self, label: str) -> None:
        self._messages.info(f"Done: {label}", 8000)

    def _on_commands_queued(self, label: str) -> None:
        self._messages.warning(
            f"Platform unreachable: “{label}” waits in the outbox and goes when it is back", 15000
        )

    def _on_commands_refused(self, label: str, message: str) -> None:
        self._messages.error(f"Refused: {label}: {message}")
        self._messages.alert(
            "Not done",
            f"<b>{label}</b><br>{message}<br><br>Nothing was changed. "
            "The boards show the current state; choose again.",
        )

    # ---------------------------------------------------------------- rebalance

    def propose_rebalance(self) -> None:
        if self._role not in SUPERVISORS:
            self._messages.warning("Rebalancing is for supervisors", 8000)
            return
        self._messages.info("Working out a rebalance…")
        spawn(self._propose())

    async def _propose(self) -> None:
        store = self._store
        incidents = list(store.incidents.values())
        units = list(store.units.values())
        assignments = list(store.assignments.values())
        now = store.now()
        # The assignment problem is CPU work: off the GUI thread, on copies of the state.
        proposals = await asyncio.get_running_loop().run_in_executor(
            None,
            lambda: propose_rebalance(
                incidents, units, self._config, assignments=assignments, now=now
            ),
        )
        panel = RebalancePanel(proposals, self._window)
        panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        panel.accepted_line.connect(self._on_rebalance_accepted_line)
        panel.show()
        self.rebalance_panel = panel

    def _on_rebalance_accepted_line(self, proposal: Proposal) -> None:
        unit = self._store.units.get(proposal.unit_id)
        incident = self._store.incidents.get(proposal.incident_id)
        if unit is None or incident is None:
            self._messages.warning("That unit or incident has changed; propose again", 8000)
            return
        self.send(commands.assign(unit, incident))
