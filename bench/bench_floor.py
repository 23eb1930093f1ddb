"""How fast any Python front on the same engine could answer: the floor under netgraph's latency.

netgraph misses its p50 target (1.5x the Oxigraph server) only on the named
queries Oxigraph answers in well under a millisecond. This measures whether a
different design could meet it. On the same Oxigraph store and the same
requests as ``bench/bench_endpoint.py``, it runs, one after another:

- the Oxigraph server (``serve-read-only --union-default-graph``), the peer;
- the smallest front that still speaks the protocol's form POST: a bare WSGI
  function that takes ``query`` from the body, evaluates it in its own process
  with pyoxigraph and returns Oxigraph's own JSON serialisation. No time limit,
  no result limit, no SERVICE guard, no negotiation, no headers: everything
  netgraph must do is left out, so this is a lower bound, not a design;
- the same function as a Flask view (the framework the project is built on);
- each of these under waitress (netgraph's server) and, if it is importable,
  under granian (an HTTP server written in Rust; not a project dependency:
  ``pip install --target DIR granian`` and put DIR on ``PYTHONPATH``);
- ``netgraph serve`` itself, with its answer cache off (``NETGRAPH_CACHE_SIZE=0``),
  so that it evaluates every request as the others do.

It prints each front's p50 per named query and its ratio to the Oxigraph
server's, and checks that every front returns the Oxigraph server's row count.

    .venv/bin/python bench/bench_floor.py [--root DIR] [--dist DIR] [--requests 100]
        [--only NAME,NAME…]

``--dist`` is a build folder (``netgraph build --out``) with ``oxigraph/``; by
default the real project is built into a temporary folder first.
"""

import argparse
import functools
import importlib.util
import os
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph
from flask import Flask, Response, request

from bench_endpoint import (
    HOST,
    PROLOGUE,
    Server,
    ask,
    build,
    free_port,
    latencies,
    row_count,
    start,
    start_netgraph,
    start_oxigraph,
)
from netgraph.named_queries import named_queries
from netgraph.project import Project

STORE_ENV = "NETGRAPH_FLOOR_STORE"
RESULTS_JSON = "application/sparql-results+json"
TARGET_RATIO = 1.5
CACHE_SIZE_ENV = "NETGRAPH_CACHE_SIZE"


@functools.cache
def _store() -> pyoxigraph.Store:
    """Opened on first use, in the server process, whose environment names it."""
    return pyoxigraph.Store.read_only(os.environ[STORE_ENV])


def _answer(body: bytes) -> bytes:
    query = parse_qs(body.decode())["query"][0]
    result = _store().query(query, use_default_graph_as_union=True)
    return result.serialize(format=pyoxigraph.QueryResultsFormat.JSON)


def bare_app(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    answer = _answer(environ["wsgi.input"].read(length))
    start_response("200 OK", [("Content-Type", RESULTS_JSON), ("Content-Length", str(len(answer)))])
    return [answer]


def flask_app() -> Flask:
    app = Flask(__name__)

    @app.post("/sparql")
    def sparql():
        return Response(_answer(request.get_data()), content_type=RESULTS_JSON)

    return app


def _front_command(server: str, app: str, port: int) -> list[str]:
    target = f"bench_floor:{app}"
    if server == "granian":
        factory = ["--factory"] if app == "flask_app" else []
        return [
            *(sys.executable, "-m", "granian", "--interface", "wsgi", *factory),
            *("--host", HOST, "--port", str(port), "--workers", "1"),
            *("--blocking-threads", "4", "--log-level", "error", target),
        ]
    call = ["--call"] if app == "flask_app" else []
    listen = f"--listen={HOST}:{port}"
    return [sys.executable, "-m", "waitress", listen, "--threads=4", *call, target]


def start_front(server: str, app: str, store: Path) -> Server:
    os.environ[STORE_ENV] = str(store)
    bench = str(Path(__file__).resolve().parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [bench, os.environ.get("PYTHONPATH")]))
    port = free_port()
    label = f"{'bare' if app == 'bare_app' else 'Flask'} on {server}"
    return start(label, _front_command(server, app, port), port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--dist", type=Path, help="a build folder; default: build --root first")
    parser.add_argument("--requests", type=int, default=100, help="per query and front")
    parser.add_argument("--only", help="comma-separated named queries; default: all")
    args = parser.parse_args()
    queries = named_queries(Project(args.root))
    if args.only:
        wanted = set(args.only.split(","))
        queries = [query for query in queries if query.name in wanted]
        if unknown := wanted - {query.name for query in queries}:
            sys.exit(f"no such named query: {', '.join(sorted(unknown))}")
    servers_available = ["waitress"] + (["granian"] if importlib.util.find_spec("granian") else [])
    with tempfile.TemporaryDirectory(prefix="netgraph-floor-") as scratch_name:
        scratch = Path(scratch_name)
        dist = args.dist
        if dist is None:
            dist = scratch / "dist"
            build(args.root, dist)
        servers: list[Server] = []
        try:
            servers.append(start_oxigraph(dist / "netgraph.trig", scratch))
            for server in servers_available:
                for app in ("bare_app", "flask_app"):
                    servers.append(start_front(server, app, dist / "oxigraph"))
            os.environ[CACHE_SIZE_ENV] = "0"
            servers.append(start_netgraph(args.root, dist))
            _compare(servers, queries, args.requests)
        finally:
            for server in servers:
                server.stop()
    print(f"\nmachine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; loopback only")


def _compare(servers: list[Server], queries, requests: int) -> None:
    oxigraph, fronts = servers[0], servers[1:]
    print(f"## p50 (ms) of {requests} sequential keep-alive requests; ratio to Oxigraph\n")
    print("| query | Oxigraph | " + " | ".join(front.name for front in fronts) + " |")
    print("| --- | ---: |" + " ---: |" * len(fronts))
    over = {front.name: 0 for front in fronts}
    for query in queries:
        text = PROLOGUE + query.text
        rows = row_count(ask(oxigraph.port, text)[1])
        theirs = statistics.median(latencies(oxigraph.port, text, requests))
        cells = [f"`{query.name}`", f"{theirs * 1000:.2f}"]
        for front in fronts:
            if row_count(ask(front.port, text)[1]) != rows:
                sys.exit(f"{front.name} gave another row count than Oxigraph for {query.name}")
            ours = statistics.median(latencies(front.port, text, requests))
            over[front.name] += ours / theirs > TARGET_RATIO
            cells.append(f"{ours * 1000:.2f} ({ours / theirs:.2f}x)")
        print("| " + " | ".join(cells) + " |")
    print(f"\nqueries over {TARGET_RATIO}x: " + ", ".join(f"{n} {c}" for n, c in over.items()))


if __name__ == "__main__":
    main()
