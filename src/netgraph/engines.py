"""The SPARQL engines behind the endpoint: embedded Oxigraph (default) and rdflib.

Both implement one interface, :class:`netgraph.web.engine.QueryEngine`
(``prepare``, ``evaluate``, ``labels``, ``answer``): the rdflib engine is that
class itself, the Oxigraph engine (:class:`OxigraphEngine`) is a subclass that
replaces the two steps that touch the query, ``prepare`` and ``evaluate``.
Everything around them stays shared: protocol, content negotiation, the row
and byte cut (``X-Netgraph-Truncated``), the writers of every result format
(:mod:`netgraph.web.results`, fed with rdflib terms converted from Oxigraph's),
the labels of the query page and the service description, which read the
rdflib dataset the server keeps for the resource pages anyway.

The query reaches Oxigraph as a **string**, the project prefixes prepended as
one line of text (an rdflib-prepared query would be evaluated by rdflib).
Before anything is evaluated:

- ``SERVICE`` is refused by a lexical check (:func:`uses_service`):
  pyoxigraph *does* execute SERVICE, over HTTP from Rust, which the
  worker's Python-level socket guard cannot stop. The check drops comments,
  strings and IRIs, undoes ``\\u`` escapes, and refuses any ``SERVICE``
  keyword left; a false alarm (e.g. ``ex:a.SERVICE``) is a 403, never a fetch.
- The query is parsed by Oxigraph against an empty store (evaluation is lazy,
  so this costs the parse only): a syntax error is a 400 with Oxigraph's line
  and column (in the query as sent), an update a 403.

The union default graph, ``default-graph-uri`` and ``named-graph-uri`` map to
``use_default_graph_as_union``, ``default_graph`` and ``named_graphs``.
"""

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF, XSD

from netgraph import limits
from netgraph.build import STORE_DIR  # noqa: F401  (the build's store folder, re-exported)
from netgraph.namespaces import PREFIXES
from netgraph.sparql_protocol import ProtocolError
from netgraph.web.engine import Outcome, QueryEngine, _is_update

ENGINES = ("oxigraph", "rdflib")
DEFAULT_ENGINE = "oxigraph"

# One line, so that Oxigraph's "line N" is line N-1 of the query as sent.
PROLOGUE = " ".join(f"PREFIX {prefix}: <{namespace}>" for prefix, namespace in PREFIXES.items())

_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# Tokens that may hide the keyword: comments, strings (long ones first), IRIs.
_HIDING = re.compile(
    r"""#[^\n\r]*"""
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r'''|"""(?:[^"\\]|\\.|"(?!""))*"""'''
    r"""|'(?:[^'\\\n\r]|\\.)*'"""
    r'''|"(?:[^"\\\n\r]|\\.)*"'''
    r"""|<[^<>"{}|^`\\\x00-\x20]*>""",
    re.DOTALL,
)
_ANY_ESCAPE = re.compile(r"\\.", re.DOTALL)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_KEYWORD = r"(?<![\w:?$]){}(?![\w:-])"
_SERVICE = re.compile(_KEYWORD.format("SERVICE"), re.IGNORECASE)
_FORM = re.compile(_KEYWORD.format(f"({'|'.join(_FORMS)})"), re.IGNORECASE)
_FROM = re.compile(_KEYWORD.format("FROM"), re.IGNORECASE)
_OPENING = re.compile(r"[{(\[]|[})\]]")
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:[\w.%-]*$")
MAX_NESTING = 256
"""Deepest nesting of brackets accepted: deeper ones overflow Oxigraph's (Rust) stack,
which aborts the worker, so they are refused before parsing."""
_ERROR_AT = re.compile(r"^error at (\d+):(\d+): ", re.DOTALL)


def _unescaped(text: str) -> str:
    def char(match: re.Match) -> str:
        try:
            return chr(int(match[1] or match[2], 16))
        except ValueError:
            return " "

    return _ESCAPE.sub(char, text)


def _blanked(text: str) -> str:
    # Every backslash escape is one character (``\#`` in a local name, ``\'`` or
    # ``\\`` in a string), so none can open or close a comment or a string here.
    return _HIDING.sub(" ", _ANY_ESCAPE.sub("x", text))


def _bare(text: str) -> str:
    """The query with comments, strings and IRIs blanked: what keywords are made of.

    Blanked twice over, with and without ``\\u`` escapes undone, since a parser may
    apply them to the whole query (as the grammar says) or to strings and IRIs only.
    """
    return f"{_blanked(_unescaped(text))}\n{_blanked(text)}"


def uses_service(text: str) -> bool:
    return _SERVICE.search(_bare(text)) is not None


def nesting(bare: str) -> int:
    """How deep brackets nest in ``bare`` (a query with comments, strings and IRIs blanked)."""
    depth = deepest = 0
    for match in _OPENING.finditer(bare):
        if match[0] in "{([":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _form(text: str, result) -> str:
    if isinstance(result, ox.QuerySolutions):
        return "SELECT"
    if isinstance(result, ox.QueryBoolean):
        return "ASK"
    match = _FORM.search(_bare(text))
    return "DESCRIBE" if match and match[1].upper() == "DESCRIBE" else "CONSTRUCT"


@dataclass(frozen=True)
class OxigraphQuery:
    """A checked query: the text as Oxigraph gets it, its base IRI and its form."""

    text: str
    base: str
    form: str
    has_dataset: bool = False
    """Whether the query names its own dataset (FROM, FROM NAMED): then no union default."""


# --- Terms --------------------------------------------------------------------------


