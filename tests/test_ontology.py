"""The ontology's own quality rules, as SPARQL queries that must return no rows.

Each query names the offending terms, so a failure says exactly what to fix
(the Ontology Development Kit checks its ontologies the same way).
"""

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SDO, SKOS

from netgraph.build import named_graphs
from netgraph.loading import ProjectGraphs, load_data, load_ontology
from netgraph.namespaces import (
    GRAPH_DATA,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    ID,
    NG,
    ONTOLOGY_IRI,
    ORG,
)
from netgraph.project import Project
from netgraph.query import parse_query
from netgraph.reasoning import infer

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


# ----------------------------------------------------------------------------- alignment

# Own properties that no term of the reused vocabularies fits, with the reason.
# Each also says so in the ontology, in a skos:editorialNote in German and English;
# every other own property is a sub-property of a reused one.
NOT_ALIGNED = {
    "activity": "ORG has nothing for what a member does within a membership; "
    "prov:wasInfluencedBy would point the wrong way",
    "bound": "no reused vocabulary says how a stated value is to be read; "
    "schema.org's bounds are numbers",
    "dateQualifier": "Dublin Core and OWL-Time give a date's precision by datatype only, "
    "never that it is approximate",
    "leadUnit": "ORG links a membership to member, organisation, role and period only; "
    "prov:wasAssociatedWith would make the membership a prov:Activity",
    "leadsMembership": "inverse of ng:leadUnit; org:hasMembership is the member's own, "
    "not one of its units'",
    "measure": "schema:QuantitativeValue has no property for the quantity counted; "
    "dcterms:subject is what the figure is about (ng:quantityOf)",
    "sourcePassage": "PROV-O quotes entities, not text; dcterms:bibliographicCitation "
    "refers to a document rather than quoting it",
    "unit": "schema:unitCode is for UN/CEFACT units of measurement and not in the imported extract",
}

_PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def own_properties(ontology: Graph) -> set[URIRef]:
    return {
        term
        for kind in _PROPERTY_KINDS
        for term in ontology.subjects(RDF.type, kind)
        if isinstance(term, URIRef) and term.startswith(str(NG))
    }


def is_aligned(ontology: Graph, prop: URIRef) -> bool:
    """A sub-property, directly or through other own properties, of a reused term."""
    return any(
        not parent.startswith(str(NG))
        for parent in ontology.transitive_objects(prop, RDFS.subPropertyOf)
    )


def test_every_own_property_is_aligned_or_on_the_list_with_its_reason(ontology: Graph):
    unaligned = {
        prop.removeprefix(str(NG))
        for prop in own_properties(ontology)
        if not is_aligned(ontology, prop)
    }
    assert unaligned == set(NOT_ALIGNED)
    for name, reason in NOT_ALIGNED.items():
        assert reason.strip(), name
        notes = list(ontology.objects(NG[name], SKOS.editorialNote))
        assert sorted(note.language for note in notes) == ["de", "en"], name


def test_the_alignment_rule_can_fail(ontology: Graph):
    # An own property with neither alignment nor note is found.
    graph = ontology + Graph()
    graph.add((NG.madeUp, RDF.type, OWL.ObjectProperty))
    graph.add((NG.chained, RDF.type, OWL.ObjectProperty))
    graph.add((NG.chained, RDFS.subPropertyOf, NG.madeUp))
    assert not is_aligned(graph, NG.madeUp)
    assert not is_aligned(graph, NG.chained)
    assert is_aligned(graph, NG.concerns)


@pytest.fixture(scope="module")
def real_graphs(ontology: Graph) -> dict[str, Graph]:
    """The real build's three named graphs, as `netgraph build` makes them."""
    graphs = ProjectGraphs(ontology, load_data(PROJECT), Graph())
    return named_graphs(graphs, infer(graphs.ontology, graphs.data).graph)


def inferred_types(ontology: Graph, data: Graph) -> set[tuple]:
    described = set(data.subjects())
    inferred = infer(ontology, data).graph
    return {(s, o) for s, o in inferred.subject_objects(RDF.type) if s in described}


