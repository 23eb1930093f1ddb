"""Serving a build from its Oxigraph store (netgraph.engines.StoreView): no TriG parsed, no
Python copy of the data, the same bytes as serving the parsed build."""

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Dataset, URIRef
from rdflib.plugins.stores.memory import Memory

from netgraph import dataset_metadata, engines
from netgraph.build import HASH_IRIS_FILE, STATISTICS_FILE
from netgraph.dataset_metadata import count_statistics, read_statistics, write_statistics
from netgraph.engines import StoreView, open_store, store_dataset, triples_per_predicate
from netgraph.errors import InputError
from netgraph.namespaces import BASE_IRI, GRAPH_DATA
from netgraph.project import Project
from netgraph.web import create_app
from netgraph.web import dataset as web_dataset
from netgraph.web.dataset import built_dataset, load_files
from netgraph.web.evaluator import EXTENSION as POOL

REPO_ROOT = Path(__file__).resolve().parent.parent
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ng:Network }"


@pytest.fixture
def serve(make_app, built_store_dist):
    """Applications on the session's build with its store (not the dataset parsed from it)."""
    return lambda **config: make_app(
        **{"NETGRAPH_DATASET": None, "NETGRAPH_DIST": built_store_dist, **config}
    )


def _refuse_parsing(monkeypatch):
    """No RDF file is loaded into a dataset (the metadata files are parsed into a Graph)."""

    def refuse(*args, **kwargs):
        raise AssertionError("netgraph.trig was parsed")

    monkeypatch.setattr(rdflib.Dataset, "parse", refuse)
    monkeypatch.setattr(web_dataset, "load_files", refuse)


def test_serving_a_build_with_a_store_parses_no_trig(serve, monkeypatch):
    _refuse_parsing(monkeypatch)
    app = serve()
    assert isinstance(app.extensions["netgraph"].engine.dataset.store, StoreView)
    client = app.test_client()
    answer = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200
    assert answer.data.decode().split() == ["n", "10"]  # the networks of the real data
    assert b"EUROCITIES Culture Forum" in client.get("/id/network/eurocities.html?lang=en").data
    assert client.get("/.well-known/void", headers={"Accept": "text/turtle"}).status_code == 200


def test_a_store_that_does_not_open_is_one_line(tmp_path, built_store_dist):
    dist = tmp_path / "dist"
    shutil.copytree(built_store_dist, dist, ignore=shutil.ignore_patterns("oxigraph"))
    (dist / "oxigraph").mkdir()
    with pytest.raises(InputError, match=r"oxigraph: cannot open the store: .*CURRENT"):
        built_dataset(Project(REPO_ROOT), dist)


def test_the_rdflib_engine_still_evaluates_the_parsed_trig(serve):
    engine = serve(NETGRAPH_ENGINE="rdflib").extensions["netgraph"].engine
    assert isinstance(engine.dataset.store, Memory)


def _documents(dataset: Dataset) -> list[str]:
    return sorted(
        {
            str(term).split("#", 1)[0]
            for quad in dataset.quads((None, None, None, None))
            for term in quad[:3]
            if isinstance(term, URIRef) and term.startswith(BASE_IRI)
        }
    )


def test_pages_and_metadata_from_the_store_are_those_of_the_parsed_build(serve, built_store_dist):
    parsed = load_files([built_store_dist / "netgraph.trig"])
    from_store = serve().test_client()
    from_trig = serve(NETGRAPH_DATASET=parsed).test_client()
    documents = _documents(parsed)
    assert len(documents) > 150
    paths = [document[len(BASE_IRI) - 1 :] + ".nt" for document in documents]
    paths += [
        "/id/city/duesseldorf.html?lang=de",
        "/id/network/eurocities.html?lang=en",
        "/ontology.html?lang=en",
        "/ontology.ttl",
        "/.well-known/void",
        "/catalog",
        "/id/dataset/netgraph.ttl",
        "/id/no-such-thing",
        "/ontology%23Network",
    ]
    for path in paths:
        one, other = from_store.get(path), from_trig.get(path)
        assert (one.status_code, one.data) == (other.status_code, other.data), path
    service = {"Accept": "text/turtle"}
    assert from_store.get("/sparql", headers=service).data == (
        from_trig.get("/sparql", headers=service).data
    )


