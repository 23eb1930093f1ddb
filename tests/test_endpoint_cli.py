"""``netgraph serve``: options, one-line errors with exit 2, and real servers in subprocesses."""

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

START_SECONDS = 60
TRIG = """\
@prefix ex: <http://example.org/> .
ex:g1 { ex:a ex:p "in g1" . }
ex:g2 { ex:b ex:p "in g2" . }
"""
TURTLE = '@prefix ex: <http://example.org/> .\nex:c ex:p "in the default graph" .\n'


@pytest.fixture
def rdf_files(tmp_path: Path) -> list[Path]:
    trig, turtle = tmp_path / "named.trig", tmp_path / "plain.ttl"
    trig.write_text(TRIG)
    turtle.write_text(TURTLE)
    return [trig, turtle]


@pytest.fixture
def taken_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


@pytest.mark.parametrize(
    "args",
    [
        ["serve", "plain.ttl"],
        ["serve", "--load"],
        ["serve", "--load", "plain.ttl", "--dist", "somewhere"],
        ["serve", "--port", "70000"],
        ["serve", "--port", "eighty"],
        ["serve", "--colour"],
    ],
)
def test_bad_options_are_usage_errors(run_cli, args):
    result = run_cli(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert result.stderr.endswith("(see 'netgraph serve --help')\n")
    assert result.stderr.count("\n") == 1


def test_a_port_in_use_is_one_error_line_and_exit_2(run_cli, rdf_files, taken_port):
    result = run_cli("serve", "--port", taken_port, "--load", *rdf_files)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: 127.0.0.1:{taken_port}: address already in use (is a server running?)\n"
    )


def test_serve_limits_the_malloc_arenas_before_anything_else(rdf_files, taken_port, monkeypatch):
    import netgraph.web.server
    from netgraph.errors import InputError
    from netgraph.limits import MALLOC_ARENAS

    calls = []

    def no_app(config):
        calls.append("app")
        raise InputError("not needed here")

    monkeypatch.setattr(netgraph.web.server, "limit_malloc_arenas", calls.append)
    monkeypatch.setattr(netgraph.web.server, "create_app", no_app)
    with pytest.raises(InputError, match="not needed here"):
        netgraph.web.server.serve("127.0.0.1", taken_port, load=rdf_files)
    assert calls == [MALLOC_ARENAS, "app"] == [2, "app"]


def test_an_unknown_rdf_syntax_is_one_error_line(run_cli, tmp_path):
    odd = tmp_path / "data.csv"
    odd.write_text("a,b\n")
    result = run_cli("serve", "--load", odd)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {odd}: unknown RDF syntax")


