"""Short, readable names for RDF terms in reports and query tables.

People read ``ng:memberOf`` and ``id:city/duesseldorf`` faster than full IRIs.
Names are shortened only with the project prefixes (the longest namespace that
matches wins), so the same IRI reads the same everywhere; rdflib's own
qname logic would refuse ``id:city/duesseldorf`` and invent ``ns1:`` prefixes.
"""

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from netgraph.namespaces import PREFIXES

_PLAIN_IN_TURTLE = {XSD.integer, XSD.decimal, XSD.boolean}
_BY_LENGTH = sorted(
    ((prefix, str(namespace)) for prefix, namespace in PREFIXES.items()),
    key=lambda item: len(item[1]),
    reverse=True,
)


def compact(term) -> str:
    """Render a term as ``prefix:local``, ``<iri>``, ``"literal"@lang``/``^^type`` or ``[]``."""
    if isinstance(term, URIRef):
        return _compact_iri(term)
    if isinstance(term, Literal):
        return _compact_literal(term)
    if isinstance(term, BNode):
        return "[]"
    return str(term)


def _compact_iri(iri: URIRef) -> str:
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _compact_literal(literal: Literal) -> str:
    if literal.datatype in _PLAIN_IN_TURTLE:
        return str(literal)
    text = Literal(str(literal)).n3()
    if literal.language:
        return f"{text}@{literal.language}"
    if literal.datatype and literal.datatype != XSD.string:
        return f"{text}^^{_compact_iri(literal.datatype)}"
    return text
