"""netgraph at scale: build, validate and serve synthetic data next to Oxigraph and rdflib-endpoint.

For each size (asserted triples in data/, real data included) this generates a
synthetic project (bench/synthetic.py, fixed seed), then, one after another
on the same data:

1. ``netgraph validate`` and ``netgraph build`` as fresh processes: wall time
   and peak RSS (``wait4``), each bounded by ``--build-budget`` seconds;
2. three SPARQL servers on the build's ``netgraph.trig``, on loopback:
   ``netgraph serve`` (whatever engine it has now), ``oxigraph serve-read-only
   --union-default-graph`` (after ``oxigraph load``) and ``rdflib-endpoint
   serve`` (an rdflib Dataset with a union default graph). For each: start-up
   to the first answered query, and for each named query (sent with the
   project prefixes written out, as Oxigraph does not pre-declare them), on one
   keep-alive connection, up to ``--requests`` sequential requests made
   distinct by a trailing comment (no answer cache can serve them: the
   engine's own latency, p50, and the first of them, cold), then up to
   ``--requests`` identical ones (cache hits where the server caches: p50,
   p95). A query gets at most ``--query-budget`` seconds per server and mode;
   when the budget runs out fewer requests are made, and the table says how
   many. Then
   ``--clients`` concurrent keep-alive clients cycle through the named queries
   for ``--seconds``; requests per second (answers other than 200 are counted
   and reported). Peak memory is the largest sum over the server's process
   tree, sampled every 0.1 s over the server's whole life, of the resident
   set (RSS) and of the proportional set size (PSS, which counts a page that
   forked processes share once, not once per process);
3. a fresh ``netgraph serve`` of its own, asked once for each of :data:`PAGES`
   (the dumps listing, the catalogs, VoID, three resource pages, the ontology):
   status, seconds and bytes of each first request, and that server's peak.

Markdown tables go to stdout: per size and query, per size the summary with
the ratio netgraph/Oxigraph for each figure, and the growth exponent per
tenfold data, log10(t2/t1) / log10(n2/n1), between consecutive sizes.

    .venv/bin/python bench/bench_scale.py [--sizes 10000,100000] [--requests 100]
        [--query-budget 5] [--clients 4] [--seconds 10] [--build-budget 900]
        [--servers netgraph,oxigraph,rdflib-endpoint] [--build-only-above N]
        [--keep DIR [--reuse]]

``--keep DIR`` keeps the generated projects, builds and figures
(``DIR/figures-N.json``, ``DIR/build-N.json``); with ``--reuse`` a later run
prints the figures already in DIR and, for a size with a build but no figures,
measures only the servers on that build (validate and build then come from
``DIR/build-N.json`` when present, else are reported as not timed).
"""

import argparse
import dataclasses
import http.client
import itertools
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_endpoint import ACCEPT, HOST, PROLOGUE, free_port, percentile
from netgraph.named_queries import NamedQuery, named_queries
from netgraph.project import Project
from process_tree import PeakSampler, tree_memory_kib  # noqa: F401 (tests read it here)
from synthetic import generate

BIN = Path(sys.executable).parent
START_TIMEOUT = 600.0
HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT}
SERVERS = ("netgraph", "oxigraph", "rdflib-endpoint")
PAGES = (
    "/dumps/",
    "/catalog",
    "/catalog?_profile=dcat-ap-de",
    "/.well-known/void",
    "/id/network/eurocities",
    "/id/city/duesseldorf",
    "/id/role/member",
    "/ontology",
)
"""What ``netgraph serve`` answers besides queries, asked for once each on a fresh server:
what a portal harvesting the catalog or a crawler's first visit meets. ``/id/role/member`` is
the most linked-to resource (every membership's role), whose incoming links are cut."""
PAGE_TIMEOUT = 120.0
PATHS = {"netgraph": "/sparql", "oxigraph": "/sparql", "rdflib-endpoint": "/"}


# --- processes and memory ----------------------------------------------------


