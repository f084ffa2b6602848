"""Running queries and writes off the event loop: worker threads, deadlines, a cap on concurrency, streaming.

Every query runs in a pooled thread with a large stack (see `WORKER_STACK_BYTES` and docs/findings.md); pyoxigraph releases the GIL
while it evaluates, so two queries use both cores and the event loop stays free.

Deadlines. The worker pulls solutions one by one and checks the deadline between rows, so a query that
produces rows stops when its time is up. Limitation: an operator that must see all its input before the first
row (ORDER BY, GROUP BY and aggregates, DISTINCT over a large input, a FILTER that rejects everything) keeps
the thread inside pyoxigraph, which cannot be interrupted. The client then gets its 503 at the deadline and the
thread is abandoned: it runs on until pyoxigraph returns, holding its query slot, and its answer is dropped.
The slot cap (`max_concurrent_queries`) bounds how many such threads can pile up; `/status` counts them.

A worker hands its answer to the event loop as `Message`s. The loop may be gone by the time an abandoned
worker returns (the server shut down, or a test's `asyncio.run` ended): the worker then drops what it had to
hand over, and its thread goes back to the pool.

Streaming. The answer is buffered until `stream_after_bytes`: a small answer is sent whole, with a proper
error status if anything fails. A larger answer is streamed; if its deadline or the size limit strikes after
the headers went out, the response is cut off without its terminating chunk, so an HTTP client reports an
incomplete body: a client never receives a truncated answer that looks complete.
"""

import asyncio
import concurrent.futures
import contextlib
import logging
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

from fastapi.responses import Response, StreamingResponse

from api.errors import Busy, ServerError
from kg.errors import KGError, QueryTimeout
from kg.formats import Format
from kg.settings import Settings

log = logging.getLogger("api.execution")
T = TypeVar("T")
QUEUE_CHUNKS = 8

# pyoxigraph recurses on nested queries; a stack too small for the query is a segmentation fault that ends the
# process. Measured with pyoxigraph 0.5.13, one thread per query within the bounds of `kg/sparql_text.py`
# (bracket depth 200): 200 nested groups, OPTIONALs, sub-SELECTs or `?` path steps crash a 512 KiB stack and
# pass in 1 MiB; 200 nested FILTER EXISTS crash 1 MiB and pass in 2 MiB. A thread's default stack depends on
# the machine (glibc takes `ulimit -s`: 8 MiB here; other C libraries and limits give less), so workers set theirs.
# It is address space reserved, not memory: pages are touched only as deep as a query recurses.
WORKER_STACK_BYTES = 512 * 1024 * 1024
_stack_size_lock = threading.Lock()


def start_worker_thread(target: Callable[..., None], name: str, *args: Any) -> None:
    """Start a daemon thread with `WORKER_STACK_BYTES` of stack, leaving other threads the default.

    `threading.stack_size` is process-wide: it is set only while this thread is created, and restored. A thread
    started elsewhere in that instant gets the large stack too, which costs it nothing but address space.
    """
    thread = threading.Thread(target=target, args=args, name=name, daemon=True)
    with _stack_size_lock:
        previous = threading.stack_size(WORKER_STACK_BYTES)
        try:
            thread.start()
        finally:
            threading.stack_size(previous)


class Message(Enum):
    """What a worker hands to the event loop through `Job.queue`, with a value."""

    WHOLE = "whole"  # the complete answer (bytes), sent once
    START = "start"  # the first part of a streamed answer (bytes)
    CHUNK = "chunk"  # a further part (bytes)
    END = "end"  # the streamed answer is complete
    ERROR = "error"  # the worker failed (the exception)


def call_in_loop(loop: asyncio.AbstractEventLoop, callback: Callable[..., object], *args: Any) -> bool:
    """From a worker: schedule `callback(*args)` on `loop`; False if the loop is closed (nobody listens)."""
    try:
        loop.call_soon_threadsafe(callback, *args)
    except RuntimeError:  # "Event loop is closed": the server, or the test, that ran the loop has ended
        return False
    return True


class Cancelled(Exception):
    """Raised inside a worker whose client is gone or whose deadline passed."""


class StreamCut(Exception):
    """Raised in a streamed response to cut it off (the server closes the connection mid-body)."""


