"""A remote SPARQL store (netgraph.remote_store, netgraph.publishing): publish into a real
Oxigraph server, serve from it with the same answers as the embedded engine, and fail
clearly (502, 504, exit codes) when the store is down, slow or talks nonsense."""

import json
import os
import re
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.error import URLError
from urllib.request import Request, urlopen

import pyoxigraph as ox
import pytest
from rdflib import Dataset

from answers import json_term_key
from netgraph import publishing
from netgraph.engines import OxigraphEngine
from netgraph.named_queries import NamedQuery, named_queries
from netgraph.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from netgraph.project import Project
from netgraph.publishing import CHUNK, _chunks
from netgraph.query import evaluate_query, format_result, query_engine
from netgraph.remote_store import RemoteEngine, StoreError, address, exchange, store_url
from netgraph.web import security

REPO_ROOT = Path(__file__).resolve().parent.parent
OXIGRAPH = REPO_ROOT / ".venv" / "bin" / "oxigraph"
NAMED = named_queries(Project(REPO_ROOT))
GRAPHS = (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED)
START_SECONDS = 15
ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
NETWORKS = "SELECT ?network WHERE { ?network a ng:Network } ORDER BY ?network"
JSON = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory) -> Iterator[str]:
    """A real Oxigraph server on a free loopback port, its database in a tmp folder."""
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1):
                    break
            except (URLError, OSError):
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"the Oxigraph server did not answer within {START_SECONDS} s")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def store_quads(url: str) -> list[ox.Quad]:
    """Everything in the server's store (Oxigraph's graph store answers GET with all of it)."""
    request = Request(f"{url}/store", headers={"Accept": "application/n-quads"})
    with urlopen(request, timeout=10) as response:
        return list(ox.parse(response.read(), format=ox.RdfFormat.N_QUADS))


def build_quads(dist: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(dist / "netgraph.trig"), format=ox.RdfFormat.TRIG))


def per_graph(quads: list[ox.Quad]) -> dict[str, int]:
    return dict(Counter(quad.graph_name.value for quad in quads))


def ground(quads: list[ox.Quad]) -> set[ox.Quad]:
    """The quads without blank nodes, which every load labels afresh."""
    return {q for q in quads if not any(isinstance(t, ox.BlankNode) for t in q.triple)}


@pytest.fixture(scope="module")
def published(oxigraph_server, built_dist) -> str:
    """The session's build published into the server; the store URL for ``--store``."""
    from click.testing import CliRunner

    from netgraph.cli import main

    result = CliRunner().invoke(
        main, ["publish", "--to", f"{oxigraph_server}/update", "--dist", str(built_dist)]
    )
    assert result.exit_code == 0, result.output
    return f"sparql+{oxigraph_server}/query"


# --- Publishing ---------------------------------------------------------------------


@pytest.mark.parametrize("in_place", [False, True], ids=["switched", "in-place"])
@pytest.mark.parametrize("graph_store", [False, True], ids=["update", "graph-store"])
def test_publishing_twice_gives_the_builds_triples(
    run_cli, oxigraph_server, built_dist, published, graph_store, in_place
):
    build = build_quads(built_dist)
    expected = per_graph(build)
    assert sorted(expected) == sorted(GRAPHS)
    options = ["--graph-store", f"{oxigraph_server}/store"] if graph_store else []
    options += ["--in-place"] if in_place else []
    how = "in place" if in_place else "switched in one update"
    for _ in range(2):
        result = run_cli(
            "publish", "--to", f"{oxigraph_server}/update", "--dist", built_dist, *options
        )
        assert result.exit_code == 0, result.stderr
        method = "graph store protocol" if graph_store else "SPARQL update"
        assert result.stdout == (
            f"published {expected[GRAPH_ONTOLOGY]} ontology, {expected[GRAPH_DATA]} data, "
            f"{expected[GRAPH_INFERRED]} inferred triples to "
            f"{oxigraph_server}/{'store' if graph_store else 'update'} by {method}, {how}\n"
        )
        in_store = store_quads(oxigraph_server)
        assert per_graph(in_store) == expected
        assert ground(in_store) == ground(build)


def test_a_graph_store_url_without_the_protocol_falls_back_to_updates(
    run_cli, oxigraph_server, built_dist, published
):
    result = run_cli(
        "publish",
        *("--to", f"{oxigraph_server}/update", "--dist", built_dist),
        *("--graph-store", f"{oxigraph_server}/no-such-path"),
    )
    assert result.exit_code == 0
    assert result.stdout.endswith("by SPARQL update, switched in one update\n")
    assert per_graph(store_quads(oxigraph_server)) == per_graph(build_quads(built_dist))