def timed_run(command: list[str], budget: float, ok: set[int]) -> tuple[float | None, int, str]:
    """(seconds or None when over budget or failed, peak RSS KiB, note) of one fresh process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        peak, note = 0, ""
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                peak = usage.ru_maxrss
                code = os.waitstatus_to_exitcode(status)
                process.returncode = code
                seconds = time.perf_counter() - started
                if code not in ok:
                    errors.seek(0)
                    tail = errors.read().decode(errors="replace").strip().splitlines()[-1:]
                    return None, peak, f"exit {code}: {' '.join(tail)}"
                return seconds, peak, note
            if time.perf_counter() - started > budget:
                process.kill()
                _, _, usage = os.wait4(process.pid, 0)
                return None, usage.ru_maxrss, f"stopped after {budget:.0f} s budget"
            time.sleep(0.05)


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    sampler: PeakSampler
    started_seconds: float = 0.0
    prepare_seconds: float = 0.0  # oxigraph load, done once before serving
    peak_kib: tuple[int, int] = (0, 0)
    """Peak RSS and peak PSS of the process tree."""

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self.peak_kib = self.sampler.stop()


def post(connection: http.client.HTTPConnection, query: str, path: str) -> tuple[int, bytes]:
    connection.request("POST", path, body=urlencode({"query": query}), headers=HEADERS)
    response = connection.getresponse()
    return response.status, response.read()


def launch(name: str, command: list[str], port: int, prepare: float = 0.0) -> Server:
    """Start a server and wait (bounded) for its first answer to ``ASK {}``."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    sampler = PeakSampler(process.pid)
    sampler.start()
    server = Server(name, port, process, sampler, prepare_seconds=prepare)
    while time.perf_counter() - started < START_TIMEOUT:
        if process.poll() is not None:
            message = process.stderr.read().decode(errors="replace").strip()[-500:]
            server.stop()
            raise RuntimeError(f"{name} exited {process.returncode}: {message}")
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            if post(connection, "ASK {}", PATHS[name])[0] == 200:
                server.started_seconds = time.perf_counter() - started
                return server
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"{name} did not answer within {START_TIMEOUT:.0f} s")


def start_server(name: str, root: Path, dist: Path, scratch: Path) -> Server:
    port = free_port()
    trig = dist / "netgraph.trig"
    if name == "netgraph":
        command = [str(BIN / "netgraph"), "serve", "--root", str(root), "--dist", str(dist)]
        return launch(name, [*command, "--host", HOST, "--port", str(port)], port)
    if name == "oxigraph":
        oxigraph = str(BIN / "oxigraph")
        location = scratch / "oxigraph"
        shutil.rmtree(location, ignore_errors=True)
        started = time.perf_counter()
        subprocess.run(
            [oxigraph, "load", "--location", str(location), "--file", str(trig)],
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT,
        )
        prepare = time.perf_counter() - started
        command = [oxigraph, "serve-read-only", "--location", str(location)]
        command += ["--bind", f"{HOST}:{port}", "--union-default-graph"]
        return launch(name, command, port, prepare)
    command = [str(BIN / "rdflib-endpoint"), "serve", str(trig), "--host", HOST]
    return launch(name, [*command, "--port", str(port)], port)


# --- measurements ------------------------------------------------------------


@dataclass
class QueryFigures:
    rows: int | None = None
    cold: float | None = None
    samples: list[float] = field(default_factory=list)
    note: str = ""

    def p(self, fraction: float) -> float | None:
        return percentile(self.samples, fraction) if self.samples else None


def row_count(body: bytes) -> int:
    document = json.loads(body)
    return len(document["results"]["bindings"]) if "results" in document else 1


def measure_query(
    port: int, path: str, text: str, requests: int, budget: float, distinct: bool = False
) -> QueryFigures:
    """A first request, then up to ``requests`` more within ``budget`` seconds.

    The requests are identical, or with ``distinct`` each differs by a trailing comment
    (same query, same answer, but no answer cache can recognise it).
    """
    figures = QueryFigures()

    def variant(number: int) -> str:
        return f"{text}\n# bench_scale request {number}\n" if distinct else text

    deadline = time.perf_counter() + budget
    connection = http.client.HTTPConnection(HOST, port, timeout=max(budget, 15.0))
    try:
        started = time.perf_counter()
        status, body = post(connection, variant(0), path)
        figures.cold = time.perf_counter() - started
        if status != 200:
            figures.note = f"HTTP {status}"
            return figures
        figures.rows = row_count(body)
        while len(figures.samples) < requests and time.perf_counter() < deadline:
            started = time.perf_counter()
            status, _ = post(connection, variant(len(figures.samples) + 1), path)
            if status != 200:
                figures.note = f"HTTP {status}"
                break
            figures.samples.append(time.perf_counter() - started)
    except (OSError, http.client.HTTPException) as error:
        figures.note = type(error).__name__
    finally:
        connection.close()
    if len(figures.samples) < requests and not figures.note:
        figures.note = "budget"
    return figures


