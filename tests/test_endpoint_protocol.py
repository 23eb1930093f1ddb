"""The SPARQL 1.1 Protocol query operation, through the Flask test client.

Exact status codes, media types and bodies: what any SPARQL client relies on.
"""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from netgraph.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from netgraph.sparql_protocol import SD
from netgraph.web import create_app

NETWORKS = """
SELECT ?network ?name WHERE {
    ?network a ng:Network ; skos:prefLabel ?name .
    FILTER (LANG(?name) = "en")
} ORDER BY ?name
"""
CONSTRUCT_NETWORKS = "CONSTRUCT { ?network a ng:Network } WHERE { ?network a ng:Network }"
EUROCITIES = "https://w3id.org/netgraph/id/network/eurocities"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def get(client, query: str, accept: str | None = None, **params):
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", query_string={"query": query, **params}, headers=headers)


def json_rows(response) -> list[dict[str, str]]:
    document = json.loads(response.data)
    return [
        {name: term["value"] for name, term in binding.items()}
        for binding in document["results"]["bindings"]
    ]


def count(client, query: str, **params) -> int:
    response = get(client, query, **params)
    assert response.status_code == 200, response.data
    return int(json_rows(response)[0]["n"])


# --- The three ways to send a query --------------------------------------------------


def test_get_answers_a_select_as_sparql_results_json(client, served_dataset):
    response = get(client, NETWORKS)
    assert response.status_code == 200
    assert response.content_type == "application/sparql-results+json; charset=utf-8"
    document = json.loads(response.data)
    assert document["head"] == {"vars": ["network", "name"]}
    expected = served_dataset.query(
        "SELECT ?n WHERE { ?n a <https://w3id.org/netgraph/ontology#Network> }"
    )
    assert len(document["results"]["bindings"]) == len(expected)
    eurocities = next(row for row in json_rows(response) if row["network"] == EUROCITIES)
    assert eurocities["name"] == "EUROCITIES"
    binding = next(
        b for b in document["results"]["bindings"] if b["network"]["value"] == EUROCITIES
    )
    assert binding["name"] == {"type": "literal", "value": "EUROCITIES", "xml:lang": "en"}


def test_post_form_and_post_direct_give_the_same_answer_as_get(client):
    expected = get(client, NETWORKS).data
    form = client.post("/sparql", data={"query": NETWORKS})
    direct = client.post("/sparql", data=NETWORKS.encode(), content_type="application/sparql-query")
    assert (form.status_code, direct.status_code) == (200, 200)
    assert form.data == direct.data == expected


def test_direct_post_takes_graph_parameters_from_the_url(client, served_dataset):
    response = client.post(
        f"/sparql?default-graph-uri={GRAPH_ONTOLOGY}",
        data=b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        content_type="application/sparql-query; charset=UTF-8",
    )
    assert response.status_code == 200
    assert int(json_rows(response)[0]["n"]) == len(served_dataset.graph(URIRef(GRAPH_ONTOLOGY)))


def test_head_is_a_get_without_body(client):
    response = client.head("/sparql", query_string={"query": NETWORKS})
    assert response.status_code == 200
    assert response.content_type == "application/sparql-results+json; charset=utf-8"
    assert response.data == b""


# --- Result formats ---------------------------------------------------------------------


