"""Writing query answers as bytes, in each format the endpoint offers.

SELECT and ASK answers are written here (W3C SPARQL 1.1 Query Results JSON,
XML, CSV and TSV formats) rather than by rdflib, which has no TSV writer and
whose XML writer would emit characters XML 1.0 cannot carry. Graphs
(CONSTRUCT, DESCRIBE, the service description) go through rdflib's
serialisers with the project prefixes bound.

A value a format cannot carry raises :class:`Unrepresentable`, so the caller
can answer with a clear error before anything has been sent.
"""

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD

from netgraph.namespaces import PREFIXES

Row = Sequence[URIRef | BNode | Literal | None]


class Unrepresentable(ValueError):
    """The answer holds something the requested format cannot express."""


# --- SELECT and ASK -----------------------------------------------------------------


def write_select(writer: str, variables: Sequence[Variable], rows: Sequence[Row]) -> bytes:
    names = [str(variable) for variable in variables]
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


def _json_term(term) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype:
        value["datatype"] = str(term.datatype)
    return value


def _select_json(names: list[str], rows: Sequence[Row]) -> bytes:
    bindings = [
        {name: _json_term(term) for name, term in zip(names, row, strict=True) if term is not None}
        for row in rows
    ]
    document = {"head": {"vars": names}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False).encode("utf-8") + b"\n"


_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
# Characters XML 1.0 has no way to write, not even as a character reference.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    bad = _NOT_XML.search(text)
    if bad:
        raise Unrepresentable(f"XML cannot carry the character U+{ord(bad[0]):04X}")
    return escape(text)


def _xml_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{_xml_text(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{_xml_text(str(term))}</bnode>"
    attribute = ""
    if term.language:
        attribute = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype:
        attribute = f" datatype={quoteattr(_xml_text(str(term.datatype)))}"
    return f"<literal{attribute}>{_xml_text(str(term))}</literal>"


def _select_xml(names: list[str], rows: Sequence[Row]) -> bytes:
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


def _csv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)  # IRIs and literals alike: the bare string, no language or datatype


def _select_csv(names: list[str], rows: Sequence[Row]) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([_csv_term(term) for term in row] for row in rows)
    return stream.getvalue().encode("utf-8")


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv_term(term) -> str:
    """A term as in Turtle, which is what the TSV format asks for."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = f'"{str(term).translate(_TSV_ESCAPES)}"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype and term.datatype != XSD.string:
        return f"{text}^^<{term.datatype}>"
    return text


def _select_tsv(names: list[str], rows: Sequence[Row]) -> bytes:
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
