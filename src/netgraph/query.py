"""Running SPARQL against the built dataset, for ``netgraph query``.

Queries see the union of the ontology, data and inferred graphs as their
default graph, so ``?network ng:hasMember ?city`` finds inferred inverses
without naming a graph, and every project prefix is declared for them.

The command goes through the endpoint's engine interface
(:class:`netgraph.web.engine.QueryEngine`), so it answers as the endpoint
does: embedded Oxigraph on the build's store (``DIST/oxigraph/``) when there
is one, a remote store with ``--store``, else rdflib on ``netgraph.trig`` (or
on the data reasoned in memory when nothing is built). ``run_query`` keeps
rdflib's own result for the tests that compare against it.
"""

import csv
import io
import re
import sys
from pathlib import Path

from pyparsing import ParseException
from rdflib import Dataset, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result

from netgraph import limits
from netgraph.build import STORE_DIR, named_graphs
from netgraph.errors import InputError
from netgraph.loading import load_project
from netgraph.names import compact
from netgraph.namespaces import PREFIXES
from netgraph.project import Project
from netgraph.reasoning import infer

RESULT_FORMATS = ("table", "csv", "json")
DATASET_FILE = "netgraph.trig"
NO_LIMIT = sys.maxsize - 1
"""The command line cuts no answer and takes a query of any length: the engines' limits
are the endpoint's."""
_AT = re.compile(r"malformed query(?:, line (\d+), column (\d+))?: ")

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


def query_engine(
    project: Project | None,
    dist_dir: Path | None = None,
    store: str | None = None,
    timeout: float = limits.QUERY_TIMEOUT_SECONDS,
):
    """The engine ``netgraph query`` evaluates with (see the module docstring)."""
    from netgraph.engines import OxigraphEngine, open_store  # Flask and pyoxigraph: here only
    from netgraph.remote_store import RemoteEngine
    from netgraph.web.engine import QueryEngine

    unlimited = {"max_rows": NO_LIMIT, "max_query_length": NO_LIMIT}
    if store is not None:
        return RemoteEngine(Dataset(), store, timeout=timeout, **unlimited)
    dist = dist_dir or project.dist_dir
    if (dist / DATASET_FILE).is_file() and (dist / STORE_DIR).is_dir():
        return OxigraphEngine(Dataset(), open_store(dist / STORE_DIR), **unlimited)
    return QueryEngine(load_dataset(project, dist_dir), **unlimited)


def evaluate_query(engine, text: str, source: str = "<query>"):
    """The query's Outcome; a refusal is an InputError at ``source:line:col`` when it has one."""
    from netgraph.sparql_protocol import ProtocolError

    try:
        return engine.evaluate(engine.prepare(text, base=""))
    except ProtocolError as error:
        if error.status >= 500:  # the store failed, not the query
            raise InputError(error.message) from None
        at = _AT.match(error.message)
        if at is None:
            raise InputError(f"{source}: {error.message}") from None
        where = f"{source}:{at[1]}:{at[2]}" if at[1] else source
        raise InputError(f"{where}: {error.message[at.end() :]}") from None


def format_result(outcome, fmt: str) -> str:
    """SELECT rows as ``table``/``csv``/``json``; ASK as true/false; graphs as Turtle."""
    from netgraph.web.results import write_ask, write_graph, write_select

    if outcome.form in ("CONSTRUCT", "DESCRIBE"):
        return write_graph("turtle", outcome.graph).decode("utf-8")
    if fmt == "json":
        if outcome.form == "ASK":
            return write_ask("json", bool(outcome.boolean)).decode("utf-8")
        return write_select("json", outcome.variables, outcome.rows).decode("utf-8")
    if outcome.form == "ASK":
        return f"{str(bool(outcome.boolean)).lower()}\n"
    names = [str(variable) for variable in outcome.variables]
    render = str if fmt == "csv" else compact
    rows = [["" if term is None else render(term) for term in row] for row in outcome.rows]
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
