"""sitegen/system/parallel.py: work shared out to forked processes, the caller included."""

from __future__ import annotations

import os
import select
import signal

import pytest

from sitegen.system.parallel import MAX_CHUNKS, WorkerDied, chunked, forking, share_out

pytestmark = pytest.mark.skipif(not forking(), reason="this platform cannot fork")


class Event:
    """A one-way event across fork(), in place of a sleep: set in one process (a byte into a
    pipe), waited for in another. Waiting never reads, so it stays set for every waiter."""

    def __init__(self) -> None:
        self.read, self.write = os.pipe()

    def set(self) -> None:
        os.write(self.write, b"x")

    def wait(self, timeout: float = 30.0) -> None:
        ready, _, _ = select.select([self.read], [], [], timeout)
        assert ready, "the event never came"


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_every_chunk_is_done_once_by_the_caller_and_the_workers():
    parent = os.getpid()
    chunks = [[i, i + 100] for i in range(40)]
    # A closure over local state: forked workers inherit it, nothing of it is pickled.
    offset = 7
    worker_started, caller_worked = Event(), Event()

    def work(chunk):
        if os.getpid() == parent:
            caller_worked.set()
        else:  # a worker holds its first chunk until the caller has done one
            worker_started.set()
            caller_worked.wait()
        return os.getpid(), [item + offset for item in chunk]

    results = share_out(chunks, work, 3, first=worker_started.wait)
    assert sorted(values for _, values in results) == sorted([i + 7, i + 107] for i in range(40))
    pids = {pid for pid, _ in results}
    assert parent in pids and len(pids) >= 2  # the caller took chunks too, and so did a worker
    assert _no_children_left()


def test_one_job_runs_here_and_calls_first_before_the_work():
    calls = []
    results = share_out(
        [[1], [2]],
        lambda chunk: calls.append(("work", os.getpid())) or chunk[0],
        1,
        first=lambda: calls.append(("first", os.getpid())),
    )
    assert sorted(results) == [1, 2]
    assert calls == [("first", os.getpid()), ("work", os.getpid()), ("work", os.getpid())]


def test_first_runs_in_the_caller_while_workers_take_chunks():
    parent, seen, worker_started = os.getpid(), [], Event()

    def work(chunk):
        if os.getpid() != parent:
            worker_started.set()
        return os.getpid()

    results = share_out(
        [[i] for i in range(10)], work, 2, first=lambda: (seen.append(os.getpid()), worker_started.wait())
    )
    assert seen == [parent]
    assert any(pid != parent for pid in results)  # a worker worked while the caller was busy


def test_an_error_in_a_worker_is_raised_in_the_caller():
    parent, worker_started = os.getpid(), Event()

    def work(chunk):
        if os.getpid() != parent:
            worker_started.set()
            raise ValueError(f"bad chunk {chunk[0]}")
        return chunk[0]

    with pytest.raises(ValueError, match="bad chunk"):
        share_out([[i] for i in range(10)], work, 2, first=worker_started.wait)
    assert _no_children_left()


def test_an_error_in_the_caller_still_collects_the_workers():
    parent, caller_worked = os.getpid(), Event()

    def work(chunk):
        if os.getpid() == parent:
            caller_worked.set()
            raise KeyError("in the caller")
        caller_worked.wait()  # the workers leave chunks for the caller
        return chunk[0]

    with pytest.raises(KeyError, match="in the caller"):
        share_out([[i] for i in range(20)], work, 2)
    assert _no_children_left()


def test_an_error_that_cannot_be_pickled_arrives_as_its_traceback():
    parent = os.getpid()

    class Local(Exception):  # a class defined in a function cannot be pickled
        pass

    worker_started = Event()

    def work(chunk):
        if os.getpid() != parent:
            worker_started.set()
            raise Local("only in the worker")
        return chunk[0]

    with pytest.raises(RuntimeError, match="only in the worker"):
        share_out([[i] for i in range(10)], work, 2, first=worker_started.wait)


@pytest.mark.parametrize("how", ["exit", "signal"])
def test_a_worker_that_dies_is_reported_not_waited_for(how):
    parent, worker_started = os.getpid(), Event()

    def work(chunk):
        if os.getpid() != parent:
            worker_started.set()
            if how == "exit":
                os._exit(3)
            os.kill(os.getpid(), signal.SIGKILL)
        return chunk[0]

    with pytest.raises(WorkerDied, match="exited with status 3" if how == "exit" else "stopped by signal 9"):
        share_out([[i] for i in range(10)], work, 2, first=worker_started.wait)
    assert _no_children_left()


def test_results_too_large_for_a_pipe_arrive_whole():
    parent, worker_started = os.getpid(), Event()

    def work(chunk):
        if os.getpid() != parent:
            worker_started.set()
        return os.getpid(), "x" * 300_000 + str(chunk[0])

    results = share_out([[i] for i in range(6)], work, 2, first=worker_started.wait)
    assert sorted(text[-1] for _, text in results) == [str(i) for i in range(6)]
    assert all(len(text) == 300_001 for _, text in results)
    assert any(pid != parent for pid, _ in results)


@pytest.mark.parametrize("count, jobs", [(0, 2), (5, 2), (1000, 2), (4000, 2), (100_000, 64)])
def test_chunked_keeps_every_item_in_order_within_the_pipe_limit(count, jobs):
    items = list(range(count))
    chunks = chunked(items, jobs)
    assert [item for chunk in chunks for item in chunk] == items
    assert len(chunks) <= MAX_CHUNKS
    assert all(len(chunk) >= 8 for chunk in chunks[:-1])
    if count >= 1000:
        assert len(chunks) >= jobs * 4  # enough for the last ones to balance out