@dataclass
class Job:
    """One query or write: its deadline, its cancellation flag, and the queue its answer goes through.

    A small answer is held in the worker and handed over once, at the end (`WHOLE`); past
    `stream_after_bytes` it goes as `START` then `CHUNK`s, waiting while the queue is full (back-pressure).
    `done` is set once the worker has let go of the job: counts updated, query slot handed back.
    """

    loop: asyncio.AbstractEventLoop
    deadline: float
    stream_after_bytes: int = 0
    queue: asyncio.Queue[tuple[Message, Any]] = field(default_factory=lambda: asyncio.Queue(QUEUE_CHUNKS))
    cancelled: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    state: threading.Lock = field(default_factory=threading.Lock)
    committing: bool = False
    abandoned: bool = False
    finished: bool = False
    what: str = "query"
    timeout_s: float = 0.0
    format: Format | None = None
    streaming: bool = False
    held: list[bytes] = field(default_factory=list)
    held_bytes: int = 0
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

    def send(self, kind: Message, value: Any = None) -> None:
        """In the worker: hand an item to the event loop, waiting while the queue is full.

        Raises `Cancelled` when the job is cancelled meanwhile, or the loop is closed or closes.
        """
        put = self.queue.put((kind, value))
        try:
            future = asyncio.run_coroutine_threadsafe(put, self.loop)
        except RuntimeError:  # the loop is closed
            put.close()
            raise Cancelled() from None
        while True:
            try:
                future.result(timeout=0.25)
                return
            except TimeoutError:
                if self.cancelled.is_set() or self.loop.is_closed():
                    future.cancel()
                    raise Cancelled() from None
            except concurrent.futures.CancelledError:  # the loop cancelled the put as it closed
                raise Cancelled() from None

    def post(self, kind: Message, value: Any = None) -> None:
        """In the worker: hand over the last item without waiting (the queue is empty unless streaming)."""
        if self.streaming:
            self.send(kind, value)
        else:
            call_in_loop(self.loop, self.queue.put_nowait, (kind, value))

    def emit(self, chunk: bytes) -> None:
        """In the worker: one chunk of the answer (`format` must be set before the first)."""
        self.check()
        if self.streaming:
            if chunk:
                self.send(Message.CHUNK, chunk)
            return
        self.held.append(chunk)
        self.held_bytes += len(chunk)
        if self.held_bytes >= self.stream_after_bytes:
            self.streaming = True
            self.send(Message.START, self._take_held())

    def finish(self) -> None:
        """In the worker: the answer is complete."""
        if self.streaming:
            self.post(Message.END)
        else:
            self.post(Message.WHOLE, self._take_held())

    def _take_held(self) -> bytes:
        body = b"".join(self.held)
        self.held, self.held_bytes = [], 0
        return body

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


class WorkerPool:
    """Daemon threads that run submitted calls, started as needed and kept for the next ones.

    Not `concurrent.futures.ThreadPoolExecutor`: its threads are joined at exit, so a query abandoned inside
    the engine would hold up the server's shutdown; nor can it give its threads their own stack size.
    Submitted from the event loop only. A task that raises is logged and its thread stays in the pool.
    """

    def __init__(self, max_threads: int) -> None:
        self.max_threads = max_threads
        self.tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.threads = 0
        self.idle = 0  # threads waiting for a task that no submit has claimed yet
        self.lock = threading.Lock()

    def submit(self, task: Callable[[], None]) -> None:
        with self.lock:
            if self.idle > 0:
                self.idle -= 1
            elif self.threads < self.max_threads:
                self.threads += 1
                start_worker_thread(self._work, "kg-query", task)
                return
        self.tasks.put(task)

    def _work(self, task: Callable[[], None]) -> None:
        while True:
            try:
                task()
            except Exception:
                log.exception("a query worker task failed")
            with self.lock:
                self.idle += 1
            task = self.tasks.get()