def throughput(
    port: int, path: str, texts: list[str], clients: int, seconds: float
) -> tuple[float, int]:
    """(answered requests per second, other answers) of ``clients`` keep-alive clients."""
    counts, failures = [0] * clients, [0] * clients
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        turn = index
        try:
            while time.perf_counter() < deadline:
                status, _ = post(connection, texts[turn % len(texts)], path)
                if status == 200:
                    counts[index] += 1
                else:
                    failures[index] += 1
                turn += 1
        except (OSError, http.client.HTTPException):
            failures[index] += 1
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 90)
    return sum(counts) / (time.perf_counter() - started), sum(failures)


@dataclass
class ServerFigures:
    started: float | None = None
    prepare: float = 0.0
    peak_mib: float | None = None
    peak_pss_mib: float | None = None
    throughput: float | None = None
    failures: int = 0
    queries: dict[str, QueryFigures] = field(default_factory=dict)
    uncached: dict[str, QueryFigures] = field(default_factory=dict)
    note: str = ""


@dataclass
class SizeFigures:
    triples: int
    validate: tuple[float | None, int, str] = (None, 0, "")
    build: tuple[float | None, int, str] = (None, 0, "")
    dumped: int | None = None
    servers: dict[str, ServerFigures] = field(default_factory=dict)
    pages: dict[str, list] = field(default_factory=dict)
    """Path: [status, seconds, bytes] of its first request, on a server of its own."""
    pages_peak_mib: tuple[float, float] | None = None
    """Peak RSS and PSS of that server's process tree, pages included."""


def save(figures: SizeFigures, path: Path) -> None:
    path.write_text(json.dumps(dataclasses.asdict(figures), indent=1), encoding="utf-8")


def load(path: Path) -> SizeFigures:
    data = json.loads(path.read_text(encoding="utf-8"))
    servers = {}
    for name, server in data.pop("servers").items():
        queries = {query: QueryFigures(**f) for query, f in server.pop("queries").items()}
        uncached = {query: QueryFigures(**f) for query, f in server.pop("uncached").items()}
        servers[name] = ServerFigures(**server, queries=queries, uncached=uncached)
    data["validate"], data["build"] = tuple(data["validate"]), tuple(data["build"])
    if data.get("pages_peak_mib") is not None:
        data["pages_peak_mib"] = tuple(data["pages_peak_mib"])
    return SizeFigures(**data, servers=servers)


def bench_size(size: int, args: argparse.Namespace, scratch: Path) -> SizeFigures:
    root, dist = scratch / f"project-{size}", scratch / f"dist-{size}"
    if args.reuse and (scratch / f"figures-{size}.json").is_file():
        log(f"{size}: figures of an earlier run, {scratch / f'figures-{size}.json'}")
        return load(scratch / f"figures-{size}.json")
    figures = measure_size(size, args, root, dist, scratch)
    save(figures, scratch / f"figures-{size}.json")
    return figures


