"""Answering protocol operations: parse, check, evaluate and serialise a query.

One :class:`QueryEngine` per application holds the read-only dataset. It
turns an :class:`~netgraph.sparql_protocol.Operation` into a :class:`Reply`
(status, media type, bytes) without any web framework, so the Flask wrapper
only copies a reply into a response.

rdflib evaluates lazily, so evaluation *and* serialisation both happen here,
inside the error handling, and the reply holds finished bytes: a failure half
way never becomes a half-sent 200.

Security: the engine never reaches the network. ``SERVICE`` is refused before
evaluation; rdflib's loading of FROM graphs from the web is switched off
(process-wide, ``rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS``), so FROM, FROM
NAMED and the protocol's graph parameters name graphs of the local dataset
only, and an unknown name is an empty graph. SPARQL Update never reaches the
engine (the protocol module refuses it) and an update sent as a query fails to
parse as one.
"""

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from itertools import islice
from typing import TypeVar

import rdflib.plugins.sparql
from pyparsing import ParseBaseException
from rdflib import Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import RDFS, SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query

from netgraph import limits
from netgraph.namespaces import PREFIXES
from netgraph.sparql_protocol import (
    DESCRIPTION_FORMATS,
    GraphSummary,
    MediaFormat,
    Operation,
    ProtocolError,
    ServiceFacts,
    accept_for,
    default_entailment,
    formats_for,
    negotiate,
    not_acceptable,
    service_description,
)
from netgraph.web.results import Row, Unrepresentable, write_ask, write_graph, write_select

log = logging.getLogger(__name__)
T = TypeVar("T")

