"""``netgraph publish``: the build's named graphs into a SPARQL 1.1 store.

The graphs are first loaded under staging names (:func:`staging_graph`), then
one SPARQL Update request replaces each published graph by its staged copy and
drops the copies. SPARQL 1.1 Update asks a store to treat each request
atomically (Oxigraph runs one in one transaction), so a query sees the
graphs of one build or the other, never a mix, and a publish that fails on
the way leaves the published graphs as they were (and perhaps staged copies,
which the next publish replaces). The switch copies every triple once more
inside the store, in one transaction: at 1,000,000 triples it tripled an
Oxigraph server's time and memory (docs/remote-store.md), so ``in_place``
loads straight into the published graphs instead, graph by graph. Publishing
twice leaves the store as publishing once did. Two ways to load:

- **Graph Store HTTP Protocol** (``--graph-store URL``): one ``PUT
  URL?graph=IRI`` per graph, its triples as N-Triples. A store that does not
  offer the protocol there (404, 405, 501 on the first graph) is loaded by
  SPARQL Update instead.
- **SPARQL Update** (``--to URL``): ``DROP SILENT GRAPH`` for each staging
  graph, then ``INSERT DATA`` in requests of about :data:`CHUNK` triples.

Blank nodes are scoped to one document or one update request, so a request
must carry every triple of a blank node: Update requests are cut only
between groups of triples linked by blank nodes (across graphs too, so a blank
node shared by two graphs stays one node). A PUT carries one graph, so a blank
node shared by two graphs becomes two nodes in the store; the build has one
such node, in owlrl's closure, which no named query reaches.

The graphs are read from ``DIST/netgraph.trig`` by pyoxigraph (a fraction of
rdflib's parsing time).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from netgraph.errors import InputError
from netgraph.query import DATASET_FILE
from netgraph.remote_store import PUBLISHED_GRAPHS, exchange

CHUNK = 5000
"""Triples per INSERT DATA request (more when one group of blank-node-linked triples is larger)."""
TIMEOUT_SECONDS = 60.0
_NOT_OFFERED = (404, 405, 501)


@dataclass(frozen=True)
class Published:
    method: str
    """``graph store protocol`` or ``SPARQL update``."""
    url: str
    triples: dict[str, int]
    """Triples sent, per graph name."""
    in_place: bool = False


def read_build(dist: Path) -> dict[str, list[ox.Quad]]:
    """The quads of each published graph in ``dist``'s build."""
    built = dist / DATASET_FILE
    if not built.is_file():
        raise InputError(f"{built}: not built yet; run `netgraph build` first")
    graphs: dict[str, list[ox.Quad]] = {name: [] for name in PUBLISHED_GRAPHS}
    try:
        for quad in ox.parse(path=str(built), format=ox.RdfFormat.TRIG):
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode) and graph.value in graphs:
                graphs[graph.value].append(quad)
    except SyntaxError as error:
        raise InputError(f"{built}: not valid TriG: {error}") from None
    return graphs


def staging_graph(name: str) -> str:
    """Where ``publish`` loads graph ``name`` before it replaces the published one."""
    return f"{name}/staging"


def publish(
    dist: Path,
    update_url: str,
    graph_store_url: str | None = None,
    timeout: float = TIMEOUT_SECONDS,
    in_place: bool = False,
) -> Published:
    """Replace the published graphs in the store by the build's: staged, then switched in one
    update request, or ``in_place``; StoreError names the store."""
    graphs = read_build(dist)
    counts = {name: len(quads) for name, quads in graphs.items()}
    into = _same if in_place else staging_graph
    if graph_store_url and _put_graphs(graph_store_url, graphs, timeout, into):
        published = Published("graph store protocol", graph_store_url, counts, in_place)
    else:
        _update(update_url, " ;\n".join(_drop(into(name)) for name in graphs), timeout)
        for chunk in _chunks([quad for quads in graphs.values() for quad in quads], CHUNK):
            _update(update_url, _insert_data(chunk, into), timeout)
        published = Published("SPARQL update", update_url, counts, in_place)
    if not in_place:
        _update(update_url, _switch(graphs), timeout)
    return published


def _same(name: str) -> str:
    return name


def _drop(name: str) -> str:
    return f"DROP SILENT GRAPH <{name}>"


def _switch(graphs: Iterable[str]) -> str:
    """One request: each published graph replaced by its staged copy, the copies dropped.

    ``ADD SILENT`` of a staged graph the store does not have (an empty one: a store
    need not keep empty graphs) adds nothing, so the published graph ends up empty too.
    """
    steps = []
    for name in graphs:
        staged = staging_graph(name)
        steps += [_drop(name), f"ADD SILENT GRAPH <{staged}> TO GRAPH <{name}>", _drop(staged)]
    return " ;\n".join(steps)


def _put_graphs(
    url: str, graphs: dict[str, list[ox.Quad]], timeout: float, into: Callable[[str], str]
) -> bool:
    """PUT every graph into the graph ``into`` names; False when the store does not offer
    the protocol at ``url``."""
    separator = "&" if "?" in url else "?"
    for position, (name, quads) in enumerate(graphs.items()):
        body = ox.serialize([quad.triple for quad in quads], format=ox.RdfFormat.N_TRIPLES)
        target = f"{url}{separator}graph={quote(into(name), safe='')}"
        headers = {"Content-Type": "application/n-triples"}
        with exchange(target, "PUT", body, headers, timeout) as reply:
            if position == 0 and reply.status in _NOT_OFFERED:
                return False
            reply.check()
    return True


def _update(url: str, text: str, timeout: float) -> None:
    headers = {"Content-Type": "application/sparql-update"}
    with exchange(url, "POST", text.encode(), headers, timeout) as reply:
        reply.check()


def _insert_data(quads: list[ox.Quad], into: Callable[[str], str]) -> str:
    by_graph: dict[str, list[str]] = defaultdict(list)
    for quad in quads:
        by_graph[into(quad.graph_name.value)].append(
            f"{quad.subject} {quad.predicate} {quad.object} ."
        )
    blocks = "\n".join(
        f"GRAPH <{name}> {{\n{chr(10).join(lines)}\n}}" for name, lines in by_graph.items()
    )
    return f"INSERT DATA {{\n{blocks}\n}}"


def _chunks(quads: list[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    """``quads`` in lists of about ``size``, never splitting the triples of one blank node."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for quad in quads:
        blanks = [term for term in (quad.subject, quad.object) if isinstance(term, ox.BlankNode)]
        for other in blanks[1:]:
            parent[root(other)] = root(blanks[0])
    groups: dict[object, list[ox.Quad]] = defaultdict(list)
    for position, quad in enumerate(quads):
        blank = next((t for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)), None)
        groups[root(blank) if blank is not None else position].append(quad)
    chunk: list[ox.Quad] = []
    for group in groups.values():
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


def describe(published: Published) -> str:
    """One line: what went where."""
    sizes = ", ".join(
        f"{count} {name.rsplit('/', 1)[-1]}" for name, count in published.triples.items()
    )
    how = "in place" if published.in_place else "switched in one update"
    return f"published {sizes} triples to {published.url} by {published.method}, {how}"
