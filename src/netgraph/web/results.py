"""Writing query answers as bytes, in each format the endpoint offers.

SELECT and ASK answers are written here (W3C SPARQL 1.1 Query Results JSON,
XML, CSV and TSV formats) rather than by rdflib, which has no TSV writer and
whose XML writer would emit characters XML 1.0 cannot carry. Graphs
(CONSTRUCT, DESCRIBE, the service description) go through rdflib's
serialisers with the project prefixes bound.

A value a format cannot carry raises :class:`Unrepresentable`, so the caller
can answer with a clear error before anything has been sent.

The SELECT writers take rows of rdflib terms or of Oxigraph's, read through one
adapter (:func:`_plain`): making an rdflib term of each Oxigraph term costs more
than writing it. Either way a literal typed ``xsd:string`` by Oxigraph is written
as a plain one, as rdflib parses it.
"""

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring as _json_string
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD

from netgraph.namespaces import PREFIXES

Term = URIRef | BNode | Literal | ox.NamedNode | ox.BlankNode | ox.Literal
Row = Sequence[Term | None]
Plain = tuple[str, str, str | None, str | None]
"""A term as the writers read it: kind (``uri``, ``bnode``, ``literal``: the JSON
format's names), value, language and datatype (None for a plain or language-tagged literal)."""


class Unrepresentable(ValueError):
    """The answer holds something the requested format cannot express."""


# --- SELECT and ASK -----------------------------------------------------------------


def write_select(writer: str, variables: Sequence[Variable], rows: Sequence[Row]) -> bytes:
    names = [str(variable) for variable in variables]
    rows = [tuple(map(_plain, row)) for row in rows]
    if writer == "json":
        return _select_json(names, rows)
    if writer == "xml":
        return _select_xml(names, rows)
    if writer == "csv":
        return _select_csv(names, rows)
    if writer == "tsv":
        return _select_tsv(names, rows)
    raise ValueError(f"no SELECT writer {writer!r}")


def write_ask(writer: str, answer: bool) -> bytes:
    text = "true" if answer else "false"
    if writer == "json":
        return json.dumps({"head": {}, "boolean": answer}).encode() + b"\n"
    if writer == "xml":
        return (
            f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{_RESULTS_NS}">'
            f"<head/><boolean>{text}</boolean></sparql>\n"
        ).encode()
    # The CSV/TSV Recommendation leaves ASK out; this is Apache Jena's convention.
    if writer == "csv":
        return f"_askResult\r\n{text}\r\n".encode()
    if writer == "tsv":
        return f"?_askResult\n{text}\n".encode()
    raise ValueError(f"no ASK writer {writer!r}")


_XSD_STRING = str(XSD.string)


def _oxigraph_literal(term: ox.Literal) -> Plain:
    if term.language:
        return ("literal", term.value, term.language, None)
    datatype = term.datatype.value
    return ("literal", term.value, None, None if datatype == _XSD_STRING else datatype)


def _rdflib_literal(term: Literal) -> Plain:
    datatype = str(term.datatype) if term.datatype else None
    return ("literal", str(term), term.language, datatype)


_READERS = {
    ox.NamedNode: lambda term: ("uri", term.value, None, None),
    ox.BlankNode: lambda term: ("bnode", term.value, None, None),
    ox.Literal: _oxigraph_literal,
    URIRef: lambda term: ("uri", str(term), None, None),
    BNode: lambda term: ("bnode", str(term), None, None),
    Literal: _rdflib_literal,
}


def _plain(term: Term | None) -> Plain | None:
    if term is None:
        return None
    read = _READERS.get(type(term))
    if read is None:  # a subclass, e.g. rdflib's skolem IRIs
        kind = next((kind for kind in _READERS if isinstance(term, kind)), None)
        if kind is None:
            raise Unrepresentable(f"a results format cannot carry the term {term!r}")
        read = _READERS[kind]
    return read(term)


def _json_term(term: Plain) -> str:
    kind, text, language, datatype = term
    extra = ""
    if language:
        extra = f', "xml:lang": {_json_string(language)}'
    elif datatype:
        extra = f', "datatype": {_json_string(datatype)}'
    return f'{{"type": "{kind}", "value": {_json_string(text)}{extra}}}'


