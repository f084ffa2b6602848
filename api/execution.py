"""Running queries and writes off the event loop: worker threads, deadlines, a cap on concurrency, streaming.

Every query runs in its own thread, started after `threading.stack_size(512 MiB)`: pyoxigraph recurses on
nested queries and overflows a default thread stack (a segmentation fault that ends the process, FINDINGS).
pyoxigraph releases the GIL while it evaluates, so two queries use both cores and the event loop stays free.

Deadlines. The worker pulls solutions one by one and checks the deadline between rows, so a query that
produces rows stops when its time is up. Limitation: an operator that must see all its input before the first
row (ORDER BY, GROUP BY and aggregates, DISTINCT over a large input, a FILTER that rejects everything) keeps
the thread inside pyoxigraph, which cannot be interrupted. The client then gets its 503 at the deadline and the
thread is abandoned: it runs on until pyoxigraph returns, holding its query slot, and its answer is dropped.
The slot cap (`max_concurrent_queries`) bounds how many such threads can pile up; `/status` counts them.

Streaming. The answer is buffered until `stream_after_bytes`: a small answer is sent whole, with a proper
error status if anything fails. A larger answer is streamed; if its deadline or the row limit strikes after
the headers went out, the response is cut off without its terminating chunk, so an HTTP client reports an
incomplete body: a client never receives a truncated answer that looks complete.
"""

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi.responses import Response, StreamingResponse

from api.errors import Busy, ServerError
from api.negotiation import Format
from kg.errors import KGError, QueryTimeout
from kg.settings import Settings

threading.stack_size(512 * 1024 * 1024)

log = logging.getLogger("api.execution")
T = TypeVar("T")
QUEUE_CHUNKS = 8


class Cancelled(Exception):
    """Raised inside a worker whose client is gone or whose deadline passed."""


class StreamCut(Exception):
    """Raised in a streamed response to cut it off (the server closes the connection mid-body)."""


@dataclass
class Job:
    """One query or write: its deadline, its cancellation flag, and the queue its chunks go through."""

    loop: asyncio.AbstractEventLoop
    deadline: float
    queue: asyncio.Queue[tuple[str, Any]] = field(default_factory=lambda: asyncio.Queue(QUEUE_CHUNKS))
    cancelled: threading.Event = field(default_factory=threading.Event)
    state: threading.Lock = field(default_factory=threading.Lock)
    committing: bool = False
    abandoned: bool = False
    what: str = "query"
    timeout_s: float = 0.0
    closers: list[Callable[[], None]] = field(default_factory=list)

    def check(self) -> None:
        """In the worker: stop if the client went away or the deadline passed."""
        if self.cancelled.is_set():
            raise Cancelled()
        if time.monotonic() > self.deadline:
            raise self.timeout_error()

    def timeout_error(self) -> QueryTimeout:
        """The error a client gets when this job runs past its deadline."""
        if self.what == "write":
            return QueryTimeout(
                f"the write ran past the {self.timeout_s:g} s time limit; nothing was changed"
            )
        return QueryTimeout(
            f"the {self.what} ran past the {self.timeout_s:g} s time limit and was stopped; "
            "add LIMIT, or narrow the query"
        )

    def send(self, kind: str, value: Any = None) -> None:
        """In the worker: hand an item to the event loop, waiting while the queue is full."""
        future = asyncio.run_coroutine_threadsafe(self.queue.put((kind, value)), self.loop)
        while True:
            try:
                future.result(timeout=0.25)
                return
            except TimeoutError:
                if self.cancelled.is_set():
                    future.cancel()
                    raise Cancelled() from None

    def emit(self, chunk: bytes) -> None:
        """In the worker: one chunk of the answer."""
        self.check()
        if chunk:
            self.send("chunk", chunk)

    def cancel(self) -> None:
        """From the event loop: ask the worker to stop, and close what it reads from (a remote answer)."""
        self.cancelled.set()
        for close in self.closers:
            with contextlib.suppress(Exception):
                close()

    def begin_commit(self) -> None:
        """In a write's worker: from here on the write completes even if its deadline passes."""
        with self.state:
            if self.cancelled.is_set():
                raise Cancelled()
            self.committing = True


