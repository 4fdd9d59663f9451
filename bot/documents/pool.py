"""Read documents in a small pool of worker processes, each document under a wall-clock
limit, a memory limit and caps on text and pages, so that no file can stall or sink the bot.

    pool = ReaderPool(ReadLimits(timeout=30), workers=2)
    pool.start()
    result = await pool.read_pdf(Path("/tmp/body.pdf"))      # from any event loop or thread
    result.text, result.complete, result.limit_reason
    pool.close()

The caller passes a file path: the worker reads the file itself, so the bot's process never
holds a document's bytes to have it read. A damaged, encrypted or mislabelled file raises
`ExtractError` (one sentence), as `bot.documents.extract` does; a file that hits a limit is
not an error: it gives the text read so far, `complete=False` and the reason.

How: one thread per worker in this process hands it a job, waits on its pipe with the job's
deadline and collects pages as they come. At the deadline the worker is killed (SIGKILL: a
page can spend minutes inside pypdf) and a fresh one is started; the same for a worker that
died (segfault, the kernel's OOM killer) or ran out of its memory limit. Workers are started
with 'spawn' (the daemon has threads; forking a threaded process is unsafe), import pypdf
and trafilatura once and are reused across documents. Waiting jobs form a bounded queue:
`read_*` wait for room, so a flood of links cannot pile up files faster than they are read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.context import SpawnProcess
from os import PathLike
from typing import Any

from bot.documents.extract import Article, ExtractError
from bot.documents.limits import ReadLimits, ReadResult, Stop, article_result, pdf_result
from bot.documents.worker import OUT_OF_MEMORY, Request, serve

log = logging.getLogger(__name__)

WORKERS = 2  # one per core on the machines this runs on
QUEUE_SIZE = 8  # documents waiting for a worker; the link stage has 8 links in flight
START_TIMEOUT = 60.0  # seconds for a new worker to import its libraries
STOP_TIMEOUT = 5.0  # seconds for an idle worker to exit when asked, before it is killed


class PoolClosed(RuntimeError):
    """The pool was closed before the document was read."""


class ReaderError(RuntimeError):
    """The reading code failed on a document (a bug: the worker logged the traceback)."""


class ReaderPool:
    """A fixed number of reader processes and a bounded queue of documents for them.

    Thread-safe and not tied to an event loop: one pool per process, started once, serves
    every `asyncio.run` and thread in it. `limits` are the defaults for each read.
    """

    def __init__(
        self,
        limits: ReadLimits | None = None,
        *,
        workers: int = WORKERS,
        queue_size: int = QUEUE_SIZE,
    ) -> None:
        if workers < 1 or queue_size < 1:
            raise ValueError("a reader pool needs at least one worker and room for one job")
        self.limits = limits or ReadLimits()
        self._size = workers
        self._queue_size = queue_size
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Condition()
        self._waiting: deque[_Job] = deque()
        self._room_waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self._slots: list[_Slot] = []
        self._closing = False

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers (in the background: the first reads wait for them)."""
        with self._lock:
            if self._slots or self._closing:
                return
            self._slots = [_Slot(self, number) for number in range(self._size)]
        for slot in self._slots:
            slot.thread.start()

    def close(self) -> None:
        """Stop every worker and wait for them to exit. Documents still waiting or being
        read fail with `PoolClosed`. Idempotent."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            waiting = list(self._waiting)
            self._waiting.clear()
            self._lock.notify_all()
        self._wake_room_waiters()
        for job in waiting:
            if job.future.set_running_or_notify_cancel():
                job.future.set_exception(PoolClosed("the document readers were stopped"))
        for slot in self._slots:
            slot.interrupt()
        for slot in self._slots:
            slot.thread.join()

    def __enter__(self) -> ReaderPool:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def worker_pids(self) -> list[int]:
        """The process ids of the workers alive now (for status pages and tests)."""
        return [pid for slot in self._slots if (pid := slot.pid()) is not None]

    def busy_pids(self) -> list[int]:
        """The process ids of the workers reading a document now."""
        return [pid for slot in self._slots if (pid := slot.busy_pid) is not None]

    def queued(self) -> int:
        """Documents waiting for a worker (at most `queue_size`; more callers wait outside)."""
        with self._lock:
            return len(self._waiting)

    # -- reading ------------------------------------------------------------------------------

    async def read_pdf(
        self, path: str | PathLike[str], limits: ReadLimits | None = None
    ) -> ReadResult:
        """The text of the PDF at `path`, page by page, within `limits`.

        Raises `ExtractError` for a file that is not a PDF, is damaged or encrypted.
        """
        return await self._read(Request("pdf", str(path), limits or self.limits))

    async def read_article(
        self,
        path: str | PathLike[str],
        url: str,
        charset: str | None = None,
        limits: ReadLimits | None = None,
    ) -> ReadResult:
        """The article in the web page at `path` (fetched from `url`, with the HTTP header's
        `charset`), within `limits`. Raises `ExtractError` for a page without a story."""
        return await self._read(Request("article", str(path), limits or self.limits, url, charset))

    def submit_pdf(
        self, path: str | PathLike[str], limits: ReadLimits | None = None
    ) -> Future[ReadResult]:
        """`read_pdf` for code without an event loop; blocks while the queue is full."""
        return self._submit(Request("pdf", str(path), limits or self.limits))

    async def _read(self, request: Request) -> ReadResult:
        job = _Job(request)
        while not self._put(job, block=False):
            loop = asyncio.get_running_loop()
            room: asyncio.Future[None] = loop.create_future()
            with self._lock:
                if self._closing or len(self._waiting) < self._queue_size:
                    continue  # room was made (or the pool closed) since the try
                self._room_waiters.append((loop, room))
            await room
        return await asyncio.wrap_future(job.future)

    def _submit(self, request: Request) -> Future[ReadResult]:
        job = _Job(request)
        self._put(job, block=True)
        return job.future

    def _put(self, job: _Job, *, block: bool) -> bool:
        with self._lock:
            while True:
                if self._closing:
                    raise PoolClosed("the document readers were stopped")
                if not self._slots:
                    raise RuntimeError("the reader pool was not started")
                if len(self._waiting) < self._queue_size:
                    self._waiting.append(job)
                    self._lock.notify_all()
                    return True
                if not block:
                    return False
                self._lock.wait()

    def _take(self) -> _Job | None:
        """The next job for a worker, None once the pool is closing."""
        with self._lock:
            while not self._waiting and not self._closing:
                self._lock.wait()
            if self._closing:
                return None
            job = self._waiting.popleft()
            self._lock.notify_all()  # room for a blocked submit
        self._wake_room_waiters()
        return job

    def _wake_room_waiters(self) -> None:
        with self._lock:
            waiters, self._room_waiters = self._room_waiters, []
        for loop, room in waiters:
            # a loop that has closed has nobody waiting in it any more
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_set_done, room)

    def _start_worker(self) -> _Worker:
        return _Worker(self._context, logging.getLogger("bot").getEffectiveLevel())


def _set_done(room: asyncio.Future[None]) -> None:
    if not room.done():
        room.set_result(None)


@dataclass
class _Job:
    request: Request
    future: Future[ReadResult] = field(default_factory=Future)


class _Slot:
    """One worker process and the thread in this process that feeds it jobs."""

    def __init__(self, pool: ReaderPool, number: int) -> None:
        self.pool = pool
        self.worker: _Worker | None = None
        self.busy_pid: int | None = None
        self.thread = threading.Thread(
            target=self.run, name=f"document-reader-{number}", daemon=True
        )

    def pid(self) -> int | None:
        worker = self.worker
        return worker.pid if worker is not None and worker.alive() else None

    def interrupt(self) -> None:
        """Kill the worker if it is reading: the pool is closing. Only the signal: this
        slot's thread sees the pipe close and cleans up after it."""
        worker = self.worker
        if worker is not None and self.busy_pid is not None:
            worker.process.kill()

    def run(self) -> None:
        try:
            self._replace_worker()
            while (job := self.pool._take()) is not None:
                if job.future.set_running_or_notify_cancel():
                    self._read(job)
        finally:
            if self.worker is not None:
                self.worker.stop()
                self.worker = None

    def _read(self, job: _Job) -> None:
        try:
            if self.worker is None or not self.worker.alive():
                self._replace_worker(must=True)
            worker = self.worker
            assert worker is not None
            self.busy_pid = worker.pid
            result = worker.read(job.request)
            if self.pool._closing and not worker.alive():
                raise PoolClosed("the document readers were stopped")
        except Exception as e:
            closed = PoolClosed("the document readers were stopped")
            job.future.set_exception(closed if self.pool._closing else e)
        else:
            job.future.set_result(result)
        finally:
            self.busy_pid = None
        if self.worker is not None and not self.worker.alive():
            self._replace_worker()  # now, so the next document does not wait for it

    def _replace_worker(self, *, must: bool = False) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
        if self.pool._closing:
            return
        try:
            self.worker = self.pool._start_worker()
        except Exception:
            if must:
                raise
            log.exception("a document reader could not start; will try again")


