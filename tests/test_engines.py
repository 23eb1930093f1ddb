"""The two SPARQL engines (netgraph.engines): same answers, same protocol, same refusals."""

import json
import os
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

import netgraph.engines
from answers import term_key
from netgraph.engines import (
    _FORM,
    _FROM,
    _SERVICE,
    IN_MEMORY_UP_TO,
    MAX_NESTING,
    BuildStore,
    OxigraphEngine,
    _bare,
    _first_keyword,
    _Keywords,
    make_engine,
    open_store,
    store_bytes,
    to_oxigraph,
    to_rdflib,
    uses_service,
    write_store,
)
from netgraph.named_queries import NamedQuery, named_queries
from netgraph.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, ID, NG
from netgraph.project import Project
from netgraph.sparql_protocol import ProtocolError
from netgraph.web.engine import TOO_DEEP, QueryEngine
from netgraph.web.results import write_graph

REPO_ROOT = Path(__file__).resolve().parent.parent
NAMED = named_queries(Project(REPO_ROOT))
BASE = "http://localhost/sparql"
NETWORKS = "SELECT ?network WHERE { ?network a ng:Network } ORDER BY ?network"
ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def engines(served_dataset) -> dict[str, QueryEngine]:
    return {name: make_engine(name, served_dataset) for name in ("oxigraph", "rdflib")}


def answer(engine: QueryEngine, text: str, **graphs):
    outcome = engine.evaluate(engine.prepare(text, base=BASE), **graphs)
    if outcome.form == "ASK":
        return outcome.form, outcome.boolean
    if outcome.form == "SELECT":
        names = [str(variable) for variable in outcome.variables]
        return outcome.form, names, [[term_key(term) for term in row] for row in outcome.rows]
    triples = sorted(tuple(term_key(term) for term in triple) for triple in outcome.graph)
    return outcome.form, triples


def in_order_of(names: list[str], rows: list, order: list[str]) -> list:
    positions = [names.index(name) for name in order]
    return [[row[position] for position in positions] for row in rows]


@pytest.mark.parametrize("named", NAMED, ids=[query.name for query in NAMED])
def test_every_named_query_has_the_same_answer_on_both_engines(engines, named: NamedQuery):
    expected = answer(engines["rdflib"], named.text)
    got = answer(engines["oxigraph"], named.text)
    assert got[0] == expected[0]
    if expected[0] != "SELECT":
        assert got == expected
        return
    _, names, rows = expected
    _, got_names, got_rows = got
    assert got_names == names
    assert Counter(map(tuple, got_rows)) == Counter(map(tuple, rows))  # the same rows
    if ORDER_BY.search(named.text) and got_rows != rows:
        pytest.fail(
            f"{named.name}: same rows, different order (an ORDER BY tie?): "
            "give the query a total order"
        )


def test_the_named_queries_answer_something_on_oxigraph(engines):
    answered = [answer(engines["oxigraph"], named.text) for named in NAMED]
    assert sum(1 for result in answered if result[0] == "SELECT" and result[2]) >= len(NAMED) - 2