def measure_size(
    size: int, args: argparse.Namespace, root: Path, dist: Path, scratch: Path
) -> SizeFigures:
    if args.reuse and (dist / "netgraph.trig").is_file():
        # an earlier run's project and build (--keep): servers only, not timed again
        from synthetic import real_triples

        triples = real_triples() + sum(
            count_statements(path) for path in sorted((root / "data" / "synthetic").glob("*.ttl"))
        )
        figures = SizeFigures(triples)
        figures.validate = figures.build = (None, 0, "build reused (--reuse), not timed")
        if (scratch / f"build-{size}.json").is_file():  # timed earlier: [validate, build]
            timings = json.loads((scratch / f"build-{size}.json").read_text(encoding="utf-8"))
            figures.validate, figures.build = (tuple(timing) for timing in timings)
        log(f"{size}: reusing {root} and {dist}")
    else:
        started = time.perf_counter()
        triples = generate(root, size, seed=args.seed)
        log(f"{size}: generated {triples} triples in {time.perf_counter() - started:.1f} s")
        figures = SizeFigures(triples)
        netgraph = [str(BIN / "netgraph")]
        figures.validate = timed_run(
            [*netgraph, "validate", "--root", str(root)], args.build_budget, {0, 1}
        )
        log(f"{size}: validate {figures.validate}")
        figures.build = timed_run(
            [*netgraph, "build", "--root", str(root), "--out", str(dist)], args.build_budget, {0}
        )
        log(f"{size}: build {figures.build}")
        timings = json.dumps([figures.validate, figures.build])
        (scratch / f"build-{size}.json").write_text(timings, encoding="utf-8")
    if not (dist / "netgraph.trig").is_file() or size > args.build_only_above:
        return figures
    queries: list[NamedQuery] = named_queries(Project(root))
    texts = {query.name: PROLOGUE + query.text for query in queries}
    for name in args.servers:
        result = ServerFigures()
        figures.servers[name] = result
        try:
            server = start_server(name, root, dist, scratch)
        except (RuntimeError, subprocess.SubprocessError) as error:
            result.note = str(error).splitlines()[0][:200]
            log(f"{size}: {name} failed: {result.note}")
            continue
        result.started, result.prepare = server.started_seconds, server.prepare_seconds
        log(f"{size}: {name} answered after {server.started_seconds:.2f} s")
        try:
            for query in queries:
                text = texts[query.name]
                result.uncached[query.name] = measure_query(
                    server.port, PATHS[name], text, args.requests, args.query_budget, True
                )
                result.queries[query.name] = measure_query(
                    server.port, PATHS[name], text, args.requests, args.query_budget
                )
            usable = [texts[q] for q, f in result.queries.items() if f.rows is not None]
            if usable:
                result.throughput, result.failures = throughput(
                    server.port, PATHS[name], usable, args.clients, args.seconds
                )
        finally:
            server.stop()
            result.peak_mib, result.peak_pss_mib = (kib / 1024 for kib in server.peak_kib)
        log(
            f"{size}: {name} done, peak RSS {result.peak_mib:.0f} MiB, "
            f"peak PSS {result.peak_pss_mib:.0f} MiB"
        )
    if "netgraph" in args.servers:
        measure_pages(figures, root, dist, scratch)
    return figures


def measure_pages(figures: SizeFigures, root: Path, dist: Path, scratch: Path) -> None:
    """The first request to each of :data:`PAGES`, on a netgraph server of its own, so that
    the query figures and their memory peak above stay those of serving queries alone."""
    try:
        server = start_server("netgraph", root, dist, scratch)
    except (RuntimeError, subprocess.SubprocessError) as error:
        log(f"pages: netgraph failed: {str(error).splitlines()[0][:200]}")
        return
    try:
        for path in PAGES:
            connection = http.client.HTTPConnection(HOST, server.port, timeout=PAGE_TIMEOUT)
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept": "text/turtle"})
                response = connection.getresponse()
                body = response.read()
                figures.pages[path] = [response.status, time.perf_counter() - started, len(body)]
            except OSError as error:
                figures.pages[path] = [None, time.perf_counter() - started, 0]
                log(f"pages: {path}: {error}")
            finally:
                connection.close()
    finally:
        server.stop()
    figures.pages_peak_mib = tuple(kib / 1024 for kib in server.peak_kib)


# --- tables ------------------------------------------------------------------


def count_statements(path: Path) -> int:
    """Triples of a file bench/synthetic.py wrote: one per object, plus the "a" of each block."""
    from rdflib import Graph

    graph = Graph()
    graph.parse(path, format="turtle", publicID="https://w3id.org/netgraph/")
    return len(graph)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.1f}"


def ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None or theirs == 0:
        return "-"
    return f"{ours / theirs:.1f}x"