def test_select_as_xml(client):
    response = get(client, NETWORKS, "application/sparql-results+xml")
    assert response.status_code == 200
    assert response.content_type == "application/sparql-results+xml; charset=utf-8"
    root = ET.fromstring(response.data)
    assert [v.get("name") for v in root.iter(f"{RESULTS_NS}variable")] == ["network", "name"]
    literal = next(
        result.find(f"{RESULTS_NS}binding[@name='name']/{RESULTS_NS}literal")
        for result in root.iter(f"{RESULTS_NS}result")
        if result.find(f"{RESULTS_NS}binding/{RESULTS_NS}uri").text == EUROCITIES
    )
    assert literal.text == "EUROCITIES"
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_select_as_csv_is_rfc_4180_with_bare_values(client):
    response = get(client, NETWORKS, "text/csv")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    text = response.data.decode()
    assert text.startswith("network,name\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert [EUROCITIES, "EUROCITIES"] in rows


def test_select_as_tsv_writes_terms_in_turtle_syntax(client):
    response = get(client, NETWORKS, "text/tab-separated-values")
    assert response.status_code == 200
    assert response.content_type == "text/tab-separated-values; charset=utf-8"
    lines = response.data.decode().splitlines()
    assert lines[0] == "?network\t?name"
    assert f'<{EUROCITIES}>\t"EUROCITIES"@en' in lines


def test_tsv_and_csv_escape_what_their_syntax_needs(client):
    query = (
        'SELECT ?text ?number ?unbound WHERE { BIND ("a\\tb \\"c\\",\\nd" AS ?text) '
        "BIND (42 AS ?number) }"
    )
    tsv = get(client, query, "text/tab-separated-values").data.decode()
    assert tsv == (
        '?text\t?number\t?unbound\n"a\\tb \\"c\\",\\nd"\t'
        '"42"^^<http://www.w3.org/2001/XMLSchema#integer>\t\n'
    )
    csv_text = get(client, query, "text/csv").data.decode()
    assert csv_text == 'text,number,unbound\r\n"a\tb ""c"",\nd",42,\r\n'


@pytest.mark.parametrize(
    ("accept", "media_type", "body"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", b'"boolean": true'),
        ("application/sparql-results+xml", "application/sparql-results+xml", b"<boolean>true"),
        ("text/csv", "text/csv", b"_askResult\r\ntrue\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", b"?_askResult\ntrue\n"),
    ],
)
def test_ask_in_every_result_format(client, accept, media_type, body):
    response = get(client, f"ASK {{ <{EUROCITIES}> a ng:Network }}", accept)
    assert response.status_code == 200
    assert response.content_type == f"{media_type}; charset=utf-8"
    assert body in response.data


def test_ask_false(client):
    response = get(client, "ASK { <urn:x:nothing> ?p ?o }")
    assert json.loads(response.data) == {"head": {}, "boolean": False}


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-quads", "application/n-quads", "nquads"),
        ("application/trig", "application/trig", "trig"),
    ],
)
def test_construct_in_every_rdf_syntax(client, served_dataset, accept, media_type, rdflib_format):
    response = get(client, CONSTRUCT_NETWORKS, accept)
    assert response.status_code == 200
    assert response.content_type == f"{media_type}; charset=utf-8"
    expected = served_dataset.query(
        CONSTRUCT_NETWORKS, initNs={"ng": "https://w3id.org/netgraph/ontology#"}
    ).graph
    if rdflib_format in ("nquads", "trig"):
        answer = rdflib.Dataset()
        answer.parse(data=response.data, format=rdflib_format)
        answer = answer.default_graph
    else:
        answer = Graph().parse(data=response.data, format=rdflib_format)
    assert len(answer) == len(expected) > 0
    assert isomorphic(answer, expected)


def test_describe_answers_a_graph_about_the_resource(client):
    response = get(client, f"DESCRIBE <{EUROCITIES}>", "text/turtle")
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format="turtle")
    assert (
        URIRef(EUROCITIES),
        RDF.type,
        URIRef("https://w3id.org/netgraph/ontology#Network"),
    ) in graph