class Runner:
    """Runs workers on a pool of threads, caps how many queries run at once, keeps the counts `/status` shows.

    Pooled threads, not one per query: starting a thread with a large stack costs more than a small query.
    The pool may hold twice as many threads as there are query slots (a thread whose query released its
    slot may not be back in the pool yet), so a query that holds a slot finds a thread; writes, which take no
    slot, get a thread of their own.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.slots = asyncio.Semaphore(settings.max_concurrent_queries)
        self.pool = WorkerPool(2 * settings.max_concurrent_queries)
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
        if not self.slots.locked():  # a free slot: take it without the task wait_for would create
            await self.slots.acquire()
            return
        try:
            await asyncio.wait_for(self.slots.acquire(), timeout=self.settings.queue_timeout_s)
        except TimeoutError:
            raise Busy(
                f"all {self.settings.max_concurrent_queries} query slots are busy; try again in a moment"
            ) from None

    def _start(self, job: Job, target: Callable[[Job], None], in_pool: bool) -> None:
        loop = job.loop

        def run() -> None:
            try:
                target(job)
                job.finish()
            except Cancelled:
                pass
            except BaseException as error:  # every failure goes back to the handler
                with contextlib.suppress(Cancelled):
                    job.post(Message.ERROR, error)
            finally:
                with self._count_lock:
                    job.finished = True
                    self.running -= 1
                    self.completed += 1
                    if job.abandoned:
                        self.abandoned -= 1
                if in_pool:
                    call_in_loop(loop, self.slots.release)  # a closed loop's slots need no release
                job.done.set()

        with self._count_lock:
            self.running += 1
        if in_pool:
            self.pool.submit(run)
        else:
            start_worker_thread(run, "kg-write")

    def _new_job(self, timeout_s: float, what: str) -> Job:
        return Job(
            asyncio.get_running_loop(),
            time.monotonic() + timeout_s,
            self.settings.stream_after_bytes,
            what=what,
            timeout_s=timeout_s,
        )

    def _give_up(self, job: Job) -> None:
        """Cancel a job at its deadline; count its thread as abandoned while it is still inside the engine."""
        job.cancel()
        with self._count_lock:
            self.timed_out += 1
            if not job.finished:
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

        The worker sets `job.format` (the Content-Type) before it emits its first chunk.
        """
        await self._slot()
        job = self._new_job(timeout_s, what)
        self._start(job, produce, in_pool=True)
        try:
            kind, value = await self._next(job)
        except BaseException:
            job.cancel()
            raise
        media = job.format.content_type if job.format else None
        if kind is Message.WHOLE:
            return Response(value, status_code, headers, media_type=media)
        return StreamingResponse(self._rest(job, value), status_code, headers, media_type=media)

    async def _next(self, job: Job) -> tuple[Message, Any]:
        """The worker's next item; its error re-raised here; 503 at the deadline."""
        try:
            async with asyncio.timeout_at(self._loop_deadline(job)):
                kind, value = await job.queue.get()
        except TimeoutError:
            self._give_up(job)
            raise job.timeout_error() from None
        if kind is Message.ERROR:
            raise _as_kg_error(value, job.what)
        return kind, value

    @staticmethod
    def _loop_deadline(job: Job) -> float:
        """The job's deadline on the event loop's clock."""
        return job.loop.time() + max(job.deadline - time.monotonic(), 0.001)

    async def _rest(self, job: Job, first: bytes) -> AsyncIterator[bytes]:
        try:
            yield first
            while True:
                try:
                    kind, value = await self._next(job)
                except KGError as error:
                    log.warning("streamed answer cut off: %s", error)
                    raise StreamCut(str(error)) from error
                if kind is Message.END:
                    return
                if kind is Message.CHUNK:
                    yield value
        finally:
            job.cancel()  # a client that went away stops the worker too

    async def call(self, work: Callable[[Job], T], *, timeout_s: float) -> T:
        """Run `work(job)` in a worker and return its result; 503 at the deadline unless it began to commit."""
        job = self._new_job(timeout_s, "write")
        outcome: list[T] = []

        def target(job: Job) -> None:
            outcome.append(work(job))

        self._start(job, target, in_pool=False)
        try:
            async with asyncio.timeout_at(self._loop_deadline(job)):
                kind, value = await job.queue.get()
        except TimeoutError:
            with job.state:
                committing = job.committing
                if not committing:
                    self._give_up(job)
            if not committing:
                raise job.timeout_error() from None
            kind, value = await job.queue.get()  # committing: the store is being written, wait for it
        if kind is Message.ERROR:
            raise _as_kg_error(value, "write")
        return outcome[0]


def _as_kg_error(error: BaseException, what: str) -> KGError:
    """A worker's exception as a project error (500 for anything unexpected, logged with its traceback)."""
    if isinstance(error, KGError):
        return error
    log.error("%s worker failed", what, exc_info=error)
    return ServerError(f"the {what} failed: {type(error).__name__}: {error}")
