"""Queries never make the server fetch anything: a loopback listener sees no connection.

Every query or file that would reach the listener if the server followed it
(SERVICE, FROM, FROM NAMED, the protocol's graph parameters, LOAD, a remote
JSON-LD @context, owl:imports) is sent, through the Flask client and a live
server; then the listener must have no connection waiting (a bounded wait).
"""

import contextlib
import json
import os
import re
import select
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netgraph import engines
from netgraph.errors import InputError
from netgraph.sparql_protocol import ProtocolError
from netgraph.web import security
from netgraph.web.server import running_server

WAIT = 0.5


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP listener on a free loopback port that nobody should ever connect to."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    try:
        yield sock
    finally:
        sock.close()


def assert_untouched(listener: socket.socket) -> None:
    readable, _, _ = select.select([listener], [], [], WAIT)
    assert readable == [], "the server connected to the listener"


def queries(port: int) -> list[tuple[dict, int]]:
    """(query-string parameters, expected status) for GET /sparql."""
    here = f"http://127.0.0.1:{port}"
    return [
        ({"query": f"SELECT * WHERE {{ SERVICE <{here}/sparql> {{ ?s ?p ?o }} }}"}, 403),
        ({"query": f"SELECT * WHERE {{ SERVICE SILENT <{here}/sparql> {{ ?s ?p ?o }} }}"}, 403),
        ({"query": f"SELECT * FROM <{here}/g> WHERE {{ ?s ?p ?o }}"}, 200),
        ({"query": f"SELECT * FROM NAMED <{here}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}, 200),
        ({"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": f"{here}/g"}, 200),
        (
            {
                "query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
                "named-graph-uri": f"{here}/g",
            },
            200,
        ),
        ({"query": f"DESCRIBE <{here}/thing>"}, 200),
        # Oxigraph needs no space before a keyword: each of these calls the service
        ({"query": f"SELECT * WHERE {{ ?s ?p 30SERVICE <{here}/s> {{ ?a ?b ?c }} }}"}, 403),
        ({"query": f"SELECT * WHERE {{ ?s ?p trueSERVICE <{here}/s> {{ ?a ?b ?c }} }}"}, 403),
        ({"query": f"SELECT * WHERE {{ ?s ?p ?o.SERVICE <{here}/s> {{ ?a ?b ?c }} }}"}, 403),
        ({"query": f"SELECT * WHERE {{ ?s ?p ?o;SERVICE <{here}/s> {{ ?a ?b ?c }} }}"}, 403),
        ({"query": f"PREFIX : <{here}/> SELECT * WHERE {{ SERVICE:s {{ ?a ?b ?c }} }}"}, 403),
        ({"query": f"PREFIX e: <{here}/> SELECT * WHERE {{ SERVICEe:s {{ ?a ?b ?c }} }}"}, 403),
        # a local name never starts with a dot: org: is the object, then SERVICE
        ({"query": f"SELECT * WHERE {{ ?s ?p org:.SERVICE <{here}/s> {{ ?a ?b ?c }} }}"}, 403),
        # "<" as less-than, which the lexical check takes for an IRI up to "#>"
        (
            {
                "query": f"PREFIX : <{here}/> SELECT * WHERE {{ FILTER(1<2)SERVICE:s#>\n"
                "{ ?a ?b ?c } }"
            },
            403,
        ),
        (
            {
                "query": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS "
                f"{{ ?s ?p 1.5SERVICE <{here}/s> {{ ?a ?b ?c }} }} }}"
            },
            403,
        ),
        ({"query": f"LOAD <{here}/data.ttl>"}, 403),
        ({"query": f"LOAD SILENT <{here}/data.ttl> INTO GRAPH <{here}/g>"}, 403),
        ({"update": f"LOAD <{here}/data.ttl>"}, 403),
    ]


def test_no_query_reaches_the_network(client, listener):
    port = listener.getsockname()[1]
    for params, status in queries(port):
        response = client.get("/sparql", query_string=params)
        assert response.status_code == status, params
        if status == 200 and params["query"].startswith("SELECT"):
            assert json.loads(response.data)["results"]["bindings"] == [], params
    update = client.post(
        "/sparql",
        data=f"LOAD <http://127.0.0.1:{port}/data.ttl>".encode(),
        content_type="application/sparql-update",
    )
    assert update.status_code == 403
    assert b"read-only" in update.data
    assert_untouched(listener)


def test_refusals_name_the_reason(client, listener):
    port = listener.getsockname()[1]
    service, _ = queries(port)[0]
    assert client.get("/sparql", query_string=service).data == (
        b"SERVICE (federated query) is not allowed: this endpoint never makes requests\n"
    )
    load = client.get("/sparql", query_string={"query": f"LOAD <http://127.0.0.1:{port}/x>"})
    assert load.data == b"this endpoint is read-only: SPARQL Update is not accepted\n"
    assert_untouched(listener)


def test_no_query_reaches_the_network_from_a_live_server(app, listener):
    port = listener.getsockname()[1]
    with running_server(app) as base:
        for params, status in queries(port):
            url = f"{base}/sparql?" + urllib.parse.urlencode(params)
            try:
                with urllib.request.urlopen(url, timeout=15) as response:
                    got = response.status
            except urllib.error.HTTPError as error:
                got = error.code
            assert got == status, params
    assert_untouched(listener)


def test_the_evaluation_process_has_left_the_network(app, client):
    """Oxigraph's SERVICE client connects from Rust, past the audit hook: the process that
    evaluates has a network namespace of its own, with no way out."""
    from netgraph.web.evaluator import EXTENSION

    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    evaluator = app.extensions[EXTENSION].process
    namespace = Path(f"/proc/{evaluator.pid}/ns/net").readlink()
    assert namespace != Path("/proc/self/ns/net").readlink()


def test_a_service_the_checks_missed_still_reaches_nothing(make_app, monkeypatch, listener):
    """Defence in depth: with the query checks blinded, SERVICE fails inside the process."""
    monkeypatch.setattr(engines, "_SERVICE", re.compile("(?!)"))  # matches nowhere
    monkeypatch.setattr(engines, "_rdflib_checks", lambda text, base, keywords: None)
    client = make_app(NETGRAPH_CACHE_BYTES=0).test_client()
    here = f"http://127.0.0.1:{listener.getsockname()[1]}"
    query = f"SELECT * WHERE {{ SERVICE <{here}/sparql> {{ ?s ?p ?o }} }}"
    answer = client.get("/sparql", query_string={"query": query})
    # the failed call is reported as the SERVICE it was, to the client and in the log
    assert answer.status_code == 403
    assert answer.text == (
        "SERVICE (federated query) is not allowed: this endpoint never makes requests\n"
    )
    assert_untouched(listener)


def test_a_remote_jsonld_context_is_never_fetched(tmp_path, listener):
    from netgraph.web import create_app

    port = listener.getsockname()[1]
    document = tmp_path / "remote-context.jsonld"
    document.write_text(
        json.dumps(
            {
                "@context": f"http://127.0.0.1:{port}/context.jsonld",
                "@id": "http://example.org/a",
                "name": "A",
            }
        )
    )
    with pytest.raises(InputError, match="never makes outbound requests"):
        create_app({"TESTING": True, "NETGRAPH_LOAD": [document]})
    assert_untouched(listener)


def test_owl_imports_in_a_loaded_file_are_not_followed(tmp_path, listener):
    from netgraph.web import create_app
    from netgraph.web.evaluator import EXTENSION

    port = listener.getsockname()[1]
    ontology = tmp_path / "imports.ttl"
    ontology.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<http://example.org/onto> a owl:Ontology ; owl:imports <http://127.0.0.1:{port}/o> .\n"
    )
    app = create_app({"TESTING": True, "NETGRAPH_LOAD": [ontology]})
    try:
        response = app.test_client().get(
            "/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
        )
        assert json.loads(response.data)["results"]["bindings"][0]["n"]["value"] == "2"
    finally:
        app.extensions[EXTENSION].close()
    assert_untouched(listener)


def test_the_guard_refuses_connections_and_name_lookups(listener):
    port = listener.getsockname()[1]
    with security.no_network():
        with pytest.raises(PermissionError, match="never makes outbound requests"):
            socket.create_connection(("127.0.0.1", port), timeout=1)
        with pytest.raises(PermissionError):
            socket.getaddrinfo("localhost", port)
        with pytest.raises(PermissionError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
    assert_untouched(listener)
    # outside the block (and in other threads) the test process connects as usual
    socket.create_connection(("127.0.0.1", port), timeout=1).close()


# --- The SERVICE check against Oxigraph's own parser ----------------------------------------


class CountingListener:
    """Accepts and at once closes every connection on a loopback port, and counts them
    (closing makes Oxigraph's SERVICE call fail at once instead of waiting for an answer)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture(scope="module")
def counting_listener() -> Iterator[CountingListener]:
    listener = CountingListener()
    yield listener
    listener.close()


_TERMS = ["30", "1.5", "1e1", "true", "ex:o", "ex:", '"s"', "<http://example.org/o>"]
# Whatever may stand right before or after the keyword, unspaced; the store below holds
# a triple whose object each of the terms matches, so that Oxigraph reaches the SERVICE.
_BEFORE = st.lists(
    st.sampled_from(
        [*_TERMS, *"?:.;,-ax_é }{<()#\n", "?o", "$o", "_:b", "UNDEF", "#>\n", "FILTER(1<2)"]
    ),
    max_size=5,
).map("".join)
_AFTER = st.sampled_from(
    [" <{url}/s>", "<{url}/s>", ":s", "e:s", " SILENT <{url}/s>", "e:", ":s#>\n", "<{url}/s>#>\n"]
)


@pytest.fixture(scope="module")
def checker():
    """An Oxigraph engine over nothing: its prepare() makes every check a query gets."""
    from rdflib import Dataset

    return engines.make_engine("oxigraph", Dataset())


# make fuzz (NETGRAPH_FUZZ=long) tries many more, and new ones each run
LONG = os.environ.get("NETGRAPH_FUZZ") == "long"


@settings(max_examples=20_000 if LONG else 300, deadline=None, derandomize=not LONG, database=None)
@given(before=_BEFORE, keyword=st.sampled_from(["SERVICE", "service", "Service"]), after=_AFTER)
def test_what_the_service_check_lets_through_never_calls_a_service(
    counting_listener, checker, before, keyword, after
):
    """Oxigraph, in this process, is the judge: a query the checks pass makes no call."""
    import pyoxigraph as ox

    url = counting_listener.url
    store = ox.Store()
    subject, predicate = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    for term in _TERMS:
        for solution in ox.Store().query(
            f"PREFIX ex: <http://example.org/> SELECT ({term} AS ?t) {{}}"
        ):
            store.add(ox.Quad(subject, predicate, solution["t"]))
    query = (
        f"PREFIX ex: <http://example.org/> PREFIX : <{url}/> PREFIX e: <{url}/> "
        f"SELECT * WHERE {{ ?s ?p {before}{keyword}{after.format(url=url)} {{ ?a ?b ?c }} }}"
    )
    try:
        checker.prepare(query, base="http://example.org/")
    except ProtocolError:
        return  # refused (403), or not a query Oxigraph parses (400)
    before_count = counting_listener.connections
    with contextlib.suppress(SyntaxError, OSError):  # the call itself failed
        list(store.query(query))
    time.sleep(0.01)
    assert counting_listener.connections == before_count, query