# Types an alignment to a reused property may entail, each because it is true of
# every instance of the class: dcterms:spatial (above ng:geographicScope) ranges
# over dcterms:Location, and a place is a location.
TYPES_ENTAILED_BY_ALIGNMENT = {(SDO.Place, DCTERMS.Location)}


def test_alignments_entail_no_type_a_resource_does_not_have(
    ontology: Graph, real_graphs: dict[str, Graph]
):
    # A super-property's domain or range types every subject or object of the
    # sub-property: compare the real data's inferred types with and without the
    # alignments of own properties to reused ones.
    data = real_graphs[GRAPH_DATA]
    unaligned = Graph()
    for s, p, o in ontology:
        if not (p == RDFS.subPropertyOf and s.startswith(str(NG)) and not o.startswith(str(NG))):
            unaligned.add((s, p, o))
    added = inferred_types(ontology, data) - inferred_types(unaligned, data)
    unexplained = sorted(
        (str(resource), str(cls))
        for resource, cls in added
        if not any(
            (asserted, cls) in TYPES_ENTAILED_BY_ALIGNMENT
            for asserted in data.objects(resource, RDF.type)
        )
    )
    assert unexplained == []


def test_alignments_make_the_data_queryable_with_the_reused_terms(real_graphs: dict[str, Graph]):
    inferred = real_graphs[GRAPH_INFERRED]
    office = ID["unit/duesseldorf-amt-fuer-umwelt-und-verbraucherschutz"]
    assert (office, ORG.linkedTo, ID["network/covenant-of-mayors"]) in inferred
    registration = ID["event/mayors-for-peace-ngo-registration"]
    assert (registration, DCTERMS.subject, ID["network/mayors-for-peace"]) in inferred
    figure = ID["quantity/eurocities-members-2021"]
    assert (figure, DCTERMS.subject, ID["network/eurocities"]) in inferred


# ----------------------------------------------------------------------------- labels


def terms_the_pages_show(graphs: dict[str, Graph]) -> set[URIRef]:
    """Every predicate and type of the data and inferred graphs, and of the triples
    that describe the ontology and its own terms (what its pages show)."""
    ontology = graphs[GRAPH_ONTOLOGY]
    own = Graph()
    for s, p, o in ontology:
        if s == URIRef(ONTOLOGY_IRI) or s.startswith(str(NG)):
            own.add((s, p, o))
    terms = set()
    for graph in (graphs[GRAPH_DATA], graphs[GRAPH_INFERRED], own):
        terms |= set(graph.predicates()) | set(graph.objects(None, RDF.type))
    return {term for term in terms if isinstance(term, URIRef)}


def unlabelled(graphs: dict[str, Graph], terms: set[URIRef]) -> list[tuple[str, str]]:
    labelled = graphs[GRAPH_ONTOLOGY] + graphs[GRAPH_INFERRED]
    missing = []
    for term in sorted(terms):
        languages = {
            label.language
            for predicate in (RDFS.label, SKOS.prefLabel)
            for label in labelled.objects(term, predicate)
        }
        missing += [(str(term), lang) for lang in ("de", "en") if lang not in languages]
    return missing


def test_every_predicate_and_type_has_a_german_and_an_english_label(
    real_graphs: dict[str, Graph],
):
    terms = terms_the_pages_show(real_graphs)
    # FOAF comes in only through ORG's axioms; it must be among the terms checked.
    assert {FOAF.Agent, FOAF.member, RDF.type, SKOS.prefLabel} <= terms
    assert unlabelled(real_graphs, terms) == []


def test_the_label_rule_can_fail(real_graphs: dict[str, Graph]):
    made_up = URIRef("http://example.org/vocab#unlabelled")
    assert unlabelled(real_graphs, {made_up, RDF.type}) == [
        (str(made_up), "de"),
        (str(made_up), "en"),
    ]