@pytest.mark.parametrize("graph_store", [False, True], ids=["update", "graph-store"])
@pytest.mark.parametrize("failing_call", [2, 3])
def test_a_publish_that_fails_on_the_way_leaves_the_published_graphs_as_they_were(
    oxigraph_server, built_dist, published, tmp_path, monkeypatch, graph_store, failing_call
):
    """Staged, then switched in one update: a failure before the switch changes no
    published graph, and the next publish replaces what was staged."""
    before = store_quads(oxigraph_server)
    other = tmp_path / "other"
    other.mkdir()
    # another build, whose inferred graph is empty
    (other / "netgraph.trig").write_text(
        "".join(
            f'<{name}> {{ <http://example.org/s> <http://example.org/p> "{position}" }}\n'
            for position, name in enumerate(GRAPHS[:2])
        )
        + f"<{GRAPHS[2]}> {{ }}\n"
    )
    calls = []

    def fails_once(url, method, *arguments):
        calls.append(method)
        if len(calls) == failing_call:
            raise StoreError(f"{url}: the store went away")
        return exchange(url, method, *arguments)

    store = f"{oxigraph_server}/store" if graph_store else None
    monkeypatch.setattr(publishing, "exchange", fails_once)
    with pytest.raises(StoreError, match="went away"):
        publishing.publish(other, f"{oxigraph_server}/update", store)
    assert len(calls) == failing_call
    after = [quad for quad in store_quads(oxigraph_server) if quad.graph_name.value in GRAPHS]
    assert per_graph(after) == per_graph(before)
    assert ground(after) == ground(before)
    monkeypatch.undo()
    try:
        publishing.publish(other, f"{oxigraph_server}/update", store)
        # nothing staged is left, and the published inferred graph is now empty too
        assert per_graph(store_quads(oxigraph_server)) == dict.fromkeys(GRAPHS[:2], 1)
    finally:
        publishing.publish(built_dist, f"{oxigraph_server}/update", store)
    assert per_graph(store_quads(oxigraph_server)) == per_graph(before)


def test_update_chunks_keep_each_blank_node_whole():
    a, b, c = ox.BlankNode("a"), ox.BlankNode("b"), ox.BlankNode("c")
    p, g, h = ox.NamedNode("http://e/p"), ox.NamedNode("http://e/g"), ox.NamedNode("http://e/h")
    ground = [ox.Quad(ox.NamedNode(f"http://e/{i}"), p, p, g) for i in range(5)]
    linked = [ox.Quad(a, p, b, g), ox.Quad(c, p, p, g), ox.Quad(b, p, p, h), ox.Quad(p, p, c, h)]
    linked.append(ox.Quad(b, p, c, g))  # joins a, b and c: one group across both graphs
    chunks = list(_chunks(ground[:2] + linked + ground[2:], 3))
    assert [len(chunk) for chunk in chunks] == [2, 5, 3]
    assert [quad for chunk in chunks for quad in chunk].count(linked[0]) == 1
    assert next(chunk for chunk in chunks if linked[0] in chunk) == linked
    assert CHUNK >= 1000


def test_publishing_to_a_store_that_is_down_is_one_line_and_exit_1(run_cli, built_dist):
    url = f"http://127.0.0.1:{free_port()}/update"
    result = run_cli("publish", "--to", url, "--dist", built_dist)
    assert result.exit_code == 1
    assert result.stderr == f"error: the SPARQL store at {url} is unreachable: connection refused\n"


def test_publishing_an_http_error_names_the_status_and_the_stores_message(
    run_cli, oxigraph_server, built_dist
):
    result = run_cli("publish", "--to", f"{oxigraph_server}/nope", "--dist", built_dist)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: the SPARQL store at {oxigraph_server}/nope answered 404 Not Found: "
    )
    assert result.stderr.count("\n") == 1


def test_publishing_without_a_build_exits_2(run_cli, tmp_path):
    result = run_cli("publish", "--to", "http://127.0.0.1:9/update", "--dist", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path / 'netgraph.trig'}: not built yet; run `netgraph build` first\n"
    )


def test_publish_refuses_a_url_that_is_not_http(run_cli, built_dist):
    result = run_cli("publish", "--to", "file:///tmp/x", "--dist", built_dist)
    assert result.exit_code == 2
    assert "is not an http:// or https:// URL" in result.stderr


# --- Serving from the store: the same answers as the embedded engine -----------------


