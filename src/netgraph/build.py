"""The build: load, validate, reason, and publish the dumps.

Invalid data must never be published, so validation gates everything and a
refused build writes nothing. The dumps are produced in memory, then written
into a staging folder that replaces the output folder in one step, so the
previous release survives any failure, including a kill.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from netgraph.atomic_dir import replaced_atomically
from netgraph.errors import InputError
from netgraph.loading import ProjectGraphs, load_project
from netgraph.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from netgraph.project import Project
from netgraph.reasoning import infer
from netgraph.serialization import canonicalize, to_jsonld, to_ntriples, to_trig, to_turtle
from netgraph.validation import ValidationReport, validate

FAIL_ON = "violation"
CHECKSUMS = "SHA256SUMS"
STORE_DIR = "oxigraph"
"""The dataset in Oxigraph's persistent format (a RocksDB folder), for ``netgraph serve`` to
open without parsing. Not deterministic byte for byte, so not in SHA256SUMS."""


@dataclass(frozen=True)
class BuildOutcome:
    report: ValidationReport
    files: list[str]
    """Names written to the output folder; empty when validation refused the build."""
    inferred_triples: int = 0
    reasoning_seconds: float = 0.0


REASONERS = ("owlrl", "rules")


def run_build(
    project: Project, out_dir: Path, store: bool = False, reasoner: str = "owlrl"
) -> BuildOutcome:
    """Validate, reason and write ``out_dir``; with ``store``, also its Oxigraph store.

    ``reasoner`` is ``owlrl`` (the reference, OWL 2 RL in full) or ``rules``
    (:mod:`netgraph.rules`: the entailments the queries use, as CONSTRUCT rules
    run by Oxigraph; a smaller inferred graph, see docs/engine.md).
    """
    graphs = load_project(project)
    report = validate(graphs)
    if report.fails(FAIL_ON):
        return BuildOutcome(report, [])
    _check_replaceable(out_dir)
    if reasoner == "rules":
        from netgraph.rules import infer_with_rules  # pyoxigraph, for this step only

        inference = infer_with_rules(graphs.ontology, graphs.data)
    elif reasoner == "owlrl":
        inference = infer(graphs.ontology, graphs.data)
    else:
        raise ValueError(f"unknown reasoner {reasoner!r}; choose one of {', '.join(REASONERS)}")
    outputs = render_outputs(named_graphs(graphs, inference.graph))
    with replaced_atomically(out_dir) as staging:
        for name, content in outputs.items():
            (staging / name).write_bytes(content)
        if store:
            from netgraph.engines import write_store  # pyoxigraph, for this step only

            write_store(outputs["netgraph.trig"], staging / STORE_DIR)
    written = [*outputs, f"{STORE_DIR}/"] if store else list(outputs)
    return BuildOutcome(report, written, len(inference.graph), inference.seconds)


def named_graphs(graphs: ProjectGraphs, inferred: Graph) -> dict[str, Graph]:
    """The published dataset: what was asserted, kept apart from what was inferred."""
    return {GRAPH_ONTOLOGY: graphs.ontology, GRAPH_DATA: graphs.data, GRAPH_INFERRED: inferred}


def render_outputs(named: dict[str, Graph]) -> dict[str, bytes]:
    """Every published file by name, checksums last."""
    ontology, data, inferred = canonicalize(list(named.values()))
    canonical = dict(zip(named, (ontology, data, inferred), strict=True))
    outputs = {
        "netgraph.trig": to_trig(canonical),
        "data.ttl": to_turtle(data),
        "data.nt": to_ntriples(data),
        "data.jsonld": to_jsonld(data),
        "inferred.ttl": to_turtle(inferred),
    }
    outputs[CHECKSUMS] = "".join(
        f"{hashlib.sha256(content).hexdigest()}  {name}\n"
        for name, content in sorted(outputs.items())
    ).encode()
    return outputs


def _check_replaceable(out_dir: Path) -> None:
    # The output folder is replaced whole; make sure it is ours before we do.
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / CHECKSUMS).is_file():
        raise InputError(
            f"{out_dir}: not empty and not a previous netgraph build (no {CHECKSUMS}); "
            "refusing to replace it"
        )
