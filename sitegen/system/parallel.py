"""Sharing a batch of work out to forked processes, the calling process included.

`share_out(chunks, work, jobs)` runs `work(chunk)` for every chunk in `jobs`
processes: the calling process and `jobs - 1` children forked from it. The children
inherit everything the caller set up (the parsed site, a warm Markdown instance), so
nothing but each chunk's result is ever pickled, and the caller's own results are
not pickled at all.

Why not `multiprocessing.Pool`: a pool of `jobs` workers leaves the parent idle
but for three threads that feed tasks and collect results, and on a machine with
`jobs` cores those threads and the parent's own work (the index and topic pages)
take time from the workers. Measured on 2 cores, building 2,000 articles: the parent
used 0.6 s of CPU while the workers ran. Here every process takes the next chunk
when it is free, so the work balances itself and nothing else competes for the cores.

Which chunk is next is read from a pipe that holds every chunk's number (4 bytes
each, written before any child exists): on Linux a read of a pipe is done under the
pipe's lock, so two processes never get the same number, and a process killed midway
cannot block the others (as it could while holding a lock). Each child sends its
results (or the exception that stopped it) through its own pipe when it has no chunk
left, and leaves with os._exit, running none of the parent's exit handlers.

A child that dies without sending anything (killed, out of memory) raises
`WorkerDied` in the caller, which a pool would instead wait for forever.

Deadlines (issue 28): work in a child may say, with `deadline(item, seconds)`, that item
`item` of its chunk must be done within `seconds`. The child writes that deadline into a
table of shared memory the caller reads while it waits for the child's results; a child
still on the item GRACE seconds past its deadline (stuck where its own timer cannot stop
it: one long C call, or code that swallowed the exception) is killed, and the chunks it
had taken are done again in the caller, the overrunning item by `overran(chunk, item)`
(which makes a finding of it instead of running it again).
"""

from __future__ import annotations

import contextlib
import fcntl
import mmap
import os
import pickle
import select
import signal
import struct
import sys
import termios
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn, TypeVar

C = TypeVar("C")  # a chunk of work
R = TypeVar("R")  # what the work makes of one chunk

_NUMBER = struct.Struct("=I")


class WorkerDied(RuntimeError):
    """A worker process ended without sending its results."""


GRACE = 5.0  # seconds past its own deadline a child may still be on an item before it is killed

# The shared table: one slot per child, (deadline by time.monotonic or 0.0, chunk, item),
# then one owner per chunk (the slot of the child that took it, or -1).
_SLOT = struct.Struct("=dii")
_OWNER = struct.Struct("=i")


class _Table:
    def __init__(self, children: int, chunks: int) -> None:
        self.owners = children * _SLOT.size
        self.memory = mmap.mmap(-1, max(1, self.owners + chunks * _OWNER.size))  # shared with the children
        for number in range(chunks):
            _OWNER.pack_into(self.memory, self.owners + number * _OWNER.size, -1)

    def slot(self, child: int) -> tuple[float, int, int]:
        deadline, chunk, item = _SLOT.unpack_from(self.memory, child * _SLOT.size)
        return deadline, chunk, item

    def set_slot(self, child: int, deadline: float, chunk: int, item: int) -> None:
        # Chunk and item first, the deadline (one aligned 8-byte store) last.
        struct.pack_into("=ii", self.memory, child * _SLOT.size + 8, chunk, item)
        struct.pack_into("=d", self.memory, child * _SLOT.size, deadline)

    def owner(self, number: int) -> int:
        owner: int = _OWNER.unpack_from(self.memory, self.owners + number * _OWNER.size)[0]
        return owner

    def take(self, number: int, child: int) -> None:
        _OWNER.pack_into(self.memory, self.owners + number * _OWNER.size, child)


# In a child: the table, its slot and the chunk it is on (None in the caller).
_here: list[object] | None = None


@contextlib.contextmanager
def deadline(item: int, seconds: float) -> Iterator[None]:
    """Within the work on a chunk: item `item` of it must be done within `seconds` (plus
    GRACE), or the caller kills this process (see the module's docstring). Does nothing in
    the caller's own process, which nobody can watch but itself."""
    if _here is None:
        yield
        return
    table, child, chunk = _here
    assert isinstance(table, _Table) and isinstance(child, int) and isinstance(chunk, int)
    table.set_slot(child, time.monotonic() + seconds, chunk, item)
    try:
        yield
    finally:
        table.set_slot(child, 0.0, chunk, -1)


