"""The one place where netgraph's base IRI is set.

Every Turtle file under ontology/, data/ and shapes/ writes netgraph's own IRIs
relative to this base (``@prefix ng: <ontology#>``), and the loader resolves them
against BASE_IRI, so moving the dataset to another persistent base means changing
this constant and nothing else.
"""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, TIME, XSD

BASE_IRI = "https://w3id.org/netgraph/"

ONTOLOGY_IRI = BASE_IRI + "ontology"
NG = Namespace(ONTOLOGY_IRI + "#")
ID = Namespace(BASE_IRI + "id/")
SHAPES_IRI = BASE_IRI + "shapes"

ORG = Namespace("http://www.w3.org/ns/org#")
CPOV = Namespace("http://data.europa.eu/m8g/")

GRAPH_ONTOLOGY = BASE_IRI + "graph/ontology"
GRAPH_DATA = BASE_IRI + "graph/data"
GRAPH_INFERRED = BASE_IRI + "graph/inferred"

# One prefix per kind of resource, as the data files declare them, so that
# queries can write ``network:eurocities`` (``id:network/eurocities`` is not a
# legal prefixed name in SPARQL or Turtle).
RESOURCE_PREFIXES = {
    prefix: Namespace(f"{ID}{path}/")
    for prefix, path in (
        ("network", "network"),
        ("city", "city"),
        ("unit", "unit"),
        ("organization", "organization"),
        ("body", "body"),
        ("membership", "membership"),
        ("event", "event"),
        ("declaration", "declaration"),
        ("post", "post"),
        ("place", "place"),
        ("quantity", "quantity"),
        ("source", "source"),
        ("scheme", "scheme"),
        ("topic", "topic"),
        ("role", "role"),
        ("measure", "measure"),
        ("countunit", "count-unit"),
    )
}

# Prefixes bound in every output and offered to every query, so analysts can
# write ``ng:Network`` without declaring it.
PREFIXES = {
    "ng": NG,
    "id": ID,
    **RESOURCE_PREFIXES,
    "org": ORG,
    "cpov": CPOV,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "time": TIME,
    "prov": PROV,
    "schema": SDO,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "sh": SH,
}
