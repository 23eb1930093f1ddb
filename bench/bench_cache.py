"""Cache-hit vs miss latency of `netgraph serve`, and an Oxigraph server, on loopback.

.venv/bin/python bench/bench_cache.py [N] [extra serve options…]
"""

import http.client
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from netgraph.named_queries import named_queries
from netgraph.namespaces import PREFIXES
from netgraph.project import Project

ROOT = Path.cwd()
N = int(sys.argv[1]) if len(sys.argv) > 1 else 100
EXTRA = sys.argv[2:]
NAMES = (
    "duesseldorf-memberships",
    "networks-by-topic",
    "membership-timeline",
    "stated-member-counts",
)
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
ACCEPT = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command, port):
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{command[0]} did not start")


def timed(port, path, headers, count):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    seconds, status = [], None
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        seconds.append(time.perf_counter() - started)
        status = response.status
        etag = response.headers.get("ETag")
    connection.close()
    return statistics.median(seconds) * 1000, status, etag


def main() -> None:
    queries = {q.name: q for q in named_queries(Project(ROOT))}
    serve = [str(ROOT / ".venv/bin/netgraph"), "serve", "--root", str(ROOT), *EXTRA]
    cached_port, uncached_port, oxigraph_port = free_port(), free_port(), free_port()
    scratch = Path(tempfile.mkdtemp(prefix="cachebench-"))
    oxigraph = shutil.which("oxigraph") or str(ROOT / ".venv/bin/oxigraph")
    subprocess.run(
        [
            oxigraph,
            "load",
            "--location",
            str(scratch / "ox"),
            "--file",
            str(ROOT / "dist/netgraph.trig"),
        ],
        check=True,
        capture_output=True,
    )
    processes = [
        start([*serve, "--port", str(cached_port)], cached_port),
        start([*serve, "--port", str(uncached_port), "--cache-size", "0"], uncached_port),
        start(
            [
                oxigraph,
                "serve-read-only",
                "--location",
                str(scratch / "ox"),
                "--bind",
                f"127.0.0.1:{oxigraph_port}",
                "--union-default-graph",
            ],
            oxigraph_port,
        ),
    ]
    try:
        print("| query | miss (cache off) | hit | 304 | Oxigraph |")
        print("|---|---:|---:|---:|---:|")
        for name in NAMES:
            path = "/sparql?" + urlencode({"query": queries[name].text})
            ox_path = "/query?" + urlencode({"query": PROLOGUE + queries[name].text})
            headers = {"Accept": ACCEPT}
            miss, _, _ = timed(uncached_port, path, headers, max(5, N // 4))
            timed(cached_port, path, headers, 1)  # fill the cache
            hit, status, etag = timed(cached_port, path, headers, N)
            assert status == 200
            revalidated, status, _ = timed(cached_port, path, {**headers, "If-None-Match": etag}, N)
            assert status == 304
            theirs, status, _ = timed(oxigraph_port, ox_path, headers, N)
            assert status == 200
            print(
                f"| `{name}` | {miss:.2f} ms | {hit:.2f} ms | {revalidated:.2f} ms "
                f"| {theirs:.2f} ms |"
            )
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)


main()
