"""The SPARQL engines behind the endpoint: embedded Oxigraph (default) and rdflib.

Both implement one interface, :class:`netgraph.web.engine.QueryEngine`
(``prepare``, ``start``, ``evaluate``, ``labels``, ``answer``): the rdflib engine is that
class itself, the Oxigraph engine (:class:`OxigraphEngine`) is a subclass that
replaces the steps that touch the query, ``prepare``, ``start`` and ``evaluate``.
Everything around them stays shared: protocol, content negotiation, the row
and byte cut (``X-Netgraph-Truncated``), the writers of every result format
(:mod:`netgraph.web.results`, which read SELECT rows in Oxigraph's terms as they are),
the labels of the query page and the service description, which read the
rdflib dataset the resource pages read.

Serving a build with an Oxigraph store (``DIST/oxigraph/``), that dataset is
the store itself (:func:`store_dataset`: an rdflib ``Dataset`` on
:class:`StoreView`), so nothing is parsed or copied at start-up, and the
engine evaluates on the same store, opened read-only once per process.

The query reaches Oxigraph as a **string**, the project prefixes prepended as
one line of text (an rdflib-prepared query would be evaluated by rdflib).
Before anything is evaluated:

- ``SERVICE`` is refused by a lexical check (:func:`uses_service`):
  pyoxigraph *does* execute SERVICE, over HTTP from Rust, which the
  evaluation process's Python-level socket guard cannot stop. The check drops comments,
  strings and IRIs, undoes ``\\u`` escapes, and refuses any ``SERVICE``
  keyword left; a false alarm (e.g. ``ex:a.SERVICE``) is a 403, never a fetch.
- The query is parsed by Oxigraph: a syntax error is a 400 with Oxigraph's line
  and column (in the query as sent), an update a 403. ``prepare`` parses against an
  empty store (evaluation is lazy, so this costs the parse only); ``start``, the
  protocol's way, parses with the evaluation itself on the real store, whose
  SELECT and CONSTRUCT answers are lazy too: the form, which content negotiation
  needs, is known before any row is read, and the query is parsed once.

SELECT rows stay Oxigraph terms (:class:`OxigraphOutcome`): the writers read them
as they are, and they become rdflib terms only for the query page and the command
line, which ask for ``rows``.

The union default graph, ``default-graph-uri`` and ``named-graph-uri`` map to
``use_default_graph_as_union``, ``default_graph`` and ``named_graphs``.
"""

import errno
import logging
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby, islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, XSD
from rdflib.store import Store

from netgraph import limits
from netgraph.build import STORE_DIR  # noqa: F401  (the build's store folder, re-exported)
from netgraph.namespaces import BASE_IRI, PREFIXES
from netgraph.sparql_protocol import ProtocolError
from netgraph.web.engine import SERVICE_REFUSED, TOO_DEEP, Outcome, QueryEngine, _is_update
from netgraph.web.engine import _parse as _parse_with_rdflib
from netgraph.web.results import Row

log = logging.getLogger(__name__)

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
# Oxigraph's parser needs no space between tokens: ``30SERVICE``, ``?o.SERVICE`` and
# ``SERVICE:x`` all call a service. So a word is taken for the keyword unless it lies
# inside a variable's name or a prefixed name (or blank node label) begun before it,
# which the parser reads to their end. A run is a stretch of the characters those
# tokens and numbers are made of; a token only starts at its beginning.
_RUN_CHAR = re.compile(r"[\w.\-:%\\?$\u00b7\u0300-\u036f\u203f\u2040]")
_RUN = re.compile(rf"{_RUN_CHAR.pattern}*")
_VARIABLE = re.compile(r"[?$][\w\u00b7\u0300-\u036f\u203f\u2040]*")
_NAME_HEAD = re.compile(r"(?:[^\W\d_][\w.\-\u00b7]*)?:|_:")
_VARIABLE_SIGN = re.compile(r"[?$]")
_BOOLEAN = re.compile("true|false", re.IGNORECASE)
_SERVICE = re.compile("SERVICE", re.IGNORECASE)
# FROM and the query forms are not looked for where a name goes on after them
# (``fromage:p``): they decide only the default graph and DESCRIBE, never a request.
_FROM = re.compile(r"FROM(?![\w:-])", re.IGNORECASE)
_FORM = re.compile(rf"({'|'.join(_FORMS)})(?![\w:-])", re.IGNORECASE)


