"""Bad requests get a clear 4xx, never a 500 or a traceback, and the service keeps answering."""

from urllib.parse import parse_qsl

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netgraph.sparql_protocol import MAX_PARAMETERS, ProtocolError, _decode_parameters
from netgraph.web import create_app

OK_QUERY = "SELECT ?network WHERE { ?network a ng:Network } LIMIT 1"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
BODY_LIMIT = 64 * 1024

# (label, request keyword arguments for the test client, expected status)
BAD_REQUESTS = [
    ("malformed query", {"query_string": {"query": "SELECT ?x WHERE { ?x }"}}, 400),
    ("truncated query", {"query_string": {"query": "SELECT ?x WHERE {"}}, 400),
    ("not SPARQL at all", {"query_string": {"query": "<html><script>alert(1)</script>"}}, 400),
    ("empty query", {"query_string": {"query": ""}}, 400),
    ("blank query", {"query_string": {"query": "   \n "}}, 400),
    ("unknown prefix", {"query_string": {"query": "SELECT * WHERE { ?s a foo:Bar }"}}, 400),
    (
        "deeply nested",
        {"query_string": {"query": "SELECT * WHERE " + "{" * 3000 + "}" * 3000}},
        400,
    ),
    ("two query parameters", {"query_string": [("query", OK_QUERY), ("query", OK_QUERY)]}, 400),
    (
        "query in URL and form body",
        {"method": "POST", "query_string": {"query": OK_QUERY}, "data": {"query": OK_QUERY}},
        400,
    ),
    (
        "query in URL and direct body",
        {
            "method": "POST",
            "query_string": {"query": OK_QUERY},
            "data": OK_QUERY.encode(),
            "content_type": DIRECT,
        },
        400,
    ),
    (
        "relative default-graph-uri",
        {"query_string": {"query": OK_QUERY, "default-graph-uri": "graph/data"}},
        400,
    ),
    ("graph parameter without query", {"query_string": {"named-graph-uri": "urn:x:g"}}, 400),
    ("unknown format", {"query_string": {"query": OK_QUERY, "format": "excel"}}, 400),
    ("invalid UTF-8 in URL", {"path": "/sparql?query=SELECT%20%FF%FE"}, 400),
    (
        "invalid UTF-8 in direct body",
        {"method": "POST", "data": b"SELECT \xff\xfe * {}", "content_type": DIRECT},
        400,
    ),
    (
        "invalid UTF-8 in form body",
        {"method": "POST", "data": b"query=SELECT%20%C3%28", "content_type": FORM},
        400,
    ),
    ("too many parameters", {"path": "/sparql?" + "&".join(f"p{i}=1" for i in range(500))}, 400),
    ("POST without content type", {"method": "POST", "data": OK_QUERY.encode()}, 415),
    (
        "POST as JSON",
        {"method": "POST", "data": b'{"query": "SELECT"}', "content_type": "application/json"},
        415,
    ),
    (
        "POST as multipart",
        {"method": "POST", "data": b"--x--", "content_type": "multipart/form-data; boundary=x"},
        415,
    ),
    (
        "latin-1 direct body",
        {"method": "POST", "data": OK_QUERY.encode(), "content_type": f"{DIRECT}; charset=latin-1"},
        415,
    ),
    ("empty direct body", {"method": "POST", "data": b"", "content_type": DIRECT}, 400),
    ("empty form body", {"method": "POST", "data": b"", "content_type": FORM}, 400),
    (
        "huge direct body",
        {"method": "POST", "data": b"#" * (BODY_LIMIT + 1), "content_type": DIRECT},
        413,
    ),
    (
        "huge form body",
        {"method": "POST", "data": b"query=" + b"x" * BODY_LIMIT, "content_type": FORM},
        413,
    ),
    (
        "update parameter",
        {"method": "POST", "data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        403,
    ),
    (
        "update content type",
        {"method": "POST", "data": b"CLEAR ALL", "content_type": "application/sparql-update"},
        403,
    ),
    (
        "update in query",
        {"query_string": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        403,
    ),
    ("drop in query", {"method": "POST", "data": b"DROP ALL", "content_type": DIRECT}, 403),
    ("load in query", {"query_string": {"query": "LOAD <http://127.0.0.1:9/data.ttl>"}}, 403),
    (
        "SERVICE",
        {
            "query_string": {
                "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
            }
        },
        403,
    ),
    (
        "SERVICE SILENT in EXISTS",
        {
            "query_string": {
                "query": "ASK {FILTER EXISTS { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p 1 } } }"
            }
        },
        403,
    ),
    (
        "SERVICE in sub-select",
        {
            "query_string": {
                "query": "SELECT * { { SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } } }"
            }
        },
        403,
    ),
    (
        "absurd Accept",
        {"query_string": {"query": OK_QUERY}, "headers": {"Accept": "application/x-unheard-of"}},
        406,
    ),
    (
        "Accept excluding everything",
        {"query_string": {"query": OK_QUERY}, "headers": {"Accept": "*/*;q=0"}},
        406,
    ),
    ("PUT", {"method": "PUT", "data": OK_QUERY.encode(), "content_type": DIRECT}, 405),
    ("DELETE", {"method": "DELETE"}, 405),
]

# Odd but harmless: answered normally.
TOLERATED_REQUESTS = [
    (
        "unknown parameters are ignored",
        {"query_string": {"query": OK_QUERY, "output": "json", "timeout": "5"}},
    ),
    (
        "garbage Accept is read as no Accept",
        {"query_string": {"query": OK_QUERY}, "headers": {"Accept": ";;;,,,/"}},
    ),
    (
        "very long Accept",
        {
            "query_string": {"query": OK_QUERY},
            "headers": {"Accept": ", ".join(["x/y"] * 1000 + ["*/*"])},
        },
    ),
    (
        "raw UTF-8 in the URL",
        {"path": "/sparql?query=SELECT%20?x%20WHERE%20{%20BIND(%22\u00fc%22%20AS%20?x)%20}"},
    ),
]


@pytest.fixture
def guarded_client(served_dataset):
    app = create_app(
        {"TESTING": True, "NETGRAPH_DATASET": served_dataset, "MAX_CONTENT_LENGTH": BODY_LIMIT}
    )
    return app.test_client()


def send(client, method: str = "GET", path: str = "/sparql", **kwargs):
    return client.open(path, method=method, **kwargs)


def assert_still_answers(client) -> None:
    response = send(client, query_string={"query": OK_QUERY})
    assert response.status_code == 200
    assert response.content_type == "application/sparql-results+json; charset=utf-8"


def assert_plain_error(response) -> None:
    body = response.data.decode("utf-8", "replace")
    assert response.content_type in ("text/plain; charset=utf-8", None), response.content_type
    assert "Traceback" not in body
    assert "<html" not in body.lower()
    assert body.strip(), "an error must say what is wrong"


@pytest.mark.parametrize(
    ("label", "request_args", "status"), BAD_REQUESTS, ids=[r[0] for r in BAD_REQUESTS]
)
def test_bad_request_gets_its_status(guarded_client, label, request_args, status):
    response = send(guarded_client, **request_args)
    assert response.status_code == status, response.data
    assert_plain_error(response)
    assert_still_answers(guarded_client)


@pytest.mark.parametrize(
    ("label", "request_args"), TOLERATED_REQUESTS, ids=[r[0] for r in TOLERATED_REQUESTS]
)
def test_odd_but_harmless_request_is_answered(guarded_client, label, request_args):
    response = send(guarded_client, **request_args)
    assert response.status_code == 200, response.data


def test_the_whole_list_in_a_row_leaves_the_service_answering(guarded_client):
    statuses = [
        send(guarded_client, **request_args).status_code for _, request_args, _ in BAD_REQUESTS
    ]
    assert statuses == [status for _, _, status in BAD_REQUESTS]
    assert 500 not in statuses
    assert_still_answers(guarded_client)


def test_the_dataset_is_unchanged_by_update_attempts(guarded_client, served_dataset):
    before = len(served_dataset)
    for _, request_args, status in BAD_REQUESTS:
        if status == 403:
            send(guarded_client, **request_args)
    assert len(served_dataset) == before


# --- Form fields decode exactly as urllib's parse_qsl ------------------------------------

_FIELD_BYTES = st.lists(
    st.sampled_from(
        [
            b"%",
            b"+",
            b"&",
            b"=",
            b"\\",
            b"x",
            b"4",
            b"1",
            b"a",
            b"F",
            b"g",
            b"C3",
            b"A9",
            b"%2",
            b"\xc3\xa9",
            b"\xff",
            b"%FF",
            b"%C3%A9",
            b"%5C",
            b"%25",
            b"query",
            b" ",
        ]
    ),
    max_size=40,
).map(b"".join)


def _as_urllib_reads(raw: bytes):
    try:
        return parse_qsl(
            raw.decode("utf-8"),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=MAX_PARAMETERS,
        )
    except (UnicodeDecodeError, ValueError):
        return "refused"


def _as_decoded(raw: bytes):
    try:
        return _decode_parameters(raw, "the form body")
    except ProtocolError as error:
        assert error.status == 400
        return "refused"


@settings(max_examples=400, deadline=None)
@given(_FIELD_BYTES)
def test_form_fields_decode_as_urllib_parse_qsl_does(raw):
    assert _as_decoded(raw) == _as_urllib_reads(raw)


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        (b"query=%53ELECT+*%20%7B%7D", [("query", "SELECT * {}")]),
        (b"a=%zz&b=%4&c=100%", [("a", "%zz"), ("b", "%4"), ("c", "100%")]),
        (b"q=\\x41%5Cx41", [("q", "\\x41\\x41")]),
        (b"q=caf%C3%A9&&flag", [("q", "café"), ("flag", "")]),
    ],
)
def test_form_fields_keep_malformed_escapes_and_backslashes_as_sent(raw, fields):
    assert _decode_parameters(raw, "the form body") == fields
