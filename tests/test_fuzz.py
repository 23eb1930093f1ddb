"""Property-based fuzzing of the endpoint (hypothesis): generated and mutated SPARQL,
random parameters, headers and bodies. No 5xx except the documented 503/504, no
request hung beyond the time limit, no trace of the implementation in an error,
the dataset unchanged, and an ordinary query still answers afterwards.

The normal run is small (``make test``); ``make fuzz`` selects the long profile
(``NETGRAPH_FUZZ=long``). Everything talks to the Flask test client, or to a
live server on a loopback port.
"""

import http.client
import json
import os
import re
import time
import urllib.parse
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netgraph.named_queries import named_queries
from netgraph.project import Project
from netgraph.web.evaluator import EXTENSION
from netgraph.web.server import running_server

REPO_ROOT = Path(__file__).resolve().parent.parent

TIME_LIMIT = 1.0
settings.register_profile(
    "netgraph-ci",
    max_examples=25,
    deadline=(TIME_LIMIT + 4) * 1000,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
    derandomize=True,
)
settings.register_profile(
    "netgraph-long",
    max_examples=1500,
    deadline=(TIME_LIMIT + 8) * 1000,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,  # nothing written into the checkout; a failure prints its reproducer
)
PROFILE = "netgraph-long" if os.environ.get("NETGRAPH_FUZZ") == "long" else "netgraph-ci"

NAMED = [query.text for query in named_queries(Project(REPO_ROOT))]
_GRAMMAR = (
    "SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED GRAPH OPTIONAL UNION MINUS FILTER "
    "BIND VALUES SERVICE SILENT LOAD INSERT DELETE DATA CLEAR DROP CREATE PREFIX BASE "
    "ORDER BY GROUP HAVING LIMIT OFFSET DISTINCT REDUCED AS EXISTS NOT IN COUNT SUM "
    "GROUP_CONCAT REGEX STR LANG IRI BNODE COALESCE IF a ?s ?p ?o ?x * { } ( ) . ; , "
    "[ ] ^^ @en <http://example.org/x> <x> \"x\" 'y' 1 -2.5e3 true _:b ng:Network "
    "skos:prefLabel rdf:type / | ^ + ? ! = != < > && || # \\u0000 \u00e9 \U0001f600 "
    "<<( )>> << >> TRIPLE isTRIPLE"
)
KEYWORDS = tuple(_GRAMMAR.split())
DOCUMENTED_5XX = {503, 504}
BODY_LIMIT = 64 * 1024
LEAKS = re.compile(
    rb'Traceback|File "|/work/|site-packages|werkzeug|waitress/'
    rb"|\b[A-Z]\w*(?:Error|Exception):"  # a Python exception's class name, as a traceback ends
    rb"| object at 0x|rdflib\.term\.|(?:<|&lt;)[A-Z]\w* (?:value|subject)="  # an object's repr
)
"""What no answer may show of the implementation: the last line of a traceback is no message
for a client, nor is the repr of an object, Oxigraph's (``<NamedNode value=…>``) or rdflib's."""


@pytest.fixture(scope="module")
def fuzz_app(served_dataset):
    from netgraph.web import create_app

    app = create_app(
        {
            "TESTING": True,
            "NETGRAPH_ROOT": REPO_ROOT,
            "NETGRAPH_DATASET": served_dataset,
            "NETGRAPH_QUERY_TIMEOUT": TIME_LIMIT,
            "NETGRAPH_QUEUE_TIMEOUT": TIME_LIMIT + 2,
            "MAX_CONTENT_LENGTH": BODY_LIMIT,
        }
    )
    triples = len(served_dataset)
    yield app
    app.extensions[EXTENSION].close()
    assert len(served_dataset) == triples  # nothing the service holds was changed


def mutate(text: str, data) -> str:
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        kind = data.draw(st.sampled_from(["delete", "insert", "duplicate", "swap"]))
        at = data.draw(st.integers(0, len(text)))
        if kind == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 40)) :]
        elif kind == "insert":
            word = data.draw(st.sampled_from(KEYWORDS) | st.text(max_size=8))
            text = f"{text[:at]} {word} {text[at:]}"
        elif kind == "duplicate":
            text = text[:at] + text[max(0, at - 30) : at] + text[at:]
        else:
            words = text.split(" ")
            if len(words) > 2:
                i = data.draw(st.integers(0, len(words) - 2))
                words[i], words[i + 1] = words[i + 1], words[i]
                text = " ".join(words)
    return text


