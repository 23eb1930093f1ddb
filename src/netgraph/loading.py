"""Reading the project's Turtle files into graphs.

Every netgraph file writes its own IRIs relative to the base
(``@prefix ng: <ontology#>``), so each one is parsed against ``BASE_IRI``;
that keeps the base in namespaces.py alone. Parse failures become InputError
with ``path:line:col`` so an editor or CI annotation can jump to the spot.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH, XSD
from rdflib.plugins.parsers.notation3 import BadSyntax, RDFSink, SinkParser

from netgraph.catalog import read_catalog
from netgraph.errors import InputError
from netgraph.namespaces import BASE_IRI, ONTOLOGY_IRI, PREFIXES, SHAPES_IRI
from netgraph.project import Project
from netgraph.source_lines import position


@dataclass(frozen=True)
class ProjectGraphs:
    """The three asserted graphs every command starts from."""

    ontology: Graph
    data: Graph
    shapes: Graph
    project: Project | None = None
    """Where they were read from, so that a shape pyshacl cannot use is named with its file;
    None for graphs put together in memory."""


def load_project(project: Project) -> ProjectGraphs:
    return ProjectGraphs(load_ontology(project), load_data(project), load_shapes(project), project)


def parse_turtle(path: Path, into: Graph, project: Project) -> None:
    """Add one Turtle file to ``into``; any problem becomes an InputError naming the file."""
    display = project.display(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except IsADirectoryError:
        raise InputError(f"{display}: is a folder, not a Turtle file") from None
    except FileNotFoundError:
        raise InputError(f"{display}: file not found") from None
    except OSError as error:
        raise InputError(f"{display}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{display}: not UTF-8 text (byte {error.start})") from None
    try:
        _parse(text, into)
    except BadSyntax as error:
        raise InputError(_syntax_error_message(display, error)) from None
    except ValueError as error:  # rdflib rejects e.g. malformed language tags this way
        raise InputError(f"{display}: {error}") from None


_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
"""What Turtle's IRIREF leaves out, escaped or not (RFC 3987 has no place for it either).

rdflib only logs a warning for most of it (``rdflib.term._is_valid_uri``) and
keeps the IRI, which a serializer then refuses, or writes out as broken Turtle.
"""


class _InvalidIRI(Exception):
    def __init__(self, iri: str):
        self.iri = iri


class _IRICheckingSink(RDFSink):
    def newSymbol(self, *args: str) -> URIRef:
        # Before URIRef is made, which would log rdflib's warning.
        if _NOT_IN_IRI.search(args[0]):
            raise _InvalidIRI(args[0])
        return super().newSymbol(*args)


class _IRICheckingParser(SinkParser):
    """rdflib's Turtle parser, stopping at an invalid IRI as at any syntax error.

    Every IRI of a Turtle document, written out or as a prefixed name, is
    made in ``uri_ref2``, which still knows where it was written.
    """

    def uri_ref2(self, argstr: str, i: int, res: list) -> int:
        try:
            return super().uri_ref2(argstr, i, res)
        except _InvalidIRI as error:
            shown = re.sub(r"[\x00-\x1f]", lambda c: f"\\u{ord(c[0]):04X}", error.iri)
            self.BadSyntax(argstr, self.skipSpace(argstr, i), f"invalid IRI <{shown}>")


def _parse(text: str, into: Graph) -> None:
    """``into.parse(data=text, format="turtle", publicID=BASE_IRI)``, done by hand because
    ``Graph.parse`` has no way to take the checking parser and sink."""
    parser = _IRICheckingParser(_IRICheckingSink(into), baseURI=BASE_IRI, turtle=True)
    parser.loadBuf(text)
    for prefix, namespace in parser._bindings.items():  # as rdflib's TurtleParser binds them
        into.bind(prefix, namespace)


def _syntax_error_message(display: str, error: BadSyntax) -> str:
    # BadSyntax keeps the whole document and the character offset of the error;
    # its own line counter lags behind multi-line tokens, so count from the offset.
    text = error._str.decode("utf-8")
    offset = error._i
    if offset < 0:  # the document ended mid-statement: point just after its last token
        offset = len(text.rstrip())
    line, column = position(text, offset)
    return f"{display}:{line}:{column}: {error._why}"


def load_ontology(project: Project) -> Graph:
    """The ontology plus, transitively, every owl:imports resolved through the catalog."""
    graph = Graph()
    parse_turtle(project.ontology_file, graph, project)
    catalog = read_catalog(project)
    loaded = {URIRef(ONTOLOGY_IRI)}
    pending = _imports(graph, project.ontology_file)
    while pending:
        iri, importer = pending.pop(0)
        if iri in loaded:
            continue
        if str(iri) not in catalog:
            raise InputError(
                f"{project.display(project.catalog_file)}: no entry for owl:imports <{iri}> "
                f"(imported by {project.display(importer)})"
            )
        imported = Graph()
        parse_turtle(catalog[str(iri)], imported, project)
        graph += imported
        loaded.add(iri)
        pending += _imports(imported, catalog[str(iri)])
    return graph


def _imports(graph: Graph, path: Path) -> list[tuple[URIRef, Path]]:
    return sorted((iri, path) for iri in graph.objects(None, OWL.imports))


def data_files(project: Project) -> list[Path]:
    """``data/**/*.ttl``, subfolders included, in path order."""
    return _turtle_files(project.data_dir, project, recursive=True)


def load_data(project: Project) -> Graph:
    graph = Graph()
    for path in data_files(project):
        parse_turtle(path, graph, project)
    return graph


def shapes_files(project: Project) -> list[Path]:
    """``shapes/*.ttl``, in path order."""
    return _turtle_files(project.shapes_dir, project, recursive=False)


def load_shapes(project: Project) -> Graph:
    """All ``shapes/*.ttl`` plus the ``sh:declare`` prefixes SPARQL constraints refer to."""
    graph = Graph()
    for path in shapes_files(project):
        shapes = Graph()
        parse_turtle(path, shapes, project)
        if not any(shapes.triples((None, RDF.type, SH.NodeShape))) and not any(
            shapes.triples((None, RDF.type, SH.PropertyShape))
        ):
            raise InputError(
                f"{project.display(path)}: not a SHACL shapes file "
                "(declares no sh:NodeShape or sh:PropertyShape)"
            )
        graph += shapes
    _declare_prefixes(graph)
    return graph


def _declare_prefixes(shapes: Graph) -> None:
    # Shapes say ``sh:prefixes <shapes>``; declaring the prefixes here keeps the
    # base IRI out of the shapes files and identical to what queries get.
    node = URIRef(SHAPES_IRI)
    for prefix, namespace in sorted(PREFIXES.items()):
        declaration = BNode()
        shapes.add((node, SH.declare, declaration))
        shapes.add((declaration, SH.prefix, Literal(prefix)))
        shapes.add((declaration, SH.namespace, Literal(str(namespace), datatype=XSD.anyURI)))


def _turtle_files(folder: Path, project: Project, recursive: bool) -> list[Path]:
    display = project.display(folder)
    if not folder.is_dir():
        raise InputError(f"{display}: folder not found")
    files = sorted(folder.rglob("*.ttl") if recursive else folder.glob("*.ttl"))
    if not files:
        raise InputError(f"{display}: no .ttl files")
    return files
