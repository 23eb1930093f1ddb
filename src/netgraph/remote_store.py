"""Serving from a remote SPARQL 1.1 store: ``netgraph serve --store sparql+http://HOST:PORT/path``.

:class:`RemoteEngine` is an engine like :class:`netgraph.engines.OxigraphEngine`,
whose checks it inherits: the query is refused (``SERVICE``, an update, too
deep, too long) or parsed by Oxigraph in this process *before* anything is
sent, so the store never sees what the embedded engine would refuse, and a
syntax error is the same 400. Only evaluation goes to the store, through the
SPARQL Protocol (a form POST asking for SPARQL JSON results or N-Triples); the
answer is parsed by pyoxigraph while it streams in and becomes the same
:class:`~netgraph.web.engine.Outcome` as the embedded engine's, so the writers, the row
and byte limits, the pool, the cache and the query page are unchanged. Labels
and the service description still come from the locally built dataset.

**The dataset.** Stores differ in what their default graph is (Oxigraph
server: only the unnamed graph, unless started with
``--union-default-graph``), so nothing is left to the store: a query naming no
dataset is sent with a ``default-graph-uri`` *and* a ``named-graph-uri`` for
each published graph, which is the embedded engine's dataset (the default
graph their union, each addressable by name) on any store. A query's own
``FROM``/``FROM NAMED`` and the client's ``default-graph-uri`` /
``named-graph-uri`` are passed on as they are. The query is sent with the
project prefixes and ``BASE <the endpoint URL>`` prepended on one line, so
relative IRIs resolve as on the embedded engine.

**Failures** name the store and never wait past the query time limit: every
call has one deadline (:data:`TIME_SHARE` of the limit, so the engine's own
504 comes before the pool stops the evaluation process) that bounds connecting, sending
and every read. Unreachable, an HTTP error, or an answer that is not what
was asked for: 502; past the deadline: 504. A connection whose answer was read
to the end is kept for the next query (:class:`KeptConnections`).
"""

import io
import os
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.client import HTTPConnection, HTTPException, HTTPResponse, HTTPSConnection
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
from rdflib import Dataset

from netgraph import limits
from netgraph.engines import OxigraphEngine, OxigraphQuery, to_outcome
from netgraph.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from netgraph.sparql_protocol import FORM, ProtocolError
from netgraph.web.engine import Outcome

SCHEMES = {"sparql+http": "http", "sparql+https": "https"}
PUBLISHED_GRAPHS = (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED)
"""What ``netgraph publish`` puts into a store, and so the dataset a query is sent with."""
TIME_SHARE = 0.8
"""The part of the query time limit a call to the store may take: the rest is for parsing,
writing and the pool, so the 504 that names the store arrives before the pool's own."""
RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
_ACCEPTED = {RESULTS_JSON: (RESULTS_JSON, "application/json"), N_TRIPLES: (N_TRIPLES, "text/plain")}
_MESSAGE_CHARS = 300
_UNSAFE_IN_IRI = frozenset('<>"{}|^`\\ \t\r\n')


class StoreError(Exception):
    """The store could not be reached or did not answer as asked; the message names it."""


class StoreTimeout(StoreError):
    """The store did not answer before the deadline."""


def store_url(url: str) -> str:
    """The store's query endpoint as an http(s) URL, from ``sparql+http(s)://HOST:PORT/path``.

    The scheme says that a SPARQL endpoint is meant, not a file or a database
    folder; ValueError names what is wrong.
    """
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in SCHEMES or not rest:
        raise ValueError(f"{url!r} is not a sparql+http:// or sparql+https:// URL")
    plain = f"{SCHEMES[scheme.lower()]}://{rest}"
    parts = urlsplit(plain)
    try:
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
    except ValueError:
        raise ValueError(f"{url!r}: the port is not a number") from None
    if not parts.hostname:
        raise ValueError(f"{url!r} names no host")
    return plain