def _first_keyword(bare: str, pattern: re.Pattern) -> re.Match | None:
    """``pattern``'s first match in ``bare`` that the parser may read as a keyword."""
    run_end = named_to = -1
    for match in pattern.finditer(bare):
        start = match.start()
        if start >= run_end:  # each run is measured once, however many matches it holds
            run_start = start
            while run_start and _RUN_CHAR.match(bare, run_start - 1):
                run_start -= 1
            run_end = _RUN.match(bare, start).end()
            named_to = _name_end(bare, run_start, run_end)
        if start == run_start or match.end() > named_to:
            return match
    return None


def _name_end(bare: str, run_start: int, run_end: int) -> int:
    """Where the variable or prefixed name that opens the run ends; -1 if none does."""
    variable = _VARIABLE.match(bare, run_start, run_end)
    if variable:
        return variable.end()
    head = _NAME_HEAD.match(bare, run_start, run_end)
    if not head or _BOOLEAN.match(bare, run_start):  # ``trueSERVICE:x``: true, then SERVICE
        return -1
    if bare.startswith(".", head.end()):  # ``org:.SERVICE``: no local name starts with a dot
        return head.end()
    other = _VARIABLE_SIGN.search(bare, head.end(), run_end)  # a variable starts there
    return other.start() if other else run_end


_OPENING = re.compile(r"[{(\[]|[})\]]")
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:[\w.%-]*$")
MAX_NESTING = 256
"""Deepest nesting of brackets accepted: deeper ones overflow Oxigraph's (Rust) stack,
which aborts the evaluation process, so they are refused before parsing."""
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
    apply them to the whole query (as the grammar says) or to strings and IRIs only;
    once when there is none, since the two would be the same.
    """
    unescaped = _unescaped(text)
    if unescaped == text:
        return _blanked(text)
    return f"{_blanked(unescaped)}\n{_blanked(text)}"


_CASE_FELLOWS = re.compile("[\u0130\u0131\u017f\\\\]")
"""What makes a lower-case look insufficient: the non-ASCII letters that Python's
case-insensitive matching takes for a letter of SERVICE, FROM or DESCRIBE (dotted and
dotless i, long s), and the backslash of an escape, which can spell any word."""


class _Keywords:
    """Keyword searches in one query's bare text (:func:`_bare`), made only where the word
    may be there at all: blanking and searching cost more than Oxigraph's evaluation of a
    typical named query, and most queries name none of the words searched for."""

    def __init__(self, text: str):
        self.text = text
        self._lowered = None if _CASE_FELLOWS.search(text) else text.lower()

    @cached_property
    def bare(self) -> str:
        return _bare(self.text)

    def mentions(self, word: str) -> bool:
        """Whether ``word`` is in the query at all, in any case or ``\\u`` escape (a
        backslash can spell no letter otherwise)."""
        if self._lowered is not None:
            return word in self._lowered
        return re.search(word, _unescaped(self.text), re.IGNORECASE) is not None

    def search(self, pattern: re.Pattern, word: str) -> re.Match | None:
        """``pattern``'s first match in the bare text; ``word`` is what it looks for."""
        if not self.mentions(word):
            return None
        return _first_keyword(self.bare, pattern)


def uses_service(text: str) -> bool:
    return _Keywords(text).search(_SERVICE, "service") is not None


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


SERVICE_UNCHECKED = (
    f"{SERVICE_REFUSED}, and this query names it in a form the endpoint cannot check"
)


