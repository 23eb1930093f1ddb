"""The dataset a server answers from, loaded once at start-up.

By default that is the build's ``netgraph.trig`` (ontology, data and inferred
triples, each in its named graph). When the dist folder holds no build yet,
the project's own build pipeline (:func:`netgraph.build.run_build`) runs
first, in-process, so a fresh checkout serves without any database or prior
step; like ``netgraph build``, it refuses data with SHACL violations. That
build also writes the Oxigraph store (``oxigraph/``) the default engine opens.

When the build has that store and the engine is not rdflib's, the dataset *is*
the store (:func:`netgraph.engines.store_dataset`): ``netgraph.trig`` is not
parsed, and nothing of the data is copied into Python; pages, labels and
statistics look it up in Oxigraph. The rdflib engine evaluates on an rdflib
in-memory dataset, so for it the TriG is parsed as before.

``--load`` serves given RDF files instead: TriG and N-Quads keep their graph
names, every other syntax goes into the default graph. Either way the SPARQL
default graph is the union of all graphs.
"""

from collections.abc import Sequence
from pathlib import Path

from rdflib import Dataset
from rdflib.exceptions import ParserError
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.parsers.notation3 import BadSyntax

from netgraph import engines
from netgraph.build import FAIL_ON, STORE_DIR, run_build
from netgraph.errors import InputError
from netgraph.namespaces import BASE_IRI
from netgraph.project import Project
from netgraph.query import DATASET_FILE
from netgraph.reports import summary_line

QUAD_FORMATS = {".trig": "trig", ".nq": "nquads"}
TRIPLE_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".n3": "n3",
    ".nt": "nt",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}


def built_dataset(project: Project, dist_dir: Path | None = None, parse: bool = False) -> Dataset:
    """The build in ``DIST``, made first when it is missing: its Oxigraph store when it has
    one, unless ``parse`` asks for ``netgraph.trig`` in memory."""
    dist = dist_dir or project.dist_dir
    built = dist / DATASET_FILE
    if not built.is_file():
        outcome = run_build(project, dist, store=True)
        if not outcome.files:
            raise InputError(
                f"{project.display(built)}: not built yet, and the build was refused "
                f"({summary_line(outcome.report)}; a {FAIL_ON} stops it): "
                "run `netgraph validate` to see why"
            )
    store = dist / STORE_DIR
    if not parse and store.is_dir():
        try:
            return engines.store_dataset(store)
        except OSError as error:  # e.g. a store folder without a database in it
            raise InputError(f"{project.display(store)}: cannot open the store: {error}") from None
    return load_files([built])


def load_files(paths: Sequence[Path]) -> Dataset:
    """One dataset from RDF files, the syntax chosen by each file's extension.

    Each file is parsed into a dataset of its own and then merged: rdflib's
    N-Quads parser drops the default graph of the dataset it parses into, which
    would lose what earlier files put there.
    """
    dataset = None
    for path in paths:
        part = _parse(path)
        if dataset is None:
            dataset = part
            continue
        dataset.addN(
            (
                s,
                p,
                o,
                dataset.default_graph if name == DATASET_DEFAULT_GRAPH_ID else dataset.graph(name),
            )
            for s, p, o, name in part.quads((None, None, None, None))
        )
    return dataset if dataset is not None else Dataset(default_union=True)


def _parse(path: Path) -> Dataset:
    """A file's quads; a triple syntax's all in the default graph, even JSON-LD's named ones."""
    suffix = path.suffix.lower()
    if suffix not in QUAD_FORMATS and suffix not in TRIPLE_FORMATS:
        known = ", ".join(sorted({*QUAD_FORMATS, *TRIPLE_FORMATS}))
        raise InputError(f"{path}: unknown RDF syntax; use a file ending in {known}")
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    part = Dataset(default_union=True)
    try:
        part.parse(path, format={**QUAD_FORMATS, **TRIPLE_FORMATS}[suffix], publicID=BASE_IRI)
    except BadSyntax as error:
        raise InputError(f"{path}: {error._why} (character {error._i})") from None
    except ParserError as error:  # N-Triples and N-Quads: the reason, then the line quoted
        raise InputError(_line_error(path, str(error))) from None
    except (ValueError, SyntaxError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not valid {suffix[1:]}: {error}") from None
    except Exception as error:  # rdflib's parsers raise many kinds
        raise InputError(f"{path}: cannot parse: {type(error).__name__}: {error}") from None
    if suffix in TRIPLE_FORMATS:
        for graph in list(part.graphs()):
            if graph.identifier != DATASET_DEFAULT_GRAPH_ID:
                part.default_graph.addN((s, p, o, part.default_graph) for s, p, o in graph)
                part.remove_graph(graph)
    return part


def _line_error(path: Path, message: str) -> str:
    """rdflib's two-line message about a line of N-Triples or N-Quads as one line, with
    the line's number where the quoted line is found in the file."""
    reason, _, quoted = message.partition(":\n")
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    quoted = quoted.strip().strip("'")
    where = f"{path}:{lines.index(quoted) + 1}" if quoted in lines else str(path)
    return f"{where}: {reason.strip()}"