class Runner:
    """Starts workers, caps how many queries run at once, and keeps the counts `/status` shows."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.slots = asyncio.Semaphore(settings.max_concurrent_queries)
        self.running = 0
        self.abandoned = 0
        self.completed = 0
        self.timed_out = 0
        self._count_lock = threading.Lock()

    def counts(self) -> dict[str, int]:
        """Workers running now, of which abandoned after their deadline; totals since start."""
        return {
            "running": self.running,
            "abandoned": self.abandoned,
            "completed": self.completed,
            "timed_out": self.timed_out,
            "slots": self.settings.max_concurrent_queries,
        }

    async def _slot(self) -> None:
        try:
            await asyncio.wait_for(self.slots.acquire(), timeout=self.settings.queue_timeout_s)
        except TimeoutError:
            raise Busy(
                f"all {self.settings.max_concurrent_queries} query slots are busy; try again in a moment"
            ) from None

    def _start(self, job: Job, target: Callable[[Job], None], release_slot: bool) -> threading.Thread:
        loop = job.loop

        def run() -> None:
            try:
                target(job)
                job.send("end")
            except Cancelled:
                pass
            except BaseException as error:  # every failure goes back to the handler
                with contextlib.suppress(Cancelled):
                    job.send("error", error)
            finally:
                with self._count_lock:
                    self.running -= 1
                    self.completed += 1
                    if job.abandoned:
                        self.abandoned -= 1
                if release_slot:
                    loop.call_soon_threadsafe(self.slots.release)

        with self._count_lock:
            self.running += 1
        thread = threading.Thread(target=run, name="kg-worker", daemon=True)
        thread.start()
        return thread

    def _new_job(self, timeout_s: float, what: str) -> Job:
        return Job(asyncio.get_running_loop(), time.monotonic() + timeout_s, what=what, timeout_s=timeout_s)

    def _give_up(self, job: Job, thread: threading.Thread) -> None:
        """Cancel a job at its deadline; count its thread as abandoned while it is still inside the engine."""
        job.cancel()
        with self._count_lock:
            self.timed_out += 1
            if thread.is_alive():
                self.abandoned += 1
                job.abandoned = True

    async def stream(
        self,
        produce: Callable[[Job], None],
        *,
        timeout_s: float,
        headers: dict[str, str] | None = None,
        status_code: int = 200,
        what: str = "query",
    ) -> Response:
        """Run `produce(job)` in a worker and answer with what it emits (see the module docstring).

        The worker first sends ("format", Format) to fix the Content-Type, then its chunks.
        """
        await self._slot()
        job = self._new_job(timeout_s, what)
        thread = self._start(job, produce, release_slot=True)
        fmt: Format | None = None
        buffered: list[bytes] = []
        size = 0
        try:
            while True:
                kind, value = await self._next(job, thread)
                if kind == "format":
                    fmt = value
                elif kind == "chunk":
                    buffered.append(value)
                    size += len(value)
                    if size >= self.settings.stream_after_bytes:
                        break
                elif kind == "end":
                    media = fmt.content_type if fmt else None
                    return Response(b"".join(buffered), status_code, headers, media_type=media)
        except BaseException:
            job.cancel()
            raise
        media = fmt.content_type if fmt else None
        return StreamingResponse(self._rest(job, thread, buffered), status_code, headers, media_type=media)

    async def _next(self, job: Job, thread: threading.Thread) -> tuple[str, Any]:
        """The worker's next item; its error re-raised here; 503 at the deadline."""
        remaining = job.deadline - time.monotonic()
        try:
            kind, value = await asyncio.wait_for(job.queue.get(), timeout=max(remaining, 0.001))
        except TimeoutError:
            self._give_up(job, thread)
            raise job.timeout_error() from None
        if kind == "error":
            raise _as_kg_error(value, job.what)
        return kind, value

    async def _rest(self, job: Job, thread: threading.Thread, first: list[bytes]) -> AsyncIterator[bytes]:
        try:
            for chunk in first:
                yield chunk
            while True:
                try:
                    kind, value = await self._next(job, thread)
                except KGError as error:
                    log.warning("streamed answer cut off: %s", error)
                    raise StreamCut(str(error)) from error
                if kind == "end":
                    return
                if kind == "chunk":
                    yield value
        finally:
            job.cancel()  # a client that went away stops the worker too

    async def call(self, work: Callable[[Job], T], *, timeout_s: float, use_slot: bool = False) -> T:
        """Run `work(job)` in a worker and return its result; 503 at the deadline unless it began to commit."""
        if use_slot:
            await self._slot()
        job = self._new_job(timeout_s, "write")
        outcome: list[T] = []

        def target(job: Job) -> None:
            outcome.append(work(job))

        thread = self._start(job, target, release_slot=use_slot)
        remaining = job.deadline - time.monotonic()
        try:
            kind, value = await asyncio.wait_for(job.queue.get(), timeout=max(remaining, 0.001))
        except TimeoutError:
            with job.state:
                committing = job.committing
                if not committing:
                    self._give_up(job, thread)
            if not committing:
                raise job.timeout_error() from None
            kind, value = await job.queue.get()  # committing: the store is being written, wait for it
        if kind == "error":
            raise _as_kg_error(value, "write")
        return outcome[0]


def _as_kg_error(error: BaseException, what: str) -> KGError:
    """A worker's exception as a project error (500 for anything unexpected, logged with its traceback)."""
    if isinstance(error, KGError):
        return error
    log.error("%s worker failed", what, exc_info=error)
    return ServerError(f"the {what} failed: {type(error).__name__}: {error}")