def query_table(size: SizeFigures, requests: int, budget: float) -> None:
    names = list(size.servers)
    print(f"\n### {size.triples:,} asserted triples: named queries\n")
    print(
        "Latency in ms over one keep-alive connection per query and server, at most "
        f"{budget:.0f} s per query, server and mode. *new*: up to {requests} requests each "
        "made distinct by a trailing comment (no answer cache can serve them), p50, and the "
        f"first of them (cold). *repeat*: up to {requests} identical requests (cache hits "
        "where a server caches), p50 and p95. n = requests made, new/repeat; fewer than "
        f"{requests} when the budget ran out. Ratios: netgraph p50 / Oxigraph p50.\n"
    )
    header = ["query", "rows"]
    for name in names:
        header += [f"{name} cold", "new p50", "repeat p50", "repeat p95", "n"]
    header += ["new ratio", "repeat ratio"]
    print("| " + " | ".join(header) + " |")
    print("| --- |" + " ---: |" * (len(header) - 1))
    all_queries = next((list(s.queries) for s in size.servers.values() if s.queries), [])
    for query in all_queries:
        per = [size.servers[name].queries.get(query, QueryFigures()) for name in names]
        new = [size.servers[name].uncached.get(query, QueryFigures()) for name in names]
        counts = {f.rows for f in per if f.rows is not None}
        rows = "/".join(str(f.rows) for f in per) + " (!)" if len(counts) > 1 else str(*counts)
        cells = [f"`{query}`", rows if counts else "-"]
        for fresh, repeated in zip(new, per, strict=True):
            notes = sorted({note for note in (fresh.note, repeated.note) if note})
            n = f"{len(fresh.samples)}/{len(repeated.samples)}"
            n += f" ({', '.join(notes)})" if notes else ""
            cells += [
                ms(fresh.cold),
                ms(fresh.p(0.5)),
                ms(repeated.p(0.5)),
                ms(repeated.p(0.95)),
                n,
            ]
        for kind in ("uncached", "queries"):
            ours = getattr(size.servers.get("netgraph", ServerFigures()), kind).get(query)
            theirs = getattr(size.servers.get("oxigraph", ServerFigures()), kind).get(query)
            cells.append(ratio(ours and ours.p(0.5), theirs and theirs.p(0.5)))
        print("| " + " | ".join(cells) + " |")


def summary(size: SizeFigures) -> dict[str, float | None]:
    """Per server: median and max of the per-query p50s, throughput, start-up, peak memory."""
    figures: dict[str, float | None] = {}
    for name, server in size.servers.items():
        for label, kind in (("new", server.uncached), ("repeat", server.queries)):
            p50s = [f.p(0.5) for f in kind.values() if f.p(0.5) is not None]
            figures[f"{name} median {label} p50"] = statistics.median(p50s) if p50s else None
            figures[f"{name} slowest {label} p50"] = max(p50s) if p50s else None
        figures[f"{name} throughput"] = server.throughput
        figures[f"{name} start"] = server.started
        figures[f"{name} peak"] = server.peak_mib
        figures[f"{name} PSS peak"] = server.peak_pss_mib
    return figures


def summary_table(size: SizeFigures, clients: int, seconds: float) -> None:
    print(f"\n### {size.triples:,} asserted triples: servers\n")
    print(
        f"Throughput: {clients} keep-alive clients cycling through the named queries that "
        f"answered, {seconds:.0f} s. Start-up: launch to first answered `ASK {{}}` "
        "(Oxigraph: after `oxigraph load`, shown separately). Peak: RSS and PSS of the process "
        "tree (PSS shares out the pages forked workers share with the server).\n"
    )
    print(
        "| server | median new p50 (ms) | slowest new p50 | median repeat p50 | slowest repeat "
        "p50 | req/s | non-200 | start-up (s) | peak RSS (MiB) | peak PSS (MiB) | note |"
    )
    print("| --- |" + " ---: |" * 9 + " --- |")
    figures = summary(size)
    for name, server in size.servers.items():
        start = "-" if server.started is None else f"{server.started:.2f}"
        if server.prepare:
            start += f" (+{server.prepare:.2f} load)"
        cells = [
            name,
            ms(figures[f"{name} median new p50"]),
            ms(figures[f"{name} slowest new p50"]),
            ms(figures[f"{name} median repeat p50"]),
            ms(figures[f"{name} slowest repeat p50"]),
            "-" if server.throughput is None else f"{server.throughput:.1f}",
            str(server.failures),
            start,
            *(
                "-" if peak is None else f"{peak:.0f}"
                for peak in (server.peak_mib, server.peak_pss_mib)
            ),
            server.note,
        ]
        print("| " + " | ".join(cells) + " |")
    if "netgraph" in size.servers and "oxigraph" in size.servers:
        cells = ["ratio netgraph/Oxigraph"]
        keys = ("median new p50", "slowest new p50", "median repeat p50", "slowest repeat p50")
        for key in (*keys, "throughput"):
            cells.append(ratio(figures["netgraph " + key], figures["oxigraph " + key]))
        cells.append("")
        for key in ("start", "peak", "PSS peak"):
            cells.append(ratio(figures["netgraph " + key], figures["oxigraph " + key]))
        cells.append("")
        print("| " + " | ".join(cells) + " |")


