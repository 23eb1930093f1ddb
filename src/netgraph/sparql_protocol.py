"""The SPARQL 1.1 Protocol query operation, free of any web framework.

This module turns the parts of an HTTP request (method, raw query string,
Content-Type, raw body, Accept) into an :class:`Operation`, chooses the media
type of the answer by content negotiation, and describes the service (SPARQL
1.1 Service Description). It evaluates nothing: ``netgraph.web.engine`` runs
the query and ``netgraph.web`` wraps both in Flask. Every refusal is a
:class:`ProtocolError` carrying the HTTP status and a message a person can act
on, so the wrappers never have to guess a status from an exception.

Parameters are decoded here from the raw bytes, strictly as UTF-8: a web
framework's lenient decoding would silently turn invalid bytes into U+FFFD and
run a different query from the one sent.
"""

import codecs
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes, urljoin

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, VOID, XSD

from netgraph.namespaces import GRAPH_INFERRED

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
OWL_PROFILE = Namespace("http://www.w3.org/ns/owl-profile/")
VOID_PATH = ".well-known/void"
"""Where the VoID description is, relative to the endpoint URL."""

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

MAX_PARAMETERS = 200
"""More fields than any client sends; parsing stops there instead of at memory's end."""
MAX_ACCEPT_RANGES = 256
"""An Accept header with more ranges than this is read as no Accept header at all."""


class ProtocolError(Exception):
    """A request the endpoint refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Operation:
    """One query operation, or a request for the service description (``query`` is None)."""

    query: str | None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    """Values of the ``format`` parameter, which takes the place of the Accept header."""


# --- Media types -------------------------------------------------------------


@dataclass(frozen=True)
class MediaFormat:
    media_type: str
    """What the Content-Type header says."""
    writer: str
    """Which serialisation produces it (one writer may answer several media types)."""
    iri: str | None = None
    """The W3C format IRI (http://www.w3.org/ns/formats/…), for the service description."""


RESULTS_JSON = MediaFormat("application/sparql-results+json", "json", FORMATS.SPARQL_Results_JSON)
RESULTS_XML = MediaFormat("application/sparql-results+xml", "xml", FORMATS.SPARQL_Results_XML)
RESULTS_CSV = MediaFormat("text/csv", "csv", FORMATS.SPARQL_Results_CSV)
RESULTS_TSV = MediaFormat("text/tab-separated-values", "tsv", FORMATS.SPARQL_Results_TSV)
TURTLE = MediaFormat("text/turtle", "turtle", FORMATS.Turtle)
NTRIPLES = MediaFormat("application/n-triples", "nt", FORMATS["N-Triples"])
JSONLD = MediaFormat("application/ld+json", "json-ld", FORMATS["JSON-LD"])
RDFXML = MediaFormat("application/rdf+xml", "xml", FORMATS.RDF_XML)
NQUADS = MediaFormat("application/n-quads", "nquads", FORMATS["N-Quads"])
TRIG = MediaFormat("application/trig", "trig", FORMATS.TriG)

# In the server's order of preference: the first is the answer to "*/*" or to
# no Accept header. The aliases without an IRI serve clients that ask for the
# generic type (fetch() with application/json, old clients with text/plain).
SELECT_FORMATS = (
    RESULTS_JSON,
    RESULTS_XML,
    RESULTS_CSV,
    RESULTS_TSV,
    MediaFormat("application/json", "json"),
    MediaFormat("application/xml", "xml"),
    MediaFormat("text/xml", "xml"),
)
ASK_FORMATS = SELECT_FORMATS
GRAPH_FORMATS = (
    TURTLE,
    NTRIPLES,
    JSONLD,
    RDFXML,
    NQUADS,
    TRIG,
    MediaFormat("application/x-turtle", "turtle"),
    MediaFormat("text/n3", "turtle"),  # Turtle is a subset of N3
    MediaFormat("text/plain", "nt"),  # N-Triples' media type before RFC registration
    MediaFormat("application/json", "json-ld"),
    MediaFormat("application/xml", "xml"),
)
DESCRIPTION_FORMATS = (TURTLE, JSONLD, RDFXML, NTRIPLES, MediaFormat("application/json", "json-ld"))
HTML = "text/html"

FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "json": (RESULTS_JSON.media_type, JSONLD.media_type),
    "xml": (RESULTS_XML.media_type, RDFXML.media_type),
    "csv": (RESULTS_CSV.media_type,),
    "tsv": (RESULTS_TSV.media_type,),
    "turtle": (TURTLE.media_type,),
    "ttl": (TURTLE.media_type,),
    "n3": (TURTLE.media_type,),
    "nt": (NTRIPLES.media_type,),
    "ntriples": (NTRIPLES.media_type,),
    "n-triples": (NTRIPLES.media_type,),
    "jsonld": (JSONLD.media_type,),
    "json-ld": (JSONLD.media_type,),
    "rdfxml": (RDFXML.media_type,),
    "rdf+xml": (RDFXML.media_type,),
    "rdf": (RDFXML.media_type,),
    "nq": (NQUADS.media_type,),
    "nquads": (NQUADS.media_type,),
    "n-quads": (NQUADS.media_type,),
    "trig": (TRIG.media_type,),
}
"""``format=`` names, for links in a browser. Each name stands for the media types
it can mean, and content negotiation picks the one the query form can give:
``json`` is SPARQL Results JSON for SELECT and JSON-LD for CONSTRUCT."""