# --- Content negotiation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/*", "text/csv"),
        ("application/*;q=0.5, text/csv", "text/csv"),
        ("text/csv;q=0.1, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0, */*", "application/sparql-results+json"),
        ("application/json", "application/json"),
        ("application/xml", "application/xml"),
        ("TEXT/CSV", "text/csv"),
        ("text/csv; charset=utf-8", "text/csv"),
        ("text/html, */*;q=0.1", "application/sparql-results+json"),
        (
            "application/sparql-results+json;q=0.8, application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        ("nonsense, text/csv", "text/csv"),
        ("text/csv;q=2, text/tab-separated-values;q=0.5", "text/tab-separated-values"),
    ],
)
def test_select_negotiation_with_quality_values_and_wildcards(client, accept, media_type):
    response = get(client, NETWORKS, accept)
    assert response.status_code == 200
    assert response.content_type.split(";")[0] == media_type
    assert response.headers["Vary"] == "Accept"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("application/*", "application/n-triples"),
        ("application/ld+json;q=0.9, application/rdf+xml", "application/rdf+xml"),
        ("text/plain", "text/plain"),
        ("application/json", "application/json"),
    ],
)
def test_construct_negotiation(client, accept, media_type):
    response = get(client, CONSTRUCT_NETWORKS, accept)
    assert response.status_code == 200
    assert response.content_type.split(";")[0] == media_type


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (NETWORKS, "text/turtle"),
        (NETWORKS, "image/png"),
        (NETWORKS, "application/sparql-results+json;q=0"),
        (CONSTRUCT_NETWORKS, "application/sparql-results+json"),
        (CONSTRUCT_NETWORKS, "text/csv"),
    ],
)
def test_406_when_nothing_acceptable_names_what_is_offered(client, query, accept):
    response = get(client, query, accept)
    assert response.status_code == 406
    assert response.content_type == "text/plain; charset=utf-8"
    assert b"can be answered as:" in response.data


@pytest.mark.parametrize(
    ("query", "fmt", "media_type"),
    [
        (NETWORKS, "json", "application/sparql-results+json"),
        (NETWORKS, "xml", "application/sparql-results+xml"),
        (NETWORKS, "csv", "text/csv"),
        (NETWORKS, "tsv", "text/tab-separated-values"),
        (CONSTRUCT_NETWORKS, "json", "application/ld+json"),
        (CONSTRUCT_NETWORKS, "xml", "application/rdf+xml"),
        (CONSTRUCT_NETWORKS, "turtle", "text/turtle"),
        (CONSTRUCT_NETWORKS, "nt", "application/n-triples"),
        (CONSTRUCT_NETWORKS, "jsonld", "application/ld+json"),
        (CONSTRUCT_NETWORKS, "nquads", "application/n-quads"),
        (CONSTRUCT_NETWORKS, "trig", "application/trig"),
        (CONSTRUCT_NETWORKS, "text/turtle", "text/turtle"),
    ],
)
def test_format_parameter_overrides_the_accept_header(client, query, fmt, media_type):
    response = get(client, query, "text/html", format=fmt)
    assert response.status_code == 200
    assert response.content_type.split(";")[0] == media_type


def test_sparqlwrapper_style_repeated_format_values_are_alternatives(client):
    response = client.get(
        "/sparql",
        query_string=[
            ("query", NETWORKS),
            ("format", "tsv"),
            ("format", "text/tab-separated-values"),
        ],
    )
    assert response.content_type.split(";")[0] == "text/tab-separated-values"


def test_unknown_format_name_is_400(client):
    response = get(client, NETWORKS, format="yaml")
    assert response.status_code == 400
    assert response.data.startswith(b"unknown format 'yaml'")


def test_csv_is_not_a_graph_format(client):
    assert get(client, CONSTRUCT_NETWORKS, format="csv").status_code == 406


# --- Dataset: union default graph, named graphs, protocol graph parameters ----------------