@pytest.mark.parametrize(
    "graphs",
    [
        {},
        {"default_graph_uris": [GRAPH_DATA]},
        {"default_graph_uris": [GRAPH_DATA, GRAPH_ONTOLOGY]},
        {"named_graph_uris": [GRAPH_INFERRED]},
        {"default_graph_uris": [GRAPH_ONTOLOGY], "named_graph_uris": [GRAPH_DATA]},
        {"default_graph_uris": ["http://127.0.0.1:9/unknown"]},
    ],
)
@pytest.mark.parametrize(
    "query",
    [
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_ONTOLOGY}> WHERE {{ ?s ?p ?o }}",
        f"SELECT DISTINCT ?g FROM NAMED <{GRAPH_DATA}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "ASK { city:duesseldorf ng:memberOf network:eurocities }",
        "CONSTRUCT { ?network a ng:Network } WHERE { ?network a ng:Network }",
        "DESCRIBE network:eurocities",
    ],
)
def test_datasets_and_forms_agree(engines, query, graphs):
    if query.startswith("DESCRIBE"):
        # DESCRIBE is implementation-defined: Oxigraph gives the concise bounded description
        # (blank nodes followed), rdflib the subject's triples; both start the same.
        got = set(answer(engines["oxigraph"], query, **graphs)[1])
        assert set(answer(engines["rdflib"], query, **graphs)[1]) <= got
        return
    assert answer(engines["oxigraph"], query, **graphs) == answer(
        engines["rdflib"], query, **graphs
    )


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o .SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
        "SELECT * WHERE { { SELECT * WHERE { SERVICE ?x { ?s ?p ?o } } } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { # a comment\nSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        # an escaped # in a local name is no comment; an escaped backslash ends no string
        "SELECT * WHERE { ?s ng:a\\#b ?o . SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p 'a\\\\' SERVICE <http://127.0.0.1:9/> { } ?s ?p 'b' }",
        "SELECT * WHERE { ?s ?p 'a\\'' SERVICE <http://127.0.0.1:9/> { } ?s ?p 'b' }",
        # whether or not \\u escapes are undone outside strings
        "SELECT * WHERE { \\u0027 SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } \\u0027 }",
        "SELECT * WHERE { \\u0023 SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        # letters that Python's case-insensitive matching takes for ASCII ones
        "SELECT * WHERE { \u017fERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { SERV\u0130CE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_before_evaluation(engines, query):
    # pyoxigraph would execute SERVICE itself, over HTTP from Rust, out of reach of the
    # worker's socket guard: the check must catch every spelling.
    assert uses_service(query)
    with pytest.raises(ProtocolError) as refused:
        engines["oxigraph"].prepare(query, base=BASE)
    assert refused.value.status == 403


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s rdfs:label "SERVICE" }',
        "SELECT * WHERE { ?s rdfs:label '''a\nSERVICE <x> {}''' }",
        "SELECT ?service WHERE { ?service a <http://example.org/SERVICE> } # SERVICE",
        "SELECT * WHERE { ?s ex:SERVICE ?o }",
    ],
)
def test_service_in_strings_iris_names_and_comments_is_not_service(query):
    assert not uses_service(query)


