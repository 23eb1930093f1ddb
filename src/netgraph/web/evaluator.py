"""Evaluating queries in a small pool of worker processes, with a time limit.

Python cannot interrupt a thread, and rdflib evaluates in pure Python, so a
runaway query (a cartesian product over the whole dataset) would hold a thread
and a core for as long as it likes. Here every query runs in a **worker
process** instead:

- A worker is made with ``os.fork()``: it shares the loaded, read-only dataset
  with the server copy-on-write (the heap is ``gc.freeze()``-d first, so the
  collector does not touch and copy it), closes every inherited file
  descriptor but its own socket (never a client's connection), ignores
  Ctrl+C (the server stops it), refuses outbound connections
  (:func:`netgraph.web.security.forbid_network`) and, if configured, limits
  its address space so that a query that needs too much memory fails alone.
- A request takes an idle worker (waiting at most ``queue_timeout`` seconds,
  and only if fewer than ``queue_size`` requests wait already: else ``503``
  with ``Retry-After``), sends it the job over a socket pair and waits for the
  reply, already serialised to bytes, at most ``timeout`` seconds.
- A query still running after :data:`SLOW` seconds has its worker's CPU
  priority lowered (nice 10), so that ordinary queries in the other workers
  keep the CPU; afterwards the priority is restored, or, where the system does
  not allow that, the worker is replaced.
- Past the time limit the worker is stopped (SIGTERM, then SIGKILL after
  :data:`GRACE` seconds), reaped, and a fresh one forked in its place; the
  client gets ``504``. All the worker's memory goes with it.

So at most ``workers`` queries evaluate at once, whatever the number of HTTP
threads. ``workers=0`` evaluates in the request thread instead, without a time
limit: only for measuring the pool's overhead (``bench/load.py --overhead``).
"""

import contextlib
import gc
import logging
import os
import pickle
import queue
import resource
import signal
import socket
import threading
import time
import weakref
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from flask import current_app
from rdflib import URIRef

from netgraph import limits
from netgraph.sparql_protocol import Operation, ProtocolError
from netgraph.web import security
from netgraph.web.engine import QueryEngine, Reply, error_reply
from netgraph.web.results import in_fixed_order

log = logging.getLogger(__name__)

EXTENSION = "netgraph.evaluator"
GRACE = 0.5
"""Seconds a worker past the time limit has to exit on SIGTERM before SIGKILL."""
SLOW = 1.0
"""Seconds after which a query counts as slow: its worker runs at a lower CPU priority
(nice 10) from then on, so ordinary queries in the other workers keep the CPU."""
SLOW_NICENESS = 10
RETRY_AFTER = "2"
_LAST = "last reply"
"""Tags a worker's reply after which it exits (the server replaces it at once)."""


@dataclass(frozen=True)
class Limits:
    timeout: float = limits.QUERY_TIMEOUT_SECONDS
    workers: int = limits.WORKERS
    queue_size: int = limits.QUEUE_SIZE
    queue_timeout: float = limits.QUEUE_TIMEOUT_SECONDS
    memory_mb: int = limits.WORKER_MEMORY_MB
    """Address space a worker may add to what it inherits, in MiB; 0 is no limit."""


@dataclass
class PageAnswer:
    """What the query page needs from one query: the outcome and the labels of its IRIs."""

    form: str
    variables: list
    rows: list
    boolean: bool | None
    truncated: str | None
    labels: dict


class Refusal(Exception):
    """The pool could not answer: the reply to send instead."""

    def __init__(self, reply: Reply):
        super().__init__(reply.body.decode())
        self.reply = reply


def _refusal(status: int, message: str, retry_after: bool = False) -> Refusal:
    headers = {"Retry-After": RETRY_AFTER} if retry_after else {}
    return Refusal(Reply(status, "text/plain", f"{message}\n".encode(), headers))


# --- Jobs: what a worker does (also in-thread with workers=0) ----------------------------


