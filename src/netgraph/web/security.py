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
(:func:`sys.addaudithook`), so it catches rdflib, urllib and raw sockets alike.
The one exception is the remote SPARQL store of ``netgraph serve --store``, whose
host and port :func:`allow` lets through.
"""

import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Response

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
    """Refuse every outbound connection in this process from now on (the evaluation process)."""
    _install()
    _process["everywhere"] = True
