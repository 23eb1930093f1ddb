"""Web hygiene: security headers on every response, escaped data, errors that say
nothing about the implementation."""

import urllib.request
from pathlib import Path

import pytest

from netgraph.engines import OxigraphEngine
from netgraph.sparql_protocol import Operation
from netgraph.web import engine as rdflib_engine
from netgraph.web.engine import QueryEngine
from netgraph.web.server import running_server

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile" / "labels.ttl"
SCRIPT = "<script>alert('label')</script>"
ESCAPED = "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;"


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


@pytest.fixture
def hostile_client(make_app):
    """The fixture's network, loaded as the server loads files (``--load``), named queries and
    all."""
    return make_app(NETGRAPH_DATASET=None, NETGRAPH_LOAD=(HOSTILE,)).test_client()


def test_a_label_with_a_script_renders_as_text_on_the_query_page(hostile_client):
    response = hostile_client.get(
        "/", query_string={"query": "SELECT ?n ?label WHERE { ?n skos:prefLabel ?label }"}
    )
    assert response.status_code == 200
    page = response.data.decode()
    assert SCRIPT not in page
    assert "<script>alert" not in page
    # twice: as the label shown for the IRI, and as the literal
    assert page.count(ESCAPED) == 2


def test_a_label_with_a_script_renders_as_text_on_the_resource_page(hostile_client):
    response = hostile_client.get("/id/network/hostile", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.data.decode()
    assert SCRIPT not in page
    assert "<script>alert" not in page
    assert ESCAPED in page
    assert f"<title>{ESCAPED}" in page


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


class FailingStore:
    """A store whose every query fails as pyoxigraph's do: the message is Oxigraph's text."""

    def __init__(self, error: Exception):
        self.error = error

    def query(self, *args, **kwargs):
        raise self.error


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            OSError("IO error: /work/dist/oxigraph/000012.sst: No such file or directory"),
            "the query could not be evaluated: the store could not be read",
        ),
        (
            ValueError(
                "The SPARQL dataset returned the default graph even if a named graph\nis expected"
            ),
            "the query could not be evaluated: The SPARQL dataset returned the default graph "
            "even if a named graph is expected",
        ),
    ],
    ids=["store", "evaluation"],
)
def test_oxigraph_failures_keep_its_words_but_not_the_machine_s(served_dataset, error, message):
    engine = OxigraphEngine(served_dataset, store=FailingStore(error))
    reply = engine.answer(Operation("SELECT * WHERE { ?s ?p ?o }"), None, "http://localhost/sparql")
    assert (reply.status, reply.body.decode()) == (400, f"{message}\n")


def test_a_python_failure_in_rdflib_s_parser_is_not_shown(served_dataset, monkeypatch):
    def failing(*args, **kwargs):
        raise TypeError("<rdflib.plugins.sparql.parserutils.CompValue object at 0x7f00>")

    monkeypatch.setattr(rdflib_engine, "prepareQuery", failing)
    reply = QueryEngine(served_dataset).answer(Operation("ASK {}"), None, "http://localhost/")
    assert (reply.status, reply.body) == (
        400,
        b"malformed query: the rdflib engine could not read it\n",
    )
