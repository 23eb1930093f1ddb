"""Web hygiene and the no-network guard, in one place for the whole application.

:func:`add_headers` runs after every request (registered once, app-wide, in
:func:`netgraph.web.create_app`): every response gets
``X-Content-Type-Options: nosniff`` and ``Access-Control-Allow-Origin: *`` (all
of it is public and read-only, and never sent with credentials; an error such
as a 405 must be readable by a browser client too); every HTML response also gets
:data:`HTML_HEADERS` (a strict Content-Security-Policy: scripts, styles and
images from the server only, no framing, forms post to the server only; and a
same-origin Referrer-Policy). Views do not set these themselves.

:func:`no_network` is a guard against outbound requests: while it is active in
a thread (or everywhere in a process, :func:`forbid_network`), opening a
connection, resolving a host name or building a ``urllib`` request raises
:class:`PermissionError`. The service loads its RDF files under it (so a
JSON-LD ``@context`` or an ``owl:imports`` is never fetched) and the evaluation
process runs under it for its whole life. It is a Python audit hook
(:func:`sys.addaudithook`), so it catches rdflib, urllib and raw sockets alike;
the evaluation process also leaves the host's network (a network namespace of
its own), since Oxigraph connects from Rust, where no audit hook reaches.
The one exception is the remote SPARQL store of ``netgraph serve --store``, whose
host and port :func:`allow` lets through.
"""

import ctypes
import logging
import os
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Response

log = logging.getLogger(__name__)

HTML_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "same-origin",
}
_OUTBOUND_EVENTS = frozenset(
    {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"}
)


def add_headers(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Access-Control-Allow-Origin"] = "*"
    if response.mimetype == "text/html":
        for name, value in HTML_HEADERS.items():
            response.headers.setdefault(name, value)
    return response


# --- No outbound requests -------------------------------------------------------------

_state = threading.local()
_process = {"everywhere": False, "installed": False}
_install_lock = threading.Lock()


class OutboundRequestRefused(PermissionError):
    pass


_allowed: set[tuple[str, int]] = set()
"""(host or address, port) that may be reached all the same: the remote SPARQL store
served from (``netgraph serve --store``), and nothing else."""


def allow(host: str, port: int) -> None:
    """Let connections to ``host``:``port`` through the guard, by name and by every address
    the name resolves to now (resolved here, before the evaluation process forbids resolving)."""
    _allowed.add((host, port))
    for *_, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        _allowed.add((str(address[0]), port))


def _permitted(event: str, args: tuple) -> bool:
    if event == "socket.getaddrinfo" and len(args) >= 2:
        return (str(args[0]), args[1]) in _allowed
    if event == "socket.connect" and len(args) >= 2 and isinstance(args[1], tuple):
        return (str(args[1][0]), args[1][1]) in _allowed
    return False


def _audit(event: str, args: tuple) -> None:
    if (
        event in _OUTBOUND_EVENTS
        and (_process["everywhere"] or getattr(_state, "active", 0))
        and not _permitted(event, args)
    ):
        raise OutboundRequestRefused(
            f"netgraph never makes outbound requests (refused {event} {_target(args)})"
        )


def _target(args: tuple) -> str:
    if len(args) >= 2 and isinstance(args[1], tuple):
        return str(args[1][:2])
    return str(args[0])[:200] if args else ""


def _install() -> None:
    with _install_lock:
        if not _process["installed"]:
            sys.addaudithook(_audit)  # cannot be removed; costs a set lookup per audit event
            _process["installed"] = True


@contextmanager
def no_network() -> Iterator[None]:
    """Refuse every outbound connection from this thread during the block."""
    _install()
    _state.active = getattr(_state, "active", 0) + 1
    try:
        yield
    finally:
        _state.active -= 1


def forbid_network() -> None:
    """Refuse every outbound connection in this process from now on (the evaluation process).

    The audit hook sees only what Python does, and Oxigraph's SERVICE client connects
    from Rust. So where no remote store is allowed, the process also leaves the host's
    network for a network namespace of its own, which has only a loopback interface
    that is down: whatever the query checks miss, a connection fails there. Call it
    while the process has a single thread (an unprivileged user namespace needs that).
    """
    _install()
    _process["everywhere"] = True
    if not _allowed:
        _leave_network()


_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000


def _leave_network() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    # As root a network namespace alone; otherwise inside a user namespace, where the
    # kernel allows those unprivileged (Debian does).
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return
    log.warning(
        "the evaluation process could not leave the network (unshare: %s); "
        "only the query checks keep SERVICE from connecting",
        os.strerror(ctypes.get_errno()),
    )
