"""Evaluating queries in one evaluation process with a thread per query slot, with a time limit.

Python cannot interrupt a thread, and neither Oxigraph nor rdflib can be told
to stop a query, so a runaway query (a cartesian product over the whole
dataset) would hold a core for as long as it likes. Here every query runs in
the **evaluation process** instead, which the server can kill:

- It is made with ``os.fork()``: it shares the loaded, read-only dataset with
  the server copy-on-write (the heap is ``gc.freeze()``-d first, so the
  collector does not touch and copy it), closes every inherited file
  descriptor but its own sockets (never a client's connection), ignores
  Ctrl+C (the server stops it), refuses outbound connections
  (:func:`netgraph.web.security.forbid_network`) and, if configured, limits
  its address space so that queries that need too much memory fail there.
- It runs one thread per query slot (``workers``), each serving one socket
  pair. Threads, not one process per slot, so that the slots share one copy
  of the build's store and its caches: an on-disk Oxigraph store (RocksDB)
  grows by about 100 MiB of caches in each process that reads it at a million
  triples. Oxigraph releases the GIL while it evaluates, so the slots evaluate
  in parallel; the rdflib engine, pure Python, does not.
- A request takes an idle slot (waiting at most ``queue_timeout`` seconds,
  and only if fewer than ``queue_size`` requests wait already: else ``503``
  with ``Retry-After``), sends it the job and waits for the reply, already
  serialised to bytes, at most ``timeout`` seconds.
- A query still running after :data:`SLOW` seconds has its thread's CPU
  priority lowered (nice 10; Linux keeps a nice value per thread), so that
  ordinary queries in the other slots keep the CPU; afterwards the priority
  is restored, or, where the system does not allow that, the thread is
  retired and a fresh one takes over its slot.
- Past the time limit the process is stopped (SIGTERM, then SIGKILL after
  :data:`GRACE` seconds), reaped, and a fresh one forked in its place; the
  client gets ``504``. All the process's memory goes with it. Queries of the
  other slots that were stopped with it are sent again, once, to the new
  process, within what is left of their own time limit.

So at most ``workers`` queries evaluate at once, whatever the number of HTTP
threads. ``workers=0`` evaluates in the request thread instead, without a time
limit: only for measuring the pool's overhead (``bench/load.py --overhead``).
"""

import contextlib
import gc
import logging
import os
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
from netgraph.memory import return_free_memory
from netgraph.sparql_protocol import Operation, ProtocolError
from netgraph.web import security
from netgraph.web.engine import QueryEngine, Reply, bytes_cut, error_reply, leading_within
from netgraph.web.results import in_fixed_order

log = logging.getLogger(__name__)

EXTENSION = "netgraph.evaluator"
GRACE = 0.5
"""Seconds the process past the time limit has to exit on SIGTERM before SIGKILL."""
SLOW = 1.0
"""Seconds after which a query counts as slow: its thread runs at a lower CPU priority
(nice 10) from then on, so ordinary queries in the other slots keep the CPU."""
SLOW_NICENESS = 10
TRIM_AFTER = 0.1
"""Seconds of work after which a slot gives the memory its query freed back to the system
(``malloc_trim``, 0.2-3 ms at a million triples, after the reply is sent): glibc keeps
what heavy queries free, and at a million triples the evaluation process peaked some
20-50 MiB higher without it."""
RETRY_AFTER = "2"
HELLO_SECONDS = 10.0
"""How long a slot's new thread may take to report its thread id."""
_LAST = "last reply"
"""Tags a reply after which the process is to be replaced (the server does so at once)."""
_RETIRE = ("retire",)
"""The job that ends a slot's thread; the process starts a fresh one for the slot."""


@dataclass(frozen=True)
class Limits:
    timeout: float = limits.QUERY_TIMEOUT_SECONDS
    workers: int = limits.WORKERS
    queue_size: int = limits.QUEUE_SIZE
    queue_timeout: float = limits.QUEUE_TIMEOUT_SECONDS
    memory_mb: int = limits.WORKER_MEMORY_MB
    """Address space each slot adds to what the evaluation process may use beyond what
    it inherits, in MiB; 0 is no limit."""


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
            outcome = engine.evaluate(engine.start(text, base))
        except ProtocolError as error:
            return ("error", error.status, error.message)
        rows = outcome.rows if outcome.form == "SELECT" else []
        if outcome.form in ("CONSTRUCT", "DESCRIBE"):
            rows = in_fixed_order(outcome.graph)
        # The page cuts its table at the byte limit (netgraph.web.query_page); a row's text
        # is less than its HTML, so the rows cut here are ones the page would cut too, and
        # they never leave this process.
        rows, cut = leading_within(rows, _text_bytes, engine.max_bytes)
        iris = [term for row in rows for term in row if isinstance(term, URIRef)]
        return PageAnswer(
            outcome.form,
            [str(variable) for variable in outcome.variables],
            [tuple(row) for row in rows],
            outcome.boolean,
            bytes_cut(engine.max_bytes) if cut else outcome.truncated,
            engine.labels(iris, lang),
        )
    raise ValueError(f"unknown job {kind!r}")