def _rdflib_checks(text: str, base: str, keywords: _Keywords) -> ProtocolError | None:
    """What the scan cannot settle alone, settled by rdflib's parser, in one parse.

    The scan is not a parser: ``<`` as less-than looks like an IRI to it, and what it
    then takes for an IRI may hide a SERVICE keyword (``FILTER(1<2)SERVICE:s#>``) or
    brackets (``FILTER(1<((…))#>``) nested deeper than Oxigraph's parser survives.
    rdflib parses by the grammar, and runs out of Python's recursion long before that
    depth. So a query that contains the word SERVICE, or more opening brackets than
    that depth, is parsed by rdflib too; the others, nearly all, are not. Raises what
    must stop the query before Oxigraph parses it (SERVICE, too deep, brackets it cannot
    check); returns the refusal of a query naming SERVICE that rdflib cannot read, to
    be raised once Oxigraph has parsed it, so that a malformed query gets Oxigraph's
    located message instead.
    """
    many_brackets = sum(map(text.count, "{([")) > MAX_NESTING
    if many_brackets and nesting(_blanked(text)) > MAX_NESTING:
        raise ProtocolError(400, TOO_DEEP)
    names_service = keywords.mentions("service")
    if not (many_brackets or names_service):
        return None
    try:
        _parse_with_rdflib(text, base)
    except ProtocolError as error:
        if error.status == 403 or error.message == TOO_DEEP:
            raise
        if many_brackets:
            raise ProtocolError(
                400,
                f"malformed query: more than {MAX_NESTING} brackets, in a form this endpoint "
                "cannot check for how deeply they nest",
            ) from None
        return ProtocolError(403, SERVICE_UNCHECKED)
    return None


def _form(keywords: _Keywords, result) -> str:
    if isinstance(result, ox.QuerySolutions):
        return "SELECT"
    if isinstance(result, ox.QueryBoolean):
        return "ASK"
    match = keywords.search(_FORM, "describe")  # where DESCRIBE is absent: CONSTRUCT
    return "DESCRIBE" if match and match[1].upper() == "DESCRIBE" else "CONSTRUCT"


@dataclass(frozen=True)
class OxigraphQuery:
    """A checked query: the text as Oxigraph gets it, its base IRI and its form."""

    text: str
    base: str
    form: str
    has_dataset: bool = False
    """Whether the query names its own dataset (FROM, FROM NAMED): then no union default."""
    started: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | None = field(
        default=None, compare=False
    )
    """Oxigraph's (lazy) answer when :meth:`OxigraphEngine.start` began the evaluation:
    ``evaluate`` reads it, once, instead of running the query again."""


# --- Terms --------------------------------------------------------------------------


_WRITABLE = frozenset({ox.NamedNode, ox.BlankNode, ox.Literal, type(None)})


def to_rdflib(term):
    """An Oxigraph term as the rdflib term the query page, graph answers and rdflib's API
    expect."""
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


def hash_iris(store: ox.Store) -> list[str]:
    """The dataset's own hash IRIs (``…/ontology#Network``, ``…/membership/x--y#period``)
    that are a subject or a predicate, sorted: what a document's page describes besides
    the document itself. A pass over the store: 1.6 s at a million triples."""
    return sorted(
        {
            iri
            for position in ("subject", "predicate")
            for iri in distinct_iris(store, position)
            if iri.startswith(BASE_IRI) and "#" in iri
        }
    )


def write_hash_iris(store_folder: Path, target: Path) -> None:
    """Keep :func:`hash_iris` of the store in ``store_folder`` in ``target``, one a line,
    so that the server's first resource page need not make the pass (it did, 1.9 s at a
    million triples); the same data gives the same bytes."""
    lines = "".join(f"{iri}\n" for iri in hash_iris(open_store(store_folder)))
    target.write_text(lines, encoding="utf-8")


def open_store(folder: Path) -> ox.Store:
    """The build's store, opened read-only: nothing is copied, RocksDB reads from disk."""
    return ox.Store.read_only(str(folder))


