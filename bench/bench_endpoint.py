"""Latency, throughput and start-up of ``netgraph serve``, next to an Oxigraph server.

Both servers are loaded with the same TriG (the build's ``netgraph.trig``) and
run in this process's run, on loopback ports. Oxigraph runs read-only with
``--union-default-graph``, so its default graph is, like netgraph's, the union
of the named graphs, and every named query must give both the same number of
rows (checked; a mismatch is reported in the table). The named queries are sent
with the project prefixes declared in the text, since Oxigraph does not
pre-declare them.

For each named query: N sequential requests over one keep-alive connection,
p50 and p95 latency. Then C concurrent clients, each on its own keep-alive
connection, cycle through all named queries for D seconds: requests per
second. Start-up: from launching ``netgraph serve`` to its first answered
query, once from a built dist folder and once from an empty one (the build
runs first). Everything is bounded in count and time and stops by itself.

    .venv/bin/python bench/bench_endpoint.py [--root DIR] [--requests 100]
        [--clients 4] [--seconds 10]
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from netgraph.named_queries import NamedQuery, named_queries
from netgraph.namespaces import PREFIXES
from netgraph.project import Project

HOST = "127.0.0.1"
START_TIMEOUT = 180.0
REQUEST_TIMEOUT = 60.0
PROLOGUE = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())
ACCEPT = "application/sparql-results+json"


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    started_seconds: float

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def ask(port: int, query: str, timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(
            "POST",
            "/sparql",
            body=urlencode({"query": query}),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT},
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def start(name: str, command: list[str], port: int) -> Server:
    """Launch a server and wait (bounded) until it answers a query."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    server = Server(name, port, process, 0.0)
    deadline = started + START_TIMEOUT
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            message = process.stderr.read().decode(errors="replace").strip()
            raise RuntimeError(f"{name} exited {process.returncode}: {message}")
        try:
            status, _ = ask(port, "ASK {}", timeout=5)
            if status == 200:
                server.started_seconds = time.perf_counter() - started
                return server
        except OSError:
            pass
        time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"{name} did not answer within {START_TIMEOUT:.0f} s")


def start_netgraph(root: Path, dist: Path) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "netgraph", "serve", "--root", str(root)]
    return start("netgraph", [*command, "--dist", str(dist), "--port", str(port)], port)


def start_oxigraph(trig: Path, scratch: Path) -> Server:
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    location = scratch / "oxigraph"
    subprocess.run(
        [oxigraph, "load", "--location", str(location), "--file", str(trig)],
        check=True,
        capture_output=True,
        timeout=START_TIMEOUT,
    )
    port = free_port()
    command = [
        oxigraph,
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"{HOST}:{port}",
        "--union-default-graph",
    ]
    return start("oxigraph", command, port)


def row_count(body: bytes) -> int:
    document = json.loads(body)
    return len(document["results"]["bindings"]) if "results" in document else 1


