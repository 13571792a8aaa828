"""The asyncio loop on Qt's event loop (qasync), with what qasync leaves out.

qasync's `run_forever` runs `QApplication.exec()` instead of asyncio's own loop, so it never
installs asyncio's async-generator hooks. Without them an async generator abandoned
mid-iteration (httpx's response streams are layers of them) is finalised by the garbage
collector outside the loop and its clean-up fails with "no running event loop". We install
the same hooks asyncio would, so their `aclose()` runs as a task on this loop.
"""

from __future__ import annotations

import asyncio
import sys

import qasync
from PySide6.QtCore import QCoreApplication

from console.message import on_loop_exception


def make_event_loop(app: QCoreApplication) -> qasync.QEventLoop:
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    # A failure no task expected is shown to the operator (and marks the link faulty).
    loop.set_exception_handler(on_loop_exception)
    sys.set_asyncgen_hooks(
        firstiter=loop._asyncgen_firstiter_hook,
        finalizer=loop._asyncgen_finalizer_hook,
    )
    return loop


def close_event_loop(loop: qasync.QEventLoop) -> None:
    """Finish what is pending (tasks, async generators), then close the loop."""
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    sys.set_asyncgen_hooks(firstiter=None, finalizer=None)
    asyncio.set_event_loop(None)
    loop.close()