TRUNCATED = "X-Netgraph-Truncated"
"""Set on an answer that was cut at a limit: ``rows=N`` (N rows or triples kept, the row
limit) or ``bytes=N`` (cut to fit the byte limit N)."""
PARSED_QUERIES_KEPT = 256
"""Parsed queries kept for reuse: parsing often costs more than evaluating (10-40 ms)."""
LONGEST_KEPT = 64 * 1024
_QUERY_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_DESCRIPTION_PREFIXES = {
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "formats": "http://www.w3.org/ns/formats/",
    "void": "http://rdfs.org/ns/void#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass(frozen=True)
class Reply:
    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(
            ("+xml", "+json", "/json", "/xml", "/trig", "/n-triples", "/n-quads")
        )
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


def error_reply(error: ProtocolError) -> Reply:
    return Reply(error.status, "text/plain", f"{error.message}\n".encode())


@dataclass
class Outcome:
    """One evaluated query, its rows limited and materialised."""

    form: str
    variables: list[Variable] = field(default_factory=list)
    solutions: list[Row] = field(default_factory=list)
    """The SELECT rows in the engine's own terms, which the writers read as they are."""
    boolean: bool | None = None
    graph: Graph | None = None
    seconds: float = 0.0
    truncated: str | None = None
    """Why the answer was cut (the value of ``X-Netgraph-Truncated``), None if whole."""

    @property
    def rows(self) -> list[Row]:
        """The SELECT rows as rdflib terms, which the query page and the command line read."""
        return self.solutions

    def write(self, offer: MediaFormat) -> bytes:
        if self.form == "SELECT":
            return write_select(offer.writer, self.variables, self.solutions)
        if self.form == "ASK":
            return write_ask(offer.writer, bool(self.boolean))
        return write_graph(offer.writer, self.graph)

    @property
    def size(self) -> int:
        if self.form == "SELECT":
            return len(self.solutions)
        if self.form == "ASK":
            return 1
        return len(self.graph)

    def emptied(self) -> "Outcome":
        """The same answer with no rows or triples: what the format writes around them."""
        return replace(
            self, solutions=[], graph=None if self.graph is None else Graph(bind_namespaces="none")
        )

    def cut(self, size: int) -> None:
        """Keep the first ``size`` rows or triples."""
        if self.form == "SELECT":
            self.solutions = self.solutions[:size]
        elif self.form != "ASK":
            kept = Graph(bind_namespaces="none")
            for triple in islice(self.graph, size):
                kept.add(triple)
            self.graph = kept


class QueryEngine:
    """SPARQL over one read-only rdflib Dataset whose default graph is the union.

    The engine interface (``prepare``, ``start``, ``form_of``, ``evaluate``, ``labels``); the
    embedded Oxigraph engine, :class:`netgraph.engines.OxigraphEngine`, overrides
    the steps that touch the query.
    """

    name = "rdflib"

    def __init__(
        self,
        dataset: Dataset,
        max_rows: int = limits.MAX_ROWS,
        max_bytes: int = limits.MAX_BYTES,
        max_query_length: int = limits.MAX_QUERY_LENGTH,
    ):
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # never fetch FROM graphs
        rdflib.plugins.sparql.SPARQL_DEFAULT_GRAPH_UNION = True
        self.dataset = dataset
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.max_query_length = max_query_length
        self._parse = lru_cache(maxsize=PARSED_QUERIES_KEPT)(_parse)

    @cached_property
    def facts(self) -> ServiceFacts:
        """The graphs and their sizes for the service description, counted when first asked
        for, not at start-up (on the build's store: a count per graph, by Oxigraph)."""
        return _facts(self.dataset)

    # -- the protocol -----------------------------------------------------------

    def answer(self, operation: Operation, accept: str | None, endpoint_url: str) -> Reply:
        """The reply to one operation; every refusal is a 4xx with a plain-text reason."""
        try:
            return self._answer(operation, accept, endpoint_url)
        except ProtocolError as error:
            return error_reply(error)

    def _answer(self, operation: Operation, accept: str | None, endpoint_url: str) -> Reply:
        wanted = accept_for(operation, accept)
        if operation.query is None:
            offer = negotiate(wanted, DESCRIPTION_FORMATS)
            if offer is None:
                raise not_acceptable("the service description", DESCRIPTION_FORMATS)
            description = service_description(endpoint_url, self.facts)
            body = write_graph(offer.writer, description, _DESCRIPTION_PREFIXES)
            return Reply(200, offer.media_type, body, {"Vary": "Accept"})
        query = self.start(
            operation.query, endpoint_url, operation.default_graph_uris, operation.named_graph_uris
        )
        form = self.form_of(query)
        offers = formats_for(form)
        offer = negotiate(wanted, offers)
        if offer is None:
            raise not_acceptable(f"a {form} query", offers)
        outcome = self.evaluate(query, operation.default_graph_uris, operation.named_graph_uris)
        body = self._write(outcome, offer)
        headers = {"Vary": "Accept"}
        if outcome.truncated:
            headers[TRUNCATED] = outcome.truncated
        return Reply(200, offer.media_type, body, headers)

    def _write(self, outcome: Outcome, offer: MediaFormat) -> bytes:
        """The answer as bytes, cut to fewer rows (and marked so) while over the byte limit.

        A cut answer is never over the limit: what the format writes around the rows (a
        JSON-LD context, a long list of variables) counts too, and an answer that does not
        fit even with no rows is refused rather than sent whole.
        """
        body = _written(outcome, offer)
        if len(body) <= self.max_bytes:
            return body
        empty = len(_written(outcome.emptied(), offer))
        if empty > self.max_bytes:
            raise ProtocolError(
                400,
                f"the answer does not fit this endpoint's limit of {self.max_bytes} bytes "
                "even with no rows",
            )
        outcome.truncated = bytes_cut(self.max_bytes)
        while len(body) > self.max_bytes:
            # the rows seen so far as a measure of the rest; at least a tenth fewer each time
            share = (self.max_bytes - empty) / (len(body) - empty)
            outcome.cut(int(outcome.size * share * 0.9))
            body = _written(outcome, offer)
        return body

    # -- the steps, also used by the query page ---------------------------------

    def prepare(self, text: str, base: str) -> Query:
        """Parse with the project prefixes declared and ``base`` as the base IRI; refuse SERVICE.

        The result is shared between requests (evaluation only reads it), so a
        repeated query is parsed once; refusals are not kept.
        """
        self._check_length(text)
        if len(text) > LONGEST_KEPT:
            return _parse(text, base)
        return self._parse(text, base)

    def start(
        self,
        text: str,
        base: str,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> Query:
        """``prepare`` for an ``evaluate`` with these graphs that follows at once, which
        an engine whose parse is the first step of its evaluation (Oxigraph) begins here,
        so that the query is parsed once; rdflib's parse is kept for reuse instead."""
        return self.prepare(text, base)

    def _check_length(self, text: str) -> None:
        if len(text) > self.max_query_length:
            raise ProtocolError(
                413,
                f"the query is {len(text)} characters long, "
                f"over this endpoint's limit of {self.max_query_length}",
            )

    def form_of(self, query: Query) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE."""
        return query_form(query)

    def evaluate(
        self,
        query: Query,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> Outcome:
        """Run a prepared query; the protocol's graph parameters replace FROM and FROM NAMED."""
        if default_graph_uris or named_graph_uris:
            algebra = CompValue(query.algebra.name, **query.algebra)  # the shared one stays as is
            algebra["datasetClause"] = [
                *(CompValue("DatasetClause", default=URIRef(iri)) for iri in default_graph_uris),
                *(CompValue("DatasetClause", named=URIRef(iri)) for iri in named_graph_uris),
            ]
            query = Query(query.prologue, algebra)
        form = query_form(query)
        started = time.perf_counter()
        try:
            result = self.dataset.query(query)
            outcome = Outcome(form)
            if form == "SELECT":
                outcome.variables = list(result.vars or [])
                outcome.solutions = [tuple(row) for row in islice(result, self.max_rows + 1)]
            elif form == "ASK":
                outcome.boolean = bool(result.askAnswer)
            else:
                outcome.graph = result.graph
        except RecursionError:
            raise ProtocolError(
                400, "the query could not be evaluated: nested too deeply"
            ) from None
        except MemoryError:
            raise  # the evaluation process answers 503 and starts afresh
        except Exception:
            # Parsing succeeded, so what fails now is the query meeting the data. rdflib's
            # exceptions are Python's (KeyError, TypeError …), their text no message for
            # a client: that goes to the log.
            log.info("query evaluation failed", exc_info=True)
            raise ProtocolError(
                400, "the query could not be evaluated: the rdflib engine failed on it"
            ) from None
        return self._finished(outcome, started)

    def _finished(self, outcome, started: float):
        """Time the evaluation and apply the row limit, the same for every engine."""
        outcome.seconds = time.perf_counter() - started
        if outcome.size > self.max_rows:
            # Cut, and say so (X-Netgraph-Truncated, the page's notice): never silently.
            outcome.cut(self.max_rows)
            outcome.truncated = f"rows={self.max_rows}"
        return outcome

    def labels(self, iris: Iterable[URIRef], language: str) -> dict[URIRef, str]:
        """A name for each IRI that has one: skos:prefLabel, else rdfs:label, ``language`` first."""
        found = {}
        for iri in dict.fromkeys(iris):
            label = _best_label(self.dataset, iri, language)
            if label is not None:
                found[iri] = label
        return found


def bytes_cut(limit: int) -> str:
    """The ``X-Netgraph-Truncated`` of an answer cut to fit ``limit`` bytes."""
    return f"bytes={limit}"


def leading_within(
    items: Iterable[T], size: Callable[[T], int], limit: int
) -> tuple[list[T], bool]:
    """The first ``items`` whose sizes add up to ``limit`` at most, and whether any were left
    out; the items are taken one at a time, none past the first that does not fit."""
    kept, total = [], 0
    for item in items:
        total += size(item)
        if total > limit:
            return kept, True
        kept.append(item)
    return kept, False


def _written(outcome: Outcome, offer: MediaFormat) -> bytes:
    try:
        return outcome.write(offer)
    except Unrepresentable as error:
        raise ProtocolError(
            406, f"the answer cannot be written as {offer.media_type}: {error}"
        ) from None


TOO_DEEP = "malformed query: nested too deeply"
SERVICE_REFUSED = "SERVICE (federated query) is not allowed: this endpoint never makes requests"


def _parse(text: str, base: str) -> Query:
    """Parse and check one query; the errors are the ones a client gets."""
    try:
        query = prepareQuery(text, initNs=PREFIXES, base=base)
    except ParseBaseException as error:
        if _is_update(text):
            raise ProtocolError(
                403, "this endpoint is read-only: SPARQL Update is not accepted"
            ) from None
        raise ProtocolError(
            400, f"malformed query, line {error.lineno}, column {error.col}: {error.msg}"
        ) from None
    except RecursionError:
        raise ProtocolError(400, TOO_DEEP) from None
    except Exception as error:
        # rdflib reports e.g. an unknown prefix as a bare Exception with a message for people;
        # any other kind is Python's, its text no message for a client
        if type(error) is not Exception:
            log.info("parsing failed", exc_info=True)
            raise ProtocolError(
                400, "malformed query: the rdflib engine could not read it"
            ) from None
        raise ProtocolError(400, f"malformed query: {error}") from None
    if _uses_service(query.algebra):
        raise ProtocolError(403, SERVICE_REFUSED)
    return query


def query_form(query: Query) -> str:
    return _QUERY_FORMS[query.algebra.name]


def _best_label(dataset: Dataset, iri: URIRef, language: str) -> str | None:
    candidates = []
    for rank, predicate in enumerate((SKOS.prefLabel, RDFS.label)):
        for label in dataset.objects(iri, predicate):
            if isinstance(label, Literal):
                lang = (label.language or "").lower()
                fit = 0 if lang == language else (1 if not lang else 2)
                candidates.append((fit, rank, str(label)))
    return min(candidates)[2] if candidates else None


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:
        return False
    return True


def _uses_service(algebra: CompValue) -> bool:
    """Whether SERVICE occurs anywhere, in sub-queries and EXISTS filters too."""
    pending: list = [algebra]
    seen = 0
    while pending and seen < 1_000_000:
        node = pending.pop()
        seen += 1
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            pending.extend(node.values())
        elif isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list | tuple | set):
            pending.extend(node)
    return bool(pending)  # a tree too large to search is refused as if it held SERVICE


def _facts(dataset: Dataset) -> ServiceFacts:
    default = dataset.default_graph.identifier
    summaries = sorted(
        GraphSummary(str(graph.identifier), len(graph))
        for graph in dataset.graphs()
        if graph.identifier != default and len(graph)
    )
    names = [summary.name for summary in summaries]
    return ServiceFacts(summaries, len(dataset), default_entailment(names))