@pytest.fixture(scope="module")
def twin_apps(published, built_dist, published_dataset):
    """The build served embedded and from the store, side by side, the answer cache off."""
    from netgraph.web import create_app
    from netgraph.web.evaluator import EXTENSION

    common = {
        "TESTING": True,
        "NETGRAPH_ROOT": REPO_ROOT,
        "NETGRAPH_DIST": built_dist,
        "NETGRAPH_DATASET": published_dataset,
        "NETGRAPH_CACHE_BYTES": 0,
    }
    apps = {
        "embedded": create_app(common),
        "remote": create_app({**common, "NETGRAPH_STORE": published}),
    }
    yield apps
    for app in apps.values():
        app.extensions[EXTENSION].close()


def select(client, query: str, **parameters) -> tuple[list[str], list[tuple]]:
    response = client.get(
        "/sparql", query_string={"query": query, **parameters}, headers={"Accept": JSON}
    )
    assert response.status_code == 200, response.data
    document = json.loads(response.data)
    names = document["head"]["vars"]
    rows = [
        tuple(json_term_key(row.get(name)) for name in names)
        for row in document["results"]["bindings"]
    ]
    return names, rows


def test_the_application_serves_from_the_store(twin_apps):
    assert isinstance(twin_apps["remote"].extensions["netgraph"].engine, RemoteEngine)
    assert type(twin_apps["embedded"].extensions["netgraph"].engine) is OxigraphEngine


@pytest.mark.parametrize("named", NAMED, ids=[query.name for query in NAMED])
def test_every_named_query_has_the_same_answer_from_the_store(twin_apps, named: NamedQuery):
    embedded = select(twin_apps["embedded"].test_client(), named.text)
    remote = select(twin_apps["remote"].test_client(), named.text)
    assert remote[0] == embedded[0]
    assert Counter(remote[1]) == Counter(embedded[1])
    assert embedded[1], f"{named.name} answers nothing: the comparison would prove nothing"
    if ORDER_BY.search(named.text):
        assert remote[1] == embedded[1]


UNKNOWN_GRAPH = "http://127.0.0.1:9/unknown"
DATASETS = {  # id: (default-graph-uri, named-graph-uri)
    "none": ((), ()),
    "data": ((GRAPH_DATA,), ()),
    "data+ontology": ((GRAPH_DATA, GRAPH_ONTOLOGY), ()),
    "named-only": ((), (GRAPH_INFERRED,)),
    "both": ((GRAPH_ONTOLOGY,), (GRAPH_DATA,)),
    "unknown": ((UNKNOWN_GRAPH,), ()),
}
DATASET_QUERIES = {
    "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "graphs": "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "from": f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_ONTOLOGY}> WHERE {{ ?s ?p ?o }}",
    "from-named": f"SELECT DISTINCT ?g FROM NAMED <{GRAPH_DATA}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "relative": "SELECT ?x WHERE { BIND(<relative> AS ?x) }",
}


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("query", DATASET_QUERIES)
def test_the_dataset_is_the_same_as_embedded(twin_apps, query, dataset):
    default, named = DATASETS[dataset]
    text = DATASET_QUERIES[query]
    graphs = {"default-graph-uri": list(default), "named-graph-uri": list(named)}
    embedded = select(twin_apps["embedded"].test_client(), text, **graphs)
    assert select(twin_apps["remote"].test_client(), text, **graphs) == embedded


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("ASK { city:duesseldorf ng:memberOf network:eurocities }", "text/csv"),
        ("CONSTRUCT { ?n a ng:Network } WHERE { ?n a ng:Network }", "text/turtle"),
        (NETWORKS, "application/sparql-results+xml"),
        (NETWORKS, "text/tab-separated-values"),
    ],
)
def test_other_forms_and_formats_are_byte_identical(twin_apps, query, accept):
    bodies = [
        app.test_client().get("/sparql", query_string={"query": query}, headers={"Accept": accept})
        for app in twin_apps.values()
    ]
    assert [body.status_code for body in bodies] == [200, 200]
    assert bodies[0].data == bodies[1].data


def test_the_query_page_and_the_row_limit_work_from_the_store(
    published, built_dist, published_dataset, make_app
):
    app = make_app(
        NETGRAPH_STORE=published,
        NETGRAPH_DIST=built_dist,
        NETGRAPH_DATASET=published_dataset,
        NETGRAPH_MAX_ROWS=3,
        NETGRAPH_CACHE_BYTES=0,
    )
    client = app.test_client()
    cut = client.get("/sparql", query_string={"query": NETWORKS}, headers={"Accept": JSON})
    assert cut.headers["X-Netgraph-Truncated"] == "rows=3"
    assert len(json.loads(cut.data)["results"]["bindings"]) == 3
    page = client.get(
        "/", query_string={"named": "duesseldorf-memberships"}, headers={"Accept": "text/html"}
    )
    assert page.status_code == 200
    assert "Council of European Municipalities" in page.data.decode()


