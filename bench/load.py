"""Load, runaway queries and malformed ones against ``netgraph serve``; and the pool's overhead.

**Load** (default): starts ``netgraph serve`` itself on a free loopback port
(the build in ``ROOT/dist``, built first if missing), then

1. *unloaded*: one client sends every named query ``--rounds`` times, one
   after the other, pausing ``--think`` seconds after each as the loaded
   clients do: latency percentiles of ordinary queries;
2. *loaded*: ``--clients`` concurrent keep-alive clients, each a process, for
   ``--seconds``:
   ``--runaway-clients`` of them send runaway queries (a cartesian product over
   the whole dataset, stopped at the server's time limit), pausing
   ``--runaway-pause`` seconds after each; the others send the named queries,
   with a malformed query every ``--malformed-every`` requests;

and reports throughput (over the time the ordinary clients ran), latency
percentiles of ordinary queries (unloaded vs loaded), counts by status, and
the RSS of the server process and of its evaluation process before and after
the loaded phase.

**Overhead** (``--overhead``): in this process, the same application evaluates
each named query ``--repeat`` times in the request thread (``workers=0``) and
in the evaluation process, with the answer cache off; the median difference per
query is what sending a job to the evaluation process and its serialised answer
back costs.

Loopback only; every loop is bounded in count and time.

    .venv/bin/python bench/load.py [--clients 8] [--seconds 20] [--timeout 10]
        [--workers 2] [--runaway-clients 1] [--runaway-pause 2] [--malformed-every 10]
        [--think 0]
    .venv/bin/python bench/load.py --overhead [--repeat 30]
"""

import argparse
import contextlib
import http.client
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from netgraph.named_queries import named_queries
from netgraph.project import Project

HOST = "127.0.0.1"
START_TIMEOUT = 300.0
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MALFORMED = (
    "SELECT ?x WHERE { ?x ",
    "SELEKT * WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s undeclared:p ?o }",
    "INSERT DATA { <x:a> <x:b> <x:c> }",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
)
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Client:
    """One keep-alive HTTP connection; reconnects when the server closed it."""

    def __init__(self, port: int, timeout: float):
        self.port = port
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def ask(self, query: str) -> tuple[int, float]:
        body = urlencode({"query": query})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT}
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.connection.request("POST", "/sparql", body=body, headers=headers)
                response = self.connection.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, time.perf_counter() - started
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt:
                    return 0, time.perf_counter() - started  # 0: no answer at all
        return 0, 0.0

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def rss_kib(pid: int) -> tuple[int, int]:
    """Resident memory (KiB) of the server process, and of its evaluation process.

    A replacement forked by a request thread is that thread's child, so every
    thread's children are counted. Pages shared copy-on-write count in both.
    """
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            children += [int(child) for child in (task / "children").read_text().split()]
    return _vm_rss(pid), sum(_vm_rss(child) for child in children)


def _vm_rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def percentiles(seconds: list[float]) -> str:
    if len(seconds) < 2:
        return "n/a"
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return (
        f"p50 {cuts[49] * 1000:7.1f} ms   p95 {cuts[94] * 1000:7.1f} ms   "
        f"p99 {cuts[98] * 1000:7.1f} ms   (n={len(seconds)})"
    )


def p95(seconds: list[float]) -> float:
    return statistics.quantiles(seconds, n=100, method="inclusive")[94]


def start_server(args) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "netgraph",
        "serve",
        "--root",
        str(args.root),
        "--port",
        str(port),
        "--timeout",
        str(args.timeout),
        "--workers",
        str(args.workers),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    client = Client(port, 10)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"netgraph serve exited: {process.stderr.read().decode()}")
        status, _ = client.ask("ASK {}")
        if status == 200:
            client.close()
            return process, port
        time.sleep(0.1)
    stop_server(process)
    raise RuntimeError("netgraph serve did not answer in time")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def measure_unloaded(port: int, texts: list[str], args) -> list[float]:
    unloaded = []
    client = Client(port, args.timeout + 30)
    for query in texts:  # warm up: the store's caches, the parsed queries
        client.ask(query)
    for _ in range(args.rounds):
        for query in texts:
            status, seconds = client.ask(query)
            if status == 200:
                unloaded.append(seconds)
            if args.think:
                # as the loaded clients pause: after a pause the server's threads and the
                # CPUs wake from idle, which costs the next request the same in both phases
                time.sleep(args.think)
    client.close()
    return unloaded


