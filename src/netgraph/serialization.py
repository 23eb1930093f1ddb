"""Byte-stable RDF serialisations.

Published dumps are checksummed and diffed between releases, so the same
graphs must give the same bytes on every run and under every PYTHONHASHSEED.
Two things vary otherwise: blank-node labels, and the order in which the store
hands out triples. Both are pinned here: blank nodes get labels derived from
the graph structure, and triples are inserted in sorted order into fresh
graphs (rdflib's memory store iterates in insertion order).
"""

import io
import json
from collections.abc import Mapping, Sequence

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.serializers.trig import TrigSerializer

from netgraph.namespaces import PREFIXES

_GRAPH_TAG = "urn:x-netgraph-graph:"


def _new_graph() -> Graph:
    """A graph that knows exactly the project prefixes, and no rdflib defaults."""
    graph = Graph(bind_namespaces="none")
    _bind_prefixes(graph)
    return graph


def _bind_prefixes(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def canonicalize(graphs: Sequence[Graph]) -> list[Graph]:
    """Relabel blank nodes of several graphs together, keeping nodes shared between them shared.

    Canonicalising each graph alone would give one node two labels when, say,
    an inferred triple points at an ontology's anonymous class; so the graphs
    are merged with each predicate tagged by its graph, canonicalised once,
    and split again. Only triples with a blank node take part: a label
    depends on the triples its node is in, and the others keep their terms
    (at 100,000 data triples, canonicalising everything took half a minute).
    """
    tagged = Graph()
    split: list[list] = [[] for _ in graphs]
    for index, graph in enumerate(graphs):
        for subject, predicate, obj in graph:
            if isinstance(subject, BNode) or isinstance(obj, BNode):
                tagged.add((subject, URIRef(f"{_GRAPH_TAG}{index}#{predicate}"), obj))
            else:
                split[index].append((subject, predicate, obj))
    for subject, predicate, obj in to_canonical_graph(tagged):
        tag, _, original = str(predicate).partition("#")
        split[int(tag.removeprefix(_GRAPH_TAG))].append((subject, URIRef(original), obj))
    canonical = []
    for triples in split:
        result = _new_graph()
        for triple in sorted(triples, key=_sort_key):
            result.add(triple)
        canonical.append(result)
    return canonical


def _sort_key(triple) -> tuple[str, ...]:
    return tuple(term.n3() for term in triple)


def to_turtle(graph: Graph) -> bytes:
    return graph.serialize(format="turtle", encoding="utf-8")


def to_ntriples(graph: Graph) -> bytes:
    lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
    return b"".join(sorted(line for line in lines if line.strip()))


def to_jsonld(graph: Graph) -> bytes:
    # rdflib emits the top-level nodes in set order; sorting them by @id is
    # free of meaning in JSON-LD and makes the document stable.
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    document = json.loads(graph.serialize(format="json-ld", context=context))
    if "@graph" in document:
        document["@graph"].sort(key=lambda node: node["@id"])
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def to_trig(named_graphs: Mapping[str, Graph]) -> bytes:
    """One TriG document holding each graph under its name."""
    dataset = Dataset()
    _bind_prefixes(dataset)
    for name, graph in named_graphs.items():
        target = dataset.graph(URIRef(name))
        for triple in graph:
            target.add(triple)
    stream = io.BytesIO()
    _NameOrderedTrigSerializer(dataset).serialize(stream, encoding="utf-8")
    return stream.getvalue()


class _NameOrderedTrigSerializer(TrigSerializer):
    """rdflib's TriG writer takes the graphs from a set; order them by name instead."""

    def preprocess(self) -> None:
        self.contexts.sort(key=lambda context: str(context.identifier))
        super().preprocess()