_QUERY_PIECES = st.lists(
    st.sampled_from(
        [
            "SERVICE",
            "service",
            "Service",
            "FROM",
            "from",
            "DESCRIBE",
            "describe",
            "CONSTRUCT",
            " ",
            "\n",
            "{",
            "}",
            "<",
            ">",
            "'",
            '"',
            "#",
            "\\",
            "\\u0053",
            "x",
            "é",
            "ü",
            "\u017f",
            "\u0130",
            "\u0131",
            "ERVICE",
            "SERV",
            "CE",
            "ROM",
            "F",
            "ESCRIBE",
            "D",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_QUERY_PIECES)
def test_the_keyword_shortcut_finds_what_a_search_of_the_bare_text_finds(text):
    keywords = _Keywords(text)
    for pattern, word in ((_SERVICE, "service"), (_FROM, "from")):
        found = keywords.search(pattern, word)
        assert (found is None) == (_first_keyword(_bare(text), pattern) is None)
    # of the form keywords, only whether the first is DESCRIBE counts (else CONSTRUCT)
    assert _describes(keywords.search(_FORM, "describe")) == _describes(
        _first_keyword(_bare(text), _FORM)
    )


def _describes(match) -> bool:
    return match is not None and match[1].upper() == "DESCRIBE"


def test_updates_and_load_are_refused(engines):
    for update in ("INSERT DATA { <a:b> <a:c> <a:d> }", "LOAD <http://127.0.0.1:9/x.ttl>"):
        with pytest.raises(ProtocolError) as refused:
            engines["oxigraph"].prepare(update, base=BASE)
        assert refused.value.status == 403


def test_a_parse_error_gives_oxigraphs_line_and_column(engines):
    with pytest.raises(ProtocolError) as refused:
        engines["oxigraph"].prepare("SELECT ?x\nWHERE { ?x }", base=BASE)
    assert refused.value.status == 400
    assert refused.value.message.startswith("malformed query, line 2, column ")
    with pytest.raises(ProtocolError) as unknown:
        engines["oxigraph"].prepare("SELECT * WHERE { ?s a nope:Thing }", base=BASE)
    assert "nope" in unknown.value.message


def test_deep_nesting_is_refused_before_it_reaches_oxigraph(engines):
    deep = "SELECT * WHERE " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1)
    with pytest.raises(ProtocolError) as refused:
        engines["oxigraph"].prepare(deep, base=BASE)
    assert refused.value.status == 400
    shallow = "SELECT * WHERE " + "{" * MAX_NESTING + "}" * MAX_NESTING
    assert engines["oxigraph"].evaluate(engines["oxigraph"].prepare(shallow, base=BASE)).rows


def test_nesting_the_scan_cannot_see_is_judged_by_a_parser(engines):
    """``<`` as less-than makes the scan take the brackets after it for an IRI's; the
    query segfaulted Oxigraph's parser, and with it the evaluation process."""
    hidden = "SELECT * WHERE { FILTER(1<" + "(" * 5000 + "2" + ")" * 5000 + "#>\n) }"
    with pytest.raises(ProtocolError) as refused:
        engines["oxigraph"].prepare(hidden, base=BASE)
    assert (refused.value.status, refused.value.message) == (400, TOO_DEEP)
    # many brackets, nested shallowly: a parser says so, and the query runs
    many = "SELECT * WHERE { VALUES (?x) { " + "(1) " * 400 + "} }"
    answer = engines["oxigraph"].evaluate(engines["oxigraph"].prepare(many, base=BASE))
    assert len(answer.rows) == 400


def test_terms_survive_the_round_trip(served_dataset):
    for quad in list(served_dataset.quads((None, None, None, None)))[:2000]:
        for term in quad[:3]:
            assert to_rdflib(to_oxigraph(term)) == term


def in_a_child(work) -> bytes:
    """What ``work(fd)`` returns, run in a forked child that then exits; ``fd`` is the
    pipe the answer goes back on (a child closing what it inherits must keep it)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        status = 1
        try:
            os.write(write, work(write))
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with os.fdopen(read, "rb") as pipe:
        return pipe.read()


def test_an_in_memory_store_answers_after_fork(engines):
    engine = engines["oxigraph"]

    def work(_fd: int) -> bytes:
        outcome = engine.evaluate(engine.prepare(NETWORKS, base=BASE))
        return json.dumps(len(outcome.rows)).encode()

    assert json.loads(in_a_child(work)) == len(answer(engine, NETWORKS)[2]) > 0


def child_sees(build: BuildStore) -> list:
    """In a child that, like an evaluation worker, closes every descriptor it inherits:
    whether it reads the parent's store object, and how many quads it finds."""
    parents = build.store

    def work(fd: int) -> bytes:
        os.closerange(3, fd)
        os.closerange(fd + 1, 4096)
        return json.dumps([build.store is parents, len(build.store)]).encode()

    return json.loads(in_a_child(work))


def test_a_forked_process_opens_a_large_build_store_again(built_store_dist):
    build = BuildStore(built_store_dist / "oxigraph", in_memory_up_to=0)
    assert not build.in_memory
    parents = build.store
    assert child_sees(build) == [False, len(parents)]
    assert build.store is parents


def test_a_small_build_store_is_copied_into_memory_and_shared_by_a_fork(built_store_dist):
    on_disk = open_store(built_store_dist / "oxigraph")
    size = store_bytes(built_store_dist / "oxigraph")
    assert 0 < size <= IN_MEMORY_UP_TO
    build = BuildStore(built_store_dist / "oxigraph", in_memory_up_to=size)
    assert build.in_memory
    assert set(build.store) == set(on_disk)
    assert child_sees(build) == [True, len(on_disk)]
    one_less = BuildStore(built_store_dist / "oxigraph", in_memory_up_to=size - 1)
    assert not one_less.in_memory


def test_the_build_store_opens_read_only_with_every_quad(tmp_path, built_store_dist):
    store = open_store(built_store_dist / "oxigraph")
    expected = ox.Store()
    expected.load(path=str(built_store_dist / "netgraph.trig"), format=ox.RdfFormat.TRIG)
    assert len(store) == len(expected) > 5000

    def ground(quads):  # blank nodes are relabelled on each load
        return {quad for quad in quads if not any(isinstance(t, ox.BlankNode) for t in quad)}

    assert ground(store) == ground(expected)
    # writing a store from the dump gives the same quads again
    write_store((built_store_dist / "netgraph.trig").read_bytes(), tmp_path / "again")
    assert len(open_store(tmp_path / "again")) == len(expected)


def test_the_store_is_outside_the_checksums_and_the_dumps_stay_deterministic(
    built_dist, built_store_dist
):
    assert (built_store_dist / "oxigraph").is_dir()
    sums = (built_store_dist / "SHA256SUMS").read_text()
    assert "oxigraph" not in sums
    for dump in built_dist.iterdir():
        assert (built_store_dist / dump.name).read_bytes() == dump.read_bytes()


def test_a_served_build_uses_its_store(make_app, built_store_dist):
    app = make_app(NETGRAPH_DATASET=None, NETGRAPH_DIST=built_store_dist)
    engine = app.extensions["netgraph"].engine
    assert isinstance(engine, OxigraphEngine)
    assert len(engine.store) == len(open_store(built_store_dist / "oxigraph"))
    assert answer(engine, NETWORKS)[2]


def test_the_application_picks_the_engine(make_app):
    assert isinstance(make_app().extensions["netgraph"].engine, OxigraphEngine)
    rdflib_engine = make_app(NETGRAPH_ENGINE="rdflib").extensions["netgraph"].engine
    assert type(rdflib_engine) is QueryEngine


# --- Key protocol behaviour, over HTTP, on both engines -----------------------------


@pytest.fixture(params=["oxigraph", "rdflib"])
def engine_client(request, make_app):
    return make_app(NETGRAPH_ENGINE=request.param, NETGRAPH_CACHE_BYTES=0).test_client()


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_select_formats_are_identical_on_both_engines(make_app, accept):
    bodies = {
        name: make_app(NETGRAPH_ENGINE=name, NETGRAPH_CACHE_BYTES=0)
        .test_client()
        .get("/sparql", query_string={"query": NETWORKS}, headers={"Accept": accept})
        for name in ("oxigraph", "rdflib")
    }
    assert bodies["oxigraph"].status_code == bodies["rdflib"].status_code == 200
    assert bodies["oxigraph"].data == bodies["rdflib"].data


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json"])
def test_graph_formats_are_identical_on_both_engines(make_app, accept):
    query = (
        "CONSTRUCT { ?network a ng:Network ; ng:hasMember ?city } "
        "WHERE { ?city ng:memberOf ?network }"
    )
    bodies = {
        name: make_app(NETGRAPH_ENGINE=name, NETGRAPH_CACHE_BYTES=0)
        .test_client()
        .get("/sparql", query_string={"query": query}, headers={"Accept": accept})
        for name in ("oxigraph", "rdflib")
    }
    assert bodies["oxigraph"].status_code == bodies["rdflib"].status_code == 200
    if accept == "application/n-triples":  # written in the graph's order, which is arbitrary
        assert sorted(bodies["oxigraph"].data.splitlines()) == sorted(
            bodies["rdflib"].data.splitlines()
        )
    else:
        assert bodies["oxigraph"].data == bodies["rdflib"].data


def test_refusals_are_the_same_on_both_engines(engine_client):
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    assert engine_client.get("/sparql", query_string={"query": service}).status_code == 403
    update = "INSERT DATA { <a:b> <a:c> <a:d> }"
    assert engine_client.get("/sparql", query_string={"query": update}).status_code == 403
    bad = engine_client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x }"})
    assert bad.status_code == 400
    assert bad.data.startswith(b"malformed query, line 1, column ")


