"""``netgraph serve`` options for the limits, on a real server in a subprocess."""

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from rdflib import Graph, URIRef

START_SECONDS = 60
TARGET = "https://w3id.org/netgraph/id/thing/target"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, query: str) -> tuple[int, dict, bytes]:
    url = f"http://127.0.0.1:{port}/sparql?" + urlencode({"query": query})
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_serve_options_set_the_limits(tmp_path: Path):
    data = tmp_path / "many.ttl"
    data.write_text(
        "@prefix ex: <http://example.org/> .\n"
        + "".join(f'ex:s{i} ex:p "value {i}" .\n' for i in range(300))
        + "".join(f"ex:s{i} ex:q <{TARGET}> .\n" for i in range(4))
    )
    port = _free_port()
    command = [
        *(sys.executable, "-m", "netgraph", "serve", "--port", str(port)),
        *("--timeout", "1", "--workers", "1", "--max-rows", "3", "--max-query-length", "200"),
        *("--max-incoming", "2"),
        *("--load", str(data)),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                if _get(port, "ASK {}")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        status, headers, _ = _get(port, "SELECT * WHERE { ?s ?p ?o }")
        assert (status, headers["X-Netgraph-Truncated"]) == (200, "rows=3")
        assert _get(port, "ASK {} #" + "x" * 200)[0] == 413
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/id/thing/target", headers={"Accept": "text/turtle"}
        )
        with urllib.request.urlopen(request, timeout=20) as response:
            assert response.headers["X-Netgraph-Truncated"] == "incoming=2"
            graph = Graph().parse(data=response.read(), format="turtle")
        assert len(list(graph.triples((None, URIRef("http://example.org/q"), None)))) == 2
        started = time.monotonic()
        status, _, body = _get(port, RUNAWAY)
        assert status == 504
        assert b"limit of 1 s" in body
        assert time.monotonic() - started < 3
        started = time.monotonic()
        assert _get(port, "ASK { ?s ?p ?o }")[0] == 200
        assert time.monotonic() - started < 1
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
    assert process.returncode == 0


def test_a_byte_limit_below_the_least_is_a_usage_error(run_cli):
    # --load without files: were the limit let through, this would end too, not serve
    result = run_cli("serve", "--max-bytes", "1024", "--load")
    assert result.exit_code == 2
    assert "Invalid value for '--max-bytes': 1024 is not in the range x>=4096 (see" in result.stderr
