"""The build: load, validate, reason, and publish the dumps.

Invalid data must never be published, so validation gates everything and a
refused build writes nothing. The dumps are written into a staging folder that
replaces the output folder in one step, so the previous release survives any
failure, including a kill.
"""

import contextlib
import gc
import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rdflib import Graph

from netgraph.atomic_dir import replaced_atomically
from netgraph.errors import InputError
from netgraph.loading import ProjectGraphs, load_project
from netgraph.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from netgraph.parallel import in_processes
from netgraph.progress import SILENT, Progress
from netgraph.project import Project
from netgraph.reasoning import infer
from netgraph.serialization import (
    GZIP_SUFFIX,
    canonicalize,
    write_gzip,
    write_jsonld,
    write_ntriples,
    write_trig,
    write_turtle,
)
from netgraph.validation import ValidationReport, validate

FAIL_ON = "violation"
CHECKSUMS = "SHA256SUMS"
STORE_DIR = "oxigraph"
"""The dataset in Oxigraph's persistent format (a RocksDB folder), for ``netgraph serve`` to
open without parsing. Not deterministic byte for byte, so not in SHA256SUMS."""
HASH_IRIS_FILE = "hash-iris.txt"
"""The dataset's hash IRIs, sorted, kept beside the store for the resource pages
(:func:`netgraph.engines.write_hash_iris`); like the statistics, not a dump."""
STATISTICS_FILE = "statistics.json"
"""The VoID statistics of the store, counted when it is written and kept beside it: at a
million triples counting takes about 15 s, which the first request for the VoID
description or the catalog would otherwise wait, in the web process. Not a dump: not in
SHA256SUMS, not served (:func:`netgraph.dataset_metadata.write_statistics`)."""


@dataclass(frozen=True)
class BuildOutcome:
    report: ValidationReport
    files: list[str]
    """Names written to the output folder; empty when validation refused the build."""
    inferred_triples: int = 0
    reasoning_seconds: float = 0.0


REASONERS = ("auto", "owlrl", "rules")
OWLRL_UP_TO = 10_000
"""``auto`` reasons with owlrl up to this many asserted data triples, with the rules above.

owlrl is pure Python and grows faster than linearly (2 to 3 s on the real data,
about 25 s at 10,000 triples, hours at 1,000,000); the rules take 1 s at
10,000 and 20 s at 100,000."""


def chosen_reasoner(reasoner: str, data_triples: int) -> str:
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r}; choose one of {', '.join(REASONERS)}")
    if reasoner == "auto":
        return "owlrl" if data_triples <= OWLRL_UP_TO else "rules"
    return reasoner


def run_build(
    project: Project,
    out_dir: Path,
    store: bool = False,
    reasoner: str = "auto",
    progress: Progress = SILENT,
) -> BuildOutcome:
    """Validate, reason and write ``out_dir``; with ``store``, also its Oxigraph store.

    ``reasoner`` is ``owlrl`` (the reference, OWL 2 RL in full), ``rules``
    (:mod:`netgraph.rules`: the entailments the queries use, as CONSTRUCT rules
    run by Oxigraph; a smaller inferred graph, see docs/engine.md) or ``auto``
    (:func:`chosen_reasoner`).
    """
    with progress.stage("loading"):
        graphs = load_project(project)
    with progress.stage("validating", len(graphs.data)):
        report = validate(graphs)
    gc.collect()  # validation's copy of the data is a reference cycle, like every rdflib graph
    if report.fails(FAIL_ON):
        return BuildOutcome(report, [])
    _check_replaceable(out_dir)
    reasoner = chosen_reasoner(reasoner, len(graphs.data))
    with progress.stage(f"reasoning ({reasoner})", len(graphs.data)):
        if reasoner == "rules":
            from netgraph.rules import infer_with_rules  # pyoxigraph, for this step only

            inference = infer_with_rules(graphs.ontology, graphs.data)
        else:
            inference = infer(graphs.ontology, graphs.data)
    named = named_graphs(graphs, inference.graph)
    inferred_triples, reasoning_seconds = len(inference.graph), inference.seconds
    del graphs, inference  # so that write_outputs can free the graphs it has copied
    with (
        progress.stage("writing", sum(map(len, named.values()))),
        replaced_atomically(out_dir) as staging,
    ):
        written = write_outputs(named, staging)
        _keep_times_if_unchanged(out_dir, staging)
        if store:
            _write_store_apart(staging / "netgraph.trig", staging / STORE_DIR)
            written += [f"{STORE_DIR}/", STATISTICS_FILE, HASH_IRIS_FILE]
    return BuildOutcome(report, written, inferred_triples, reasoning_seconds)


def named_graphs(graphs: ProjectGraphs, inferred: Graph) -> dict[str, Graph]:
    """The published dataset: what was asserted, kept apart from what was inferred."""
    return {GRAPH_ONTOLOGY: graphs.ontology, GRAPH_DATA: graphs.data, GRAPH_INFERRED: inferred}