def test_netgraph_query_gives_the_same_table_from_the_store(
    run_cli, published, built_store_dist, tmp_path
):
    query = tmp_path / "networks.rq"
    query.write_text(NETWORKS)
    remote = run_cli("query", query, "--store", published)
    assert remote.exit_code == 0, remote.stderr
    embedded = query_engine(Project(REPO_ROOT), dist_dir=built_store_dist)
    assert isinstance(embedded, OxigraphEngine)
    assert remote.stdout == format_result(evaluate_query(embedded, NETWORKS), "table")
    assert remote.stdout.splitlines()[2] == "network:cdia"


# --- Bad input --------------------------------------------------------------------------


class FakeStore:
    """A loopback listener that never answers, or answers ``reply`` to up to ``answers``
    requests on each connection and then, with ``hang_up``, closes it without saying so;
    counts its connections. Every connection is served by its own thread."""

    def __init__(self, reply: bytes | None, answers: int = 1, hang_up: bool = False):
        self.reply = reply
        self.answers = answers
        self.hang_up = hang_up
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._open: list[socket.socket] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    @property
    def url(self) -> str:
        return f"sparql+http://127.0.0.1:{self._listener.getsockname()[1]}/query"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            self._open.append(connection)
            if self.reply is not None:
                thread = threading.Thread(target=self._answer, args=(connection,), daemon=True)
                self._threads.append(thread)
                thread.start()

    def _answer(self, connection: socket.socket) -> None:
        connection.settimeout(0.1)
        rest = b""
        for _ in range(self.answers):
            rest = self._request(connection, rest)
            if rest is None:
                return
            try:
                connection.sendall(self.reply)
            except OSError:
                return
        if self.hang_up:
            connection.shutdown(socket.SHUT_RDWR)

    def _request(self, connection: socket.socket, data: bytes) -> bytes | None:
        """Reads until one whole request is in (headers, then Content-Length bytes of body);
        what came after it, or None when the client has gone or the store stops."""
        while not self._stop.is_set():
            head, blank, body = data.partition(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length:\s*(\d+)", head)
            size = int(length[1]) if length else 0
            if blank and len(body) >= size:
                return body[size:]
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
        return None

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        for connection in [*self._open, self._listener]:
            connection.close()


@pytest.fixture
def fake_store() -> Iterator:
    made = []

    def make(reply: bytes | None = None, **behaviour) -> FakeStore:
        made.append(FakeStore(reply, **behaviour))
        return made[-1]

    yield make
    for store in made:
        store.close()


def http_reply(media_type: str, body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {media_type}\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"Connection: close\r\n\r\n" + body


def keep_alive_reply(body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {JSON}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


ASK_TRUE = keep_alive_reply(b'{"head": {}, "boolean": true}')


def asks(engine: RemoteEngine, times: int) -> list[bool | None]:
    query = engine.prepare("ASK {}", base="")
    return [engine.evaluate(query).boolean for _ in range(times)]


def remote_client(make_app, store: str, **config):
    return make_app(NETGRAPH_STORE=store, NETGRAPH_CACHE_BYTES=0, **config).test_client()


def test_a_store_that_is_down_is_502_naming_it(make_app):
    store = f"sparql+http://127.0.0.1:{free_port()}/query"
    response = remote_client(make_app, store).get("/sparql", query_string={"query": NETWORKS})
    assert response.status_code == 502
    assert response.data.decode() == (
        f"the SPARQL store at {store.removeprefix('sparql+')} is unreachable: connection refused\n"
    )


def test_a_slow_store_is_504_within_the_time_limit(make_app, fake_store):
    store = fake_store()
    client = remote_client(make_app, store.url, NETGRAPH_QUERY_TIMEOUT=1.5)
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": NETWORKS})
    elapsed = time.monotonic() - started
    assert response.status_code == 504
    assert response.data.startswith(
        f"the SPARQL store at {store.url.removeprefix('sparql+')} did not answer in time".encode()
    )
    assert 1.1 < elapsed < 2.0  # the engine gives up at 1.2 s, before the pool
    assert store.connections == 1


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (http_reply(JSON, b"<html>not json</html>"), "answered with something other than SPARQL"),
        (http_reply(JSON, b'{"head": {"vars": ["x"]}, "results": 7}'), "other than SPARQL"),
        (http_reply("text/html", b"<html>a login page</html>"), "answered text/html, not "),
        (b"garbage, not even HTTP\r\n\r\n", "failed: "),
        (
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 12\r\n\r\nstore\nbroke\n",
            "answered 500 Internal Server Error: store broke",
        ),
    ],
)
def test_a_store_answering_garbage_is_502(make_app, fake_store, reply, says):
    store = fake_store(reply)
    response = remote_client(make_app, store.url).get("/sparql", query_string={"query": NETWORKS})
    assert response.status_code == 502
    body = response.data.decode()
    assert body.startswith(f"the SPARQL store at {store.url.removeprefix('sparql+')} ")
    assert says in body
    assert body.count("\n") == 1


def test_a_construct_answered_with_garbage_is_502(make_app, fake_store):
    store = fake_store(http_reply("application/n-triples", b"<a> <b> this is not RDF .\n"))
    query = "CONSTRUCT { ?n a ng:Network } WHERE { ?n a ng:Network }"
    response = remote_client(make_app, store.url).get("/sparql", query_string={"query": query})
    assert response.status_code == 502
    assert "answered with something other than N-Triples: " in response.data.decode()


def test_the_network_guard_lets_the_store_through_and_nothing_else(fake_store):
    store = fake_store()
    host, port = address(store_url(store.url))
    security.allow(host, port)
    with security.no_network():
        socket.create_connection((host, port), timeout=1).close()
        with pytest.raises(PermissionError):
            socket.create_connection((host, free_port()), timeout=1)


def test_a_connection_is_kept_for_the_next_query(fake_store):
    store = fake_store(ASK_TRUE, answers=10)
    assert asks(RemoteEngine(Dataset(), store.url), 3) == [True] * 3
    assert store.connections == 1


def test_a_kept_connection_the_store_has_closed_is_replaced(fake_store):
    store = fake_store(ASK_TRUE, answers=1, hang_up=True)
    assert asks(RemoteEngine(Dataset(), store.url), 3) == [True] * 3
    assert store.connections == 3


def test_a_forked_process_opens_its_own_connection(fake_store):
    store = fake_store(ASK_TRUE, answers=10)
    engine = RemoteEngine(Dataset(), store.url)
    assert asks(engine, 1) == [True]
    pid = os.fork()
    if pid == 0:  # the child: the parent's connection is not its to use
        status = 1
        try:
            status = 0 if asks(engine, 2) == [True, True] else 1
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert asks(engine, 1) == [True]  # the parent's own connection still works
    assert store.connections == 2


def test_service_is_refused_before_anything_reaches_the_store(make_app, fake_store):
    store = fake_store(http_reply(JSON, b'{"head": {}, "boolean": true}'))
    client = remote_client(make_app, store.url)
    for query in (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "INSERT DATA { <a:b> <a:c> <a:d> }",
    ):
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 403
    assert client.get("/sparql", query_string={"query": "SELECT ?x { ?x }"}).status_code == 400
    assert store.connections == 0
    asked = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": JSON})
    assert json.loads(asked.data) == {"head": {}, "boolean": True}
    assert store.connections == 1


@pytest.mark.parametrize(
    "store", ["http://127.0.0.1:7878/query", "oxigraph:/tmp/db", "sparql+http://", "sparql+ftp://x"]
)
def test_serve_refuses_a_store_that_is_not_sparql_http(run_cli, store):
    result = run_cli("serve", "--store", store)
    assert result.exit_code == 2
    assert "Invalid value for '--store'" in result.stderr


@pytest.mark.parametrize(
    ("given", "url", "where"),
    [
        ("sparql+http://127.0.0.1:7878/query", "http://127.0.0.1:7878/query", ("127.0.0.1", 7878)),
        (
            "SPARQL+HTTPS://store.example/sparql",
            "https://store.example/sparql",
            ("store.example", 443),
        ),
        ("sparql+http://[::1]:8890/sparql?x=1", "http://[::1]:8890/sparql?x=1", ("::1", 8890)),
    ],
)
def test_store_urls_name_the_endpoint_and_its_address(given, url, where):
    assert store_url(given) == url
    assert address(url) == where


def test_serve_refuses_a_store_with_load(run_cli, tmp_path):
    result = run_cli(
        "serve", "--store", "sparql+http://127.0.0.1:9/q", "--load", tmp_path / "a.ttl"
    )
    assert result.exit_code == 2
    assert "--load and --store exclude each other" in result.stderr