def pages_table(size: SizeFigures) -> None:
    print(f"\n### {size.triples:,} asserted triples: first requests besides queries\n")
    print(
        "netgraph on a fresh server of its own, each path asked for once (Turtle where "
        "negotiated), in this order."
    )
    print("\n| path | status | seconds | bytes |\n| --- | ---: | ---: | ---: |")
    for path, (status, seconds, size_bytes) in size.pages.items():
        print(f"| `{path}` | {status or 'failed'} | {seconds:.3f} | {size_bytes:,} |")
    if size.pages_peak_mib:
        rss, pss = size.pages_peak_mib
        print(f"\nThat server's peak: RSS {rss:.0f} MiB, PSS {pss:.0f} MiB.")


def build_table(sizes: list[SizeFigures], budget: float) -> None:
    print(f"\n### `netgraph validate` and `netgraph build` (fresh process, budget {budget:.0f} s)")
    print(
        "\n| asserted triples | validate (s) | peak RSS (MiB) | build (s) | peak RSS (MiB) |",
        end="",
    )
    print(" note |")
    print("| ---: | ---: | ---: | ---: | ---: | --- |")
    for size in sizes:
        (vs, vk, vn), (bs, bk, bn) = size.validate, size.build
        cells = [
            f"{size.triples:,}",
            "-" if vs is None else f"{vs:.1f}",
            f"{vk / 1024:.0f}",
            "-" if bs is None else f"{bs:.1f}",
            f"{bk / 1024:.0f}",
            "; ".join(note for note in (vn, bn) if note),
        ]
        print("| " + " | ".join(cells) + " |")


def growth_table(sizes: list[SizeFigures]) -> None:
    if len(sizes) < 2:
        return
    print("\n### Growth per tenfold data: log10(t2/t1) / log10(n2/n1)\n")
    print("1.0 is linear, 0 is flat, 2.0 is quadratic.\n")
    keys = ["validate", "build"]
    figures = []
    for size in sizes:
        row = {"validate": size.validate[0], "build": size.build[0]}
        row.update(summary(size))
        figures.append(row)
    keys += [key for key in figures[0] if key not in keys and not key.endswith("peak")]
    print(
        "| figure | " + " | ".join(f"{a.triples:,} → {b.triples:,}" for a, b in pairs(sizes)) + " |"
    )
    print("| --- |" + " ---: |" * (len(sizes) - 1))
    for key in keys:
        cells = [key]
        for (a, b), (fa, fb) in zip(pairs(sizes), pairs(figures), strict=True):
            t1, t2 = fa.get(key), fb.get(key)
            if not t1 or not t2:
                cells.append("-")
            else:
                if key.endswith("throughput"):
                    t1, t2 = 1 / t1, 1 / t2  # time per request
                cells.append(f"{math.log10(t2 / t1) / math.log10(b.triples / a.triples):.2f}")
        print("| " + " | ".join(cells) + " |")


def pairs(items: list) -> list[tuple]:
    return list(itertools.pairwise(items))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="asserted triples, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=100, help="per query and server")
    parser.add_argument("--query-budget", type=float, default=5.0, help="seconds per query")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0, help="throughput run, per server")
    parser.add_argument("--build-budget", type=float, default=900.0, help="seconds per command")
    parser.add_argument(
        "--build-only-above",
        type=int,
        default=10**12,
        help="sizes above this get only validate and build, no servers",
    )
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--keep", type=Path, help="keep generated projects and builds here")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: serve earlier builds, skip build timing"
    )
    args = parser.parse_args()
    args.servers = [name for name in args.servers.split(",") if name]
    if unknown := set(args.servers) - set(SERVERS):
        parser.error(f"unknown servers: {', '.join(sorted(unknown))}")
    sizes = sorted(int(size) for size in args.sizes.split(","))
    results = []
    with tempfile.TemporaryDirectory(prefix="netgraph-scale-") as scratch_name:
        scratch = args.keep or Path(scratch_name)
        scratch.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            results.append(bench_size(size, args, scratch))
    print(f"## netgraph at scale (seed {args.seed})")
    build_table(results, args.build_budget)
    for size in results:
        if size.servers:
            query_table(size, args.requests, args.query_budget)
            summary_table(size, args.clients, args.seconds)
        if size.pages:
            pages_table(size)
    growth_table(results)
    print(f"\nmachine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; loopback only")


if __name__ == "__main__":
    main()