def _text_bytes(row: tuple) -> int:
    return sum(len(str(term).encode()) for term in row if term is not None)


# --- The evaluation process ----------------------------------------------------------------


class _Slot:
    """One query slot: a socket pair to the thread that serves it in the evaluation process."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.thread_id: int | None = None
        """The native id of the thread serving this slot, which it sends when it starts."""
        self.slowed = False

    def call(self, job: tuple, timeout: float):
        """The job's result; TimeoutError past ``timeout``, EOFError/OSError if the process died."""
        self._await_thread()
        self.connection.send(job)
        if not self.connection.poll(max(min(SLOW, timeout), 0)):
            if timeout <= SLOW:
                raise TimeoutError
            self.slowed = True
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, self.thread_id, SLOW_NICENESS)
            if not self.connection.poll(timeout - SLOW):
                raise TimeoutError
        return self.connection.recv()

    def _await_thread(self) -> None:
        if self.thread_id is None:
            if not self.connection.poll(HELLO_SECONDS):
                raise OSError("the evaluation thread did not start")
            self.thread_id = self.connection.recv()

    def restore_priority(self) -> None:
        """Back to the normal priority; where this process may not, a fresh thread."""
        self.slowed = False
        try:
            os.setpriority(os.PRIO_PROCESS, self.thread_id, os.getpriority(os.PRIO_PROCESS, 0))
        except OSError:
            self.thread_id = None
            with contextlib.suppress(OSError):  # else the process has gone: no thread to retire
                self.connection.send(_RETIRE)


class _Evaluator:
    """The evaluation process, forked with one socket pair per slot."""

    def __init__(self, engine: QueryEngine, slots: int, memory_mb: int):
        pairs = [socket.socketpair() for _ in range(slots)]
        pid = os.fork()
        if pid == 0:  # the child: never returns
            status = 1
            try:
                for ours, _ in pairs:
                    ours.close()
                _evaluator_main(engine, [theirs.detach() for _, theirs in pairs], memory_mb)
                status = 0
            finally:
                os._exit(status)
        self.pid: int | None = pid
        self.slots = []
        for ours, theirs in pairs:
            theirs.close()
            self.slots.append(_Slot(Connection(ours.detach())))
        self.exit_signal: int | None = None
        """The signal that ended the process, once reaped (SIGABRT: Oxigraph out of memory)."""
        self.in_flight = 0
        """Jobs sent and not yet answered (the pool's lock guards it)."""
        self.stopped = False
        """Whether the pool stopped it for one query's sake (the pool's lock guards it)."""

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
        for slot in self.slots:
            slot.connection.close()
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


def _evaluator_main(engine: QueryEngine, fds: list[int], memory_mb: int) -> None:
    for other in _open_fds():
        if other > 2 and other not in fds:
            with contextlib.suppress(OSError):
                os.close(other)  # the listening socket, clients' connections
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    security.forbid_network()
    ended: queue.Queue[Connection | None] = queue.Queue()
    """What each slot's thread leaves when it ends: its connection, to be served by a
    fresh thread, or None when the slot is done (the server has gone)."""
    for fd in fds:
        _start_thread(engine, Connection(fd), ended)
    if memory_mb > 0:
        _limit_memory(memory_mb * len(fds))  # after the threads' stacks are mapped
    serving = len(fds)
    while serving:
        connection = ended.get()
        if connection is None:
            serving -= 1
        else:
            _start_thread(engine, connection, ended)  # at this thread's (normal) priority


def _start_thread(engine: QueryEngine, connection: Connection, ended: queue.Queue) -> None:
    thread = threading.Thread(
        target=_serve_slot, args=(engine, connection, ended), name="slot", daemon=True
    )
    thread.start()


def _serve_slot(engine: QueryEngine, connection: Connection, ended: queue.Queue) -> None:
    successor = None
    try:
        connection.send(threading.get_native_id())
        while True:
            job = connection.recv()
            if job == _RETIRE:
                successor = connection
                return
            started = time.monotonic()
            connection.send(_result_of(engine, job))
            if time.monotonic() - started >= TRIM_AFTER:
                return_free_memory()
    except (EOFError, OSError):
        pass  # the server has gone, or replaces this process
    finally:  # whatever ended the thread, the process's main thread learns of it
        ended.put(successor)


def _result_of(engine: QueryEngine, job: tuple):
    try:
        return _run_job(engine, job)
    except MemoryError:
        return (_LAST,)  # the heap may be in pieces: the server starts afresh
    except Exception:  # a bug must not end the slot silently; its details go to the log only
        log.exception("evaluation failed")
        return error_reply(ProtocolError(400, UNFORESEEN))


