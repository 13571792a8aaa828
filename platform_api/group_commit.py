"""Group commit: commands that arrive while the log is busy share the next transaction.

Commands are serialised by the log head (`eventlog`), and each transaction ends with a
commit that, on PostgreSQL, waits for the WAL to reach the disk: with one command per
transaction the log head stays locked through every flush, so commands/s is at most one
over the flush time, however many instances there are. Here one writer thread per process
takes every command queued so far (up to `max_batch`) and runs them in one transaction
(`EventLog.execute_batch`: in order, each in its own savepoint, one commit), then answers
each. Nothing is answered before its commit; a refused command undoes only itself.

One thread also costs less than a pool of threads queueing on the same lock: each
hand-over there wakes a thread and moves the GIL. The event loop never blocks: a route
awaits its command's future, which the writer resolves with `call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from dataclasses import dataclass

from platform_api.eventlog import Command, EventLog, Outcome, StoredResponse


@dataclass(frozen=True, slots=True)
class _Job:
    command: Command
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[StoredResponse]


def _settle(future: asyncio.Future[StoredResponse], outcome: Outcome) -> None:
    if future.done():  # the request was cancelled (its client went away)
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


class GroupCommitWriter:
    """Runs an event log's commands on one thread, in batches of what is waiting."""

    def __init__(self, log: EventLog, max_batch: int = 64) -> None:
        self._log = log
        self._max = max_batch
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    async def submit(self, command: Command) -> StoredResponse:
        """The command's stored response once committed, or the exception that refused it."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[StoredResponse] = loop.create_future()
        self._ensure_started()
        self._queue.put(_Job(command, loop, future))
        return await future

    def close(self) -> None:
        """Run what is queued, then stop the thread."""
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=30)

    def _ensure_started(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="event-log-writer", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            jobs = [job]
            stop = False
            while len(jobs) < self._max:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                jobs.append(more)
            self._run_batch(jobs)
            if stop:
                return

    def _run_batch(self, jobs: list[_Job]) -> None:
        try:
            outcomes: list[Outcome] = self._log.execute_batch([j.command for j in jobs])
        except Exception as exc:  # a batch of one re-raises what refused it
            outcomes = [exc] * len(jobs)
        for job, outcome in zip(jobs, outcomes, strict=True):
            with contextlib.suppress(RuntimeError):  # that request's loop has closed
                job.loop.call_soon_threadsafe(_settle, job.future, outcome)
