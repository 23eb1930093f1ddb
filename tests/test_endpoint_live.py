"""The endpoint under waitress on a loopback port, queried by real SPARQL clients."""

import http.client
import json
import socket
import urllib.request
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from netgraph.errors import InputError
from netgraph.namespaces import GRAPH_DATA, NG
from netgraph.web import create_app
from netgraph.web.server import running_server

NETWORKS = """
PREFIX ng: <https://w3id.org/netgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?network ?name WHERE {
    ?network a ng:Network ; skos:prefLabel ?name .
    FILTER (LANG(?name) = "en")
} ORDER BY ?name
"""
CONSTRUCT_NETWORKS = """
PREFIX ng: <https://w3id.org/netgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?network a ng:Network ; skos:prefLabel ?name } WHERE {
    ?network a ng:Network ; skos:prefLabel ?name .
}
"""
EUROCITIES = URIRef("https://w3id.org/netgraph/id/network/eurocities")


@pytest.fixture(scope="module")
def base_url(served_dataset):
    app = create_app({"NETGRAPH_DATASET": served_dataset})
    with running_server(app) as url:
        yield url


@pytest.fixture(scope="module")
def endpoint(base_url) -> str:
    return f"{base_url}/sparql"


@pytest.fixture(scope="module")
def expected_rows(served_dataset) -> list[tuple[str, str]]:
    return [(str(network), str(name)) for network, name in served_dataset.query(NETWORKS)]


@pytest.fixture(scope="module")
def expected_graph(served_dataset) -> Graph:
    return served_dataset.query(CONSTRUCT_NETWORKS).graph