def to_rdflib(term):
    """An Oxigraph term as the rdflib term the writers and the query page expect."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise ValueError(f"unsupported term {term!r}")  # RDF 1.2 triple terms: none in the data


def to_oxigraph(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype and term.datatype != RDF.langString:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"unsupported term {term!r}")


# --- Stores -------------------------------------------------------------------------


def store_from_dataset(dataset: Dataset) -> ox.Store:
    """An in-memory Oxigraph store with every quad of ``dataset`` (graph names kept)."""
    store = ox.Store()
    store.load(dataset.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


def write_store(trig: bytes, folder: Path) -> None:
    """The dataset in Oxigraph's persistent format (RocksDB) in ``folder``, for fast opening."""
    store = ox.Store(str(folder))
    store.bulk_load(trig, format=ox.RdfFormat.TRIG)
    store.flush()
    store.optimize()
    del store  # closes the database


def open_store(folder: Path) -> ox.Store:
    """The build's store, read into memory: workers share it copy-on-write after the fork.

    The on-disk store is opened read-only and closed again before any worker is
    forked (RocksDB's background threads do not survive a fork).
    """
    disk = ox.Store.read_only(str(folder))
    store = ox.Store()
    store.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    del disk
    return store


# --- The engine ---------------------------------------------------------------------


class OxigraphEngine(QueryEngine):
    """SPARQL evaluated by embedded Oxigraph; the rdflib dataset serves labels and facts."""

    name = "oxigraph"

    def __init__(
        self,
        dataset: Dataset,
        store: ox.Store | None = None,
        max_rows: int = limits.MAX_ROWS,
        max_bytes: int = limits.MAX_BYTES,
        max_query_length: int = limits.MAX_QUERY_LENGTH,
    ):
        super().__init__(dataset, max_rows, max_bytes, max_query_length)
        self.store = store if store is not None else store_from_dataset(dataset)
        self._empty = ox.Store()  # parses queries without evaluating them

    def form_of(self, query: OxigraphQuery) -> str:
        return query.form

    def prepare(self, text: str, base: str) -> OxigraphQuery:
        self._check_length(text)
        bare = _bare(text)
        if _SERVICE.search(bare):
            raise ProtocolError(
                403, "SERVICE (federated query) is not allowed: this endpoint never makes requests"
            )
        if nesting(_blanked(text)) > MAX_NESTING:
            raise ProtocolError(400, "malformed query: nested too deeply")
        full = f"{PROLOGUE}\n{text}"
        try:
            parsed = self._empty.query(full, base_iri=base or None)
        except SyntaxError as error:
            if _is_update(text):
                raise ProtocolError(
                    403, "this endpoint is read-only: SPARQL Update is not accepted"
                ) from None
            raise ProtocolError(400, f"malformed query, {_position(str(error), text)}") from None
        except (ValueError, OSError) as error:
            raise ProtocolError(400, f"malformed query: {error}") from None
        return OxigraphQuery(full, base, _form(text, parsed), _FROM.search(bare) is not None)

    def evaluate(
        self,
        query: OxigraphQuery,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> Outcome:
        options: dict = {"base_iri": query.base or None}
        if default_graph_uris or named_graph_uris:
            # The protocol's dataset replaces FROM and FROM NAMED; what it leaves out is empty.
            options["default_graph"] = [ox.NamedNode(iri) for iri in default_graph_uris]
            options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graph_uris]
        elif not query.has_dataset:
            options["use_default_graph_as_union"] = True
        outcome = Outcome(query.form)
        started = time.perf_counter()
        try:
            result = self.store.query(query.text, **options)
            if isinstance(result, ox.QuerySolutions):
                names = [variable.value for variable in result.variables]
                outcome.variables = [Variable(name) for name in names]
                outcome.rows = [
                    tuple(to_rdflib(solution[name]) for name in names)
                    for solution in islice(result, self.max_rows + 1)
                ]
            elif isinstance(result, ox.QueryBoolean):
                outcome.boolean = bool(result)
            else:
                graph = Graph(bind_namespaces="none")
                for triple in islice(result, self.max_rows + 1):
                    graph.add(
                        (
                            to_rdflib(triple.subject),
                            to_rdflib(triple.predicate),
                            to_rdflib(triple.object),
                        )
                    )
                outcome.graph = graph
        except MemoryError:
            raise
        except (SyntaxError, ValueError, OSError, RuntimeError) as error:
            raise ProtocolError(
                400, f"the query could not be evaluated: {type(error).__name__}: {error}"
            ) from None
        return self._finished(outcome, started)


def _position(message: str, text: str) -> str:
    """``line L, column C: …`` in the query as sent (Oxigraph counts the prologue line)."""
    match = _ERROR_AT.match(message)
    if not match:
        return message
    line, column = int(match[1]) - 1, int(match[2])
    reason = message[match.end() :]
    if "Prefix not found" in reason:
        lines = text.splitlines() or [""]
        before = lines[min(max(line, 1), len(lines)) - 1][: max(column - 1, 0)]
        used = _PREFIXED.search(before)
        if used:
            reason = f"unknown prefix {used[1] or ''}: (not declared by PREFIX)"
    return f"line {line}, column {column}: {reason}"


def make_engine(
    name: str,
    dataset: Dataset,
    store_dir: Path | None = None,
    **settings,
) -> QueryEngine:
    """The engine called ``name`` over ``dataset`` (Oxigraph: the build's store if given)."""
    if name == "rdflib":
        return QueryEngine(dataset, **settings)
    if name == "oxigraph":
        store = open_store(store_dir) if store_dir is not None and store_dir.is_dir() else None
        return OxigraphEngine(dataset, store, **settings)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