def forking() -> bool:
    """Whether this platform can fork (the parallel paths need it)."""
    return hasattr(os, "fork")


MAX_CHUNKS = 1024  # chunk numbers that fit in any pipe (4 bytes each, one 4 KiB page)


def chunked(items: list[C], jobs: int, per_job: int = 16, smallest: int = 8) -> list[list[C]]:
    """`items` cut into chunks for `share_out`: about `per_job` chunks per process, so that
    no process is left long with the last one, but none of fewer than `smallest` items
    (and never more than MAX_CHUNKS chunks)."""
    size = max(smallest, len(items) // (jobs * per_job), -(-len(items) // MAX_CHUNKS))
    return [items[i : i + size] for i in range(0, len(items), size)]


def share_out(
    chunks: Sequence[C],
    work: Callable[[C], R],
    jobs: int,
    first: Callable[[], object] | None = None,
    overran: Callable[[C, int], R] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[R]:
    """[work(chunk) for chunk in chunks], in any order, done by `jobs` processes in all.

    `first` is called in this process before it takes any chunk (work only it can do,
    while the children start on the chunks). An exception raised by `work` in any process,
    or by `first`, is raised here once every child has stopped. `overran(chunk, item)`:
    what a chunk comes to whose item `item` overran its `deadline` in a child (without it,
    deadlines are not watched). `progress(n)`: told, now and then, that the first n chunks
    have been taken (by this process or a child), for a progress line."""
    children = min(jobs, len(chunks)) - 1
    if children <= 0 or not forking():
        return _serially(chunks, work, first, progress)
    numbers_read, numbers_write = os.pipe()
    try:
        # Every chunk's number is in the pipe before any child reads it. A pipe holds at
        # least one page (4 KiB, 1,024 numbers: see `chunked`); a write that does not fit
        # whole would have to wait for readers, so then the work is done here alone.
        numbers = b"".join(_NUMBER.pack(i) for i in range(len(chunks)))
        os.set_blocking(numbers_write, False)
        try:
            fits = os.write(numbers_write, numbers) == len(numbers)
        except BlockingIOError:
            fits = False
    finally:
        os.close(numbers_write)  # an empty pipe with no writer reads as "no chunk left"
    if not fits:
        os.close(numbers_read)
        return _serially(chunks, work, first, progress)
    started: list[tuple[int, int]] = []  # (pid, read end of its result pipe)
    results: list[R] = []
    table = _Table(children, len(chunks)) if overran is not None else None
    watching: Callable[[], None] | None = None
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        for child in range(children):
            result_read, result_write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child
                os.close(result_read)
                for _, other in started:
                    os.close(other)
                _child(chunks, work, numbers_read, result_write, table, child)  # never returns
            os.close(result_write)
            started.append((pid, result_read))
        failure: BaseException | None = None
        watching = _watch(numbers_read, len(chunks), progress) if progress is not None else None
        try:
            if first is not None:
                first()
            results.extend(_take(chunks, work, numbers_read))
        except BaseException as error:  # the children must still be collected
            failure = error
            _drain(numbers_read)  # the children take no new chunk
        child = 0
        while started:
            outcome = _outcome(chunks, work, overran, table, child, started)  # takes it from `started`
            child += 1
            if isinstance(outcome, BaseException):
                failure = failure or outcome
            else:
                results.extend(outcome)
        if failure is not None:
            raise failure
        return results
    finally:
        if watching is not None:
            watching()
        for pid, result_read in started:  # only after an interruption (Ctrl-C) while collecting
            _stop(pid, result_read)
        os.close(numbers_read)


def _serially(
    chunks: Sequence[C],
    work: Callable[[C], R],
    first: Callable[[], object] | None,
    progress: Callable[[int], None] | None,
) -> list[R]:
    """share_out's work done in this process alone."""
    if first is not None:
        first()
    done = []
    for number, chunk in enumerate(chunks):
        if progress is not None:
            progress(number)
        done.append(work(chunk))
    return done


def _watch(numbers_read: int, total: int, progress: Callable[[int], None]) -> Callable[[], None]:
    """Tell `progress`, every tenth of a second until the returned function is called, how
    many chunks have been taken: those whose numbers are no longer in the pipe. (Started
    after the children are forked: no thread runs across a fork.)"""
    stop = threading.Event()

    def watch() -> None:
        buffer = bytearray(4)
        while not stop.wait(0.1):
            try:
                fcntl.ioctl(numbers_read, termios.FIONREAD, buffer)
            except OSError:
                return  # closed: the work is over
            progress(total - int.from_bytes(buffer, sys.byteorder) // _NUMBER.size)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()

    def stopped() -> None:
        stop.set()
        thread.join()  # before the pipe is closed, and its number maybe given to another file

    return stopped


def _take(
    chunks: Sequence[C], work: Callable[[C], R], numbers_read: int, table: _Table | None = None, child: int = -1
) -> Iterator[R]:
    while True:
        number = os.read(numbers_read, _NUMBER.size)
        if not number:
            return
        chunk = _NUMBER.unpack(number)[0]
        if table is not None:
            global _here
            table.take(chunk, child)
            _here = [table, child, chunk]
        yield work(chunks[chunk])


def _outcome(
    chunks: Sequence[C],
    work: Callable[[C], R],
    overran: Callable[[C, int], R] | None,
    table: _Table | None,
    child: int,
    started: list[tuple[int, int]],
) -> list[Any] | BaseException:  # Any: unpickled
    """The results of the first child in `started` (taken out of it once its pipe is closed)."""
    pid, result_read = started[0]
    if table is not None and overran is not None and not _wait(table, child, result_read):
        started.pop(0)
        _stop(pid, result_read)  # stuck past its deadline: its chunks are done here
        return _redo(chunks, work, overran, table, child)
    started.pop(0)
    try:
        return _collect(pid, result_read)  # closes result_read
    except BaseException:
        _stop(pid, None)
        raise


def _wait(table: _Table, child: int, result_read: int) -> bool:
    """Wait until the child starts sending its results (True), or is GRACE seconds past a
    deadline it set (False)."""
    while True:
        deadline, _, _ = table.slot(child)
        wait = None if deadline == 0.0 else deadline + GRACE - time.monotonic()
        if wait is not None and wait <= 0:
            return False
        ready, _, _ = select.select([result_read], [], [], 1.0 if wait is None else min(wait, 1.0))
        if ready:
            return True


def _redo(
    chunks: Sequence[C], work: Callable[[C], R], overran: Callable[[C, int], R], table: _Table, child: int
) -> list[R]:
    """The results of every chunk a stopped child had taken, done here; its overrunning item by `overran`."""
    _, stuck, item = table.slot(child)
    return [
        overran(chunks[number], item) if number == stuck else work(chunks[number])
        for number in range(len(chunks))
        if table.owner(number) == child
    ]


def _drain(numbers_read: int) -> None:
    while os.read(numbers_read, 65536):
        pass


def _child(
    chunks: Sequence[C],
    work: Callable[[C], R],
    numbers_read: int,
    result_write: int,
    table: _Table | None,
    child: int,
) -> NoReturn:
    code = 0
    try:
        try:
            data = pickle.dumps(list(_take(chunks, work, numbers_read, table, child)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as error:  # sent to the parent, which raises it
            _drain(numbers_read)
            data, code = pickle.dumps(_picklable(error), protocol=pickle.HIGHEST_PROTOCOL), 1
        with os.fdopen(result_write, "wb", buffering=0) as out:
            out.write(data)
    except BaseException:  # cannot even report: the parent sees an empty pipe (WorkerDied)
        code = 2
    finally:
        os._exit(code)


def _picklable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        return RuntimeError(f"A worker process failed:\n{text}")


def _collect(pid: int, result_read: int) -> list[Any] | BaseException:  # Any: unpickled
    """The child's results, or the exception it sent; WorkerDied if it sent nothing readable."""
    try:
        with os.fdopen(result_read, "rb", buffering=0) as source:
            data = source.readall()
        try:
            # What the child pickled: its list of results, or the exception that stopped it.
            outcome: list[Any] | BaseException | None = pickle.loads(data) if data else None
        except Exception:  # cut short: the child died while writing
            outcome = None
    finally:
        _, status = os.waitpid(pid, 0)
    if outcome is None:
        how = (
            f"was stopped by signal {os.WTERMSIG(status)}"
            if os.WIFSIGNALED(status)
            else f"exited with status {os.WEXITSTATUS(status)}"
        )
        return WorkerDied(
            f"A worker process (pid {pid}) {how} before sending its results "
            "(out of memory?). Build again, or with --jobs 1."
        )
    return outcome


def _stop(pid: int, result_read: int | None) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if result_read is not None:
        os.close(result_read)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