def _select_json(names: list[str], rows: Sequence[Sequence[Plain | None]]) -> bytes:
    """The bytes ``json.dumps`` gives with ``ensure_ascii=False``, in half its time:
    every string goes through its encoder, the document's shape is fixed."""
    keys = [_json_string(name) for name in names]
    bindings = ", ".join(
        "{"
        + ", ".join(
            f"{key}: {_json_term(term)}"
            for key, term in zip(keys, row, strict=True)
            if term is not None
        )
        + "}"
        for row in rows
    )
    head = ", ".join(keys)
    document = f'{{"head": {{"vars": [{head}]}}, "results": {{"bindings": [{bindings}]}}}}\n'
    return document.encode("utf-8")


_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
# Characters XML 1.0 has no way to write, not even as a character reference.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    bad = _NOT_XML.search(text)
    if bad:
        raise Unrepresentable(f"XML cannot carry the character U+{ord(bad[0]):04X}")
    return escape(text)


def _xml_term(term: Plain) -> str:
    kind, text, language, datatype = term
    attribute = ""
    if language:
        attribute = f" xml:lang={quoteattr(language)}"
    elif datatype:
        attribute = f" datatype={quoteattr(_xml_text(datatype))}"
    return f"<{kind}{attribute}>{_xml_text(text)}</{kind}>"


def _select_xml(names: list[str], rows: Sequence[Sequence[Plain | None]]) -> bytes:
    parts = [
        f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{_RESULTS_NS}">\n<head>',
        *(f"<variable name={quoteattr(name)}/>" for name in names),
        "</head>\n<results>\n",
    ]
    for row in rows:
        parts.append("<result>")
        parts.extend(
            f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
            for name, term in zip(names, row, strict=True)
            if term is not None
        )
        parts.append("</result>\n")
    parts.append("</results>\n</sparql>\n")
    return "".join(parts).encode("utf-8")


def _csv_term(term: Plain | None) -> str:
    if term is None:
        return ""
    kind, text, _, _ = term
    # IRIs and literals alike: the bare string, no language or datatype
    return f"_:{text}" if kind == "bnode" else text


def _select_csv(names: list[str], rows: Sequence[Sequence[Plain | None]]) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([_csv_term(term) for term in row] for row in rows)
    return stream.getvalue().encode("utf-8")


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv_term(term: Plain | None) -> str:
    """A term as in Turtle, which is what the TSV format asks for."""
    if term is None:
        return ""
    kind, text, language, datatype = term
    if kind == "uri":
        return f"<{text}>"
    if kind == "bnode":
        return f"_:{text}"
    quoted = f'"{text.translate(_TSV_ESCAPES)}"'
    if language:
        return f"{quoted}@{language}"
    if datatype and datatype != _XSD_STRING:
        return f"{quoted}^^<{datatype}>"
    return quoted


def _select_tsv(names: list[str], rows: Sequence[Sequence[Plain | None]]) -> bytes:
    lines = ["\t".join(f"?{name}" for name in names)]
    lines.extend("\t".join(_tsv_term(term) for term in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- Graphs --------------------------------------------------------------------------


def write_graph(writer: str, graph: Graph, prefixes: Mapping[str, str] | None = None) -> bytes:
    """A CONSTRUCT or DESCRIBE answer, or the service description, in one RDF syntax.

    ``prefixes`` (default: the project's) are bound for Turtle, TriG and RDF/XML
    and make up the JSON-LD context.
    """
    prefixes = PREFIXES if prefixes is None else prefixes
    # The writers follow the order they are given; the ETag promises the same bytes.
    triples = in_fixed_order(graph)
    try:
        if writer in ("nquads", "trig"):
            # A query answer is one graph: the dataset's default graph.
            dataset = Dataset()
            _bind_prefixes(dataset, prefixes)
            for triple in triples:
                dataset.add(triple)
            return dataset.serialize(format=writer, encoding="utf-8")
        out = Graph(bind_namespaces="none")
        _bind_prefixes(out, prefixes)
        for triple in triples:
            out.add(triple)
        if writer == "json-ld":
            context = {prefix: str(namespace) for prefix, namespace in prefixes.items()}
            return out.serialize(format="json-ld", context=context, encoding="utf-8")
        return out.serialize(format=writer, encoding="utf-8")
    except (ValueError, TypeError, KeyError, AssertionError) as error:
        # e.g. RDF/XML cannot write a predicate IRI that does not split into a QName
        raise Unrepresentable(f"{type(error).__name__}: {error}") from None


def in_fixed_order(graph: Graph) -> list:
    """The triples sorted: the engines' order differs, rdflib's even between processes
    (it follows string hashing)."""
    return sorted(graph, key=lambda triple: tuple(term.n3() for term in triple))


def _bind_prefixes(target: Graph, prefixes: Mapping[str, str]) -> None:
    for prefix, namespace in prefixes.items():
        target.bind(prefix, namespace, override=True, replace=True)