_RENDERERS: dict[str, Callable[[dict[str, Graph], BinaryIO], None]] = {
    "netgraph.trig": write_trig,
    "data.ttl": lambda canonical, stream: write_turtle(canonical[GRAPH_DATA], stream),
    "data.nt": lambda canonical, stream: write_ntriples(canonical[GRAPH_DATA], stream),
    "data.jsonld": lambda canonical, stream: write_jsonld(canonical[GRAPH_DATA], stream),
    "inferred.ttl": lambda canonical, stream: write_turtle(canonical[GRAPH_INFERRED], stream),
}
_WRITE_BUFFER = 1 << 20


def write_outputs(named: dict[str, Graph], folder: Path) -> list[str]:
    """Write every published file into ``folder``, checksums last, and return their names.

    The dumps are rendered side by side in worker processes, since each
    serialiser is pure Python on one core, and each worker writes its dump
    itself: handed back to this process, the dumps (500 MB at 1,000,000 data
    triples) piled up on top of the graphs, and every worker forked later
    started from that.

    Takes the graphs out of ``named``: each is freed once its canonical copy
    exists if the caller holds it nowhere else (at 1,000,000 data triples
    either set is gigabytes).
    """
    graph_names = list(named)
    canonical = dict(
        zip(graph_names, canonicalize([named.pop(n) for n in graph_names]), strict=True)
    )
    rendered = in_processes(_render, list(_RENDERERS), None, (canonical, folder), fresh=True)
    digests = {name: digest for pairs in rendered for name, digest in pairs}
    (folder / CHECKSUMS).write_bytes(
        "".join(f"{digest}  {name}\n" for name, digest in sorted(digests.items())).encode()
    )
    return [*digests, CHECKSUMS]


def _render(canonical: dict[str, Graph], folder: Path, name: str) -> list[tuple[str, str]]:
    """Write one dump and its gzip copy; return their names and SHA-256s, read back from
    the page cache rather than computed along the way by a wrapper around the serialiser's
    many small writes. The copy is made here, not by the server when first asked for: at
    a million triples that took 8-15 s and some 300 MiB in the web process."""
    path = folder / name
    with path.open("wb", buffering=_WRITE_BUFFER) as stream:
        _RENDERERS[name](canonical, stream)
    packed = folder / f"{name}{GZIP_SUFFIX}"
    write_gzip(path, packed)
    return [(written.name, file_sha256(written)) for written in (path, packed)]


def _keep_times_if_unchanged(previous: Path, staging: Path) -> None:
    """Give the files their previous times when the checksums say nothing changed.

    The dumps' Last-Modified is the build's time; kept, a client asking
    If-Modified-Since after an unchanged rebuild gets 304, as one asking
    If-None-Match already does.
    """
    old_sums = previous / CHECKSUMS
    new_sums = staging / CHECKSUMS
    if not old_sums.is_file() or old_sums.read_bytes() != new_sums.read_bytes():
        return
    names = [line.split("  ", 1)[1] for line in new_sums.read_text().splitlines()]
    for name in [*names, CHECKSUMS]:
        with contextlib.suppress(FileNotFoundError):  # a previous build someone edited
            before = (previous / name).stat()
            os.utime(staging / name, ns=(before.st_atime_ns, before.st_mtime_ns))


def file_sha256(path: Path) -> str:
    """The file's SHA-256 in hex, read in chunks: as ``SHA256SUMS`` lists it."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _write_store_apart(trig: Path, folder: Path) -> None:
    """Oxigraph's store, written by a fresh interpreter from the TriG file, and its
    statistics and hash IRIs beside it.

    Its bulk load takes about fifteen times the TriG's size (175 MiB at
    100,000 triples); in this process that came on top of a heap still the size
    of the graphs it no longer holds (at 1,000,000 triples, gigabytes that
    Python keeps but Oxigraph cannot use). Not a multiprocessing "spawn", which
    would run the caller's main script again.
    """
    writer = subprocess.run(
        [sys.executable, "-c", _STORE_WRITER, os.fspath(trig), os.fspath(folder)],
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        stderr=subprocess.PIPE,
        text=True,
    )
    if writer.returncode != 0:  # the staging folder is dropped: the previous build stays
        last = (writer.stderr.strip().splitlines() or [f"exit status {writer.returncode}"])[-1]
        raise OSError(f"{folder.name}/: writing the Oxigraph store failed: {last}")


_STORE_WRITER = """import sys
from pathlib import Path
from netgraph.build import HASH_IRIS_FILE
from netgraph.dataset_metadata import write_statistics
from netgraph.engines import write_hash_iris, write_store
store = Path(sys.argv[2])
write_store(Path(sys.argv[1]).read_bytes(), store)
write_statistics(store)
write_hash_iris(store, store.parent / HASH_IRIS_FILE)
"""


def _check_replaceable(out_dir: Path) -> None:
    # The output folder is replaced whole; make sure it is ours before we do.
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / CHECKSUMS).is_file():
        raise InputError(
            f"{out_dir}: not empty and not a previous netgraph build (no {CHECKSUMS}); "
            "refusing to replace it"
        )
