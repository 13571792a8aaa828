"""Checks the hash chain of every event the Store applies, and says so when it breaks.

The platform's log is a hash chain (`platform_api.contract.chain`): each event carries the hash of
the one before (`prev_hash`) and its own (`hash`, over its content). A console that applies
what it is sent without looking would show an altered log as if nothing were wrong. The
guard recomputes each event's hash from its content, and checks that its `prev_hash` is the
hash of the event applied before it; a break raises `chain_broken` once per event, which the
status bar turns into a red alarm. After a (re)bootstrap the first event sets the baseline:
the state served by `/v1/state` carries no hash to link it to.

Signals:
    chain_broken(seq, reason): the event at `seq` does not link or does not hash.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from console.store import Store
from platform_api.contract.chain import chain_hash, dumps

log = logging.getLogger(__name__)


class ChainGuard(QObject):
    chain_broken = Signal(int, str)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._last_hash: str | None = None
        self.breaks: list[tuple[int, str]] = []
        store.event_applied.connect(self._on_store_event_applied)
        store.reset.connect(self._on_store_reset)

    def _on_store_reset(self) -> None:
        self._last_hash = None

    def _on_store_event_applied(self, event: dict[str, Any]) -> None:
        seq = int(event.get("seq", 0))
        prev, own = event.get("prev_hash"), event.get("hash")
        if not isinstance(prev, str) or not isinstance(own, str):
            return  # not an event of a chained log (nothing to check)
        reason = None
        if self._last_hash is not None and prev != self._last_hash:
            reason = "it does not link to the event before it"
        elif own != _recomputed(event, prev):
            reason = "its content does not match its hash"
        self._last_hash = own
        if reason is not None:
            log.error("hash chain broken at seq %d: %s", seq, reason)
            self.breaks.append((seq, reason))
            self.chain_broken.emit(seq, reason)


def _recomputed(event: dict[str, Any], prev: str) -> str:
    return chain_hash(
        prev,
        int(event["seq"]),
        str(event["ts"]),
        str(event["actor"]),
        str(event["type"]),
        event.get("entity_type"),
        event.get("entity_id"),
        dumps(event.get("payload", {})),
    )