def test_rows_are_cut_and_marked_on_both_engines(make_app):
    for name in ("oxigraph", "rdflib"):
        client = make_app(
            NETGRAPH_ENGINE=name, NETGRAPH_MAX_ROWS=3, NETGRAPH_CACHE_BYTES=0
        ).test_client()
        response = client.get(
            "/sparql",
            query_string={"query": NETWORKS},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert response.headers["X-Netgraph-Truncated"] == "rows=3"
        assert len(json.loads(response.data)["results"]["bindings"]) == 3


def test_the_query_page_is_the_same_on_both_engines(make_app):
    pages = {}
    for name in ("oxigraph", "rdflib"):
        client = make_app(NETGRAPH_ENGINE=name, NETGRAPH_CACHE_BYTES=0).test_client()
        response = client.get(
            "/",
            query_string={"named": "duesseldorf-memberships", "lang": "de"},
            headers={"Accept": "text/html"},
        )
        assert response.status_code == 200
        pages[name] = re.sub(r" Zeilen in \d+ ms", " Zeilen", response.data.decode())
    assert '<p id="summary">9 Zeilen</p>' in pages["oxigraph"]
    assert "Council of European Municipalities" in pages["oxigraph"]
    assert pages["oxigraph"] == pages["rdflib"]


def test_serve_refuses_an_unknown_engine(run_cli):
    result = run_cli("serve", "--engine", "jena")
    assert result.exit_code == 2
    assert "'jena' is not one of 'oxigraph', 'rdflib'" in result.stderr


@pytest.mark.parametrize("writer", ["json-ld", "nt", "turtle", "xml", "nquads", "trig"])
def test_a_graph_answer_is_written_the_same_whatever_order_it_came_in(writer):
    """The ETag promises the same bytes, and the engines (rdflib by string hashing)
    hand over the same triples in different orders: here, one and its reverse."""
    triples = [
        (URIRef(f"{ID}network/n{i}"), NG.hasMember, URIRef(f"{ID}city/c{i % 3}")) for i in range(12)
    ]
    forward, backward = Graph(), _Reversed()
    for triple in triples:
        forward.add(triple)
        backward.add(triple)
    assert list(backward) == list(reversed(list(forward)))
    assert write_graph(writer, forward) == write_graph(writer, backward)


class _Reversed(Graph):
    """A graph that hands its triples over in the reverse of rdflib's order."""

    def triples(self, pattern):
        yield from reversed(list(super().triples(pattern)))


@pytest.mark.parametrize(
    ("engine", "reason"),
    [
        ("rdflib", "Expected SelectQuery\n"),
        # Oxigraph lists every token it would accept, over several lines: cut to one
        ("oxigraph", 'expected one of "$", "\'", "\'\'\'", "(", "+", "-", ".", ":", "<", "<<", '),
    ],
)
def test_a_syntax_error_is_one_short_line_with_its_position(make_app, engine, reason):
    client = make_app(NETGRAPH_ENGINE=engine, NETGRAPH_CACHE_BYTES=0).test_client()
    answer = client.get("/sparql", query_string={"query": "SELECT * WHERE {"})
    assert answer.status_code == 400
    message = answer.data.decode()
    assert message.startswith(f"malformed query, line 1, column 17: {reason}")
    assert message.count("\n") == 1
    assert len(message) < 220


def test_a_failure_while_rows_are_read_is_a_clean_400_never_half_a_200(make_app):
    """rdflib yields rows lazily: one failing after the first row still gets a whole error."""
    app = make_app(NETGRAPH_ENGINE="rdflib", NETGRAPH_WORKERS=0, NETGRAPH_CACHE_BYTES=0)
    engine = app.extensions["netgraph"].engine

    class FailingAfterOneRow:
        def __init__(self, dataset):
            self.dataset = dataset

        def __getattr__(self, name):
            return getattr(self.dataset, name)

        def query(self, *args, **kwargs):
            result = self.dataset.query(*args, **kwargs)

            class Rows:
                vars = result.vars

                def __iter__(self):
                    yield next(iter(result))
                    raise ValueError("the store went away")

            return Rows()

    engine.dataset = FailingAfterOneRow(engine.dataset)
    response = app.test_client().get("/sparql", query_string={"query": NETWORKS})
    assert response.status_code == 400
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.text == "the query could not be evaluated: the rdflib engine failed on it\n"


def test_only_a_query_naming_service_is_parsed_twice(engines, monkeypatch):
    """rdflib's second look costs 10-40 ms: a backslash elsewhere does not call for it."""
    parsed = []
    monkeypatch.setattr(
        netgraph.engines, "_parse_with_rdflib", lambda text, base: parsed.append(text)
    )
    plain = 'SELECT * WHERE { ?s ?p "a\\\\b" } # id:city\\/duesseldorf'
    engines["oxigraph"].prepare(plain, base=BASE)
    assert parsed == []
    escaped = 'SELECT * WHERE { ?s ?p "\\\\u0053ervice" }'
    engines["oxigraph"].prepare(escaped, base=BASE)
    assert parsed == [escaped]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        (  # Oxigraph reads triple terms, rdflib does not: the word cannot be checked
            'SELECT ?t WHERE { BIND(<<( <http://a/s> <http://a/p> "service" )>> AS ?t) }',
            403,
            "SERVICE (federated query) is not allowed: this endpoint never makes requests, "
            "and this query names it in a form the endpoint cannot check",
        ),
        (  # nor can how deeply 300 brackets nest
            "SELECT ?t WHERE { VALUES (?x) { " + "(1) " * 300 + "} "
            "BIND(<<( <http://a/s> <http://a/p> 1 )>> AS ?t) }",
            400,
            "malformed query: more than 256 brackets, in a form this endpoint cannot check "
            "for how deeply they nest",
        ),
    ],
)
def test_what_rdflib_cannot_read_is_refused_where_only_it_could_judge(
    engines, query, status, message
):
    with pytest.raises(ProtocolError) as refused:
        engines["oxigraph"].prepare(query, base=BASE)
    assert (refused.value.status, refused.value.message) == (status, message)
    # the same triple term without the word or the brackets is Oxigraph's alone to judge
    plain = "SELECT ?t WHERE { BIND(<<( <http://a/s> <http://a/p> 1 )>> AS ?t) }"
    assert engines["oxigraph"].prepare(plain, base=BASE).form == "SELECT"