queries_strategy = st.one_of(
    st.sampled_from(KEYWORDS).map(str),
    st.lists(st.sampled_from(KEYWORDS), min_size=1, max_size=25).map(" ".join),
    st.text(max_size=200),
)


def check(response_status: int, body: bytes, elapsed: float) -> None:
    assert response_status < 500 or response_status in DOCUMENTED_5XX, (response_status, body)
    assert elapsed < TIME_LIMIT + 3, "a request hung beyond the time limit"
    leak = LEAKS.search(body)
    assert leak is None, body[max(0, leak.start() - 200) : leak.end() + 100]


ORDINARY = "/sparql?" + urllib.parse.urlencode(
    {"query": "SELECT ?n WHERE { ?n a ng:Network } LIMIT 2"}
)


def assert_ordinary_query_answers(client) -> None:
    started = time.monotonic()
    response = client.get(ORDINARY)
    assert response.status_code == 200
    assert len(json.loads(response.data)["results"]["bindings"]) == 2
    assert time.monotonic() - started < 1.0


@settings(settings.get_profile(PROFILE))
@given(data=st.data())
def test_mutated_named_queries(fuzz_app, data):
    client = fuzz_app.test_client()
    text = mutate(data.draw(st.sampled_from(NAMED)), data)
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": text})
    check(response.status_code, response.data, time.monotonic() - started)
    if response.status_code >= 400:
        assert response.content_type == "text/plain; charset=utf-8"


@settings(settings.get_profile(PROFILE))
@given(text=queries_strategy)
def test_generated_queries_on_the_endpoint_and_the_page(fuzz_app, text):
    client = fuzz_app.test_client()
    for path in ("/sparql", "/"):
        started = time.monotonic()
        response = client.get(path, query_string={"query": text})
        check(response.status_code, response.data, time.monotonic() - started)


PARAMETER_NAMES = st.sampled_from(
    ["query", "update", "default-graph-uri", "named-graph-uri", "format", "output", "named"]
) | st.text(max_size=10)
HEADER_NAMES = st.sampled_from(
    ["Accept", "Content-Type", "Accept-Language", "Origin", "Access-Control-Request-Headers"]
)
HEADER_VALUES = st.text(
    st.characters(min_codepoint=32, max_codepoint=126), max_size=60
) | st.sampled_from(
    [
        "application/sparql-query",
        "application/x-www-form-urlencoded",
        "application/sparql-update",
        "text/html;q=0.9, */*;q=0",
        "application/sparql-results+json; charset=latin-1",
    ]
)


@settings(settings.get_profile(PROFILE))
@given(
    method=st.sampled_from(["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"]),
    path=st.sampled_from(["/sparql", "/", "/static/query.js", "/sparql/x", "/%00"]),
    params=st.lists(
        st.tuples(PARAMETER_NAMES, queries_strategy | st.sampled_from(NAMED)), max_size=6
    ),
    headers=st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=4),
    body=st.binary(max_size=300) | queries_strategy.map(str.encode),
)
def test_random_requests(fuzz_app, method, path, params, headers, body):
    client = fuzz_app.test_client()
    started = time.monotonic()
    response = client.open(
        path,
        method=method,
        query_string=urllib.parse.urlencode(params),
        headers=headers,
        data=body if method in ("POST", "PUT", "PATCH") else None,
    )
    check(response.status_code, response.data, time.monotonic() - started)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


TRIPLE_TERMS = (
    "SELECT (<<( <a:b> <a:c> <a:d> )>> AS ?t) {}",
    "CONSTRUCT { <a:b> <a:c> ?t } WHERE { BIND (<<( <a:b> <a:c> <a:d> )>> AS ?t) }",
)


@pytest.mark.parametrize("path", ["/sparql", "/"])
@pytest.mark.parametrize("query", TRIPLE_TERMS, ids=["select", "construct"])
def test_an_answer_no_writer_can_write_is_refused_in_words_of_its_own(fuzz_app, path, query):
    """Oxigraph evaluates RDF 1.2 triple terms; no writer here writes them."""
    started = time.monotonic()
    response = fuzz_app.test_client().get(path, query_string={"query": query})
    check(response.status_code, response.data, time.monotonic() - started)
    assert response.status_code == 400
    if path == "/sparql":
        assert response.data == b"answers with RDF 1.2 triple terms cannot be written\n"
    else:
        assert b"answers with RDF 1.2 triple terms cannot be written</p>" in response.data


