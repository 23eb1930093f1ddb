"""Each limit of the endpoint, triggered: the exact status and message, and the service
answering an ordinary query within a second right after (docs/limits.md)."""

import contextlib
import html
import io
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Dataset
from rdflib.query import Result

from netgraph import limits
from netgraph.web.evaluator import EXTENSION
from netgraph.web.server import running_server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""A cartesian product over the whole dataset: over 10^11 solutions to count. A product of
two (28 million) takes Oxigraph about 2 s, too close to the limits these tests set."""
SLOW_BUT_FINITE = "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { 1 2 3 4 5 6 } ?a ?b ?c . ?d a ?f }"
"""About 1.7 s here: slow (past netgraph.web.evaluator.SLOW), within the limits set below."""
ORDINARY = "SELECT ?network WHERE { ?network a ng:Network } ORDER BY ?network LIMIT 3"
TIMEOUT = 1.5


def sparql(client, query: str, **params):
    return client.get("/sparql", query_string={"query": query, **params})


def assert_still_answers(client) -> None:
    started = time.monotonic()
    response = sparql(client, ORDINARY)
    assert response.status_code == 200
    assert len(json.loads(response.data)["results"]["bindings"]) == 3
    assert time.monotonic() - started < 1.0


def test_a_query_past_the_time_limit_is_stopped_with_504(make_app):
    app = make_app(NETGRAPH_QUERY_TIMEOUT=TIMEOUT)
    client = app.test_client()
    assert_still_answers(client)  # the workers are up
    pool = app.extensions[EXTENSION]
    pid = pool.process.pid
    started = time.monotonic()
    response = sparql(client, RUNAWAY)
    elapsed = time.monotonic() - started
    assert response.status_code == 504
    assert response.data == (
        b"the query ran longer than this endpoint's limit of 1.5 s and was stopped; "
        b"narrow it down (more specific patterns, LIMIT) and try again\n"
    )
    assert response.content_type == "text/plain; charset=utf-8"
    assert TIMEOUT <= elapsed < TIMEOUT + 2
    # the evaluation process was terminated and replaced: it is gone
    assert (pool.timeouts, pool.replaced) == (1, 1)
    assert pool.process.pid != pid
    assert len(pool.process.slots) == 2
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert_still_answers(client)


def test_a_query_stopped_with_a_runaway_is_sent_again_and_answered(make_app):
    """The slots share one process, which a runaway takes down with it: the query that ran
    beside it is evaluated again by the fresh process, within its own time limit."""
    app = make_app(NETGRAPH_QUERY_TIMEOUT=5.0)
    client = app.test_client()
    assert_still_answers(client)
    pool = app.extensions[EXTENSION]
    neighbour = SLOW_BUT_FINITE  # running when the runaway is stopped at 5 s; 4 s left for a rerun
    expected = pool.engine.evaluate(pool.engine.prepare(neighbour, base="")).rows
    with ThreadPoolExecutor(2) as executor:
        runaway = executor.submit(sparql, app.test_client(), RUNAWAY)
        time.sleep(4.0)
        answer = executor.submit(sparql, app.test_client(), neighbour, format="csv")
        assert runaway.result(timeout=10).status_code == 504
        response = answer.result(timeout=10)
    assert response.status_code == 200
    assert response.data == f"n\r\n{expected[0][0]}\r\n".encode()
    assert (pool.timeouts, pool.replaced, pool.resent) == (1, 1, 1)
    assert_still_answers(client)


def test_the_query_page_reports_a_stopped_query(make_app):
    client = make_app(NETGRAPH_QUERY_TIMEOUT=1.0).test_client()
    response = client.get("/", query_string={"query": RUNAWAY})
    assert response.status_code == 504
    assert b"ran longer than this endpoint&#39;s limit of 1 s" in response.data
    assert_still_answers(client)


def test_a_full_queue_is_503_with_retry_after(make_app):
    app = make_app(
        NETGRAPH_QUERY_TIMEOUT=TIMEOUT,
        NETGRAPH_WORKERS=1,
        NETGRAPH_QUEUE_SIZE=0,
        NETGRAPH_CACHE_BYTES=0,  # the ordinary query must reach the pool, not the cache
    )
    assert_still_answers(app.test_client())
    with ThreadPoolExecutor(1) as executor:
        runaway = executor.submit(sparql, app.test_client(), RUNAWAY)
        time.sleep(0.3)  # the runaway query holds the only worker
        started = time.monotonic()
        response = sparql(app.test_client(), ORDINARY)
        assert time.monotonic() - started < 0.5  # refused at once, not queued
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2"
        assert response.data == (
            b"the endpoint is busy (1 queries running, 0 waiting); try again shortly\n"
        )
        assert runaway.result(timeout=10).status_code == 504
    assert_still_answers(app.test_client())


def test_a_query_waits_in_the_queue_at_most_the_queue_timeout(make_app):
    app = make_app(
        NETGRAPH_QUERY_TIMEOUT=TIMEOUT,
        NETGRAPH_WORKERS=1,
        NETGRAPH_QUEUE_SIZE=4,
        NETGRAPH_QUEUE_TIMEOUT=0.5,
        NETGRAPH_CACHE_BYTES=0,  # the ordinary query must reach the pool, not the cache
    )
    assert_still_answers(app.test_client())
    with ThreadPoolExecutor(1) as executor:
        runaway = executor.submit(sparql, app.test_client(), RUNAWAY)
        time.sleep(0.2)
        started = time.monotonic()
        response = sparql(app.test_client(), ORDINARY)
        assert 0.5 <= time.monotonic() - started < 1.2
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2"
        assert response.data == (
            b"the endpoint is busy: no query slot came free within 0.5 s; try again shortly\n"
        )
        assert runaway.result(timeout=10).status_code == 504
    assert_still_answers(app.test_client())


def test_a_queued_query_is_answered_once_a_worker_is_free(make_app):
    app = make_app(NETGRAPH_QUERY_TIMEOUT=1.0, NETGRAPH_WORKERS=1, NETGRAPH_QUEUE_TIMEOUT=5)
    with ThreadPoolExecutor(2) as executor:
        runaway = executor.submit(sparql, app.test_client(), RUNAWAY)
        time.sleep(0.2)
        waiting = executor.submit(sparql, app.test_client(), ORDINARY)
        assert runaway.result(timeout=10).status_code == 504
        assert waiting.result(timeout=10).status_code == 200


def test_rows_beyond_the_limit_are_cut_and_marked(make_app):
    client = make_app(NETGRAPH_MAX_ROWS=7).test_client()
    response = sparql(client, "SELECT * WHERE { ?s ?p ?o }")
    assert response.status_code == 200
    assert response.headers["X-Netgraph-Truncated"] == "rows=7"
    assert "X-Netgraph-Truncated" in response.headers["Access-Control-Expose-Headers"]
    assert len(json.loads(response.data)["results"]["bindings"]) == 7
    construct = sparql(client, "CONSTRUCT WHERE { ?s ?p ?o }", format="nt")
    assert construct.headers["X-Netgraph-Truncated"] == "rows=7"
    assert len(construct.data.decode().strip().splitlines()) == 7
    whole = sparql(client, "SELECT * WHERE { ?s ?p ?o } LIMIT 7")
    assert "X-Netgraph-Truncated" not in whole.headers
    assert_still_answers(client)


def _rows(body: bytes, fmt: str) -> int:
    """How many rows or triples a whole document in ``fmt`` holds (a cut one must parse)."""
    if fmt in ("json", "xml", "csv", "tsv"):
        source = io.StringIO(body.decode()) if fmt == "tsv" else io.BytesIO(body)
        return len(Result.parse(source, format=fmt))
    syntax = {"jsonld": "json-ld", "rdfxml": "xml"}.get(fmt, fmt)
    return len(Dataset().parse(data=body, format=syntax))


@pytest.mark.parametrize(
    ("query", "formats"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", ("json", "xml", "csv", "tsv")),
        ("CONSTRUCT WHERE { ?s ?p ?o }", ("turtle", "nt", "jsonld", "rdfxml", "nquads", "trig")),
    ],
    ids=["select", "construct"],
)
def test_answers_beyond_the_byte_limit_are_cut_and_marked_in_every_format(make_app, query, formats):
    """At the least byte limit, too: what a format writes around the rows counts as well."""
    client = make_app(NETGRAPH_MAX_BYTES=limits.MIN_BYTES, NETGRAPH_CACHE_BYTES=0).test_client()
    for fmt in formats:
        response = sparql(client, query, format=fmt)
        assert response.status_code == 200, (fmt, response.data)
        assert response.headers["X-Netgraph-Truncated"] == f"bytes={limits.MIN_BYTES}", fmt
        assert len(response.data) <= limits.MIN_BYTES, fmt
        assert 0 < _rows(response.data, fmt) < 100, fmt
    ask = sparql(client, "ASK { ?s ?p ?o }", format="xml")
    assert (ask.status_code, ask.headers.get("X-Netgraph-Truncated")) == (200, None)
    assert_still_answers(client)


LONG_HEAD = "SELECT " + " ".join(f"?{'v' * 60}{n}" for n in range(80)) + " WHERE { ?s ?p ?o }"


@pytest.mark.parametrize(
    ("limit", "query", "fmt"),
    [
        (limits.MIN_BYTES, LONG_HEAD, "json"),  # the variables alone are over 4096 bytes
        (1024, "CONSTRUCT WHERE { ?s ?p ?o }", "jsonld"),  # its context alone, below the least
    ],
    ids=["variables", "context"],
)
def test_an_answer_that_does_not_fit_even_without_rows_is_refused(make_app, limit, query, fmt):
    """Never sent whole and marked cut while it is over the limit."""
    client = make_app(NETGRAPH_MAX_BYTES=limit).test_client()
    response = sparql(client, query, format=fmt)
    assert response.status_code == 400
    assert (
        response.data
        == (
            f"the answer does not fit this endpoint's limit of {limit} bytes even with no rows\n"
        ).encode()
    )
    assert_still_answers(client)


def test_the_query_page_shows_that_an_answer_was_cut(make_app):
    client = make_app(NETGRAPH_MAX_ROWS=2).test_client()
    response = client.get("/", query_string={"query": "SELECT ?s WHERE { ?s a ng:Network }"})
    assert response.status_code == 200
    assert response.headers["X-Netgraph-Truncated"] == "rows=2"
    assert b'<p id="truncated"' in response.data
    assert "cut at this endpoint's limit (rows=2)" in html.unescape(response.data.decode())
    german = client.get(
        "/", query_string={"query": "SELECT ?s WHERE { ?s a ng:Network }", "lang": "de"}
    )
    assert "an der Grenze dieses Endpunkts gekürzt (rows=2)" in german.data.decode()
    whole = client.get("/", query_string={"query": "SELECT ?s WHERE { ?s a ng:Network } LIMIT 1"})
    assert b'id="truncated"' not in whole.data


def _table_rows(page: bytes) -> bytes:
    return page[page.index(b"<tbody>") + len(b"<tbody>") : page.index(b"</tbody>")].strip()


@pytest.mark.parametrize(
    "query",
    ["SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"],
    ids=["select", "graph"],
)
def test_the_query_page_cuts_its_table_at_the_byte_limit(make_app, query):
    """The rows as sent, in HTML, are within the limit; the rest of the page is not counted."""
    client = make_app(NETGRAPH_MAX_BYTES=limits.MIN_BYTES).test_client()
    response = client.get("/", query_string={"query": query})
    assert response.status_code == 200
    assert response.headers["X-Netgraph-Truncated"] == "bytes=4096"
    assert "cut at this endpoint's limit (bytes=4096)" in html.unescape(response.data.decode())
    rows = _table_rows(response.data)
    assert 0 < len(rows.strip()) <= limits.MIN_BYTES
    assert rows.count(b"<tr>") == rows.count(b"</tr>") > 1  # whole rows, as many as fit
    whole = client.get("/", query_string={"query": query + " LIMIT 1"})
    assert b'id="truncated"' not in whole.data
    assert "X-Netgraph-Truncated" not in whole.headers


def test_rows_the_page_cannot_show_stay_in_the_evaluation_process(make_app):
    """Their text alone is over the limit (their HTML is longer still): they are not sent."""
    app = make_app(NETGRAPH_MAX_BYTES=limits.MIN_BYTES)
    query = "SELECT * WHERE { ?s ?p ?o }"
    answer = app.extensions[EXTENSION].page(query, "http://localhost/sparql", "en")
    assert answer.truncated == "bytes=4096"
    text = sum(len(str(term).encode()) for row in answer.rows for term in row)
    assert 0 < text <= limits.MIN_BYTES
    assert len(answer.labels) <= 3 * len(answer.rows)


def test_a_query_over_the_length_limit_is_413(make_app):
    client = make_app(NETGRAPH_MAX_QUERY_LENGTH=100).test_client()
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 100
    for response in (
        sparql(client, query),
        client.post("/sparql", data=query.encode(), content_type="application/sparql-query"),
    ):
        assert response.status_code == 413
        assert response.data == (
            b"the query is 137 characters long, over this endpoint's limit of 100\n"
        )
    assert_still_answers(client)


def test_a_body_over_the_size_limit_is_413(make_app):
    client = make_app(MAX_CONTENT_LENGTH=1000).test_client()
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 1000
    response = client.post("/sparql", data=query.encode(), content_type="application/sparql-query")
    assert response.status_code == 413
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.data.startswith(b"413 Request Entity Too Large: ")
    assert_still_answers(client)


POST = b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
WAITRESS_REFUSALS = {
    "body": (
        POST + b"Content-Length: 3000\r\n\r\n" + b"#" * 3000,
        413,
        "Request Entity Too Large",
        "exceeds max_body of 2000",
    ),
    "body-as-long-as-the-limit": (  # waitress refuses max_body bytes, not only more
        POST + b"Content-Length: 2000\r\n\r\n" + b"#" * 2000,
        413,
        "Request Entity Too Large",
        "exceeds max_body of 2000",
    ),
    "chunked-body": (
        POST + b"Transfer-Encoding: chunked\r\n\r\n" + (b"800\r\n" + b"#" * 0x800 + b"\r\n") * 2,
        413,
        "Request Entity Too Large",
        "exceeds max_body of 2000",
    ),
    "request-line": (b"GARBAGE\r\n\r\n", 400, "Bad Request", "Start line is invalid"),
    "content-length": (
        POST + b"Content-Length: ten\r\n\r\n",
        400,
        "Bad Request",
        "Content-Length is invalid",
    ),
    "header-line": (  # a first header line that continues nothing: waitress repeats it
        b"GET /sparql HTTP/1.1\r\n <b>x</b>\r\nHost: localhost\r\n\r\n",
        400,
        "Bad Request",
        'Malformed header line " <b>x</b>"',
    ),
    "headers": (
        b"GET /sparql?query=" + b"x" * 300_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n",
        431,
        "Request Header Fields Too Large",
        "exceeds max_header of 262144",
    ),
    "transfer-coding": (
        POST + b"Transfer-Encoding: gzip\r\n\r\n",
        501,
        "Not Implemented",
        "Transfer-Encoding requested is not supported.",
    ),
}


@pytest.fixture(scope="module")
def small_body_server(served_dataset):
    from netgraph.web import create_app

    app = create_app(
        {
            "TESTING": True,
            "NETGRAPH_ROOT": Path(__file__).resolve().parent.parent,
            "NETGRAPH_DATASET": served_dataset,
            "MAX_CONTENT_LENGTH": 2000,
        }
    )
    with running_server(app) as base:
        yield urllib.parse.urlsplit(base)
    app.extensions[EXTENSION].close()


def _exchange(address, request: bytes) -> bytes:
    """What the server sends back, read until it closes (it may stop reading first)."""
    received = b""
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        with contextlib.suppress(OSError):
            connection.sendall(request)
        with contextlib.suppress(OSError):
            while chunk := connection.recv(65536):
                received += chunk
    return received


@pytest.mark.parametrize(
    ("request_bytes", "status", "reason", "detail"),
    WAITRESS_REFUSALS.values(),
    ids=WAITRESS_REFUSALS.keys(),
)
def test_what_waitress_itself_answers_is_exactly_as_documented(
    small_body_server, request_bytes, status, reason, detail
):
    """waitress refuses these before the application sees the request, in words and headers
    of its own that it has no setting for (docs/limits.md, "Refused by waitress")."""
    head, _, body = _exchange(small_body_server, request_bytes).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    assert status_line.split(" ", 2)[1:] == [str(status), reason]
    assert body.decode() == f"{reason}\r\n\r\n{detail}\r\n\r\n(generated by netgraph)"
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Connection"] == "close"
    assert headers["Server"] == "netgraph"
    assert "X-Content-Type-Options" not in headers
    assert "Access-Control-Allow-Origin" not in headers
    base = f"http://{small_body_server.netloc}"
    assert _fetch(f"{base}/sparql?" + urllib.parse.urlencode({"query": ORDINARY}))[0] == 200


def test_a_query_needing_too_much_memory_fails_alone(make_app):
    app = make_app(NETGRAPH_QUERY_TIMEOUT=20, NETGRAPH_WORKER_MEMORY_MB=32)
    client = app.test_client()
    started = time.monotonic()
    response = sparql(client, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f")
    assert time.monotonic() - started < 15
    assert response.status_code == 503
    assert response.data == (b"the query needed more memory than this endpoint's limit (32 MiB)\n")
    pool = app.extensions[EXTENSION]
    assert pool.replaced == 1  # the process was replaced at once after the answer
    for _ in range(3):  # whichever slot answers, they all do
        assert_still_answers(client)


def _fetch(url: str, timeout: float = 15) -> tuple[int, bytes, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.monotonic() - started


def test_a_runaway_query_is_stopped_while_others_keep_being_answered(make_app):
    app = make_app(NETGRAPH_QUERY_TIMEOUT=2.0)
    ordinary_results: list[tuple[int, float]] = []
    done = threading.Event()
    with running_server(app) as base:

        def url(query: str) -> str:
            return f"{base}/sparql?" + urllib.parse.urlencode({"query": query})

        assert _fetch(url(ORDINARY))[0] == 200  # the workers are up

        def ordinary_client() -> None:
            deadline = time.monotonic() + 10
            for _ in range(200):
                if done.is_set() or time.monotonic() > deadline:
                    return
                status, _, seconds = _fetch(url(ORDINARY))
                ordinary_results.append((status, seconds))

        with ThreadPoolExecutor(5) as executor:
            clients = [executor.submit(ordinary_client) for _ in range(4)]
            runaway = executor.submit(_fetch, url(RUNAWAY))
            status, body, seconds = runaway.result(timeout=20)
            done.set()
            for client in clients:
                client.result(timeout=20)
        assert status == 504
        assert b"longer than this endpoint's limit of 2 s" in body
        assert 2.0 <= seconds < 4.0
        assert len(ordinary_results) >= 8
        assert {status for status, _ in ordinary_results} == {200}
        assert max(seconds for _, seconds in ordinary_results) < 2.0
        started = time.monotonic()
        assert _fetch(url(ORDINARY))[0] == 200
        assert time.monotonic() - started < 1.0


def niceness_of_threads(pid: int) -> list[int]:
    """The nice value of each thread of a process (Linux keeps one per thread)."""
    tasks = Path(f"/proc/{pid}/task").iterdir()
    return sorted(os.getpriority(os.PRIO_PROCESS, int(task.name)) for task in tasks)


def test_a_slow_query_runs_at_a_lower_priority_until_it_ends(make_app):
    app = make_app(NETGRAPH_QUERY_TIMEOUT=2.0)
    client = app.test_client()
    assert_still_answers(client)
    pool = app.extensions[EXTENSION]
    base = os.getpriority(os.PRIO_PROCESS, 0)
    assert set(niceness_of_threads(pool.process.pid)) == {base}
    with ThreadPoolExecutor(1) as executor:
        runaway = executor.submit(sparql, app.test_client(), RUNAWAY)
        time.sleep(1.5)  # past netgraph.web.evaluator.SLOW
        niceness = niceness_of_threads(pool.process.pid)
        assert niceness.count(10) == 1  # the runaway's thread only
        assert set(niceness) == {base, 10}
        assert runaway.result(timeout=10).status_code == 504
    assert set(niceness_of_threads(pool.process.pid)) == {base}
    assert_still_answers(client)


def test_a_slowed_thread_that_cannot_be_restored_is_replaced_by_a_fresh_one(make_app, monkeypatch):
    """Where the system does not let the server raise a thread's priority again, the slot
    gets a fresh thread at the normal priority."""
    app = make_app(NETGRAPH_QUERY_TIMEOUT=5.0, NETGRAPH_WORKERS=1)
    client = app.test_client()
    assert_still_answers(client)
    pool = app.extensions[EXTENSION]
    base = os.getpriority(os.PRIO_PROCESS, 0)
    lower = os.setpriority

    def only_lower(which, who, niceness):
        if niceness < os.getpriority(which, who):
            raise PermissionError("not permitted")
        lower(which, who, niceness)

    monkeypatch.setattr(os, "setpriority", only_lower)
    (slot,) = pool.process.slots
    before = slot.thread_id
    assert sparql(client, SLOW_BUT_FINITE).status_code == 200
    assert slot.thread_id is None  # retired; the fresh thread reports itself on the next job
    assert sparql(client, ORDINARY + " # not from the cache").status_code == 200
    assert slot.thread_id not in (None, before)
    assert set(niceness_of_threads(pool.process.pid)) == {base}
    assert pool.replaced == 0


def test_a_failure_in_evaluation_is_a_400_and_the_slot_serves_on(make_app, monkeypatch):
    from netgraph.web import evaluator

    real = evaluator._run_job

    def failing(engine, job):
        if job[0] == "answer" and "# fail here" in job[1].query:
            raise RuntimeError("an unforeseen failure")
        return real(engine, job)

    monkeypatch.setattr(evaluator, "_run_job", failing)  # before the process is forked
    app = make_app(NETGRAPH_WORKERS=1)
    client = app.test_client()
    response = sparql(client, ORDINARY + " # fail here")
    assert response.status_code == 400
    assert response.data == (
        b"the query could not be evaluated: this endpoint failed on it (the failure is logged)\n"
    )
    assert_still_answers(client)
    assert app.extensions[EXTENSION].replaced == 0


def test_a_slot_gives_memory_back_after_a_long_query_only(make_app, monkeypatch, tmp_path):
    from netgraph.web import evaluator

    real = evaluator._run_job
    trims = tmp_path / "trims"

    def slow_when_asked(engine, job):
        if job[0] == "answer" and "# slow" in job[1].query:
            time.sleep(evaluator.TRIM_AFTER + 0.05)
        return real(engine, job)

    def trim():
        with trims.open("a") as log:  # the evaluation process is another process: a file
            log.write("trimmed\n")

    monkeypatch.setattr(evaluator, "_run_job", slow_when_asked)  # before the fork
    monkeypatch.setattr(evaluator, "return_free_memory", trim)
    app = make_app(NETGRAPH_WORKERS=1)
    client = app.test_client()
    assert_still_answers(client)
    assert not trims.exists()
    assert sparql(client, ORDINARY + " # slow").status_code == 200
    assert_still_answers(client)  # from the cache: the slot is asked nothing
    # the slot trims after the slow reply, before it reads its next job
    assert sparql(client, ORDINARY + " # quick").status_code == 200
    assert trims.read_text() == "trimmed\n"