def ordinary_client(port: int, stop_at: float, texts: list[str], index: int, args) -> tuple:
    """Named queries, with a malformed one every ``--malformed-every`` requests.

    Each client is a process of its own: client threads of one process would
    wait for each other's interpreter lock, up to its 5 ms switch interval, and
    that wait would be counted as the server's latency.
    """
    statuses: Counter = Counter()
    seconds_ok: list[float] = []
    client = Client(port, args.timeout + 30)
    for count in range(1_000_000):
        if time.monotonic() >= stop_at:
            break
        if args.malformed_every and count % args.malformed_every == index % 3:
            status, _ = client.ask(MALFORMED[count % len(MALFORMED)])
            statuses[("malformed", status)] += 1
            continue
        status, seconds = client.ask(texts[(count + index) % len(texts)])
        statuses[("ordinary", status)] += 1
        if status == 200:
            seconds_ok.append(seconds)
        if args.think:
            time.sleep(args.think)
    client.close()
    return statuses, seconds_ok, [], time.monotonic()


def runaway_client(port: int, stop_at: float, args) -> tuple:
    statuses: Counter = Counter()
    runaway_seconds: list[float] = []
    client = Client(port, args.timeout + 30)
    for _ in range(10_000):
        if time.monotonic() >= stop_at:
            break
        status, seconds = client.ask(RUNAWAY)
        statuses[("runaway", status)] += 1
        runaway_seconds.append(seconds)
        time.sleep(min(args.runaway_pause, max(0.0, stop_at - time.monotonic())))
    client.close()
    return statuses, [], runaway_seconds, None  # a runaway may end long after the others


def load(args) -> None:
    texts = [query.text for query in named_queries(Project(args.root))]
    process, port = start_server(args)
    try:
        unloaded = measure_unloaded(port, texts, args)
        rss_before = rss_kib(process.pid)
        ordinary_count = args.clients - args.runaway_clients
        # CLOCK_MONOTONIC is one clock for every process of the machine.
        stop_at = time.monotonic() + args.seconds
        jobs = [(ordinary_client, (port, stop_at, texts, i, args)) for i in range(ordinary_count)]
        jobs += [(runaway_client, (port, stop_at, args))] * args.runaway_clients
        started = time.monotonic()
        with multiprocessing.get_context("fork").Pool(len(jobs)) as pool:
            pending = [pool.apply_async(function, arguments) for function, arguments in jobs]
            results = [job.get(timeout=args.seconds + args.timeout + 60) for job in pending]
        rss_after = rss_kib(process.pid)
    finally:
        stop_server(process)
    statuses: Counter = Counter()
    ordinary: list[float] = []
    runaway_seconds: list[float] = []
    for client_statuses, client_ordinary, client_runaway, _ in results:
        statuses.update(client_statuses)
        ordinary += client_ordinary
        runaway_seconds += client_runaway
    finished = [end for *_, end in results if end is not None]
    elapsed = max(finished, default=started + args.seconds) - started
    report(args, statuses, unloaded, ordinary, runaway_seconds, elapsed, (rss_before, rss_after))