IN_MEMORY_UP_TO = 16 * 1024 * 1024
"""Bytes of store files up to which the build's store is copied into memory at
start-up (about 90,000 quads; the real build's store is 1.3 MB): a small store
answers several times faster from memory than through RocksDB (the named queries
on the real data: 1.4-6 ms against 1.5-11 ms per request), and the copy (tens of
ms) is shared by the forked evaluation process. Larger stores are read from disk, so
start-up and memory stay flat as the data grows. Decided by the files' size,
which costs a few stat calls, where counting quads would read up to the limit."""


def store_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


class BuildStore:
    """The build's store, opened once in each process that reads it.

    Up to :data:`IN_MEMORY_UP_TO` it is copied into memory, which the forked
    evaluation process shares as it is. Otherwise it stays on disk; then the
    evaluation process, forked from the server, closes every file descriptor it
    inherits (:mod:`netgraph.web.evaluator`), the store's among them, and
    RocksDB's threads do not survive a fork; so a forked process opens the
    store again on its first use, once for all its threads. The parent's handle
    is kept in the child, never closed there, since closing it would close
    descriptors that now belong to others.
    """

    def __init__(self, folder: Path, in_memory_up_to: int = IN_MEMORY_UP_TO):
        self.folder = folder
        self._pid = os.getpid()
        self.in_memory = store_bytes(folder) <= in_memory_up_to
        disk = open_store(folder)
        if self.in_memory:
            self._store = ox.Store()
            self._store.bulk_extend(disk.quads_for_pattern(None, None, None, None))
            del disk  # closed before any fork: RocksDB's threads would not survive one
        else:
            self._store = disk
        self._inherited: list[ox.Store] = []
        self._reopening = threading.Lock()

    def kept(self, name: str) -> Path:
        """A file the build keeps beside this store (its statistics, its hash IRIs)."""
        return self.folder.parent / name

    @property
    def store(self) -> ox.Store:
        if not self.in_memory and os.getpid() != self._pid:
            with self._reopening:  # the evaluation process's threads share one opening
                if os.getpid() != self._pid:
                    self._inherited.append(self._store)
                    self._store = open_store(self.folder)
                    self._pid = os.getpid()
        return self._store


class StoreView(Store):
    """rdflib's Store interface, read-only, over a :class:`BuildStore`.

    An rdflib ``Dataset`` on it answers pattern matches (``quads``, ``objects``,
    ``value``, ``in``) with Oxigraph's index look-ups, so the resource pages and
    labels read the build through rdflib's API without a Python copy of it. Terms
    come back as :func:`to_rdflib` makes them, the same as a parse of the TriG gives.
    """

    context_aware = True
    graph_aware = True
    formula_aware = False
    transaction_aware = False

    def __init__(self, build: BuildStore):
        super().__init__()
        self.build = build
        self._graphs: dict = {}

    def _graph(self, name) -> Graph:
        """One Graph object per graph name, reused (rdflib wants a Graph per quad)."""
        identifier = (
            DATASET_DEFAULT_GRAPH_ID if isinstance(name, ox.DefaultGraph) else URIRef(name.value)
        )
        graph = self._graphs.get(identifier)
        if graph is None:
            graph = self._graphs[identifier] = Graph(store=self, identifier=identifier)
        return graph

    def triples(self, triple_pattern, context=None):
        try:
            pattern = [None if term is None else to_oxigraph(term) for term in triple_pattern]
            graph = None if context is None else _graph_name(context.identifier)
        except ValueError:
            return  # a term Oxigraph cannot hold (e.g. an invalid IRI) matches nothing
        try:
            quads = self.build.store.quads_for_pattern(*pattern, graph)
        except TypeError:
            return  # a literal as subject: matches nothing
        # A triple comes once per graph holding it, those quads next to each other
        # (every index of Oxigraph ends with the graph name): one triple, its graphs.
        for triple, same in groupby(quads, key=lambda quad: quad.triple):
            terms = (triple.subject, triple.predicate, triple.object)
            yield tuple(map(to_rdflib, terms)), [self._graph(q.graph_name) for q in same]

    def contexts(self, triple=None):
        if triple is not None:
            for _, graphs in self.triples(triple):
                yield from graphs
            return
        store = self.build.store
        if _holds_default_graph(store):
            yield self._graph(ox.DefaultGraph())
        for name in store.named_graphs():
            yield self._graph(name)

    def __len__(self, context=None) -> int:
        store = self.build.store
        if context is None:  # triples, each counted once whatever graphs hold it
            return sum(triples_per_predicate(store).values())
        name = _graph_name(context.identifier)
        return int(next(store.query(_ALL_TRIPLES, default_graph=name))[0].value)

    def add(self, triple, context, quoted=False):
        raise TypeError("the build's store is read-only")

    def addN(self, quads):
        raise TypeError("the build's store is read-only")

    def remove(self, triple, context=None):
        raise TypeError("the build's store is read-only")

    def add_graph(self, graph) -> None:
        """Nothing to record: a graph the store does not hold is an empty one."""