UNFORESEEN = "the query could not be evaluated: this endpoint failed on it (the failure is logged)"


def _memory_message(memory_mb: int) -> str:
    return f"the query needed more memory than this endpoint's limit ({memory_mb} MiB)"


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
    """Runs jobs in the evaluation process, ``limits.workers`` at once; see the module docstring."""

    def __init__(self, engine: QueryEngine, limits: Limits = Limits()):
        self.engine = engine
        self.limits = limits
        self.process: _Evaluator | None = None
        self._idle: queue.Queue[int] = queue.Queue()
        self._lock = threading.Lock()
        self._waiting = 0
        self._started = False
        self._closed = False
        self.timeouts = 0  # counters, for tests and the load report
        self.replaced = 0
        self.resent = 0
        self._running: set[_Evaluator] = set()
        weakref.finalize(self, _stop_all, self._running)

    def start(self, freeze: bool = False) -> None:
        """Fork the evaluation process now (the server calls this before it starts its threads).

        ``freeze`` moves every object into the collector's permanent generation
        first, so collections (in the server and the evaluation process) do not
        write to the shared heap's pages and copy them; only for a process that
        serves one application until it exits.
        """
        with self._lock:
            if self._started or self.limits.workers <= 0:
                return
            self._started = True
            if freeze:
                gc.freeze()
            self.process = self._fork()
            for index in range(self.limits.workers):
                self._idle.put(index)

    def _fork(self) -> _Evaluator:
        process = _Evaluator(self.engine, self.limits.workers, self.limits.memory_mb)
        self._running.add(process)
        return process

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self.process = None
        _stop_all(self._running)

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
        if isinstance(result, Reply):  # out of memory
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
        index = self._take()
        deadline = time.monotonic() + self.limits.timeout
        try:
            return self._run_in_slot(index, job, deadline)
        finally:
            self._idle.put(index)

    def _run_in_slot(self, index: int, job: tuple, deadline: float):
        for attempt in (1, 2):
            process = self._current()
            slot = process.slots[index]
            with self._lock:
                process.in_flight += 1
            try:
                result = slot.call(job, deadline - time.monotonic())
            except TimeoutError:
                self.timeouts += 1
                self._replace(process, stopped=True)
                raise _refusal(
                    504,
                    f"the query ran longer than this endpoint's limit of "
                    f"{self.limits.timeout:g} s and was stopped; narrow it down "
                    "(more specific patterns, LIMIT) and try again",
                ) from None
            except (EOFError, OSError):
                # Stopped for another slot's query, or ended by another's (Oxigraph
                # aborts on a failed allocation): then this query is sent once more,
                # to the fresh process. Alone in the process, it ended it itself.
                with self._lock:
                    innocent = process.stopped or process.in_flight > 1
                self._replace(process)
                if innocent and attempt == 1 and time.monotonic() < deadline:
                    self.resent += 1
                    continue
                if process.exit_signal == signal.SIGABRT and self.limits.memory_mb > 0:
                    # Oxigraph (Rust) aborts the process when an allocation fails, where
                    # Python would raise MemoryError: the same answer, from outside.
                    raise _refusal(503, _memory_message(self.limits.memory_mb)) from None
                raise _refusal(
                    503, "the query could not be evaluated: its process stopped", retry_after=True
                ) from None
            finally:
                with self._lock:
                    process.in_flight -= 1
            if isinstance(result, tuple) and result and result[0] == _LAST:
                self._replace(process, stopped=True)
                return error_reply(ProtocolError(503, _memory_message(self.limits.memory_mb)))
            if slot.slowed:
                slot.restore_priority()
            return result
        raise AssertionError("unreachable")

    def _current(self) -> _Evaluator:
        """The evaluation process, a fresh one if it died while idle (e.g. the OOM killer)."""
        process = self.process
        if process is None or not process.alive():
            self._replace(process)
        if self.process is None:
            raise _refusal(503, "the endpoint is shutting down", retry_after=True)
        return self.process

    def _replace(self, process: _Evaluator | None, stopped: bool = False) -> None:
        """Stop ``process`` and fork its successor, unless another request did so already.

        ``stopped``: for one query's sake (time or memory), so the others it ran were innocent.
        """
        with self._lock:
            if self.process is not process:
                return
            if process is not None:
                process.stopped = stopped
            self.process = None if self._closed else self._fork()
            if process is None:
                return
            self._running.discard(process)
            self.replaced += 1
        process.stop()  # outside the lock: other requests need not wait for it

    def _take(self) -> int:
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
            return self._idle.get(timeout=self.limits.queue_timeout)
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


def _stop_all(processes: set) -> None:
    for process in list(processes):
        process.stop()
    processes.clear()


def current_pool() -> EvaluatorPool:
    return current_app.extensions[EXTENSION]
