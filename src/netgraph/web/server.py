"""Running the application under waitress, a production WSGI server.

:func:`serve` is what ``netgraph serve`` calls: it loads (or builds) the
dataset, binds the port, says where it listens, and serves until interrupted.
:func:`running_server` runs the same server in a background thread for as
long as a ``with`` block lasts, on a free port unless told otherwise; tests
and the benchmark use it.
"""

import errno
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import waitress
from flask import Flask
from waitress import wasyncore
from waitress.task import ThreadedTaskDispatcher

from netgraph.errors import InputError
from netgraph.limits import MALLOC_ARENAS
from netgraph.memory import limit_malloc_arenas
from netgraph.web import create_app
from netgraph.web.evaluator import EXTENSION as POOL

SPARE_THREADS = 4
"""HTTP threads beyond the query slots and their queue: for the page's static files,
the service description and refusals, which never wait for a slot."""

LOOP_ROUND = 0.05
"""Seconds a test server's loop waits for events before it checks whether to stop."""


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    root: Path | None = None,
    dist: Path | None = None,
    load: Sequence[Path] = (),
    announce: Callable[[str], None] = print,
    limits: Mapping[str, object] | None = None,
) -> None:
    """Serve until interrupted (Ctrl+C, SIGTERM); ``announce`` is told the URL first.

    ``limits`` are configuration keys (``NETGRAPH_QUERY_TIMEOUT`` …, see
    :mod:`netgraph.web`); the ones not given keep their defaults.
    """
    limit_malloc_arenas(MALLOC_ARENAS)  # before any thread allocates
    config = {"NETGRAPH_ROOT": root, "NETGRAPH_DIST": dist, "NETGRAPH_LOAD": tuple(load)}
    app = create_app({**config, **(limits or {})})
    pool = app.extensions[POOL]
    pool.start(freeze=True)  # fork the evaluation process while this one has one thread
    try:
        server = _create_server(app, host, port)
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _exit)  # stop as cleanly on SIGTERM as on Ctrl+C
        announce(f"netgraph SPARQL endpoint: {_url(host, server.effective_port)}/sparql")
        announce(f"query page: {_url(host, server.effective_port)}/")
        server.run()  # returns after Ctrl+C or SIGTERM, once the worker threads have stopped
    finally:
        pool.close()  # also when the port is taken: no evaluation process outlives the server


def _exit(signum, frame) -> None:
    raise SystemExit(0)


@contextmanager
def running_server(app: Flask, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` in a thread during the block; yields the base URL (no trailing slash)."""
    socket_map: dict = {}
    server = _create_server(app, host, port, socket_map)
    stop = threading.Event()
    thread = threading.Thread(
        target=_loop_until, args=(socket_map, stop), name="netgraph-waitress", daemon=True
    )
    thread.start()
    try:
        yield _url(host, server.effective_port)
    finally:
        stop.set()
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()


def _loop_until(socket_map: dict, stop: threading.Event) -> None:
    """waitress's loop in short rounds until ``stop``, then every socket closed, all in this
    thread: stopping needs no wake-up through the server's trigger pipe from another thread."""
    try:
        while socket_map and not stop.is_set():
            wasyncore.loop(timeout=LOOP_ROUND, map=socket_map, count=1)
    finally:
        wasyncore.close_all(socket_map)


def _create_server(app: Flask, host: str, port: int, socket_map: dict | None = None):
    socket_map = {} if socket_map is None else socket_map
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(_threads(app))
    try:
        return waitress.create_server(
            app,
            _dispatcher=dispatcher,
            map=socket_map,
            host=host,
            port=port,
            ident="netgraph",
            # waitress refuses larger bodies itself, before they are read
            max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
        )
    except OSError as error:
        # What waitress had opened before the bind failed (its trigger pipe, the socket,
        # the threads) is closed now, not left for the garbage collector at some later time.
        wasyncore.close_all(socket_map)
        dispatcher.shutdown()
        if error.errno == errno.EADDRINUSE:
            raise InputError(
                f"{host}:{port}: address already in use (is a server running?)"
            ) from None
        if error.errno == errno.EADDRNOTAVAIL:
            raise InputError(f"{host}: not an address of this machine") from None
        raise InputError(f"{host}:{port}: cannot listen: {error.strerror or error}") from None


def _threads(app: Flask) -> int:
    """Enough for every running and queued query, so the queue bound is the one that counts."""
    return (
        int(app.config["NETGRAPH_WORKERS"]) + int(app.config["NETGRAPH_QUEUE_SIZE"]) + SPARE_THREADS
    )


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"