def test_the_store_answers_in_the_evaluation_process(serve):
    """The evaluation process closes every inherited descriptor, the store's too, and opens
    it again, once for all its query slots."""
    app = serve(NETGRAPH_WORKERS=2)
    pool = app.extensions[POOL]
    pool.start()
    client = app.test_client()
    expected = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"})
    for _ in range(4):  # both slots, twice
        answer = client.get(
            "/sparql", query_string={"query": COUNT + " # again"}, headers={"Accept": "text/csv"}
        )
        assert (answer.status_code, answer.data) == (200, expected.data)
    assert pool.replaced == 0


def test_the_query_slots_share_one_opening_of_a_store_on_disk(serve, built_store_dist, monkeypatch):
    """RocksDB's caches grow in every process that opens the store: the evaluation process
    opens it once, whichever of its slots evaluates."""
    monkeypatch.setattr(engines, "store_bytes", lambda folder: engines.IN_MEMORY_UP_TO + 1)
    app = serve(NETGRAPH_WORKERS=2, NETGRAPH_CACHE_BYTES=0)
    pool = app.extensions[POOL]
    pool.start()
    queries = [COUNT + f" # {i}" for i in range(8)]
    with ThreadPoolExecutor(2) as executor:  # both slots, at once
        answers = list(
            executor.map(
                lambda query: app.test_client().get(
                    "/sparql", query_string={"query": query}, headers={"Accept": "text/csv"}
                ),
                queries,
            )
        )
    assert {(answer.status_code, answer.data) for answer in answers} == {(200, b"n\r\n10\r\n")}
    folder = built_store_dist / "oxigraph"
    opened = [str(link.readlink()) for link in Path(f"/proc/{pool.process.pid}/fd").iterdir()]
    tables = sorted(path.name for path in folder.glob("*.sst"))
    assert tables  # a store on disk, read by RocksDB
    assert sorted(Path(path).name for path in opened if path.endswith(".sst")) == tables


def test_pattern_matches_and_sizes_are_those_of_the_parsed_build(built_store_dist):
    parsed = load_files([built_store_dist / "netgraph.trig"])
    view = store_dataset(built_store_dist / "oxigraph")
    city = URIRef(BASE_IRI + "id/city/duesseldorf")
    for pattern in ((city, None, None, None), (None, None, city, None)):
        assert set(view.quads(pattern)) == set(parsed.quads(pattern)) != set()
    assert len(view) == len(parsed) > 5000
    data = URIRef(GRAPH_DATA)
    assert len(view.graph(data)) == len(parsed.graph(data))
    assert (city, None, None) in view
    assert (URIRef(BASE_IRI + "id/city/nowhere"), None, None) not in view
    assert (rdflib.Literal("a literal"), None, None) not in view


def test_a_triple_several_graphs_hold_is_counted_once():
    store = ox.Store()
    s, p, q, o = (ox.NamedNode(f"http://example.org/{name}") for name in "spqo")
    for graph in (ox.NamedNode("http://example.org/g1"), ox.NamedNode("http://example.org/g2")):
        store.add(ox.Quad(s, p, o, graph))
    store.add(ox.Quad(s, p, o))
    store.add(ox.Quad(s, q, o, ox.NamedNode("http://example.org/g2")))
    assert triples_per_predicate(store) == {
        URIRef("http://example.org/p"): 1,
        URIRef("http://example.org/q"): 1,
    }


def test_the_build_keeps_its_stores_statistics_beside_it(built_store_dist, tmp_path):
    kept = built_store_dist / STATISTICS_FILE
    assert read_statistics(kept) == count_statistics(open_store(built_store_dist / "oxigraph"))
    assert read_statistics(kept).triples == len(open_store(built_store_dist / "oxigraph"))
    again = tmp_path / "dist"
    shutil.copytree(built_store_dist / "oxigraph", again / "oxigraph")
    write_statistics(again / "oxigraph")
    assert (again / STATISTICS_FILE).read_bytes() == kept.read_bytes()  # same data, same bytes


