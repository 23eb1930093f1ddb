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

from netgraph.errors import InputError
from netgraph.web import create_app
from netgraph.web.evaluator import EXTENSION as POOL

SPARE_THREADS = 4
"""HTTP threads beyond the evaluation workers and their queue: for the page's static files,
the service description and refusals, which never wait for a worker."""


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
    config = {"NETGRAPH_ROOT": root, "NETGRAPH_DIST": dist, "NETGRAPH_LOAD": tuple(load)}
    app = create_app({**config, **(limits or {})})
    pool = app.extensions[POOL]
    pool.start(freeze=True)  # fork the workers while this process has one thread
    server = _create_server(app, host, port)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit)  # stop as cleanly on SIGTERM as on Ctrl+C
    announce(f"netgraph SPARQL endpoint: {_url(host, server.effective_port)}/sparql")
    announce(f"query page: {_url(host, server.effective_port)}/")
    try:
        server.run()  # returns after Ctrl+C or SIGTERM, once the worker threads have stopped
    finally:
        pool.close()


def _exit(signum, frame) -> None:
    raise SystemExit(0)


@contextmanager
def running_server(app: Flask, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` in a thread during the block; yields the base URL (no trailing slash)."""
    socket_map: dict = {}
    server = _create_server(app, host, port, socket_map)
    thread = threading.Thread(target=server.run, name="netgraph-waitress", daemon=True)
    thread.start()
    try:
        yield _url(host, server.effective_port)
    finally:
        # Close every socket from inside the server's own loop (closing them from
        # here would pull them from under its select()); with none left, run() returns.
        server.trigger.pull_trigger(lambda: wasyncore.close_all(socket_map))
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()


def _create_server(app: Flask, host: str, port: int, socket_map: dict | None = None):
    try:
        return waitress.create_server(
            app,
            map=socket_map,
            host=host,
            port=port,
            threads=_threads(app),
            ident="netgraph",
            # waitress refuses larger bodies itself, before they are read
            max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
        )
    except OSError as error:
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
