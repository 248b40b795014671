"""Writing one index with a writer process per core (Whoosh's MpWriter, made safe).

Only an indexing run of many documents needs this (``search.index._open_writer``
imports it then): multiprocessing, ctypes and the writer are no part of a search.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable

from whoosh.multiproc import MpWriter

from ..errors import IndexError_
from .writer import FastSubWriterTask

# Linux's prctl(2) option: a signal the kernel sends a process when its parent ends.
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """In a writer process: ends it when the run that forked it ends, however that ends.

    A SIGKILLed run cannot stop its writer processes, and they would wait on their job
    queue for good, holding the write lock they inherited. The kernel sends SIGKILL
    instead (Linux); elsewhere a thread watches the parent. The signal comes when the
    forking *thread* ends: the run forks and joins its writers in one call, one thread.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        watched_by_kernel = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux
        watched_by_kernel = False
    if not watched_by_kernel:
        threading.Thread(target=_exit_when_orphaned, args=(parent_pid,), daemon=True).start()
    # the run may have ended between fork and prctl: then no signal will come
    if os.getppid() != parent_pid:
        os._exit(1)


def _exit_when_orphaned(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(1)


def _run_writer(storage, indexname, jobs, results, kwargs, multisegment, parent_pid, errors):
    """A writer process (search/index/writer.py's segment writer), which dies with the run and
    tells it why it failed.

    Ctrl-C reaches the whole process group: the run decides, and ends its writers.
    """
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        FastSubWriterTask(storage, indexname, jobs, results, kwargs, multisegment).run()
    except BaseException as e:
        # to the run, which raises it, instead of a traceback on stderr
        errors.put((getattr(e, "errno", None), getattr(e, "strerror", None), repr(e)))
        os._exit(1)


# Forked writers inherit the run's write lock and are its children, which _die_with_parent
# relies on (Python 3.14 starts processes from a server process by default on Linux).
WRITER_START = "fork" if "fork" in multiprocessing.get_all_start_methods() else None


class _JobQueue:
    """The writers' job queue as the run puts to it: it stops waiting when a writer died."""

    def __init__(self, jobs, check: Callable[[], None]):
        self.jobs, self.check = jobs, check

    def put(self, job) -> None:
        while True:
            self.check()
            with contextlib.suppress(queue.Full):
                self.jobs.put(job, timeout=0.5)
                return


class ParallelWriter(MpWriter):
    """Whoosh's MpWriter with our segment writer in each process, made safe to kill and
    to fail.

    Its writer processes die with the run (no lock left behind by a SIGKILL); a writer
    that fails (a full disk) fails the run before it commits, instead of its documents
    being left out of the commit; cancelling ends the writers before their files go.
    """

    def __init__(self, ix, **kwargs):
        super().__init__(ix, start_method=WRITER_START, **kwargs)
        self.errors = self._mpctx.SimpleQueue()
        self.jobs = self.jobqueue
        self.jobqueue = _JobQueue(self.jobs, self._check_writers)

    def _new_task(self):
        args = (self.storage, self.indexname, self.jobs, self.resultqueue)
        args += (self.subargs, self.multisegment, os.getpid(), self.errors)
        task = self._mpctx.Process(target=_run_writer, args=args)
        task.start()
        self.tasks.append(task)
        return task

    def _check_writers(self) -> None:
        """Raises what made a writer process fail, if one did."""
        failed = [task.exitcode for task in self.tasks if task.exitcode not in (None, 0)]
        if not failed:
            return
        if self.errors.empty():  # killed (out of memory?): it could not say why
            code = failed[0]
            cause = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
        else:
            code, strerror, cause = self.errors.get()
            if code is not None:  # a full disk, a refused write: a storage error like any
                raise OSError(code, strerror)
        raise IndexError_(
            f"an indexing process writing to {self.storage.folder} failed ({cause}); "
            "the index is as it was before this run"
        )

    def _commit_toc(self, segments) -> None:
        # every writer has been joined: commit only if each wrote its segment
        self._check_writers()
        super()._commit_toc(segments)

    def cancel(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.kill()
            task.join()
        super().cancel()
