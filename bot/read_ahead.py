"""Read the next batches in a child process while this one writes the last: an import uses
both cores of a two-core machine instead of one.

    for batch, state in read_ahead(export.thread_batches, lambda: export.stats, size, 5000):
        save(batch)                       # while the child reads the next ~5,000 posts

The child is forked, so it starts at once with the reader already open (an X export's
manifest read, a CAR file's commit found) and nothing to import. It groups the reader's
batches up to `group` items, the writer's transaction size, so that both sides work on
equal shares at the same time (the first group smaller, so the writer starts soon). Each
group goes pickled through a pipe with the reader's `state` (its counts, for the progress
bar and the summary). At most two groups are ahead of the writer (one in the pipe, one
waiting for it): memory stays that of one reader and one writer.

What the reader raises reaches the writer after the groups before it: a BadInput as itself
(the damaged spot, named), anything else as ReaderStopped naming it. A child that dies
(killed, out of memory) is ReaderStopped too. When the writer stops early (an error,
Ctrl-C, its own kill) the child is stopped, or finds the pipe closed and exits: it never
outlives the import. The child ignores Ctrl-C, which the writer handles.

Forking a process holding an open SQLite connection is safe only if the child never uses
it: the child runs the reader alone and leaves by `os._exit`, closing nothing it inherited.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from bot.errors import BadInput, ThreadbotError

log = logging.getLogger(__name__)

T = TypeVar("T")
S = TypeVar("S")

# how long a child that will not stop is given after being told to (seconds)
STOP_WAIT = 5.0
# The first group is this share of the others: the writer waits for it with nothing to do,
# so it comes as soon as it is worth a transaction.
FIRST_GROUP = 0.1


class ReaderStopped(ThreadbotError):
    """The reader process failed or died: what it handed over is whole, the rest unread."""


def available() -> bool:
    """Whether reading ahead can gain anything here: fork exists, and there is a second
    core for the child."""
    if not hasattr(os, "fork"):
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return cores >= 2


def read_ahead(
    batches: Callable[[], Iterator[list[T]]],
    state: Callable[[], S],
    size: Callable[[T], int],
    group: int,
) -> Iterator[tuple[list[T], S]]:
    """The items of `batches()` (run in a child process), in groups of at least `group`
    by `size` (the last one smaller), each with `state()` as it was once the group was
    read; a last group may be empty, to carry the final state."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(batches, state, size, group, receiving, sending),
        name="threadbot-reader",
        daemon=True,
    )
    child.start()
    sending.close()
    try:
        while True:
            try:
                message = pickle.loads(receiving.recv_bytes())
            except (EOFError, OSError):  # the pipe closed, between messages or in one
                child.join(STOP_WAIT)
                raise ReaderStopped(
                    f"the export reader stopped unexpectedly ({_how(child.exitcode)})"
                ) from None
            kind = message[0]
            if kind == "items":
                yield message[1], message[2]
            elif kind == "end":
                yield [], message[1]
                return
            elif kind == "bad":
                yield [], message[2]
                raise BadInput(message[1])
            else:
                log.debug("the export reader failed:\n%s", message[2])
                raise ReaderStopped(f"the export reader failed: {message[1]}")
    finally:
        receiving.close()
        child.join(0.1)
        if child.is_alive():
            child.terminate()
            child.join(STOP_WAIT)


def _child(
    batches: Callable[[], Iterator[Any]],
    state: Callable[[], Any],
    size: Callable[[Any], int],
    group: int,
    receiving: Connection,
    sending: Connection,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    receiving.close()  # else the pipe stays open when the writer is gone
    sender = _Sender(sending)
    try:
        _send_all(batches, state, size, group, sender.send)
        sender.finish()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the writer stopped: nobody to tell
    finally:
        os._exit(0)  # the writer's SQLite connection, its files: not ours to close


class _Sender:
    """Writes the pickled groups to the pipe from a thread of its own, one group behind the
    reader: a group goes through the pipe only as fast as the writer takes it (the pipe holds
    64 KB), and the reader reads the next meanwhile instead of waiting for that."""

    def __init__(self, sending: Connection) -> None:
        self._sending = sending
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=1)
        self._broken = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sender", daemon=True)
        self._thread.start()

    def send(self, *message: Any) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        while not self._broken.is_set():
            try:
                self._queue.put(data, timeout=0.5)
                return
            except queue.Full:
                continue
        raise BrokenPipeError

    def finish(self) -> None:
        """Once every group is through the pipe."""
        self._queue.put(None)
        self._thread.join()
        if self._broken.is_set():
            raise BrokenPipeError

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            try:
                self._sending.send_bytes(data)  # one write(): the GIL is let go meanwhile
            except OSError:
                self._broken.set()
                return


def _send_all(
    batches: Callable[[], Iterator[Any]],
    state: Callable[[], Any],
    size: Callable[[Any], int],
    group: int,
    send: Callable[..., None],
) -> None:
    pending: list[Any] = []
    count = 0
    wanted = max(1, int(group * FIRST_GROUP))
    try:
        for batch in batches():
            pending += batch
            count += sum(size(item) for item in batch)
            if count >= wanted:
                send("items", pending, state())
                pending, count, wanted = [], 0, group
    except (BrokenPipeError, ConnectionResetError):
        raise
    except Exception as e:
        if pending:  # complete, read before the error: theirs to save
            send("items", pending, state())
        if isinstance(e, BadInput):
            send("bad", str(e), state())
        else:  # the reader's bug: the writer says so in one line
            send("fail", f"{type(e).__name__}: {e}", traceback.format_exc())
        return
    if pending:
        send("items", pending, state())
    send("end", state())


def _how(exitcode: int | None) -> str:
    if exitcode is None:
        return "it did not exit"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"
