"""Running SPARQL in-process against the built dataset.

Queries see the union of the ontology, data and inferred graphs as their
default graph, so ``?network ng:hasMember ?city`` finds inferred inverses
without naming a graph, and every project prefix is declared for them.
"""

import csv
import io
from pathlib import Path

from pyparsing import ParseException
from rdflib import Dataset, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result

from netgraph.build import named_graphs
from netgraph.errors import InputError
from netgraph.loading import load_project
from netgraph.names import compact
from netgraph.namespaces import PREFIXES
from netgraph.project import Project
from netgraph.reasoning import infer

RESULT_FORMATS = ("table", "csv", "json")
DATASET_FILE = "netgraph.trig"

# One line, so a parser error on line N+1 is on line N of the query as written.
_PROLOGUE = " ".join(f"PREFIX {prefix}: <{namespace}>" for prefix, namespace in PREFIXES.items())


def load_dataset(project: Project, dist_dir: Path | None = None) -> Dataset:
    """The built ``netgraph.trig``; without one, load and reason in memory (no validation)."""
    dataset = Dataset(default_union=True)
    built = (dist_dir or project.dist_dir) / DATASET_FILE
    if built.is_file():
        dataset.parse(built, format="trig")
        return dataset
    graphs = load_project(project)
    for name, graph in named_graphs(graphs, infer(graphs.ontology, graphs.data).graph).items():
        target = dataset.graph(URIRef(name))
        target += graph
    return dataset


def parse_query(text: str, source: str) -> Query:
    """Parse with the project prefixes declared; errors name ``source:line:col``."""
    try:
        return prepareQuery(f"{_PROLOGUE}\n{text}")
    except ParseException as error:
        raise InputError(f"{source}:{error.lineno - 1}:{error.col}: {error.msg}") from None
    except Exception as error:  # rdflib reports e.g. an unknown prefix as a bare Exception
        raise InputError(f"{source}: {error}") from None


def run_query(dataset: Dataset, text: str, source: str = "<query>") -> Result:
    return dataset.query(parse_query(text, source))


def format_result(result: Result, fmt: str) -> str:
    """SELECT rows as ``table``/``csv``/``json``; ASK as true/false; graphs as Turtle."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return result.graph.serialize(format="turtle")
    if fmt == "json":
        return result.serialize(format="json").decode("utf-8") + "\n"
    if result.type == "ASK":
        return f"{str(result.askAnswer).lower()}\n"
    names = [str(variable) for variable in result.vars]
    render = str if fmt == "csv" else compact
    rows = [["" if term is None else render(term) for term in row] for row in result]
    if fmt == "csv":
        stream = io.StringIO()
        csv.writer(stream, lineterminator="\n").writerows([names, *rows])
        return stream.getvalue()
    return _table(names, rows)


def _table(names: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(names, *rows, strict=True)]
    lines = [names, ["-" * width for width in widths], *rows]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        + "\n"
        for line in lines
    )
