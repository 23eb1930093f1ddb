"""Queries never make the server fetch anything: a loopback listener sees no connection.

Every query or file that would reach the listener if the server followed it
(SERVICE, FROM, FROM NAMED, the protocol's graph parameters, LOAD, a remote
JSON-LD @context, owl:imports) is sent, through the Flask client and a live
server; then the listener must have no connection waiting (a bounded wait).
"""

import json
import select
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from netgraph.errors import InputError
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