def test_default_graph_is_the_union_of_the_named_graphs(client, served_dataset):
    union = count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert union == len(served_dataset) > 0
    graphs = get(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert [row["g"] for row in json_rows(graphs)] == sorted(
        [GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY]
    )


def test_each_named_graph_is_addressable(client, served_dataset):
    for name in (GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY):
        size = len(served_dataset.graph(URIRef(name)))
        assert (
            count(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
            == size
        )
        assert count(client, f"SELECT (COUNT(*) AS ?n) FROM <{name}> WHERE {{ ?s ?p ?o }}") == size
        from_named = (
            f"SELECT (COUNT(*) AS ?n) FROM NAMED <{name}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        assert count(client, from_named) == size
        assert (
            count(
                client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": name}
            )
            == size
        )


def test_protocol_graph_parameters_override_from_and_from_named(client, served_dataset):
    data_size = len(served_dataset.graph(URIRef(GRAPH_DATA)))
    from_ontology = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_ONTOLOGY}> WHERE {{ ?s ?p ?o }}"
    assert count(client, from_ontology, **{"default-graph-uri": GRAPH_DATA}) == data_size
    named = f"SELECT DISTINCT ?g FROM NAMED <{GRAPH_ONTOLOGY}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    response = get(client, named, **{"named-graph-uri": GRAPH_INFERRED})
    assert [row["g"] for row in json_rows(response)] == [GRAPH_INFERRED]
    # with only named graphs given, the default graph is empty
    assert (
        count(
            client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"named-graph-uri": GRAPH_DATA}
        )
        == 0
    )


def test_graph_parameters_do_not_stick_to_the_parsed_query(client, served_dataset):
    # parsed queries are reused across requests; the parameters belong to one request
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(client, query, **{"default-graph-uri": GRAPH_DATA}) < len(served_dataset)
    assert count(client, query) == len(served_dataset)


def test_several_default_graph_uris_are_merged(client, served_dataset):
    both = count(
        client,
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        **{"default-graph-uri": [GRAPH_DATA, GRAPH_ONTOLOGY]},
    )
    merged = served_dataset.graph(URIRef(GRAPH_DATA)) + served_dataset.graph(URIRef(GRAPH_ONTOLOGY))
    assert both == len(merged)


def test_unknown_graphs_are_empty_and_never_fetched(client, monkeypatch):
    fetched = []
    monkeypatch.setattr(Graph, "parse", lambda self, *args, **kwargs: fetched.append(args))
    remote = "http://127.0.0.1:9/remote-graph"
    assert count(client, f"SELECT (COUNT(*) AS ?n) FROM <{remote}> WHERE {{ ?s ?p ?o }}") == 0
    assert (
        count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": remote})
        == 0
    )
    named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{remote}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert count(client, named) == 0
    assert fetched == []
    assert rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS is False


def test_relative_iris_resolve_against_the_endpoint_url(client):
    response = get(client, "SELECT ?x WHERE { BIND (<graph/data> AS ?x) }")
    assert json_rows(response) == [{"x": "http://localhost/graph/data"}]
    based = get(
        client, "BASE <https://w3id.org/netgraph/> SELECT ?x WHERE { BIND (<graph/data> AS ?x) }"
    )
    assert json_rows(based) == [{"x": GRAPH_DATA}]


def test_project_prefixes_are_declared_and_can_be_redeclared(client):
    assert json_rows(get(client, "SELECT ?x WHERE { BIND (ng:Network AS ?x) }")) == [
        {"x": "https://w3id.org/netgraph/ontology#Network"}
    ]
    redeclared = "PREFIX ng: <http://example.org/> SELECT ?x WHERE { BIND (ng:Network AS ?x) }"
    assert json_rows(get(client, redeclared)) == [{"x": "http://example.org/Network"}]


# --- Limits and failures ----------------------------------------------------------------


@pytest.fixture
def small_app(served_dataset):
    return create_app(
        {
            "TESTING": True,
            "NETGRAPH_DATASET": served_dataset,
            "NETGRAPH_MAX_ROWS": 5,
            "MAX_CONTENT_LENGTH": 1000,
        }
    )


def test_answers_beyond_the_row_limit_are_cut_and_say_so(small_app):
    client = small_app.test_client()
    whole = get(client, "SELECT ?s WHERE { ?s a ng:Network } LIMIT 5")
    assert whole.status_code == 200
    assert "X-Netgraph-Truncated" not in whole.headers
    response = get(client, "SELECT ?s WHERE { ?s a ng:Network }")
    assert response.status_code == 200
    assert response.headers["X-Netgraph-Truncated"] == "rows=5"
    assert len(json_rows(response)) == 5
    graph = get(client, CONSTRUCT_NETWORKS)
    assert graph.status_code == 200
    assert graph.headers["X-Netgraph-Truncated"] == "rows=5"


def test_bodies_beyond_the_size_limit_are_413(small_app):
    client = small_app.test_client()
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 1000
    response = client.post("/sparql", data=query.encode(), content_type="application/sparql-query")
    assert response.status_code == 413
    assert response.content_type == "text/plain; charset=utf-8"
    form = client.post("/sparql", data={"query": query})
    assert form.status_code == 413


def test_a_value_xml_cannot_carry_is_a_clean_406(client):
    query = 'SELECT ?x WHERE { BIND ("bell\\u0007" AS ?x) }'
    response = get(client, query, "application/sparql-results+xml")
    assert response.status_code == 406
    assert b"U+0007" in response.data
    assert get(client, query).status_code == 200  # JSON can


def test_malformed_query_is_400_with_line_and_column(client):
    response = get(client, "SELECT ?x\nWHERE { ?x ?y }")
    assert response.status_code == 400
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.data.startswith(b"malformed query, line 2, column")


def test_unknown_prefix_is_400(client):
    response = get(client, "SELECT ?x WHERE { ?x a nope:Thing }")
    assert response.status_code == 400
    assert b"nope" in response.data


def test_errors_elsewhere_are_plain_text_too(client):
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert missing.content_type == "text/plain; charset=utf-8"
    wrong_method = client.put("/sparql", data=NETWORKS)
    assert wrong_method.status_code == 405
    assert wrong_method.content_type == "text/plain; charset=utf-8"
    assert "POST" in wrong_method.headers["Allow"]


# --- Service description -------------------------------------------------------------------


def test_service_description_as_turtle_by_default(client):
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.content_type == "text/turtle; charset=utf-8"
    description = Graph().parse(data=response.data, format="turtle")
    service = description.value(predicate=RDF.type, object=SD.Service)
    assert description.value(service, SD.endpoint) == URIRef("http://localhost/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in description
    assert (service, SD.feature, SD.UnionDefaultGraph) in description
    formats = set(description.objects(service, SD.resultFormat))
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
        "N-Quads",
        "TriG",
    ):
        assert URIRef(f"http://www.w3.org/ns/formats/{name}") in formats
    dataset = description.value(service, SD.defaultDataset)
    names = {
        description.value(named, SD.name): named
        for named in description.objects(dataset, SD.namedGraph)
    }
    assert set(names) == {URIRef(GRAPH_DATA), URIRef(GRAPH_INFERRED), URIRef(GRAPH_ONTOLOGY)}
    regimes = set(description.objects(names[URIRef(GRAPH_INFERRED)], SD.entailmentRegime))
    assert URIRef("http://www.w3.org/ns/entailment/OWL-RL") in regimes
    assert URIRef("http://www.w3.org/ns/entailment/OWL-RDF-Based") in regimes
    assert not set(description.objects(names[URIRef(GRAPH_DATA)], SD.entailmentRegime))


def test_service_description_endpoint_is_the_url_as_requested(client):
    response = client.get("/sparql", base_url="https://example.org:8443")
    description = Graph().parse(data=response.data, format="turtle")
    assert URIRef("https://example.org:8443/sparql") in set(description.objects(None, SD.endpoint))


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")],
)
def test_service_description_in_other_syntaxes(client, accept, rdflib_format):
    turtle = Graph().parse(data=client.get("/sparql").data, format="turtle")
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.content_type == f"{accept}; charset=utf-8"
    assert isomorphic(Graph().parse(data=response.data, format=rdflib_format), turtle)


def test_a_browser_opening_the_endpoint_is_sent_to_the_query_page(client):
    response = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert client.get("/sparql", headers={"Accept": "*/*"}).status_code == 200


# --- CORS ----------------------------------------------------------------------------------


def test_cors_allows_any_origin_without_credentials(client):
    for response in (
        get(client, NETWORKS),
        client.post("/sparql", data={"query": NETWORKS}),
        get(client, "SELECT"),
        client.get("/sparql"),
        # errors that Flask answers before any view: a browser client must read them too
        client.put("/sparql", headers={"Origin": "https://yasgui.example"}),
        client.get("/no-such-page"),
    ):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers


def test_cors_preflight(client):
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, accept",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "content-type, accept"
    assert response.data == b""
