"""The fronts bench/bench_floor.py sets beside netgraph: each answers the form POST."""

import importlib.util
import json
import sys
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from werkzeug.test import Client

BENCH = Path(__file__).resolve().parent.parent / "bench"
QUERY = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"


@pytest.fixture(scope="module")
def bench_floor():
    sys.path.insert(0, str(BENCH))  # for its import of bench_endpoint
    try:
        spec = importlib.util.spec_from_file_location("bench_floor", BENCH / "bench_floor.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture
def store_folder(tmp_path: Path, monkeypatch, bench_floor) -> Path:
    """Two triples in named graphs, which the fronts query as one union default graph."""
    folder = tmp_path / "store"
    store = ox.Store(str(folder))
    for name in ("a", "b"):
        iri = ox.NamedNode(f"http://example.org/{name}")
        store.add(ox.Quad(iri, ox.NamedNode("http://example.org/p"), ox.Literal(name), iri))
    store.flush()
    del store  # RocksDB: one writer or readers
    monkeypatch.setenv(bench_floor.STORE_ENV, str(folder))
    bench_floor._store.cache_clear()
    yield folder
    bench_floor._store.cache_clear()


@pytest.mark.parametrize("front", ["bare", "flask"])
def test_each_front_answers_a_form_post_from_the_union_graph(bench_floor, store_folder, front):
    app = bench_floor.bare_app if front == "bare" else bench_floor.flask_app()
    response = Client(app).post(
        "/sparql",
        data=urlencode({"query": QUERY}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    bindings = json.loads(response.get_data())["results"]["bindings"]
    assert [row["s"]["value"] for row in bindings] == [
        "http://example.org/a",
        "http://example.org/b",
    ]


def test_the_servers_run_the_fronts_by_name(bench_floor):
    waitress = bench_floor._front_command("waitress", "flask_app", 8123)
    assert waitress[-3:] == ["--threads=4", "--call", "bench_floor:flask_app"]
    assert "--listen=127.0.0.1:8123" in waitress
    granian = bench_floor._front_command("granian", "bare_app", 8123)
    assert granian[-1] == "bench_floor:bare_app" and "--factory" not in granian
    assert "--factory" in bench_floor._front_command("granian", "flask_app", 8123)
