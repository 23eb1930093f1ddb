"""Web hygiene: security headers on every response, escaped data, errors that say
nothing about the implementation."""

import urllib.request

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from netgraph.web.server import running_server

SCRIPT = "<script>alert('label')</script>"


def test_html_responses_carry_the_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_every_response_is_nosniff(client):
    for response in (
        client.get("/sparql", query_string={"query": "ASK {}"}),
        client.get("/sparql"),
        client.get("/sparql", query_string={"query": "SELECT"}),
        client.get("/static/query.js"),
        client.get("/no-such-page"),
        client.put("/sparql"),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" not in response.headers or (
            response.mimetype == "text/html"
        )


def test_a_label_with_a_script_renders_as_text(make_app):
    dataset = Dataset(default_union=True)
    thing = URIRef("https://w3id.org/netgraph/id/network/evil")
    graph = dataset.graph(URIRef("https://w3id.org/netgraph/graph/data"))
    graph.add((thing, RDF.type, URIRef("https://w3id.org/netgraph/ontology#Network")))
    graph.add((thing, SKOS.prefLabel, Literal(SCRIPT, lang="en")))
    client = make_app(NETGRAPH_DATASET=dataset).test_client()
    response = client.get(
        "/", query_string={"query": "SELECT ?n ?label WHERE { ?n skos:prefLabel ?label }"}
    )
    assert response.status_code == 200
    page = response.data.decode()
    assert SCRIPT not in page
    assert "<script>alert" not in page
    # twice: as the label shown for the IRI, and as the literal
    assert page.count("&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;") == 2


def test_an_unexpected_failure_is_a_plain_500_without_a_trace(make_app):
    app = make_app()

    @app.route("/boom")
    def boom():
        raise RuntimeError("/work/secret/path.py line 3")

    app.testing = False  # as in production: the failure is answered, not raised
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.content_type == "text/plain; charset=utf-8"
    assert b"Traceback" not in response.data
    assert b"/work/" not in response.data
    assert b"secret" not in response.data


def test_the_server_header_names_no_version(app):
    with running_server(app) as base:
        response = urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=10)
        response.close()
    assert response.headers["Server"] == "netgraph"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