def report(args, statuses, unloaded, ordinary, runaway_seconds, elapsed, rss) -> None:
    (server_before, workers_before), (server_after, workers_after) = rss
    total = sum(statuses.values())
    print(
        f"netgraph serve --timeout {args.timeout:g} --workers {args.workers}; "
        f"{args.clients} clients ({args.runaway_clients} runaway, pause "
        f"{args.runaway_pause:g} s, think time {args.think:g} s) for {args.seconds:g} s"
    )
    print(f"throughput: {total / elapsed:.1f} requests/s ({total} in {elapsed:.1f} s)")
    print(f"ordinary, unloaded: {percentiles(unloaded)}")
    print(f"ordinary, loaded:   {percentiles(ordinary)}")
    if len(unloaded) > 1 and len(ordinary) > 1:
        print(f"loaded p95 / unloaded p95: {p95(ordinary) / p95(unloaded):.2f}")
    if runaway_seconds:
        print(
            f"runaway: {len(runaway_seconds)} sent, answered after "
            f"{min(runaway_seconds):.2f}-{max(runaway_seconds):.2f} s"
        )
    print("statuses:")
    for (kind, status), count in sorted(statuses.items()):
        print(f"  {kind:9} {status or 'no answer'}: {count}")
    unexpected = sum(
        count
        for (kind, status), count in statuses.items()
        if status >= 500 or status == 0
        if not (kind == "runaway" and status == 504)
    )
    print(f"5xx other than the runaway queries' 504, or no answer: {unexpected}")
    growth = (server_after - server_before) / server_before * 100 if server_before else 0.0
    print(
        f"server RSS: {server_before / 1024:.0f} MiB before, {server_after / 1024:.0f} MiB "
        f"after ({growth:+.1f} %); evaluation process's RSS (shared pages counted in both): "
        f"{workers_before / 1024:.0f} MiB before, {workers_after / 1024:.0f} MiB after"
    )


def overhead(args) -> None:
    from netgraph.query import load_dataset
    from netgraph.web import create_app
    from netgraph.web.evaluator import EXTENSION

    project = Project(args.root)
    dataset = load_dataset(project, dist_dir=args.root / "no-such-dist")
    texts = {query.name: query.text for query in named_queries(project)}
    texts = {"ASK {}": "ASK {}", **texts}
    medians: dict[str, dict[str, float]] = {}
    for mode, workers in (("in-thread", 0), ("process", args.workers)):
        app = create_app(
            {
                "NETGRAPH_ROOT": args.root,
                "NETGRAPH_DATASET": dataset,
                "NETGRAPH_WORKERS": workers,
                "NETGRAPH_CACHE_BYTES": 0,  # every request evaluated, none answered from the cache
            }
        )
        client = app.test_client()
        for name, text in texts.items():
            client.get("/sparql", query_string={"query": text})  # warm up
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get("/sparql", query_string={"query": text})
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, (name, response.data)
            medians.setdefault(name, {})[mode] = statistics.median(times) * 1000
        app.extensions[EXTENSION].close()
    print(f"median ms per query over {args.repeat} requests (Flask test client, no HTTP)")
    print(f"{'query':42} {'in-thread':>10} {'process':>10} {'overhead':>10}")
    deltas = []
    for name, by_mode in medians.items():
        delta = by_mode["process"] - by_mode["in-thread"]
        deltas.append(delta)
        print(f"{name:42} {by_mode['in-thread']:10.2f} {by_mode['process']:10.2f} {delta:+10.2f}")
    total_thread = sum(m["in-thread"] for m in medians.values())
    total_worker = sum(m["process"] for m in medians.values())
    print(
        f"median overhead {statistics.median(deltas):+.2f} ms per query; all queries "
        f"{total_thread:.1f} ms in-thread vs {total_worker:.1f} ms in the evaluation process "
        f"({(total_worker / total_thread - 1) * 100:+.1f} %)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--timeout", type=float, default=10.0, help="server's query time limit")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runaway-clients", type=int, default=1)
    parser.add_argument("--runaway-pause", type=float, default=2.0)
    parser.add_argument("--malformed-every", type=int, default=10)
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds an ordinary client waits between queries"
    )
    parser.add_argument("--rounds", type=int, default=20, help="unloaded rounds of named queries")
    parser.add_argument("--overhead", action="store_true")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    args.runaway_clients = min(args.runaway_clients, args.clients)
    if args.overhead:
        overhead(args)
    else:
        load(args)


if __name__ == "__main__":
    main()