def latencies(port: int, query: str, requests: int) -> list[float]:
    """Seconds per request, sequential, on one keep-alive connection."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    body = urlencode({"query": query})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT}
    samples = []
    try:
        for _ in range(requests):
            started = time.perf_counter()
            connection.request("POST", "/sparql", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status} from port {port}")
            samples.append(time.perf_counter() - started)
    finally:
        connection.close()
    return samples


def throughput(port: int, queries: list[str], clients: int, seconds: float) -> float:
    """Requests per second of ``clients`` threads cycling through ``queries`` for ``seconds``."""
    counts = [0] * clients
    failures: list[str] = []
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT}
        turn = index
        try:
            while time.perf_counter() < deadline:
                body = urlencode({"query": queries[turn % len(queries)]})
                connection.request("POST", "/sparql", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(f"HTTP {response.status}")
                    return
                counts[index] += 1
                turn += 1
        except OSError as error:
            failures.append(str(error))
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT)
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"throughput run on port {port} failed: {failures[0]}")
    return sum(counts) / elapsed


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def build(root: Path, dist: Path) -> None:
    """Build into ``dist`` with the CLI, as a user would."""
    command = [sys.executable, "-m", "netgraph", "build", "--root", str(root), "--out", str(dist)]
    result = subprocess.run(command, capture_output=True, timeout=START_TIMEOUT, check=False)
    if result.returncode != 0:
        sys.exit(f"netgraph build failed ({result.returncode}):\n{result.stderr.decode()}")


def compare_queries(
    servers: list[Server], queries: list[NamedQuery], texts: list[str], requests: int
) -> None:
    netgraph, oxigraph = servers
    print(f"## Named queries: {requests} sequential keep-alive requests each\n")
    print("| query | rows | netgraph p50 (ms) | p95 | Oxigraph p50 (ms) | p95 | p50 ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for query, text in zip(queries, texts, strict=True):
        ours_rows = row_count(ask(netgraph.port, text)[1])
        theirs_rows = row_count(ask(oxigraph.port, text)[1])
        rows = str(ours_rows) if ours_rows == theirs_rows else f"{ours_rows} vs {theirs_rows} (!)"
        ours = latencies(netgraph.port, text, requests)
        theirs = latencies(oxigraph.port, text, requests)
        cells = [
            f"`{query.name}`",
            rows,
            *(f"{percentile(ours, fraction) * 1000:.1f}" for fraction in (0.5, 0.95)),
            *(f"{percentile(theirs, fraction) * 1000:.1f}" for fraction in (0.5, 0.95)),
            f"{statistics.median(ours) / statistics.median(theirs):.1f}x",
        ]
        print("| " + " | ".join(cells) + " |")


def compare_throughput(servers: list[Server], texts: list[str], clients: int, seconds: float):
    netgraph, oxigraph = servers
    print(
        f"\n## Throughput: {clients} concurrent clients, {seconds:.0f} s, named queries in turn\n"
    )
    ours = throughput(netgraph.port, texts, clients, seconds)
    theirs = throughput(oxigraph.port, texts, clients, seconds)
    print("| server | requests/s | |")
    print("| --- | ---: | --- |")
    print(f"| netgraph (waitress, default engine) | {ours:.1f} | |")
    print(f"| Oxigraph {_oxigraph_version()} | {theirs:.1f} | {theirs / ours:.1f}x netgraph |")


def startup(root: Path, dist: Path, empty: Path) -> None:
    print("\n## Start-up of `netgraph serve` until the first answered query\n")
    print("| from | seconds |")
    print("| --- | ---: |")
    warm = start_netgraph(root, dist)
    warm.stop()
    print(f"| built dist/ (opens its Oxigraph store) | {warm.started_seconds:.2f} |")
    try:
        cold = start_netgraph(root, empty)
        cold.stop()
        print(f"| nothing (builds first: validate, reason, write) | {cold.started_seconds:.2f} |")
    except RuntimeError as error:
        print(f"| nothing | failed: {str(error).splitlines()[0]} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--requests", type=int, default=100, help="per query and server")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0, help="throughput run, per server")
    args = parser.parse_args()
    queries: list[NamedQuery] = named_queries(Project(args.root))
    texts = [PROLOGUE + query.text for query in queries]
    with tempfile.TemporaryDirectory(prefix="netgraph-bench-") as scratch_name:
        scratch = Path(scratch_name)
        dist = scratch / "dist"
        build(args.root, dist)
        servers: list[Server] = []
        try:
            servers.append(start_netgraph(args.root, dist))
            servers.append(start_oxigraph(dist / "netgraph.trig", scratch))
            compare_queries(servers, queries, texts, args.requests)
            compare_throughput(servers, texts, args.clients, args.seconds)
        finally:
            for server in servers:
                server.stop()
        startup(args.root, dist, scratch / "empty-dist")
    print(f"\nmachine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; loopback only")


def _oxigraph_version() -> str:
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    result = subprocess.run([oxigraph, "--version"], capture_output=True, timeout=30, check=False)
    return result.stdout.decode().split()[-1] if result.returncode == 0 else ""


if __name__ == "__main__":
    main()
