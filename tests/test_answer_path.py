"""The Oxigraph engine's protocol answer: one parse per request, rows written from
Oxigraph's terms, the same replies and the same bytes as through rdflib's terms."""

import io
import json

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result

from netgraph.engines import (
    OxigraphEngine,
    OxigraphOutcome,
    _bare,
    to_outcome,
    uses_service,
)
from netgraph.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY
from netgraph.sparql_protocol import Operation
from netgraph.web.results import Unrepresentable, write_select

BASE = "http://localhost/sparql"
JSON = "application/sparql-results+json"
FORMATS = {"json": JSON, "xml": "application/sparql-results+xml", "csv": "text/csv"}
FORMATS["tsv"] = "text/tab-separated-values"


class CountingStore:
    """A store that counts the queries it is given (pyoxigraph's own type cannot be patched)."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.queries = 0

    def query(self, *args, **kwargs):
        self.queries += 1
        return self.store.query(*args, **kwargs)


@pytest.fixture(scope="module")
def counted(served_dataset):
    engine = OxigraphEngine(served_dataset)
    engine._store = CountingStore(engine.store)
    engine._empty = CountingStore(engine._empty)
    return engine


def answer(engine: OxigraphEngine, query: str, accept: str = JSON, **graphs):
    """The reply, and how many times Oxigraph was given the query to get it."""
    before = engine._store.queries + engine._empty.queries
    reply = engine.answer(Operation(query, **graphs), accept, BASE)
    return reply, engine._store.queries + engine._empty.queries - before


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("SELECT ?network WHERE { ?network a ng:Network }", JSON),
        ("ASK { city:duesseldorf ng:memberOf network:eurocities }", JSON),
        ("CONSTRUCT { ?n a ng:Network } WHERE { ?n a ng:Network }", "text/turtle"),
        ("DESCRIBE network:eurocities", "text/turtle"),
        (f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_ONTOLOGY}> WHERE {{ ?s ?p ?o }}", JSON),
    ],
)
def test_the_answer_parses_the_query_once(counted, query, accept):
    reply, queries = answer(counted, query, accept)
    assert reply.status == 200
    assert queries == 1


def test_the_protocols_graphs_are_applied_with_the_one_parse(counted):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    whole, _ = answer(counted, count)
    data, queries = answer(counted, count, default_graph_uris=(GRAPH_DATA,))
    assert queries == 1
    total, part = (
        json.loads(r.body)["results"]["bindings"][0]["n"]["value"] for r in (whole, data)
    )
    assert 0 < int(part) < int(total)


def test_the_query_page_and_the_command_line_still_parse_before_evaluating(counted):
    before = counted._empty.queries
    query = counted.prepare("SELECT * WHERE { ?s ?p ?o } LIMIT 1", base=BASE)
    assert counted._empty.queries == before + 1
    assert query.started is None
    assert len(counted.evaluate(query).rows) == 1


@pytest.mark.parametrize(
    ("query", "accept", "status", "message", "queries"),
    [
        ("SELECT ?x\nWHERE { ?x }", JSON, 400, "malformed query, line 2, column ", 1),
        ("SELECT * WHERE { ?s a nope:Thing }", JSON, 400, "malformed query, line 1, ", 1),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", JSON, 403, "this endpoint is read-only", 1),
        ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", JSON, 403, "SERVICE", 0),
        ("SELECT * WHERE " + "{" * 300 + "}" * 300, JSON, 400, "malformed query: nested", 0),
        ("SELECT * WHERE { ?s ?p ?o }", "text/turtle", 406, "", 1),
        ("CONSTRUCT WHERE { ?s ?p ?o }", JSON, 406, "", 1),
        (
            "SELECT ?t WHERE { BIND(<<( <http://a/s> <http://a/p> <http://a/o> )>> AS ?t) }",
            JSON,
            400,
            "answers with RDF 1.2 triple terms cannot be written",
            1,
        ),
    ],
)
def test_refusals_are_unchanged(counted, query, accept, status, message, queries):
    reply, given = answer(counted, query, accept)
    assert reply.status == status
    assert reply.body.decode().startswith(message)
    assert given == queries


def test_rows_are_cut_and_marked_at_the_row_limit(served_dataset):
    engine = OxigraphEngine(served_dataset, max_rows=3)
    reply = engine.answer(Operation("SELECT * WHERE { ?s ?p ?o }"), JSON, BASE)
    assert reply.headers["X-Netgraph-Truncated"] == "rows=3"
    assert len(json.loads(reply.body)["results"]["bindings"]) == 3


def test_rows_are_cut_and_marked_at_the_byte_limit(served_dataset):
    engine = OxigraphEngine(served_dataset, max_bytes=2000)
    reply = engine.answer(Operation("SELECT * WHERE { ?s ?p ?o }"), JSON, BASE)
    assert reply.headers["X-Netgraph-Truncated"] == "bytes=2000"
    assert len(reply.body) <= 2000
    assert json.loads(reply.body)["results"]["bindings"]


# --- The writers on Oxigraph's terms ------------------------------------------------

TRICKY = """SELECT ?a ?b WHERE { VALUES (?a ?b) {
  ("plain" "typed string"^^xsd:string)
  ("colour"@en-GB "Farbe"@de)
  (42 "2016-05-01"^^xsd:date)
  ("1.50"^^xsd:decimal "2016"^^xsd:gYear)
  ("x"^^<http://example.org/my-type> UNDEF)
  (<http://example.org/a?b=1&c=2> "tab\\there\\nnew \\"q\\" \\\\ <&> ü ☃")
  (UNDEF "a,b;c'd")
} }"""


def read_back(written: bytes, writer: str) -> list[tuple]:
    source = io.StringIO(written.decode()) if writer == "tsv" else io.BytesIO(written)
    return [tuple(row) for row in Result.parse(source, format=writer)]


def solutions(query: str) -> OxigraphOutcome:
    store = ox.Store()
    return to_outcome("SELECT", store.query(query), 100)


def tricky_outcome() -> OxigraphOutcome:
    return solutions(f"PREFIX xsd: <{XSD}> {TRICKY}")


@pytest.mark.parametrize("writer", FORMATS)
def test_oxigraphs_terms_are_written_as_their_rdflib_terms_were(writer):
    outcome = tricky_outcome()
    assert isinstance(outcome.solutions[0][0], ox.Literal)
    assert isinstance(outcome.rows[0][0], Literal)
    direct = write_select(writer, outcome.variables, outcome.solutions)
    assert direct == write_select(writer, outcome.variables, outcome.rows)
    if writer != "csv":  # rdflib reads back the other three
        assert read_back(direct, writer) == outcome.rows


@pytest.mark.parametrize("writer", FORMATS)
def test_blank_nodes_are_written_with_their_labels(writer):
    outcome = solutions('SELECT ?b WHERE { BIND(BNODE("x") AS ?b) }')
    label = outcome.solutions[0][0].value
    written = write_select(writer, outcome.variables, outcome.solutions).decode()
    assert written == write_select(writer, outcome.variables, outcome.rows).decode()
    assert (f"_:{label}" if writer in ("csv", "tsv") else label) in written


def test_a_string_literal_is_written_without_its_datatype():
    outcome = solutions(f'SELECT ?s WHERE {{ BIND("s"^^<{XSD.string}> AS ?s) }}')
    assert outcome.solutions[0][0].datatype == ox.NamedNode(str(XSD.string))
    written = json.loads(write_select("json", outcome.variables, outcome.solutions))
    assert written["results"]["bindings"] == [{"s": {"type": "literal", "value": "s"}}]


def test_what_xml_cannot_carry_is_refused_from_oxigraphs_terms_too():
    outcome = solutions('SELECT ?s WHERE { BIND("bell\\u0007" AS ?s) }')
    with pytest.raises(Unrepresentable):
        write_select("xml", outcome.variables, outcome.solutions)
    assert b"bell\\u0007" in write_select("json", outcome.variables, outcome.solutions)


def test_a_lexical_form_is_written_as_oxigraph_gives_it():
    """rdflib's terms rewrote some lexical forms ("1.0" for a double Oxigraph writes "1",
    "+00:00" for "Z"); the same value either way, and now the Oxigraph server's bytes."""
    outcome = solutions(
        f'SELECT ?d WHERE {{ BIND("2016-01-01T00:00:00Z"^^<{XSD.dateTime}> AS ?d) }}'
    )
    written = write_select("tsv", outcome.variables, outcome.solutions)
    assert written == f'?d\n"2016-01-01T00:00:00Z"^^<{XSD.dateTime}>\n'.encode()
    [[back]], [[before]] = read_back(written, "tsv"), outcome.rows
    assert back.eq(before)


def test_rdflib_rows_are_written_as_before():
    variables = [Variable("x")]
    rows = [(URIRef("http://example.org/x"),), (Literal("s", datatype=XSD.string),), (None,)]
    assert write_select("tsv", variables, rows) == b'?x\n<http://example.org/x>\n"s"\n\n'
    bindings = json.loads(write_select("json", variables, rows))["results"]["bindings"]
    assert bindings[1]["x"] == {"type": "literal", "value": "s", "datatype": str(XSD.string)}
    assert bindings[2] == {}


def as_json(term) -> dict:
    """A term of the JSON results format, as the writer used to make it for json.dumps."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype:
        value["datatype"] = str(term.datatype)
    return value


def test_the_json_writer_writes_what_json_dumps_would():
    strange = ["", 'q"uote', "back\\slash", "\x00\x1f\x7f", "\u2028\u2029", "é☃𝄞", "</script>"]
    names = ["a", "b-c", "ü"]
    rows = [
        (URIRef(f"http://example.org/{text}"), Literal(text, lang="en"), Literal(text))
        for text in strange
    ]
    rows += [(None, None, None), (None, Literal("1", datatype=XSD.integer), None)]
    for written in (rows, [], [(None, None, None)]):
        bindings = [
            {name: as_json(t) for name, t in zip(names, row, strict=True) if t is not None}
            for row in written
        ]
        document = {"head": {"vars": names}, "results": {"bindings": bindings}}
        got = write_select("json", [Variable(name) for name in names], written)
        assert got == json.dumps(document, ensure_ascii=False).encode() + b"\n"


# --- The lexical checks, made faster ---------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0027 SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } \\u0027 }",
        "SELECT * WHERE { # \\u000A SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    ],
)
def test_a_query_with_escapes_is_searched_with_and_without_them(query):
    assert uses_service(query)
    assert "\n" in _bare(query)
    assert "\n" not in _bare("SELECT * WHERE { ?s ?p ?o }")


def test_the_query_page_parses_the_query_once(counted):
    from netgraph.web.evaluator import _run_job

    before = counted._store.queries + counted._empty.queries
    page = _run_job(counted, ("page", "SELECT ?n WHERE { ?n a ng:Network } LIMIT 2", BASE, "en"))
    assert (page.form, len(page.rows)) == ("SELECT", 2)
    assert counted._store.queries + counted._empty.queries - before == 1