def test_serving_a_build_reads_its_statistics_instead_of_counting(
    serve, built_store_dist, tmp_path, make_app, monkeypatch
):
    counted_dist = tmp_path / "dist"
    shutil.copytree(built_store_dist, counted_dist, ignore=shutil.ignore_patterns(STATISTICS_FILE))
    counted = make_app(NETGRAPH_DATASET=None, NETGRAPH_DIST=counted_dist).test_client()
    turtle = {"Accept": "text/turtle"}
    expected = counted.get("/.well-known/void", headers=turtle)
    assert expected.status_code == 200

    def refuse(store):
        raise AssertionError("counted, not read")

    monkeypatch.setattr(dataset_metadata, "count_statistics", refuse)
    client = serve().test_client()
    for path in ("/.well-known/void", "/catalog"):
        response = client.get(path, headers=turtle)
        assert response.status_code == 200, path
    assert client.get("/.well-known/void", headers=turtle).data == expected.data


def test_a_broken_statistics_file_stops_start_up_with_its_name(built_store_dist, tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(built_store_dist, dist)
    (dist / STATISTICS_FILE).write_text('{"triples": 1}', encoding="utf-8")
    with pytest.raises(InputError) as raised:
        create_app({"NETGRAPH_DIST": dist, "NETGRAPH_WORKERS": 0})
    assert str(raised.value) == (
        f"{dist / STATISTICS_FILE}: not the statistics of a build: 'entities'"
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"triples": "many"}, "triples is 'many', not a count"),
        ({"entities": -1}, "entities is -1, not a count"),
        ({"classes": {"http://example.org/C": 1.5}}, "http://example.org/C is 1.5, not a count"),
        ({"graph_triples": []}, "graph_triples is [], not counts by name"),
    ],
)
def test_a_statistics_file_with_a_wrong_count_stops_start_up(
    built_store_dist, tmp_path, change, reason
):
    dist = tmp_path / "dist"
    shutil.copytree(built_store_dist, dist)
    kept = json.loads((dist / STATISTICS_FILE).read_text(encoding="utf-8"))
    (dist / STATISTICS_FILE).write_text(json.dumps({**kept, **change}), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        create_app({"NETGRAPH_DIST": dist, "NETGRAPH_WORKERS": 0})
    assert str(raised.value) == f"{dist / STATISTICS_FILE}: not the statistics of a build: {reason}"


# --- The hash IRIs the build keeps for the resource pages ---------------------------------

PAGES_WITH_HASH_IRIS = ("/ontology", "/id/membership/duesseldorf--eccar")


def _pages(client) -> dict[str, bytes]:
    turtle = {"Accept": "text/turtle"}
    pages = {path: client.get(path, headers=turtle) for path in PAGES_WITH_HASH_IRIS}
    assert {path: page.status_code for path, page in pages.items()} == dict.fromkeys(
        PAGES_WITH_HASH_IRIS, 200
    )
    return {path: page.data for path, page in pages.items()}


def test_the_build_keeps_its_hash_iris_beside_the_store(built_store_dist):
    kept = (built_store_dist / HASH_IRIS_FILE).read_text(encoding="utf-8").splitlines()
    assert kept == engines.hash_iris(open_store(built_store_dist / "oxigraph"))
    assert f"{BASE_IRI}id/membership/duesseldorf--eccar#period" in kept


def test_pages_read_the_kept_hash_iris_instead_of_a_pass(
    serve, built_store_dist, tmp_path, make_app, monkeypatch
):
    passed_dist = tmp_path / "dist"
    shutil.copytree(built_store_dist, passed_dist, ignore=shutil.ignore_patterns(HASH_IRIS_FILE))
    expected = _pages(make_app(NETGRAPH_DATASET=None, NETGRAPH_DIST=passed_dist).test_client())
    assert b"#period" in expected["/id/membership/duesseldorf--eccar"]

    def refuse(store):
        raise AssertionError("a pass over the store, not the kept list")

    monkeypatch.setattr(engines, "hash_iris", refuse)
    assert _pages(serve().test_client()) == expected


def test_an_unreadable_hash_iri_list_costs_the_pass_not_the_page(
    serve, built_store_dist, tmp_path, make_app, caplog
):
    expected = _pages(serve().test_client())
    dist = tmp_path / "dist"
    shutil.copytree(built_store_dist, dist)
    (dist / HASH_IRIS_FILE).write_bytes(b"\xff\xfe not UTF-8\n")
    assert _pages(make_app(NETGRAPH_DATASET=None, NETGRAPH_DIST=dist).test_client()) == expected
    assert f"{dist / HASH_IRIS_FILE}: not read" in caplog.text