def wrapper(endpoint: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setTimeout(30)
    return client


# --- SPARQLWrapper, every result format -------------------------------------------------


@pytest.mark.parametrize(
    ("method", "request_method"), [("GET", None), (POST, URLENCODED), (POST, POSTDIRECTLY)]
)
def test_sparqlwrapper_json(endpoint, expected_rows, method, request_method):
    client = wrapper(endpoint, NETWORKS, JSON)
    if request_method:
        client.setMethod(method)
        client.setRequestMethod(request_method)
    document = client.queryAndConvert()
    rows = [(b["network"]["value"], b["name"]["value"]) for b in document["results"]["bindings"]]
    assert rows == expected_rows


def test_sparqlwrapper_xml(endpoint, expected_rows):
    document = wrapper(endpoint, NETWORKS, XML).queryAndConvert()
    rows = []
    for result in document.getElementsByTagName("result"):
        values = {
            binding.getAttribute("name"): binding.firstChild.firstChild.data
            for binding in result.getElementsByTagName("binding")
        }
        rows.append((values["network"], values["name"]))
    assert rows == expected_rows


def test_sparqlwrapper_csv(endpoint, expected_rows):
    text = wrapper(endpoint, NETWORKS, CSV).queryAndConvert().decode()
    lines = text.split("\r\n")
    assert lines[0] == "network,name"
    assert lines[1 : len(expected_rows) + 1] == [
        f'{network},"{name}"' if "," in name else f"{network},{name}"
        for network, name in expected_rows
    ]


def test_sparqlwrapper_tsv(endpoint, expected_rows):
    text = wrapper(endpoint, NETWORKS, TSV).queryAndConvert().decode()
    lines = text.splitlines()
    assert lines[0] == "?network\t?name"
    assert lines[1:] == [f'<{network}>\t"{name}"@en' for network, name in expected_rows]


def test_sparqlwrapper_ask(endpoint):
    query = f"ASK {{ <{EUROCITIES}> ?p ?o }}"
    assert wrapper(endpoint, query, JSON).queryAndConvert()["boolean"] is True
    document = wrapper(endpoint, query, XML).queryAndConvert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize(("fmt", "rdflib_format"), [(TURTLE, "turtle"), (N3, "turtle")])
def test_sparqlwrapper_construct_as_turtle(endpoint, expected_graph, fmt, rdflib_format):
    data = wrapper(endpoint, CONSTRUCT_NETWORKS, fmt).queryAndConvert()
    assert isomorphic(Graph().parse(data=data, format=rdflib_format), expected_graph)


def test_sparqlwrapper_construct_as_ntriples(endpoint, expected_graph):
    client = wrapper(endpoint, CONSTRUCT_NETWORKS, N3)
    client.setOnlyConneg(True)  # no format= parameter: the Accept header decides
    client.addCustomHttpHeader("Accept", "application/n-triples")
    result = client.query()
    assert result.info()["content-type"] == "application/n-triples; charset=utf-8"
    assert isomorphic(Graph().parse(data=result.convert(), format="nt"), expected_graph)


@pytest.mark.parametrize("fmt", [RDFXML, JSONLD])
def test_sparqlwrapper_construct_as_rdfxml_and_jsonld(endpoint, expected_graph, fmt):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # SPARQLWrapper's ConjunctiveGraph
        graph = wrapper(endpoint, CONSTRUCT_NETWORKS, fmt).queryAndConvert()
    assert isomorphic(Graph() + graph, expected_graph)


@pytest.mark.parametrize(
    ("fmt", "expected"), [(CSV, "_askResult\r\ntrue\r\n"), (TSV, "?_askResult\ntrue\n")]
)
def test_sparqlwrapper_ask_as_csv_and_tsv(endpoint, fmt, expected):
    query = f"ASK {{ <{EUROCITIES}> ?p ?o }}"
    assert wrapper(endpoint, query, fmt).queryAndConvert().decode("utf-8") == expected


@pytest.mark.parametrize(
    ("media_type", "rdflib_format"),
    [("application/n-quads", "nquads"), ("application/trig", "trig")],
)
def test_sparqlwrapper_construct_as_quads(endpoint, expected_graph, media_type, rdflib_format):
    client = wrapper(endpoint, CONSTRUCT_NETWORKS, N3)
    client.setOnlyConneg(True)
    client.addCustomHttpHeader("Accept", media_type)
    result = client.query()
    assert result.info()["content-type"] == f"{media_type}; charset=utf-8"
    dataset = Dataset().parse(data=result.response.read(), format=rdflib_format)
    assert isomorphic(Graph() + dataset.default_graph, expected_graph)


@pytest.mark.parametrize(
    ("method", "target", "headers", "body", "status", "starts"),
    [
        (
            "GET",
            "/sparql?" + urlencode({"query": "SELECT ?x WHERE { ?x"}),
            {},
            None,
            400,
            b"malformed query, line 1, column",
        ),
        (
            "GET",
            "/sparql?" + urlencode([("query", "ASK {}"), ("query", "ASK {}")]),
            {},
            None,
            400,
            b"more than one query was given",
        ),
        ("POST", "/sparql", {"Content-Type": "text/plain"}, b"ASK {}", 415, b""),
        ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"ASK {\xff}", 400, b""),
        (
            "POST",
            "/sparql",
            {"Content-Type": "application/sparql-update"},
            b"INSERT DATA { <x:a> <x:b> <x:c> }",
            403,
            b"this endpoint is read-only",
        ),
        (
            "GET",
            "/sparql?" + urlencode({"query": "LOAD <http://127.0.0.1:9/x>"}),
            {},
            None,
            403,
            b"this endpoint is read-only",
        ),
        (
            "GET",
            "/sparql?" + urlencode({"query": "ASK {}"}),
            {"Accept": "image/png"},
            None,
            406,
            b"",
        ),
        ("PUT", "/sparql", {}, b"ASK {}", 405, b""),
    ],
)
def test_refusals_over_the_wire(base_url, method, target, headers, body, status, starts):
    """Each refusal reaches a real client whole: its status, one plain-text line, CORS."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request(method, target, body=body, headers=headers)
    answer = connection.getresponse()
    text = answer.read()
    connection.close()
    assert answer.status == status
    assert answer.getheader("Content-Type") == "text/plain; charset=utf-8"
    assert answer.getheader("Access-Control-Allow-Origin") == "*"
    assert text.startswith(starts) and text.endswith(b"\n") and text.count(b"\n") == 1
    with urllib.request.urlopen(f"{base_url}/sparql?" + urlencode({"query": NETWORKS})) as reply:
        assert reply.status == 200


# --- rdflib's SPARQLStore -----------------------------------------------------------------


def test_sparqlstore_select_ask_construct_and_triples(endpoint, expected_rows, expected_graph):
    graph = Graph(store=SPARQLStore(endpoint))  # asks for XML results and RDF/XML graphs
    rows = [(str(network), str(name)) for network, name in graph.query(NETWORKS)]
    assert rows == expected_rows
    assert list(graph.query(f"ASK {{ <{EUROCITIES}> ?p ?o }}")) == [True]
    assert isomorphic(graph.query(CONSTRUCT_NETWORKS).graph, expected_graph)
    assert Literal("EUROCITIES", lang="en") in set(graph.objects(EUROCITIES, SKOS.prefLabel))
    assert (EUROCITIES, RDF.type, NG.Network) in graph


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_sparqlstore_json_results_by_every_method(endpoint, expected_rows, method):
    graph = Graph(store=SPARQLStore(endpoint, returnFormat="json", method=method))
    rows = [(str(network), str(name)) for network, name in graph.query(NETWORKS)]
    assert rows == expected_rows


def test_sparqlstore_counts_the_union_default_graph(endpoint, served_dataset):
    assert len(SPARQLStore(endpoint)) == len(served_dataset)


# --- Plain HTTP: what the clients above do not show ---------------------------------------


def test_keep_alive_serves_several_requests_on_one_connection(base_url):
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        for _ in range(5):
            connection.request("GET", "/sparql?" + urlencode({"query": NETWORKS}))
            response = connection.getresponse()
            assert response.status == 200
            json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.parametrize(
    "framing",
    [b"Content-Length: 2097152\r\n", b"Transfer-Encoding: chunked\r\n"],
    ids=["content-length", "chunked"],
)
def test_waitress_refuses_a_huge_body_with_413(base_url, framing):
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        connection.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/sparql-query\r\n" + framing + b"\r\n"
        )
        if b"chunked" in framing:
            try:
                for _ in range(40):  # 2.5 MiB at most, more than the limit
                    connection.sendall(b"10000\r\n" + b"#" * 0x10000 + b"\r\n")
            except OSError:
                pass  # the server may close while we are still sending
        answer = connection.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413 ")
    with urllib.request.urlopen(f"{base_url}/sparql?" + urlencode({"query": NETWORKS})) as reply:
        assert reply.status == 200


def test_graph_parameters_over_http(endpoint, served_dataset):
    query = urlencode(
        {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": GRAPH_DATA}
    )
    with urllib.request.urlopen(f"{endpoint}?{query}") as answer:
        document = json.load(answer)
    count = int(document["results"]["bindings"][0]["n"]["value"])
    assert count == len(served_dataset.graph(URIRef(GRAPH_DATA)))


def test_a_port_in_use_is_one_clear_error(served_dataset):
    app = create_app({"NETGRAPH_DATASET": served_dataset})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        expected = f"127.0.0.1:{port}: address already in use"
        open_before = _open_descriptors()
        with pytest.raises(InputError, match=expected), running_server(app, port=port):
            pass
        # waitress's trigger pipe and socket are closed at once, not by a later collection
        assert _open_descriptors() == open_before


def _open_descriptors() -> set[str]:
    return {entry.name for entry in Path("/proc/self/fd").iterdir()}


def test_concurrent_clients_get_the_same_answers(endpoint, expected_rows):
    """waitress's threads share the dataset; concurrent readers must not disturb each other."""

    def rows(_: int) -> list[tuple[str, str]]:
        request = urllib.request.Request(
            endpoint,
            data=urlencode({"query": NETWORKS}).encode(),
            headers={"Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            document = json.load(answer)
        return [
            (b["network"]["value"], b["name"]["value"]) for b in document["results"]["bindings"]
        ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(rows, range(32)))
    assert all(answer == expected_rows for answer in answers)
