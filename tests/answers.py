"""What makes two answers the same, for the tests that compare engines and stores:
kind, lexical form, language and datatype of each term; blank nodes only by their place."""

from rdflib import BNode, URIRef


def term_key(term) -> tuple | None:
    """An rdflib term (None: unbound)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ("uri", str(term))
    if isinstance(term, BNode):
        return ("bnode",)  # labels are per answer; only their places must agree
    return ("literal", str(term), term.language, str(term.datatype) if term.datatype else None)


def json_term_key(term: dict | None) -> tuple | None:
    """A term of SPARQL 1.1 Query Results JSON (None: unbound)."""
    if term is None:
        return None
    if term["type"] == "uri":
        return ("uri", term["value"])
    if term["type"] == "bnode":
        return ("bnode",)
    return ("literal", term["value"], term.get("xml:lang"), term.get("datatype"))
