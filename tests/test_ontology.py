"""The ontology's own quality rules, as SPARQL queries that must return no rows.

Each query names the offending terms, so a failure says exactly what to fix
(the Ontology Development Kit checks its ontologies the same way).
"""

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from netgraph.loading import load_data, load_ontology
from netgraph.namespaces import NG
from netgraph.project import Project
from netgraph.query import parse_query

PROJECT = Project(Path(__file__).resolve().parent.parent)

# Terms minted here need a label and a definition in both languages.
_MINTED_TERMS = f"""
    ?term a ?kind .
    VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty }}
    FILTER STRSTARTS(STR(?term), "{NG}")
"""

VIOLATIONS = {
    "term without both labels": f"""
        SELECT ?term ?lang WHERE {{
            {_MINTED_TERMS}
            VALUES ?lang {{ "de" "en" }}
            FILTER NOT EXISTS {{ ?term rdfs:label ?label FILTER(LANG(?label) = ?lang) }}
        }}""",
    "term without both definitions": f"""
        SELECT ?term ?lang WHERE {{
            {_MINTED_TERMS}
            VALUES ?lang {{ "de" "en" }}
            FILTER NOT EXISTS {{ ?term skos:definition ?text FILTER(LANG(?text) = ?lang) }}
        }}""",
    "term with two labels in one language": f"""
        SELECT DISTINCT ?term WHERE {{
            {_MINTED_TERMS}
            ?term rdfs:label ?a , ?b .
            FILTER (?a != ?b && LANG(?a) = LANG(?b))
        }}""",
    "own class not aligned to a reused class": f"""
        SELECT ?term WHERE {{
            ?term a owl:Class .
            FILTER STRSTARTS(STR(?term), "{NG}")
            FILTER NOT EXISTS {{ ?term rdfs:subClassOf ?parent }}
        }}""",
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology(PROJECT)


@pytest.mark.parametrize("rule", sorted(VIOLATIONS))
def test_ontology_rule_finds_no_violation(ontology: Graph, rule: str):
    rows = [tuple(map(str, row)) for row in ontology.query(parse_query(VIOLATIONS[rule], rule))]
    assert rows == [], f"{rule}: {rows}"


_DECLARATIONS = {
    OWL.Class,
    RDFS.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
}


def undeclared_terms(ontology: Graph, data: Graph) -> list[str]:
    """Classes and properties the data uses that neither the ontology nor an import declares."""
    used = set(data.predicates()) | set(data.objects(None, RDF.type))
    declared = {term for term, kind in ontology.subject_objects(RDF.type) if kind in _DECLARATIONS}
    return sorted(str(term) for term in used - declared - {RDF.type})


def test_every_term_the_data_uses_is_declared(ontology: Graph):
    assert undeclared_terms(ontology, load_data(PROJECT)) == []


def test_a_misspelt_term_in_the_data_is_caught(ontology: Graph):
    # The rule above must be able to fail: org:memberof is not org:memberOf.
    data = Graph().parse(
        data="<https://w3id.org/netgraph/id/city/x> <http://www.w3.org/ns/org#memberof> "
        "<https://w3id.org/netgraph/id/network/y> .",
        format="turtle",
    )
    assert undeclared_terms(ontology, data) == ["http://www.w3.org/ns/org#memberof"]
