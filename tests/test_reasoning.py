"""Reasoning adds the useful OWL-RL consequences, and only those, without touching its input."""

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import term as rdflib_term
from rdflib.namespace import OWL, RDF, RDFS, XSD

from netgraph.namespaces import BASE_IRI
from netgraph.reasoning import infer, is_noise

EX = "http://example.org/"

ONTOLOGY = """
@prefix ex: <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:Network a owl:Class ; rdfs:subClassOf ex:Organization .
ex:Organization a owl:Class .
ex:hasMember a owl:ObjectProperty ; owl:inverseOf ex:memberOf .
ex:memberOf a owl:ObjectProperty .
ex:locatedIn a owl:ObjectProperty .
ex:spansCountry a owl:ObjectProperty ;
    owl:propertyChainAxiom ( ex:hasMember ex:locatedIn ) .
"""

DATA = """
@prefix ex: <http://example.org/> .
ex:eurocities a ex:Network .
ex:duesseldorf ex:memberOf ex:eurocities ; ex:locatedIn ex:germany .
"""


def parse(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle", publicID=BASE_IRI)


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


def test_inferred_graph_holds_exactly_the_useful_new_triples():
    inference = infer(parse(ONTOLOGY), parse(DATA))
    assert set(inference.graph) == {
        (ex("eurocities"), RDF.type, ex("Organization")),  # subclass
        (ex("eurocities"), ex("hasMember"), ex("duesseldorf")),  # inverse
        (ex("eurocities"), ex("spansCountry"), ex("germany")),  # property chain
    }
    assert inference.seconds > 0


def test_asserted_graphs_are_unchanged_by_reasoning():
    ontology, data = parse(ONTOLOGY), parse(DATA)
    before = (set(ontology), set(data))
    infer(ontology, data)
    assert (set(ontology), set(data)) == before


def test_inferred_graph_never_repeats_asserted_triples():
    ontology, data = parse(ONTOLOGY), parse(DATA)
    inferred = infer(ontology, data).graph
    assert not set(inferred) & (set(ontology) | set(data))


X = ex("x")


@pytest.mark.parametrize(
    "triple",
    [
        (Literal("a"), RDF.type, RDFS.Literal),
        (X, OWL.sameAs, X),
        (X, RDFS.subClassOf, X),
        (X, RDFS.subPropertyOf, X),
        (X, OWL.equivalentClass, X),
        (X, OWL.equivalentProperty, X),
        (X, RDF.type, OWL.Thing),
        (X, RDFS.subClassOf, OWL.Thing),
        (X, RDFS.domain, OWL.Thing),
        (X, RDFS.range, OWL.Thing),
        (X, RDF.type, BNode()),
        (X, RDFS.subClassOf, BNode()),
        (BNode(), RDFS.subClassOf, ex("Organization")),
        (BNode(), OWL.equivalentClass, ex("Collaboration")),
        (OWL.Thing, RDF.type, OWL.Class),
        (RDFS.label, RDF.type, OWL.AnnotationProperty),
        (RDF.type, RDF.type, RDF.Property),
        (XSD.integer, RDF.type, RDFS.Datatype),
    ],
)
def test_noise_is_dropped(triple):
    assert is_noise(triple)


@pytest.mark.parametrize(
    "triple",
    [
        (X, RDF.type, ex("Organization")),
        (X, RDFS.subClassOf, ex("Organization")),
        (X, OWL.sameAs, ex("y")),
        (X, ex("hasMember"), BNode()),
    ],
)
def test_useful_triples_are_kept(triple):
    assert not is_noise(triple)


def test_reasoning_leaves_rdflibs_literal_parsing_as_it_was():
    # owlrl installs its own datatype parsers process-wide; if they stayed, a
    # later validation would judge "2016-13"^^xsd:gYearMonth differently.
    before = dict(rdflib_term._toPythonMapping)
    infer(Graph(), Graph())
    assert dict(rdflib_term._toPythonMapping) == before