def http_url(url: str) -> str:
    """``url`` itself when it is an http(s) URL with a host (``netgraph publish --to``)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http:// or https:// URL")
    return url


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


# --- One HTTP exchange with a deadline ---------------------------------------------------


class StoreReply(io.RawIOBase):
    """The store's answer, read against the call's deadline (pyoxigraph parses from it)."""

    def __init__(self, url: str, response: HTTPResponse, sock: socket.socket, deadline: float):
        super().__init__()
        self.url = url
        self.response = response
        self._sock = sock
        self._deadline = deadline
        self.failure: StoreError | None = None
        """What stopped a read: pyoxigraph reports it as its own error, this says what it was."""

    @property
    def status(self) -> int:
        return self.response.status

    @property
    def media_type(self) -> str:
        return (self.response.getheader("Content-Type") or "").split(";")[0].strip().lower()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            self._sock.settimeout(_remaining(self._deadline, self.url))
            return self.response.readinto(buffer)
        except StoreError as error:
            self.failure = error
            raise
        except (OSError, HTTPException) as error:
            self.failure = _failure(self.url, error, self._deadline)
            raise self.failure from None

    def check(self, *media_types: str) -> None:
        """StoreError unless the answer is a success in one of ``media_types``."""
        if self.status >= 300:
            message = _one_line(self.read(_MESSAGE_CHARS).decode("utf-8", errors="replace"))
            reason = f": {message}" if message else ""
            raise StoreError(
                f"the SPARQL store at {self.url} answered {self.status} "
                f"{self.response.reason}{reason}"
            )
        if media_types and self.media_type not in media_types:
            raise StoreError(
                f"the SPARQL store at {self.url} answered {self.media_type or 'no media type'}, "
                f"not {media_types[0]}"
            )


class KeptConnections(threading.local):
    """Connections left open after a query for the next one, so that a query costs no TCP
    (or TLS) handshake: one per store and thread, in this process only.

    The forked evaluation process has closed the descriptors it inherited
    (:mod:`netgraph.web.evaluator`), so it forgets its parent's connections,
    detached rather than closed: by then their descriptor numbers may belong to
    other files.
    """

    def __init__(self):
        self._pid = os.getpid()
        self._open: dict[tuple, HTTPConnection] = {}

    def take(self, key: tuple) -> HTTPConnection | None:
        if self._pid != os.getpid():
            for connection in self._open.values():
                if connection.sock is not None:
                    connection.sock.detach()
            self._open, self._pid = {}, os.getpid()
        return self._open.pop(key, None)

    def keep(self, key: tuple, connection: HTTPConnection) -> None:
        self._open[key] = connection


@contextmanager
def exchange(
    url: str,
    method: str,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    kept: KeptConnections | None = None,
) -> Iterator[StoreReply]:
    """One request to the store; every step of it ends within ``timeout`` seconds.

    With ``kept``, an open connection is reused and kept again once its answer has been
    read to the end; one the store has closed meanwhile is replaced, once (a query is
    safe to send again). Any other connection is closed afterwards.
    """
    deadline = time.monotonic() + timeout
    parts = urlsplit(url)
    host, port = address(url)
    key = (parts.scheme, host, port)
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    connection = kept.take(key) if kept is not None else None
    reused = connection is not None
    finished = False
    try:
        while True:
            try:
                if connection is None:
                    connection = _connect(parts.scheme, host, port, _remaining(deadline, url))
                sock = connection.sock  # the response takes it over if the store closes after it
                sock.settimeout(_remaining(deadline, url))
                connection.request(method, target, body, headers)
                response = connection.getresponse()
                break
            except StoreError:
                raise
            except (OSError, HTTPException) as error:
                if connection is not None:
                    connection.close()
                if reused and isinstance(error, ConnectionError):  # the store closed it, idle
                    connection, reused = None, False
                    continue
                connection = None
                raise _failure(url, error, deadline) from None
        yield StoreReply(url, response, sock, deadline)
        finished = kept is not None and response.isclosed() and not response.will_close
    finally:
        if finished:
            kept.keep(key, connection)
        elif connection is not None:
            connection.close()


def _connect(scheme: str, host: str, port: int, timeout: float) -> HTTPConnection:
    connection_class = HTTPSConnection if scheme == "https" else HTTPConnection
    connection = connection_class(host, port, timeout=timeout)
    connection.connect()
    # http.client writes the headers and the body apart: no Nagle wait for the second
    connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return connection


def _remaining(deadline: float, url: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise StoreTimeout(f"the SPARQL store at {url} did not answer in time")
    return left


def _failure(url: str, error: Exception, deadline: float) -> StoreError:
    if isinstance(error, TimeoutError) or time.monotonic() >= deadline:
        return StoreTimeout(f"the SPARQL store at {url} did not answer in time")
    if isinstance(error, ConnectionRefusedError):
        return StoreError(f"the SPARQL store at {url} is unreachable: connection refused")
    if isinstance(error, socket.gaierror):
        return StoreError(f"the SPARQL store at {url} is unreachable: unknown host")
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return StoreError(f"the SPARQL store at {url} failed: {_one_line(reason)}")


def _one_line(text: str) -> str:
    return " ".join(text.split())[:_MESSAGE_CHARS]


# --- The engine ------------------------------------------------------------------------


class RemoteEngine(OxigraphEngine):
    """SPARQL evaluated by a remote store; checks, parsing and labels stay in this process."""

    name = "remote"

    def __init__(
        self,
        dataset: Dataset,
        url: str,
        timeout: float = limits.QUERY_TIMEOUT_SECONDS,
        max_rows: int = limits.MAX_ROWS,
        max_bytes: int = limits.MAX_BYTES,
        max_query_length: int = limits.MAX_QUERY_LENGTH,
    ):
        # An empty store: the inherited ``prepare`` parses on one already, nothing is loaded.
        super().__init__(dataset, ox.Store(), max_rows, max_bytes, max_query_length)
        self.url = store_url(url)
        self._kept = KeptConnections()
        self.timeout = timeout
        """Seconds one call to the store may take, all told (the server gives it
        :data:`TIME_SHARE` of its query time limit)."""

    def evaluate(
        self,
        query: OxigraphQuery,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> Outcome:
        fields = [
            ("query", _with_base(query)),
            *_dataset(query, default_graph_uris, named_graph_uris),
        ]
        wanted = RESULTS_JSON if query.form in ("SELECT", "ASK") else N_TRIPLES
        headers = {"Content-Type": FORM, "Accept": wanted}
        started = time.perf_counter()
        try:
            with exchange(
                self.url, "POST", urlencode(fields).encode(), headers, self.timeout, self._kept
            ) as reply:
                reply.check(*_ACCEPTED[wanted])
                outcome = self._read(query.form, reply)
        except StoreTimeout as error:
            raise ProtocolError(
                504, f"{error} (waited {self.timeout:g} s, within this endpoint's time limit)"
            ) from None
        except StoreError as error:
            raise ProtocolError(502, str(error)) from None
        return self._finished(outcome, started)

    def _read(self, form: str, reply: StoreReply) -> Outcome:
        """The answer parsed while it streams in, at most one row over the limit read."""
        try:
            if form in ("SELECT", "ASK"):
                result = ox.parse_query_results(reply, ox.QueryResultsFormat.JSON)
                expected = ox.QuerySolutions if form == "SELECT" else ox.QueryBoolean
                if not isinstance(result, expected):
                    raise ValueError(f"a {form} query was answered with another kind of result")
            else:
                result = ox.parse(reply, ox.RdfFormat.N_TRIPLES)
            return to_outcome(form, result, self.max_rows + 1)
        except (SyntaxError, ValueError, OSError) as error:
            if reply.failure is not None:
                raise reply.failure from None
            kind = "SPARQL JSON results" if form in ("SELECT", "ASK") else "N-Triples"
            raise StoreError(
                f"the SPARQL store at {self.url} answered with something other than "
                f"{kind}: {_one_line(str(error))}"
            ) from None


def _with_base(query: OxigraphQuery) -> str:
    """The query as the store gets it: the endpoint URL as its base, added to the prologue's
    line, so that the lines after it stay those of the query as sent."""
    if not query.base or _UNSAFE_IN_IRI.intersection(query.base):
        return query.text
    return f"BASE <{query.base}> {query.text}"


def _dataset(
    query: OxigraphQuery, default_graph_uris: Sequence[str], named_graph_uris: Sequence[str]
) -> list[tuple[str, str]]:
    if not (default_graph_uris or named_graph_uris):
        if query.has_dataset:
            return []  # FROM / FROM NAMED: the query's own dataset, as on the embedded engine
        default_graph_uris = named_graph_uris = PUBLISHED_GRAPHS
    return [
        *(("default-graph-uri", iri) for iri in default_graph_uris),
        *(("named-graph-uri", iri) for iri in named_graph_uris),
    ]