def test_broken_rdf_is_one_error_line(run_cli, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    result = run_cli("serve", "--load", broken)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {broken}:")
    assert len(result.stderr.splitlines()) == 1


def test_a_refused_build_is_not_served(run_cli, violating_root, tmp_path):
    result = run_cli("serve", "--root", violating_root, "--dist", tmp_path / "dist")
    assert result.exit_code == 2
    assert "the build was refused (violation: 1" in result.stderr
    assert not (tmp_path / "dist").exists()


class Served:
    """``netgraph serve`` in a subprocess, stopped with SIGTERM."""

    def __init__(self, *args, cwd: Path | None = None):
        self.port = _free_port()
        command = [sys.executable, "-m", "netgraph", "serve", "--port", str(self.port), *args]
        self.process = subprocess.Popen(
            [str(arg) for arg in command],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.first_line = self.process.stdout.readline()  # printed once listening

    def query(self, text: str, **params) -> dict:
        url = f"http://127.0.0.1:{self.port}/sparql?" + urlencode({"query": text, **params})
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    return json.load(response)
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.1)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.process.stdout.close()
            self.process.stderr.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _values(document: dict, name: str) -> list[str]:
    return sorted(binding[name]["value"] for binding in document["results"]["bindings"])


def test_load_keeps_trig_graph_names_and_puts_turtle_in_the_default_graph(rdf_files):
    served = Served("--load", *rdf_files)
    try:
        assert (
            served.first_line
            == f"netgraph SPARQL endpoint: http://127.0.0.1:{served.port}/sparql\n"
        )
        everything = served.query("SELECT ?o WHERE { ?s ?p ?o }")
        assert _values(everything, "o") == ["in g1", "in g2", "in the default graph"]
        graphs = served.query("SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert _values(graphs, "g") == ["http://example.org/g1", "http://example.org/g2"]
        g2 = served.query(
            "SELECT ?o WHERE { ?s ?p ?o }", **{"default-graph-uri": "http://example.org/g2"}
        )
        assert _values(g2, "o") == ["in g2"]
    finally:
        assert served.stop() == 0  # SIGTERM is a clean stop


EVERY_SYNTAX = {
    "quads.trig": '@prefix ex: <http://example.org/> .\nex:a ex:p "trig default" .\n'
    'ex:g1 { ex:a ex:p "trig g1" . }\n',
    "quads.nq": '<http://example.org/a> <http://example.org/p> "nq default" .\n'
    '<http://example.org/a> <http://example.org/p> "nq g3" <http://example.org/g3> .\n',
    "plain.ttl": TURTLE,
    "plain.nt": '<http://example.org/a> <http://example.org/p> "nt" .\n',
    "plain.rdf": '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a">'
    "<ex:p>rdf/xml</ex:p></rdf:Description></rdf:RDF>",
    # a named graph in JSON-LD still goes into the default graph, as for every triple syntax
    "plain.jsonld": '{"@id": "http://example.org/g9", "@graph": '
    '[{"@id": "http://example.org/a", "http://example.org/p": "json-ld"}]}',
}


@pytest.mark.parametrize("order", [sorted(EVERY_SYNTAX), sorted(EVERY_SYNTAX, reverse=True)])
def test_load_puts_every_syntax_in_its_graph_whatever_the_order(tmp_path, order):
    from netgraph.web.dataset import load_files

    for name, text in EVERY_SYNTAX.items():
        (tmp_path / name).write_text(text)
    dataset = load_files([tmp_path / name for name in order])
    found = {(str(o), str(g)) for _, _, o, g in dataset.quads((None, None, None, None))}
    default = "urn:x-rdflib:default"
    assert found == {
        ("trig default", default),
        ("trig g1", "http://example.org/g1"),
        ("nq default", default),
        ("nq g3", "http://example.org/g3"),
        ("in the default graph", default),
        ("nt", default),
        ("rdf/xml", default),
        ("json-ld", default),
    }


def test_without_a_build_the_server_builds_first(fixture_root, tmp_path):
    dist = tmp_path / "dist"
    served = Served("--root", fixture_root, "--dist", dist)
    try:
        answer = served.query("ASK { ?city a ng:City }")
        assert answer["boolean"] is True
        assert (dist / "netgraph.trig").is_file()
        graphs = served.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert _values(graphs, "g") == [
            "https://w3id.org/netgraph/graph/data",
            "https://w3id.org/netgraph/graph/inferred",
            "https://w3id.org/netgraph/graph/ontology",
        ]
    finally:
        assert served.stop() == 0


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "relative.nq",
            '<http://a/s> <http://a/p> "x" .\n<a> <b> "x" <g> .\n',
            'relative.nq:2: Invalid line (Failed to eat <([^:]+:[^\\s"<>]*)> at <a> <b> "x" <g> .)',
        ),
        ("open.nt", '<http://a/s> <http://a/p> "x\n', 'open.nt: Invalid line: "x'),
    ],
)
def test_a_broken_line_of_ntriples_or_nquads_is_one_error_line(tmp_path, name, text, message):
    from netgraph.errors import InputError
    from netgraph.web.dataset import load_files

    (tmp_path / name).write_text(text)
    with pytest.raises(InputError) as refused:
        load_files([tmp_path / name])
    assert str(refused.value) == f"{tmp_path}/{message}"