_ALL_TRIPLES = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


def distinct_iris(store: ox.Store, position: str) -> Iterator[str]:
    """Every IRI that is the ``subject`` or ``predicate`` of a quad, once each, as text.

    Oxigraph finds them over its indexes; testing their text here is faster than
    a string FILTER in SPARQL, which reads each term's text from the store.
    """
    where = {"subject": "?term ?p ?o", "predicate": "?s ?term ?o"}[position]
    query = f"SELECT DISTINCT ?term {{ {{ {where} }} UNION {{ GRAPH ?g {{ {where} }} }} }}"
    for solution in store.query(query):
        if isinstance(term := solution[0], ox.NamedNode):
            yield term.value


def triples_per_graph(store: ox.Store) -> dict:
    """Triples in each named graph that holds any, by graph name (Oxigraph's)."""
    query = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    return {solution["g"]: int(solution["n"].value) for solution in store.query(query)}


def triples_per_predicate(store: ox.Store) -> Counter:
    """Triples per predicate in the union of ``store``'s graphs, a triple that several
    graphs hold counted once.

    Counted by Oxigraph graph by graph, the largest first, each less the triples an
    earlier graph holds (index look-ups): ``SELECT DISTINCT`` over the union would
    hold every triple of the dataset in memory at once.
    """
    sizes = triples_per_graph(store)
    graphs = [
        f"GRAPH {name} {{ ?s ?p ?o }}" for name in sorted(sizes, key=lambda n: (-sizes[n], str(n)))
    ]
    if _holds_default_graph(store):
        graphs.insert(0, "?s ?p ?o")
    counts: Counter = Counter()
    for index, pattern in enumerate(graphs):
        held = " ".join(f"FILTER NOT EXISTS {{ {earlier} }}" for earlier in graphs[:index])
        query = f"SELECT ?p (COUNT(*) AS ?n) {{ {pattern} {held} }} GROUP BY ?p"
        for solution in store.query(query):
            counts[to_rdflib(solution["p"])] += int(solution["n"].value)
    return counts


def _holds_default_graph(store: ox.Store) -> bool:
    return next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None


def _graph_name(identifier):
    if identifier == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    return to_oxigraph(identifier)


def store_dataset(folder: Path) -> Dataset:
    """The build's store as a read-only rdflib Dataset whose default graph is the union."""
    return Dataset(store=StoreView(BuildStore(folder)), default_union=True)


def oxigraph_of(dataset: Dataset) -> BuildStore | ox.Store:
    """The store ``dataset`` is (:func:`store_dataset`), else a copy of it in memory."""
    view = dataset.store
    return view.build if isinstance(view, StoreView) else store_from_dataset(dataset)


def opened(store: BuildStore | ox.Store) -> ox.Store:
    """The store to read in this process."""
    return store.store if isinstance(store, BuildStore) else store


# --- The engine ---------------------------------------------------------------------