class _Worker:
    """A reader process and this process's end of its pipe."""

    def __init__(self, context: Any, log_level: int) -> None:
        self.conn, child = context.Pipe()
        self.process: SpawnProcess = context.Process(
            target=serve, args=(child, log_level), name="threadbot-document-reader", daemon=True
        )
        self.process.start()
        child.close()  # so that this end sees EOF when the worker dies
        self.pid: int = self.process.pid or 0
        try:
            ready = self.conn.poll(START_TIMEOUT)
            message = self.conn.recv() if ready else None
        except (EOFError, OSError):
            message = None
        if not message or message[0] != "ready":
            self.kill()
            raise RuntimeError(f"a document reader did not start ({self._exit()})")

    def alive(self) -> bool:
        return self.process.is_alive()

    def read(self, request: Request) -> ReadResult:
        """Send one request and collect what comes back until the end, the deadline or the
        worker's death. Raises ExtractError for a file the worker refused."""
        read = _Reading(request)
        try:
            self.conn.send(request)
        except (BrokenPipeError, OSError):
            return read.result(*self._death())
        deadline = time.monotonic() + request.limits.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self.conn.poll(remaining):
                log.info("reading %s took over %g s", request.path, request.limits.timeout)
                self.kill()
                return read.result("time")
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                return read.result(*self._death())
            tag = message[0]
            if tag == "opened":
                read.page_count, read.title = message[1], message[2]
            elif tag == "page":
                read.pages.append(message[1])
            elif tag == "article":
                read.article = message[1]
            elif tag == "done":
                return read.result(message[1])
            elif tag == "failed":
                raise ExtractError(message[1])
            elif tag == "memory":
                self.process.join(STOP_TIMEOUT)
                return read.result("memory")
            elif tag == "error":
                raise ReaderError(f"reading {request.path} failed: {message[1]}")

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self) -> None:
        """Ask the worker to exit; kill it if it does not."""
        if self.process.is_alive():
            with contextlib.suppress(OSError):
                self.conn.send(None)
            self.process.join(STOP_TIMEOUT)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()

    def _death(self) -> tuple[Stop, str]:
        """Why the worker died: out of memory, or a crash described for a reader."""
        self.process.join(STOP_TIMEOUT)
        if self.process.exitcode == OUT_OF_MEMORY:
            return "memory", ""
        log.warning("a document reader died (%s)", self._exit())
        return "crash", self._exit()

    def _exit(self) -> str:
        code = self.process.exitcode
        if code is None:
            return "still running"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit status {code}"


@dataclass
class _Reading:
    """What has come back from a worker so far for one request."""

    request: Request
    pages: list[str | None] = field(default_factory=list)
    page_count: int | None = None
    title: str = ""
    article: Article | None = None

    def result(self, stop: Stop | None, crash: str = "") -> ReadResult:
        limits = self.request.limits
        if self.request.kind == "article":
            return article_result(self.article, stop, limits, crash)
        return pdf_result(
            self.pages,
            page_count=self.page_count,
            title=self.title,
            stop=stop,
            limits=limits,
            crash=crash,
        )