def test_the_service_still_answers_after_fuzzing(fuzz_app):
    assert_ordinary_query_answers(fuzz_app.test_client())


@settings(settings.get_profile(PROFILE), max_examples=15 if PROFILE == "netgraph-ci" else 300)
@given(
    target=st.one_of(
        queries_strategy.map(lambda q: "/sparql?" + urllib.parse.urlencode({"query": q})),
        st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=80).map(
            lambda raw: "/sparql?" + raw
        ),
    ),
    headers=st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=3),
)
def test_random_requests_to_a_live_server(live_fuzz_server, target, headers):
    response, body, elapsed = send(live_fuzz_server, "GET", target, headers=headers)
    check(response.status, body, elapsed)
    assert b"waitress" not in (response.getheader("Server") or "").encode()


BODY_TYPES = (
    st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=ISO-8859-1",
            "application/sparql-query",
            "application/sparql-query; charset=utf-16",
            "application/sparql-update",
            "multipart/form-data; boundary=x",
            "text/plain",
            "application/json",
        ]
    )
    | HEADER_VALUES
)
FORMS = st.lists(
    st.tuples(PARAMETER_NAMES, queries_strategy | st.sampled_from(NAMED)), max_size=4
).map(lambda fields: urllib.parse.urlencode(fields).encode())
BODIES = st.one_of(
    st.binary(max_size=300),
    queries_strategy.map(str.encode),
    st.sampled_from(NAMED).map(str.encode),
    FORMS,
)


@settings(settings.get_profile(PROFILE), max_examples=15 if PROFILE == "netgraph-ci" else 300)
@given(
    path=st.sampled_from(["/sparql", "/"]),
    content_type=st.none() | BODY_TYPES,
    body=BODIES,
    padding=st.just(0) | st.sampled_from([BODY_LIMIT - 1, BODY_LIMIT, BODY_LIMIT + 1]),
    chunked=st.booleans(),
)
def test_random_bodies_to_a_live_server(
    live_fuzz_server, path, content_type, body, padding, chunked
):
    """Posted over the wire, where waitress reads the body (by length or in chunks) first.

    ``padding`` makes a body about as long as the limit (64 KiB here). waitress refuses
    it from the limit on, counting the chunks' framing too, and unread: it may then close
    the connection while the rest is still being sent, and so reset it before the client
    reads the 413.
    """
    body = body + b"#" * max(padding - len(body), 0)
    framed = len(body) + (len(b"%X\r\n\r\n0\r\n\r\n" % len(body)) if chunked else 0)
    headers = {} if content_type is None else {"Content-Type": content_type}
    try:
        response, answer, elapsed = send(live_fuzz_server, "POST", path, body, headers, chunked)
    except (ConnectionResetError, BrokenPipeError):
        assert framed >= BODY_LIMIT, "a connection was reset, not for a body over the limit"
        return
    check(response.status, answer, elapsed)
    if len(body) >= BODY_LIMIT:
        assert response.status == 413


def send(address, method: str, target: str, body=None, headers=None, chunked=False):
    """One request on a fresh connection: the response, its body and the seconds it took."""
    connection = http.client.HTTPConnection(*address, timeout=TIME_LIMIT + 5)
    started = time.monotonic()
    try:
        if chunked:
            body = iter([body])  # http.client sends an iterable in chunks
        connection.request(method, target, body, headers or {}, encode_chunked=chunked)
        response = connection.getresponse()
        return response, response.read(), time.monotonic() - started
    finally:
        connection.close()


@pytest.fixture(scope="module")
def live_fuzz_server(fuzz_app):
    with running_server(fuzz_app) as base:
        parsed = urllib.parse.urlsplit(base)
        address = (parsed.hostname, parsed.port)
        yield address
        response, body, elapsed = send(address, "GET", ORDINARY)  # over the wire, after all
        assert (response.status, len(json.loads(body)["results"]["bindings"])) == (200, 2)
        assert elapsed < 1.0
        assert_ordinary_query_answers(fuzz_app.test_client())