def _run_job(engine: QueryEngine, job: tuple):
    kind = job[0]
    if kind == "answer":
        _, operation, accept, endpoint_url = job
        return engine.answer(operation, accept, endpoint_url)
    if kind == "page":
        _, text, base, lang = job
        try:
            outcome = engine.evaluate(engine.prepare(text, base=base))
        except ProtocolError as error:
            return ("error", error.status, error.message)
        rows = outcome.rows if outcome.form == "SELECT" else []
        if outcome.form in ("CONSTRUCT", "DESCRIBE"):
            rows = in_fixed_order(outcome.graph)
        iris = [term for row in rows for term in row if isinstance(term, URIRef)]
        return PageAnswer(
            outcome.form,
            [str(variable) for variable in outcome.variables],
            [tuple(row) for row in rows],
            outcome.boolean,
            outcome.truncated,
            engine.labels(iris, lang),
        )
    raise ValueError(f"unknown job {kind!r}")


# --- One worker process --------------------------------------------------------------------


class _Worker:
    def __init__(self, engine: QueryEngine, memory_mb: int):
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            status = 1
            try:
                ours.close()
                _worker_main(engine, theirs.detach(), memory_mb)
                status = 0
            finally:
                os._exit(status)
        theirs.close()
        self.pid = pid
        self.connection = Connection(ours.detach())
        self.slowed = False
        self.exit_signal: int | None = None
        """The signal that ended the process, once reaped (SIGABRT: Oxigraph out of memory)."""

    def call(self, job: tuple, timeout: float):
        """The job's result; TimeoutError past ``timeout``, EOFError/OSError if the worker died."""
        self.connection.send(job)
        if not self.connection.poll(min(SLOW, timeout)):
            if timeout <= SLOW:
                raise TimeoutError
            self.slowed = True
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, self.pid, SLOW_NICENESS)
            if not self.connection.poll(timeout - SLOW):
                raise TimeoutError
        return self.connection.recv()

    def restore_priority(self) -> bool:
        """Back to the normal priority, if this process may (else it is replaced)."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.pid, os.getpriority(os.PRIO_PROCESS, 0))
        except OSError:
            return False
        self.slowed = False
        return True

    def alive(self) -> bool:
        try:
            return self.pid is not None and os.waitpid(self.pid, os.WNOHANG) == (0, 0)
        except ChildProcessError:
            return False

    def stop(self) -> None:
        """Terminate (SIGTERM, then SIGKILL) and reap; safe to call twice."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        self.connection.close()
        for sig, wait in ((signal.SIGTERM, GRACE), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                try:
                    done, status = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    return
                if done:
                    if os.WIFSIGNALED(status) and sig == signal.SIGTERM:
                        self.exit_signal = os.WTERMSIG(status)
                    return
                time.sleep(0.01)


def _worker_main(engine: QueryEngine, fd: int, memory_mb: int) -> None:
    for other in _open_fds():
        if other > 2 and other != fd:
            with contextlib.suppress(OSError):
                os.close(other)  # the listening socket, clients' connections, other workers'
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    security.forbid_network()
    if memory_mb > 0:
        _limit_memory(memory_mb)
    connection = Connection(fd)
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return  # the server has gone
        try:
            result = _run_job(engine, job)
        except MemoryError:
            result = error_reply(
                ProtocolError(
                    503,
                    f"the query needed more memory than this endpoint's limit ({memory_mb} MiB)",
                )
            )
            connection.send((_LAST, result))
            return  # start afresh: the heap may be in pieces
        except Exception as error:  # a bug must not kill the worker silently
            log.exception("evaluation failed")
            result = error_reply(ProtocolError(400, f"the query could not be evaluated: {error}"))
        try:
            connection.send(result)
        except (OSError, pickle.PicklingError, TypeError):
            return


def _open_fds() -> list[int]:
    try:
        return [int(entry.name) for entry in Path("/proc/self/fd").iterdir()]
    except OSError:
        return list(range(3, 1024))


def _limit_memory(memory_mb: int) -> None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        current = pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    limit = current + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# --- The pool ----------------------------------------------------------------------------


class EvaluatorPool:
    """Runs jobs on ``limits.workers`` worker processes; see the module docstring."""

    def __init__(self, engine: QueryEngine, limits: Limits = Limits()):
        self.engine = engine
        self.limits = limits
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._waiting = 0
        self._started = False
        self._closed = False
        self.timeouts = 0  # counters, for tests and the load report
        self.replaced = 0
        weakref.finalize(self, _stop_all, self._all)

    def start(self, freeze: bool = False) -> None:
        """Fork the workers now (the server calls this before it starts its threads).

        ``freeze`` moves every object into the collector's permanent generation
        first, so collections (in the server and the workers) do not write to
        the shared heap's pages and copy them; only for a process that serves
        one application until it exits.
        """
        with self._lock:
            if self._started or self.limits.workers <= 0:
                return
            self._started = True
            if freeze:
                gc.freeze()
            for _ in range(self.limits.workers):
                self._idle.put(self._fork())

    def _fork(self) -> _Worker:
        worker = _Worker(self.engine, self.limits.memory_mb)
        self._all.add(worker)
        return worker

    def close(self) -> None:
        with self._lock:
            self._closed = True
        _stop_all(self._all)

    def answer(self, operation: Operation, accept: str | None, endpoint_url: str) -> Reply:
        try:
            return self.run(("answer", operation, accept, endpoint_url))
        except Refusal as refusal:
            return refusal.reply

    def page(self, text: str, base: str, lang: str) -> PageAnswer:
        """The page's answer; ProtocolError for a refused query or a stopped one."""
        try:
            result = self.run(("page", text, base, lang))
        except Refusal as refusal:
            raise ProtocolError(refusal.reply.status, refusal.reply.body.decode().strip()) from None
        if isinstance(result, Reply):  # the worker ran out of memory
            raise ProtocolError(result.status, result.body.decode().strip())
        if isinstance(result, tuple):
            raise ProtocolError(result[1], result[2])
        return result

    def run(self, job: tuple):
        if self.limits.workers <= 0:
            with security.no_network():
                return _run_job(self.engine, job)
        if self._closed:
            raise _refusal(503, "the endpoint is shutting down", retry_after=True)
        self.start()
        worker = self._take()
        try:
            result = worker.call(job, self.limits.timeout)
            if isinstance(result, tuple) and result and result[0] == _LAST:
                worker = self._replace(worker)
                return result[1]
            if worker.slowed and not worker.restore_priority():
                worker = self._replace(worker)
            return result
        except TimeoutError:
            self.timeouts += 1
            worker = self._replace(worker)
            raise _refusal(
                504,
                f"the query ran longer than this endpoint's limit of {self.limits.timeout:g} s "
                "and was stopped; narrow it down (more specific patterns, LIMIT) and try again",
            ) from None
        except (EOFError, OSError):
            worker.stop()
            aborted = worker.exit_signal == signal.SIGABRT
            worker = self._replace(worker)
            if aborted and self.limits.memory_mb > 0:
                # Oxigraph (Rust) aborts the process when an allocation fails, where
                # Python would raise MemoryError: the same answer, from outside.
                raise _refusal(
                    503,
                    "the query needed more memory than this endpoint's limit "
                    f"({self.limits.memory_mb} MiB)",
                ) from None
            raise _refusal(
                503, "the query could not be evaluated: its worker stopped", retry_after=True
            ) from None
        finally:
            self._idle.put(worker)

    def _take(self) -> _Worker:
        with self._lock:
            if self._waiting >= self.limits.queue_size and self._idle.empty():
                raise _refusal(
                    503,
                    f"the endpoint is busy ({self.limits.workers} queries running, "
                    f"{self._waiting} waiting); try again shortly",
                    retry_after=True,
                )
            self._waiting += 1
        try:
            worker = self._idle.get(timeout=self.limits.queue_timeout)
        except queue.Empty:
            raise _refusal(
                503,
                f"the endpoint is busy: no query slot came free within "
                f"{self.limits.queue_timeout:g} s; try again shortly",
                retry_after=True,
            ) from None
        finally:
            with self._lock:
                self._waiting -= 1
        if not worker.alive():  # e.g. killed by the kernel's OOM killer while idle
            worker = self._replace(worker)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop()
        self._all.discard(worker)
        self.replaced += 1
        return self._fork()


def _stop_all(workers: set) -> None:
    for worker in list(workers):
        worker.stop()
    workers.clear()


def current_pool() -> EvaluatorPool:
    return current_app.extensions[EXTENSION]