class OxigraphEngine(QueryEngine):
    """SPARQL evaluated by embedded Oxigraph; the rdflib dataset serves labels and facts."""

    name = "oxigraph"

    def __init__(
        self,
        dataset: Dataset,
        store: ox.Store | BuildStore | None = None,
        max_rows: int = limits.MAX_ROWS,
        max_bytes: int = limits.MAX_BYTES,
        max_query_length: int = limits.MAX_QUERY_LENGTH,
    ):
        super().__init__(dataset, max_rows, max_bytes, max_query_length)
        self._store = store if store is not None else oxigraph_of(dataset)
        self._empty = ox.Store()  # parses queries without evaluating them

    @property
    def store(self) -> ox.Store:
        """The store this process evaluates on (the build's: opened again after a fork)."""
        return opened(self._store)

    def form_of(self, query: OxigraphQuery) -> str:
        return query.form

    def prepare(self, text: str, base: str) -> OxigraphQuery:
        return self._parsed(text, base, self._empty)

    def start(
        self,
        text: str,
        base: str,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> OxigraphQuery:
        return self._parsed(text, base, self.store, default_graph_uris, named_graph_uris)

    def _parsed(
        self,
        text: str,
        base: str,
        store: ox.Store,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> OxigraphQuery:
        """The query checked, then parsed by ``store.query``, whose answer is kept as
        ``started`` unless ``store`` is the empty one (a parse only)."""
        self._check_length(text)
        keywords = _Keywords(text)
        if keywords.search(_SERVICE, "service"):
            raise ProtocolError(403, SERVICE_REFUSED)
        unchecked = _rdflib_checks(text, base, keywords)
        full = f"{PROLOGUE}\n{text}"
        has_dataset = keywords.search(_FROM, "from") is not None
        try:
            result = store.query(
                full, **_options(base, has_dataset, default_graph_uris, named_graph_uris)
            )
        except SyntaxError as error:
            if _is_update(text):
                raise ProtocolError(
                    403, "this endpoint is read-only: SPARQL Update is not accepted"
                ) from None
            raise ProtocolError(400, f"malformed query, {_position(str(error), text)}") from None
        except (ValueError, OSError, RuntimeError) as error:
            raise _not_evaluated(error) from None
        if unchecked is not None:
            raise unchecked
        started = None if store is self._empty else result
        return OxigraphQuery(full, base, _form(keywords, result), has_dataset, started)

    def evaluate(
        self,
        query: OxigraphQuery,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> Outcome:
        started = time.perf_counter()
        try:
            result = query.started
            if result is None:
                options = _options(
                    query.base, query.has_dataset, default_graph_uris, named_graph_uris
                )
                result = self.store.query(query.text, **options)
            outcome = to_outcome(query.form, result, self.max_rows + 1)
        except MemoryError:
            raise
        except (SyntaxError, ValueError, OSError, RuntimeError) as error:
            raise _not_evaluated(error) from None
        return self._finished(outcome, started)


def _options(
    base: str,
    has_dataset: bool,
    default_graph_uris: Sequence[str],
    named_graph_uris: Sequence[str],
) -> dict:
    """``Store.query``'s keyword arguments for the query's dataset."""
    options: dict = {"base_iri": base or None}
    if default_graph_uris or named_graph_uris:
        # The protocol's dataset replaces FROM and FROM NAMED; what it leaves out is empty.
        options["default_graph"] = [ox.NamedNode(iri) for iri in default_graph_uris]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graph_uris]
    elif not has_dataset:
        options["use_default_graph_as_union"] = True
    return options


TRIPLE_TERMS = "answers with RDF 1.2 triple terms cannot be written"
"""Oxigraph evaluates triple terms (``<<( s p o )>>``), but no writer here has a way to
write one, nor does rdflib, which the page and graph answers go through."""


def _not_evaluated(error: Exception) -> ProtocolError:
    """Oxigraph's own message, which says what in the query failed; but a failure to read the
    store (an OSError, as pyoxigraph documents it) is the machine's, not the query's, and its
    message may name the store's files: that one goes to the log only."""
    if isinstance(error, ConnectionError) or _network_errno(error):
        # Only a SERVICE call opens a connection here: one got past the query checks
        # and was stopped (by the network namespace, or by the remote end). Said loudly.
        log.error("a SERVICE call got past the query checks and failed: %s", error)
        return ProtocolError(403, SERVICE_REFUSED)
    if isinstance(error, OSError):
        log.warning("reading the store failed: %s", error)
        return ProtocolError(400, "the query could not be evaluated: the store could not be read")
    return ProtocolError(400, f"the query could not be evaluated: {_one_line(str(error))}")


_OS_ERROR = re.compile(r"\(os error (\d+)\)")
_NETWORK_ERRNOS = frozenset(
    {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ECONNREFUSED, errno.ETIMEDOUT}
)


def _network_errno(error: Exception) -> bool:
    """Whether a pyoxigraph OSError is a network failure; it carries its errno only in
    the text (``Network is unreachable (os error 101)``)."""
    found = isinstance(error, OSError) and _OS_ERROR.search(str(error))
    return bool(found) and int(found[1]) in _NETWORK_ERRNOS


class OxigraphOutcome(Outcome):
    """An Outcome whose SELECT rows are Oxigraph's terms, which the writers read as they
    are: converting each to rdflib's costs several microseconds a term."""

    @property
    def rows(self) -> list[Row]:
        return [tuple(map(to_rdflib, row)) for row in self.solutions]


def to_outcome(form: str, result, most: int) -> Outcome:
    """Oxigraph's answer (solutions, boolean or triples) as an Outcome, at most ``most``
    rows or triples read: the remote store's answers, parsed by pyoxigraph, take the
    same way. Rows keep Oxigraph's terms (:class:`OxigraphOutcome`); a graph is rdflib's."""
    outcome = OxigraphOutcome(form)
    if isinstance(result, ox.QuerySolutions):
        outcome.variables = [Variable(variable.value) for variable in result.variables]
        outcome.solutions = [tuple(solution) for solution in islice(result, most)]
        for row in outcome.solutions:
            _check_writable(row)
    elif isinstance(result, ox.QueryBoolean):
        outcome.boolean = bool(result)
    else:
        graph = Graph(bind_namespaces="none")
        for triple in islice(result, most):
            terms = (triple.subject, triple.predicate, triple.object)
            _check_writable(terms)
            graph.add(tuple(map(to_rdflib, terms)))
        outcome.graph = graph
    return outcome


def _check_writable(terms: Sequence) -> None:
    if not _WRITABLE.issuperset(map(type, terms)):
        raise ProtocolError(400, TRIPLE_TERMS)


def _position(message: str, text: str) -> str:
    """``line L, column C: …`` in the query as sent (Oxigraph counts the prologue line)."""
    match = _ERROR_AT.match(message)
    if not match:
        return _one_line(message)
    line, column = int(match[1]) - 1, int(match[2])
    reason = message[match.end() :]
    if "Prefix not found" in reason:
        lines = text.splitlines() or [""]
        before = lines[min(max(line, 1), len(lines)) - 1][: max(column - 1, 0)]
        used = _PREFIXED.search(before)
        if used:
            reason = f"unknown prefix {used[1] or ''}: (not declared by PREFIX)"
    return f"line {line}, column {column}: {_one_line(reason)}"


def _one_line(reason: str) -> str:
    """Oxigraph lists every token it would have accepted, Unicode ranges over several
    lines; the first few, on one line, are what a person can act on."""
    reason = " ".join(reason.split())
    if len(reason) <= REASON_CHARS:
        return reason
    return reason[:REASON_CHARS].rsplit(", ", 1)[0] + ", …"


REASON_CHARS = 160


def make_engine(name: str, dataset: Dataset, **settings) -> QueryEngine:
    """The engine called ``name`` over ``dataset`` (Oxigraph: on the build's store when
    ``dataset`` is one, see :func:`store_dataset`)."""
    if name == "rdflib":
        return QueryEngine(dataset, **settings)
    if name == "oxigraph":
        return OxigraphEngine(dataset, **settings)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
