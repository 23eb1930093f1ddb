"""Byte-stable RDF serialisations.

Published dumps are checksummed and diffed between releases, so the same
graphs must give the same bytes on every run and under every PYTHONHASHSEED.
Two things vary otherwise: blank-node labels, and the order in which the store
hands out triples. Both are pinned here: blank nodes get labels derived from
the graph structure, and triples are inserted in sorted order into fresh
graphs (rdflib's memory store iterates in insertion order).

At 1,000,000 data triples the graphs take gigabytes, so nothing here holds
two copies of them: canonicalisation frees each original as soon as its
triples are read, and the TriG dump is written from the canonical graphs
themselves rather than from a Dataset filled with copies. The dumps go to a
stream (the build's files) instead of coming back as bytes.
"""

import gc
import gzip
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.serializers.jsonld import from_rdf
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.plugins.stores.memory import SimpleMemory

from netgraph.namespaces import PREFIXES

_GRAPH_TAG = "urn:x-netgraph-graph:"


def _new_graph() -> Graph:
    """A graph that knows exactly the project prefixes, and no rdflib defaults.

    Its store keeps no record of contexts, which a published graph does not
    need and which costs rdflib's default store about 15 % more per triple.
    """
    graph = Graph(store=SimpleMemory(), bind_namespaces="none")
    _bind_prefixes(graph)
    return graph


def _bind_prefixes(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def canonicalize(graphs: list[Graph]) -> list[Graph]:
    """Relabel blank nodes of several graphs together, keeping nodes shared between them shared.

    Canonicalising each graph alone would give one node two labels when, say,
    an inferred triple points at an ontology's anonymous class; so the graphs
    are merged with each predicate tagged by its graph, canonicalised once,
    and split again. Only triples with a blank node take part: a label
    depends on the triples its node is in, and the others keep their terms
    (at 100,000 data triples, canonicalising everything took half a minute).

    ``graphs`` is emptied as it is read, so that a graph nobody else holds is
    freed before the canonical copies are built instead of living beside them.
    """
    tagged = Graph()
    split = [_untagged(graphs.pop(0), index, tagged) for index in range(len(graphs))]
    # A graph and its namespace manager refer to each other, so only the cycle
    # collector frees a graph; with gigabytes of long-lived objects it would run
    # only once the copies below had grown by a quarter of the heap.
    gc.collect()
    for subject, predicate, obj in to_canonical_graph(tagged):
        tag, _, original = str(predicate).partition("#")
        split[int(tag.removeprefix(_GRAPH_TAG))].append((subject, URIRef(original), obj))
    canonical = []
    for triples in split:
        triples.sort(key=_sort_key)
        result = _new_graph()
        for triple in triples:
            result.add(triple)
        triples.clear()
        canonical.append(result)
    return canonical


def _untagged(graph: Graph, index: int, tagged: Graph) -> list:
    """The triples of ``graph`` without a blank node; the others go to ``tagged``."""
    triples = []
    for subject, predicate, obj in graph:
        if isinstance(subject, BNode) or isinstance(obj, BNode):
            tagged.add((subject, URIRef(f"{_GRAPH_TAG}{index}#{predicate}"), obj))
        else:
            triples.append((subject, predicate, obj))
    return triples


def _sort_key(triple) -> tuple[str, ...]:
    return tuple(term.n3() for term in triple)


def to_turtle(graph: Graph) -> bytes:
    return graph.serialize(format="turtle", encoding="utf-8")


def write_turtle(graph: Graph, stream: BinaryIO) -> None:
    graph.serialize(stream, format="turtle", encoding="utf-8")


def write_ntriples(graph: Graph, stream: BinaryIO) -> None:
    # rdflib's N-Triples writer, one line per triple, without the document it
    # would build first (at 1,000,000 triples that came on top of its lines).
    lines = [_nt_row(triple).encode() for triple in graph]
    lines.sort()
    stream.writelines(lines)


def write_jsonld(graph: Graph, stream: BinaryIO) -> None:
    # rdflib emits the top-level nodes in set order; sorting them by @id is
    # free of meaning in JSON-LD and makes the document stable. The document
    # is taken from rdflib and encoded straight into the stream, rather than
    # written, parsed back and held as text (at 1,000,000 triples the text
    # alone is 100 MB, twice over as str and bytes).
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    document = from_rdf(graph, context)
    if "@graph" in document:
        document["@graph"].sort(key=lambda node: node["@id"])
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n")
    json.dump(document, text, indent=2, sort_keys=True, ensure_ascii=False)
    text.write("\n")
    text.detach()


def write_trig(named_graphs: Mapping[str, Graph], stream: BinaryIO) -> None:
    """One TriG document holding each graph under its name.

    rdflib's TriG writer works on a Dataset; a copy of the graphs in one would
    double the memory, so the writer gets views of the graphs under their
    names instead (their stores keep no contexts, so a view under another
    name sees every triple). The views share the prefixes a fresh Dataset has
    (rdflib's defaults under the project's): the dumps were always written
    with those.
    """
    namespaces = Dataset()
    _bind_prefixes(namespaces)
    contexts = [
        Graph(
            store=graph.store,
            identifier=URIRef(name),
            namespace_manager=namespaces.namespace_manager,
        )
        for name, graph in sorted(named_graphs.items())
    ]
    _NamedGraphsTrigSerializer(contexts).serialize(stream, encoding="utf-8")


class _NamedGraphsTrigSerializer(TrigSerializer):
    """rdflib's TriG writer on the given graphs, in the given order, instead of a Dataset's."""

    def __init__(self, contexts: list[Graph]):
        TurtleSerializer.__init__(self, contexts[0])
        self.contexts = contexts
        self.default_context = None


GZIP_SUFFIX = ".gz"
_CHUNK = 1 << 20


def write_gzip(source: Path, target: Path) -> None:
    """``target``: ``source`` gzipped deterministically (no file name, mtime 0, level 9),
    streamed in chunks, so a dump of any size is compressed without being held in memory."""
    with (
        source.open("rb") as plain,
        target.open("wb") as packed,
        gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=packed, mtime=0) as stream,
    ):
        while chunk := plain.read(_CHUNK):
            stream.write(chunk)