def formats_for(query_type: str) -> tuple[MediaFormat, ...]:
    """The formats a query form can be answered in (``SELECT``, ``ASK``, ``CONSTRUCT`` …)."""
    return GRAPH_FORMATS if query_type in ("CONSTRUCT", "DESCRIBE") else SELECT_FORMATS


@dataclass(frozen=True)
class _MediaRange:
    type: str
    subtype: str
    params: tuple[tuple[str, str], ...]
    quality: float

    def specificity(self, media_type: str) -> int | None:
        """How precisely this range names ``media_type`` (higher wins), or None if it does not."""
        kind, _, subtype = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else None
        if self.type != kind:
            return None
        if self.subtype == "*":
            return 1
        if self.subtype != subtype:
            return None
        return 3 if self.params else 2


_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_RANGE = re.compile(rf"\s*({_TOKEN})/({_TOKEN})\s*((?:;\s*{_TOKEN}\s*=\s*[^;,]*)*)\s*")
_QUALITY = re.compile(r"(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)")


def parse_accept(header: str | None) -> list[_MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped, as RFC 9110 allows."""
    entries = (header or "").split(",")
    if len(entries) > MAX_ACCEPT_RANGES:
        return []
    ranges = []
    for entry in entries:
        match = _RANGE.fullmatch(entry)
        if not match:
            continue
        quality, params, valid = 1.0, [], True
        for param in filter(None, (part.strip() for part in match[3].split(";"))):
            name, _, value = (piece.strip() for piece in param.partition("="))
            if name.lower() == "q":
                if not _QUALITY.fullmatch(value):
                    valid = False
                    break
                quality = float(value)
                break  # what follows q are accept-extensions, not media type parameters
            params.append((name.lower(), value.strip('"')))
        if valid and not (match[1] == "*" and match[2] != "*"):
            ranges.append(_MediaRange(match[1].lower(), match[2].lower(), tuple(params), quality))
    return ranges


def negotiate(accept: str | None, offers: Sequence[MediaFormat]) -> MediaFormat | None:
    """The offer the client prefers most (RFC 9110 §12.5.1), None when it accepts none.

    Each offer gets the quality of the most specific range that matches it; the
    highest quality wins and a tie goes to the server's order. No Accept header,
    or one with no readable range, accepts everything.
    """
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0] if offers else None
    best, best_quality = None, 0.0
    for offer in offers:
        matches = [
            (specificity, media_range.quality)
            for media_range in ranges
            if (specificity := media_range.specificity(offer.media_type)) is not None
        ]
        if not matches:
            continue
        quality = max(matches)[1]
        if quality > best_quality:
            best, best_quality = offer, quality
    return best


def accept_for(operation: Operation, accept_header: str | None) -> str | None:
    """The Accept header to negotiate with: ``format=`` values when given, else the header."""
    if not operation.formats:
        return accept_header
    media_types = []
    for value in operation.formats:
        if "/" in value:  # a media type (SPARQLWrapper sends both a name and a type)
            media_types.append(value)
        elif value.strip().lower() in FORMAT_NAMES:
            media_types.extend(FORMAT_NAMES[value.strip().lower()])
        else:
            names = ", ".join(sorted(FORMAT_NAMES))
            raise ProtocolError(400, f"unknown format {value!r}; use one of: {names}")
    return ", ".join(media_types)


def not_acceptable(what: str, offers: Iterable[MediaFormat]) -> ProtocolError:
    types = ", ".join(dict.fromkeys(offer.media_type for offer in offers))
    return ProtocolError(406, f"{what} can be answered as: {types}")


# --- Parameters ----------------------------------------------------------------


def parse_operation(
    method: str, query_string: bytes, content_type: str | None, body: bytes
) -> Operation:
    """The query operation of one request (SPARQL 1.1 Protocol §2.1).

    GET carries the parameters in the URL; POST either as an HTML form body or,
    with ``application/sparql-query``, the query itself as the body and the
    other parameters in the URL.
    """
    params = _decode_parameters(query_string, "the URL's query string")
    if method in ("GET", "HEAD"):
        return _operation(params, body_query=None)
    if method != "POST":
        raise ProtocolError(405, f"{method} is not a SPARQL protocol operation; use GET or POST")
    media_type, charset = _content_type(content_type)
    if media_type == FORM:
        _require_utf8(charset, FORM)
        operation = _operation(params + _decode_parameters(body, "the form body"), None)
        if operation.query is None:
            raise ProtocolError(400, "the form has no query parameter")
        return operation
    if media_type == SPARQL_QUERY:
        _require_utf8(charset, SPARQL_QUERY)
        return _operation(params, body_query=_decode(body, "the query (request body)"))
    if media_type == SPARQL_UPDATE:
        raise _read_only()
    if not media_type:
        raise ProtocolError(
            415, f"a POST needs a Content-Type: {SPARQL_QUERY} or {FORM} (none was given)"
        )
    raise ProtocolError(
        415, f"unsupported Content-Type {media_type!r}; use {SPARQL_QUERY} or {FORM}"
    )


def _operation(params: list[tuple[str, str]], body_query: str | None) -> Operation:
    values: dict[str, list[str]] = {}
    for name, value in params:
        values.setdefault(name, []).append(value)
    if "update" in values or "using-graph-uri" in values or "using-named-graph-uri" in values:
        raise _read_only()
    queries = values.get("query", [])
    if body_query is not None:
        queries = [*queries, body_query]
    if len(queries) > 1:
        raise ProtocolError(400, "more than one query was given; send exactly one")
    query = queries[0] if queries else None
    if query is not None and not query.strip():
        raise ProtocolError(400, "the query is empty")
    default_graphs = tuple(
        _graph_iri(iri, "default-graph-uri") for iri in values.get("default-graph-uri", [])
    )
    named_graphs = tuple(
        _graph_iri(iri, "named-graph-uri") for iri in values.get("named-graph-uri", [])
    )
    if query is None and (default_graphs or named_graphs):
        raise ProtocolError(400, "default-graph-uri and named-graph-uri need a query")
    return Operation(query, default_graphs, named_graphs, tuple(values.get("format", [])))


def _read_only() -> ProtocolError:
    return ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")


_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*")


def _graph_iri(value: str, parameter: str) -> str:
    if not _ABSOLUTE_IRI.fullmatch(value):
        raise ProtocolError(400, f"{parameter} must be an absolute IRI, not {value!r}")
    return value


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"{what} is not UTF-8 (byte {error.start})") from None


def _decode_parameters(raw: bytes, what: str) -> list[tuple[str, str]]:
    """``parse_qsl(raw, keep_blank_values=True)``, strictly UTF-8, at C speed.

    A query arrives with most of its characters percent-encoded (a 3 KB form
    body holds some 450 escapes), and urllib undoes them in a Python loop that
    cost more than Oxigraph's whole evaluation of a typical named query.
    """
    _decode(raw, what)  # the raw bytes must be UTF-8 themselves
    if raw.count(b"&") >= MAX_PARAMETERS:
        raise ProtocolError(400, f"{what} has more than {MAX_PARAMETERS} fields")
    try:
        return [
            (_unquote(name), _unquote(value))
            for name, _, value in (field.partition(b"=") for field in raw.split(b"&") if field)
        ]
    except UnicodeDecodeError:
        raise ProtocolError(400, f"{what} is not UTF-8 once percent-decoded") from None


def _unquote(part: bytes) -> str:
    """One form field's name or value, ``+`` and ``%XX`` undone.

    ``codecs.escape_decode`` reads ``\\xXX`` in C, so every backslash is
    doubled and every ``%`` becomes ``\\x``; a malformed escape (``%zz``, a
    ``%`` at the end) makes it fail, and urllib then keeps it as it is.
    """
    part = part.replace(b"+", b" ")
    if b"%" in part:
        try:
            part = codecs.escape_decode(part.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0]
        except ValueError:
            part = unquote_to_bytes(part)
    return part.decode("utf-8")


def _content_type(header: str | None) -> tuple[str, str | None]:
    """Media type (lower case) and charset parameter of a Content-Type header."""
    media_type, *params = (header or "").split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def _require_utf8(charset: str | None, media_type: str) -> None:
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"{media_type} must be UTF-8, not charset={charset}")


# --- Service description --------------------------------------------------------


@dataclass(frozen=True, order=True)
class GraphSummary:
    name: str
    triples: int


@dataclass(frozen=True)
class ServiceFacts:
    """What the service description states about the dataset being served."""

    named_graphs: Sequence[GraphSummary]
    default_graph_triples: int
    """Triples in the default graph, i.e. the union of all graphs."""
    entailment: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Entailment regime IRIs by graph name."""


OWL_RL_REGIMES = (
    # The standard IRI of the regime: OWL 2 RDF-Based Semantics, restricted to
    # the OWL 2 RL profile (sd:supportedEntailmentProfile, below) …
    str(ENTAILMENT["OWL-RDF-Based"]),
    # … and the shorthand several stores advertise for exactly that.
    str(ENTAILMENT["OWL-RL"]),
)


def default_entailment(graph_names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """netgraph's inferred graph holds the OWL 2 RL closure of ontology and data."""
    return {name: OWL_RL_REGIMES for name in graph_names if name == GRAPH_INFERRED}


def service_description(endpoint_url: str, facts: ServiceFacts) -> Graph:
    """An ``sd:Service`` for the endpoint at ``endpoint_url`` (the URL as requested)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in (
        ("sd", SD),
        ("formats", FORMATS),
        ("void", VOID),
        ("xsd", XSD),
        ("rdf", RDF),
    ):
        graph.bind(prefix, namespace)
    service = BNode("service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint_url)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    iris = {offer.iri for offer in (*SELECT_FORMATS, *GRAPH_FORMATS) if offer.iri is not None}
    for iri in sorted(iris):
        graph.add((service, SD.resultFormat, URIRef(iri)))

    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    # Its VoID description (netgraph.web.metadata), beside the endpoint on the same host.
    graph.add((dataset, RDFS.seeAlso, URIRef(urljoin(endpoint_url, VOID_PATH))))
    default_graph = BNode("default-graph")
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add(
        (default_graph, VOID.triples, Literal(facts.default_graph_triples, datatype=XSD.integer))
    )
    for index, summary in enumerate(facts.named_graphs):
        named = BNode(f"named-graph-{index}")
        described = BNode(f"graph-{index}")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(summary.name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(summary.triples, datatype=XSD.integer)))
        regimes = facts.entailment.get(summary.name, ())
        for regime in regimes:
            graph.add((named, SD.entailmentRegime, URIRef(regime)))
        if str(ENTAILMENT["OWL-RDF-Based"]) in regimes:
            graph.add((named, SD.supportedEntailmentProfile, OWL_PROFILE.RL))
    return graph
