"""VoID at /.well-known/void and the DCAT catalog at /catalog.

The catalog is served in two profiles: DCAT-AP 3.0.1 (``/catalog``,
``/catalog/dcat-ap``) and DCAT-AP.de 2.0 (``/catalog/dcat-ap-de``, or ``/catalog``
with ``Accept-Profile`` / ``?_profile=``), each validated against its shapes.
"""

import hashlib
import os
import subprocess
import sys
from collections import defaultdict, deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pyshacl import validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SH, VOID, XSD

from netgraph.dataset_metadata import CATALOG, DATASET, SERVICE, SPDX, VCARD
from netgraph.dataset_metadata import DCAT_AP as AP_PROFILE
from netgraph.dataset_metadata import DCAT_AP_DE as DE_PROFILE
from netgraph.loading import load_shapes
from netgraph.namespaces import (
    BASE_IRI,
    GRAPH_DATA,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    ID,
    NG,
    ONTOLOGY_IRI,
)
from netgraph.project import Project
from netgraph.sparql_protocol import SD
from netgraph.web.linked_data import iri_for_path, local_path

REPO_ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = REPO_ROOT / "shapes" / "external"
HOST = "http://localhost"
RDF_DUMPS = ["data.jsonld", "data.nt", "data.ttl", "inferred.ttl", "netgraph.trig"]
FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}
DCAT_AP_3 = [EXTERNAL / "dcat-ap-3.0.1" / name for name in ("dcat-ap-SHACL.ttl", "ranges.ttl")]
# The "DCAT-AP.de 2.0 - Spezifikation" profile (shapes/external/dcat-ap-de-2.0/README.md);
# dcat-ap-de-imports.ttl only holds owl:imports of remote documents, which are never fetched.
DCAT_AP_DE = [
    EXTERNAL / "dcat-ap-de-2.0" / name
    for name in (
        "dcat-ap-de-imports.ttl",
        "dcat-ap-spec-german-messages.ttl",
        "dcat-ap-spec-german-additions.ttl",
        "dcat-ap-de-deprecated.ttl",
        "dcat-ap_2.1.1_shacl_shapes.ttl",
    )
]
DE = "http://dcat-ap.de/def/dcatde/"
DE_IRI = "http://dcat-ap.de/def/dcatde/2.0"
AP_IRI = "https://semiceu.github.io/DCAT-AP/releases/3.0.1"
MD5 = URIRef("http://dcat-ap.de/def/hashAlgorithms/md/5")
HASH_ALGORITHMS = URIRef("http://dcat-ap.de/def/hashAlgorithms")
DE_PATH = "/catalog/dcat-ap-de"
R5R = "http://data.europa.eu/r5r#"
SKOS_IN_SCHEME = "http://www.w3.org/2004/02/skos/core#inScheme"


def fetch(client, path: str, accept: str = "text/turtle", **headers):
    response = client.get(path, headers={"Accept": accept, **headers})
    assert response.status_code == 200, (path, response.text)
    return response


def parse(response, media_type: str = "text/turtle") -> Graph:
    graph = Graph()
    graph.parse(data=response.data, format=FORMATS[media_type])
    return graph


@pytest.fixture
def void(published_client) -> Graph:
    return parse(fetch(published_client, "/.well-known/void"))


@pytest.fixture
def catalog(published_client) -> Graph:
    return parse(fetch(published_client, "/catalog"))


@pytest.fixture
def catalog_de(published_client) -> Graph:
    """The DCAT-AP.de 2.0 variant, at its fixed URL."""
    return parse(fetch(published_client, DE_PATH))


# --- VoID --------------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", list(FORMATS))
def test_void_in_every_format(published_client, media_type):
    response = fetch(published_client, "/.well-known/void", media_type)
    assert response.content_type.startswith(media_type)
    assert (DATASET, RDF.type, VOID.Dataset) in parse(response, media_type)


def test_void_statistics(void, published_dataset):
    triples = set(published_dataset.triples((None, None, None)))
    assert void.value(DATASET, VOID.triples) == Literal(len(triples), datatype=XSD.integer)
    subjects = {s for s, _, _ in triples}
    assert int(void.value(DATASET, VOID.distinctSubjects)) == len(subjects)
    assert int(void.value(DATASET, VOID.distinctObjects)) == len({o for _, _, o in triples})
    in_space = {s for s in subjects if isinstance(s, URIRef) and s.startswith(str(ID))}
    assert int(void.value(DATASET, VOID.entities)) == len(in_space)
    classes = {o for _, p, o in triples if p == RDF.type}
    assert int(void.value(DATASET, VOID.classes)) == len(classes)
    assert int(void.value(DATASET, VOID.properties)) == len({p for _, p, _ in triples})
    assert void.value(DATASET, VOID.uriSpace) == Literal("https://w3id.org/netgraph/id/")


def partition(void: Graph, kind, key, value):
    found = [node for node in void.objects(DATASET, kind) if (node, key, value) in void]
    assert len(found) == 1, value
    return found[0]


def test_void_partitions(void, published_dataset):
    association = partition(void, VOID.classPartition, VOID["class"], NG.AssociationOfCities)
    assert void.value(association, VOID.entities) == Literal(4, datatype=XSD.integer)
    members = partition(void, VOID.propertyPartition, VOID.property, RDF.type)
    count = len(list(published_dataset.triples((None, RDF.type, None))))
    assert int(void.value(members, VOID.triples)) == count
    assert len(list(void.objects(DATASET, VOID.classPartition))) == int(
        void.value(DATASET, VOID.classes)
    )
    assert len(list(void.objects(DATASET, VOID.propertyPartition))) == int(
        void.value(DATASET, VOID.properties)
    )


def test_void_links(void):
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{HOST}/sparql")
    dumps = set(void.objects(None, VOID.dataDump))
    assert dumps == {URIRef(f"{HOST}/dumps/{name}") for name in RDF_DUMPS}
    assert (DATASET, VOID.dataDump, URIRef(f"{HOST}/dumps/netgraph.trig")) in void
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert vocabularies == {
        "http://www.w3.org/ns/org#",
        "http://data.europa.eu/m8g/",
        "http://www.w3.org/2004/02/skos/core#",
        "http://purl.org/dc/terms/",
        "http://www.w3.org/2006/time#",
        "http://www.w3.org/ns/prov#",
        "https://schema.org/",
        "https://w3id.org/netgraph/ontology#",
    }
    assert set(void.objects(DATASET, VOID.exampleResource)) == {
        ID["network/eurocities"],
        ID["city/duesseldorf"],
    }
    assert void.value(DATASET, DCTERMS.license) == URIRef(
        "http://dcat-ap.de/def/licenses/cc-by/4.0"
    )
    titles = {title.language for title in void.objects(DATASET, DCTERMS.title)}
    assert titles == {"de", "en"}


def test_each_named_graph_is_a_subset_described_under_its_name(
    void, published_client, published_dataset
):
    """The graph names of the TriG dump and the service description dereference."""
    dumps = {
        GRAPH_ONTOLOGY: set(),
        GRAPH_DATA: {"data.ttl", "data.nt", "data.jsonld"},
        GRAPH_INFERRED: {"inferred.ttl"},
    }
    for graph in published_dataset.graphs():
        if not len(graph) or graph.identifier == published_dataset.default_graph.identifier:
            continue
        name = graph.identifier
        assert (DATASET, VOID.subset, name) in void
        answer = fetch(published_client, local_path(name))
        assert answer.headers["Content-Location"] == f"{local_path(name)}.ttl"
        description = parse(answer)
        assert set(description.objects(name, RDF.type)) == {VOID.Dataset, SD.NamedGraph}
        assert (name, SD.name, name) in description
        assert (DATASET, VOID.subset, name) in description
        assert {label.language for label in description.objects(name, RDFS.label)} == {"de", "en"}
        assert description.value(name, VOID.triples) == Literal(len(graph), datatype=XSD.integer)
        in_its_own = {str(dump) for dump in description.objects(name, VOID.dataDump)}
        assert in_its_own == {f"{HOST}/dumps/{dump}" for dump in dumps[str(name)]}
        assert set(description.objects(name, DCTERMS.isPartOf)) == {
            URIRef(f"{HOST}/dumps/netgraph.trig")
        }
    page = published_client.get(
        "/graph/data", headers={"Accept": "text/html"}, query_string={"lang": "de"}
    )
    assert '<h1 id="label">Daten</h1>' in page.data.decode()


def test_void_urls_follow_the_request_host(published_client):
    response = published_client.get(
        "/.well-known/void", base_url="https://data.example.org", headers={"Accept": "text/turtle"}
    )
    graph = parse(response)
    assert graph.value(DATASET, VOID.sparqlEndpoint) == URIRef("https://data.example.org/sparql")


def test_service_description_links_the_void(published_client):
    description = parse(fetch(published_client, "/sparql"))
    void_url = URIRef(f"{HOST}/.well-known/void")
    assert (None, RDFS.seeAlso, void_url) in description


def test_void_and_catalog_are_byte_stable(published_client, published_app, built_dist):
    for path in ("/.well-known/void", "/catalog", DE_PATH):
        for media_type in FORMATS:
            first = fetch(published_client, path, media_type).data
            assert fetch(published_client, path, media_type).data == first
    assert published_client.get("/catalog", headers={"Accept": "text/html"}).status_code == 406
    refused = published_client.get(DE_PATH, headers={"Accept": "text/html"})
    assert refused.status_code == 406
    assert "Content-Profile" not in refused.headers


def test_catalog_is_the_same_under_another_hash_seed(published_client, built_dist):
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from netgraph.web import create_app\n"
        "from netgraph.web.evaluator import EXTENSION\n"
        "app = create_app({'NETGRAPH_ROOT': sys.argv[1], 'NETGRAPH_DIST': sys.argv[2]})\n"
        "client = app.test_client()\n"
        "for path in ('/catalog', '/.well-known/void'):\n"
        "    sys.stdout.buffer.write(client.get(path, headers={'Accept': 'text/turtle'}).data)\n"
        "app.extensions[EXTENSION].close()\n"
    )
    outputs = []
    script = script.replace("'/catalog', ", f"'/catalog', '{DE_PATH}', ")
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", script, str(REPO_ROOT), str(built_dist)],
            capture_output=True,
            env=env,
            check=True,
            timeout=300,
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    here = b"".join(
        fetch(published_client, path).data for path in ("/catalog", DE_PATH, "/.well-known/void")
    )
    assert outputs[0] == here


# --- DCAT catalog --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/catalog", DE_PATH])
def test_catalog_formats_are_isomorphic(published_client, path):
    graphs = [parse(fetch(published_client, path, m), m) for m in FORMATS]
    for graph in graphs[1:]:
        assert isomorphic(graphs[0], graph)
    assert len(graphs[0]) > 100


def test_catalog_content(catalog):
    assert (CATALOG, RDF.type, DCAT.Catalog) in catalog
    assert (CATALOG, DCAT.dataset, DATASET) in catalog
    assert (CATALOG, DCAT.service, SERVICE) in catalog
    assert catalog.value(CATALOG, FOAF.homepage) == URIRef(f"{HOST}/")
    for subject in (CATALOG, DATASET, SERVICE):
        assert {t.language for t in catalog.objects(subject, DCTERMS.title)} == {"de", "en"}
    for subject in (CATALOG, DATASET):
        languages = {t.language for t in catalog.objects(subject, DCTERMS.description)}
        assert languages == {"de", "en"}
    publisher = catalog.value(DATASET, DCTERMS.publisher)
    assert publisher == ID["city/duesseldorf"]
    assert (publisher, RDF.type, FOAF.Agent) in catalog
    assert Literal("Landeshauptstadt Düsseldorf", lang="de") in set(
        catalog.objects(publisher, FOAF.name)
    )
    contact = catalog.value(DATASET, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in catalog
    assert catalog.value(contact, VCARD.hasURL) == URIRef("https://www.duesseldorf.de")
    assert catalog.value(contact, VCARD.hasEmail) is None
    keywords = {k.language for k in catalog.objects(DATASET, DCAT.keyword)}
    assert keywords == {"de", "en"}
    assert catalog.value(DATASET, DCTERMS.spatial) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05111000"
    )
    assert catalog.value(DATASET, URIRef(DE + "contributorID")) == URIRef(
        "http://dcat-ap.de/def/contributors/openNRW"
    )
    assert catalog.value(SERVICE, DCAT.endpointURL) == URIRef(f"{HOST}/sparql")
    assert catalog.value(SERVICE, DCAT.servesDataset) == DATASET
    assert catalog.value(SERVICE, DCTERMS.conformsTo) == URIRef(
        "https://www.w3.org/TR/sparql11-protocol/"
    )


def test_temporal_coverage_spans_the_dates_in_the_data(catalog, published_dataset):
    dates = sorted(
        str(o)
        for o in published_dataset.graph(URIRef("https://w3id.org/netgraph/graph/data")).objects()
        if isinstance(o, Literal) and o.datatype in (XSD.gYear, XSD.gYearMonth, XSD.date)
    )
    period = catalog.value(DATASET, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in catalog
    assert str(catalog.value(period, DCAT.startDate)) == dates[0]
    assert str(catalog.value(period, DCAT.endDate))[:4] == max(d[:4] for d in dates)


def test_distributions_match_the_files(catalog, built_dist):
    distributions = list(catalog.objects(DATASET, DCAT.distribution))
    assert len(distributions) == len(RDF_DUMPS)
    seen = set()
    for distribution in distributions:
        url = catalog.value(distribution, DCAT.downloadURL)
        assert catalog.value(distribution, DCAT.accessURL) == url
        name = urlsplit(str(url)).path.removeprefix("/dumps/")
        seen.add(name)
        content = (built_dist / name).read_bytes()
        size = catalog.value(distribution, DCAT.byteSize)
        assert size == Literal(len(content), datatype=XSD.nonNegativeInteger)
        checksum = catalog.value(distribution, SPDX.checksum)
        assert (checksum, RDF.type, SPDX.Checksum) in catalog
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = catalog.value(checksum, SPDX.checksumValue)
        assert value == Literal(hashlib.sha256(content).hexdigest(), datatype=XSD.hexBinary)
        media_type = str(catalog.value(distribution, DCAT.mediaType))
        assert media_type.startswith("http://www.iana.org/assignments/media-types/")
        file_type = str(catalog.value(distribution, DCTERMS.format))
        assert file_type.startswith("http://publications.europa.eu/resource/authority/file-type/")
        assert catalog.value(distribution, DCTERMS.license) is not None
    assert seen == set(RDF_DUMPS)


def test_dcat_ap_de_distributions_md5_and_decimal_sizes(catalog_de, published_client):
    """The DE variant: MD5 of the very file served, byte size as xsd:decimal."""
    distributions = list(catalog_de.objects(DATASET, DCAT.distribution))
    assert len(distributions) == len(RDF_DUMPS)
    for distribution in distributions:
        url = catalog_de.value(distribution, DCAT.downloadURL)
        content = fetch(published_client, urlsplit(str(url)).path, "*/*").data
        size = catalog_de.value(distribution, DCAT.byteSize)
        assert size.datatype == XSD.decimal
        assert size.toPython() == len(content)
        checksums = list(catalog_de.objects(distribution, SPDX.checksum))
        assert checksums == [URIRef(f"{distribution}#checksum-md5")]
        checksum = checksums[0]
        assert catalog_de.value(checksum, SPDX.algorithm) == MD5
        value = catalog_de.value(checksum, SPDX.checksumValue)
        assert value == Literal(hashlib.md5(content).hexdigest(), datatype=XSD.hexBinary)
    assert (MD5, URIRef(SKOS_IN_SCHEME), HASH_ALGORITHMS) in catalog_de
    assert (MD5, RDF.type, SPDX.ChecksumAlgorithm) in catalog_de
    # The SHA-256 sums stay in SHA256SUMS.
    sums = fetch(published_client, "/dumps/SHA256SUMS", "*/*").data.decode()
    for name in RDF_DUMPS:
        content = fetch(published_client, f"/dumps/{name}", "*/*").data
        assert f"{hashlib.sha256(content).hexdigest()}  {name}" in sums.splitlines()


def test_profiles_differ_only_where_they_conflict(catalog, catalog_de):
    """Same description; only byte sizes, checksums and the algorithm concepts differ."""

    def conflicting(triple) -> bool:
        subject, predicate, _ = triple
        return (
            predicate in (DCAT.byteSize, SPDX.checksum)
            or "#checksum" in str(subject)
            or subject in (SPDX.checksumAlgorithm_sha256, MD5, HASH_ALGORITHMS)
        )

    common = {t for t in catalog if not conflicting(t)}
    assert common == {t for t in catalog_de if not conflicting(t)}
    assert (SPDX.checksumAlgorithm_sha256, None, None) not in catalog_de
    assert (MD5, None, None) not in catalog
    assert (HASH_ALGORITHMS, None, None) not in catalog


def test_catalog_links_its_profiles(catalog, catalog_de):
    for graph in (catalog, catalog_de):
        documents = set(graph.objects(CATALOG, RDFS.seeAlso))
        assert documents == {URIRef(f"{HOST}/catalog/dcat-ap"), URIRef(f"{HOST}{DE_PATH}")}
        assert graph.value(URIRef(f"{HOST}{DE_PATH}"), DCTERMS.conformsTo) == URIRef(DE_IRI)
        assert graph.value(URIRef(f"{HOST}/catalog/dcat-ap"), DCTERMS.conformsTo) == URIRef(AP_IRI)
        for iri in (DE_IRI, AP_IRI):
            assert (URIRef(iri), RDF.type, DCTERMS.Standard) in graph


# --- Profile negotiation --------------------------------------------------------------------


def test_profile_iris():
    assert AP_PROFILE.iri == AP_IRI
    assert DE_PROFILE.iri == DE_IRI


@pytest.mark.parametrize(
    ("path", "headers", "profile"),
    [
        ("/catalog", {}, AP_IRI),
        ("/catalog/dcat-ap", {}, AP_IRI),
        (DE_PATH, {}, DE_IRI),
        ("/catalog", {"Accept-Profile": f"<{DE_IRI}>"}, DE_IRI),
        ("/catalog", {"Accept-Profile": f"<{AP_IRI}>"}, AP_IRI),
        ("/catalog?_profile=dcat-ap-de", {}, DE_IRI),
        ("/catalog?_profile=dcat-ap", {"Accept-Profile": f"<{DE_IRI}>"}, AP_IRI),
        (f"/catalog?_profile=<{DE_IRI}>", {}, DE_IRI),
        # the shapes' ontology IRI and the specification's URL name the profile too
        ("/catalog", {"Accept-Profile": "<http://dcat-ap.de/def/dcatde/2.0/#>"}, DE_IRI),
        (
            "/catalog",
            {"Accept-Profile": "<https://www.dcat-ap.de/def/dcatde/2.0/spec/>"},
            DE_IRI,
        ),
        # preferences by q; an unknown or refused profile falls back on the default
        ("/catalog", {"Accept-Profile": f"<{AP_IRI}>;q=0.5, <{DE_IRI}>;q=0.9"}, DE_IRI),
        ("/catalog", {"Accept-Profile": f"<{DE_IRI}>;q=0.5, <{AP_IRI}>"}, AP_IRI),
        ("/catalog", {"Accept-Profile": f"<{DE_IRI}>;q=0"}, AP_IRI),
        ("/catalog", {"Accept-Profile": "<http://example.org/other-profile>"}, AP_IRI),
        ("/catalog?_profile=nonsense", {}, AP_IRI),
    ],
)
def test_profile_negotiation(published_client, path, headers, profile):
    response = fetch(published_client, path, **headers)
    assert response.headers["Content-Profile"] == f"<{profile}>"
    expected = DE_PATH if profile == DE_IRI else "/catalog/dcat-ap"
    assert response.data == fetch(published_client, expected).data
    vary = {v.strip() for v in response.headers.get("Vary", "").split(",")}
    if urlsplit(path).path == "/catalog":
        assert vary == {"Accept", "Accept-Profile"}
    else:
        assert "Accept-Profile" not in vary
    links = response.headers["Link"]
    assert f'<{HOST}{DE_PATH}>; rel="alternate"; profile="{DE_IRI}"' in links
    assert f'<{HOST}/catalog/dcat-ap>; rel="alternate"; profile="{AP_IRI}"' in links


def test_negotiated_variant_in_every_format(published_client):
    for media_type in FORMATS:
        negotiated = fetch(published_client, "/catalog", media_type, **{"Accept-Profile": DE_IRI})
        assert negotiated.content_type.startswith(media_type)
        assert negotiated.data == fetch(published_client, DE_PATH, media_type).data


def test_unknown_profile_url_is_404(published_client):
    response = published_client.get("/catalog/dcat-ap-xx", headers={"Accept": "text/turtle"})
    assert response.status_code == 404


# --- Validation ------------------------------------------------------------------------------


def shapes(files: list[Path]) -> Graph:
    """The shapes graph from local files only.

    DCAT-AP 3.0.1's release names five property shapes from its node shapes
    (two of dcat:DatasetShape, two of dcat:DistributionShape, one of
    dcat:RelationshipShape)
    without defining them anywhere, which pyshacl refuses; those dangling
    references are dropped. Nothing is fetched (owl:imports are not followed).
    """
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    for node, shape in list(graph.subject_objects(SH.property)):
        if not any(graph.predicate_objects(shape)):
            graph.remove((node, SH.property, shape))
    return graph


def results(data: Graph, shapes_graph: Graph) -> list[tuple[str, str, str, str]]:
    """(severity, focus node, path, source shape) of every result, sorted."""
    _, report, _ = validate(data, shacl_graph=shapes_graph, inference="none", allow_warnings=True)
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        shape = report.value(result, SH.sourceShape)
        found.append(
            (
                severity,
                str(report.value(result, SH.focusNode)),
                _path(report.value(result, SH.resultPath)),
                str(shape) if isinstance(shape, URIRef) else "(anonymous)",
            )
        )
    return sorted(found)


def _path(path) -> str:
    if path is None:
        return ""
    return str(path) if isinstance(path, URIRef) else "(path expression)"


DISTRIBUTIONS = [f"{DATASET}/distribution/{name}" for name in RDF_DUMPS]
DCAT_AP_DE_WARNINGS = [
    # A municipality key names the area; no geometry is published for it.
    (
        "Warning",
        "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05111000",
        "(path expression)",
        DE + "Location_locations_v_Min",
    ),
]


def test_dcat_ap_3_0_1_no_violation_no_warning(catalog):
    assert results(catalog, shapes(DCAT_AP_3)) == []


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        (DE_PATH, {}),
        ("/catalog", {"Accept-Profile": f"<{DE_IRI}>"}),
        ("/catalog?_profile=dcat-ap-de", {}),
    ],
    ids=["url", "accept-profile", "query"],
)
def test_dcat_ap_de_2_0_no_violation_known_warnings(published_client, path, headers):
    response = fetch(published_client, path, **headers)
    assert response.headers["Content-Profile"] == f"<{DE_IRI}>"
    found = results(parse(response), shapes(DCAT_AP_DE))
    assert [r for r in found if r[0] == "Violation"] == []
    assert found == DCAT_AP_DE_WARNINGS


def test_each_profile_fails_the_other_where_they_conflict(catalog, catalog_de):
    """Why there are two: the default fails DCAT-AP.de 2.0 and the DE variant
    DCAT-AP 3.0.1 exactly on the points where the two profiles contradict each other."""
    # DCAT-AP.de 2.0 (on DCAT-AP 2.1.1) types dcat:byteSize as xsd:decimal and takes
    # spdx:algorithm from the dcat-ap.de hash-algorithm list.
    assert results(catalog, shapes(DCAT_AP_DE)) == sorted(
        [
            *(
                ("Violation", node, str(DCAT.byteSize), R5R + "Distribution_Property_dcat_byteSize")
                for node in DISTRIBUTIONS
            ),
            *(
                ("Violation", str(SPDX.checksumAlgorithm_sha256), SKOS_IN_SCHEME, "(anonymous)")
                for _ in DISTRIBUTIONS
            ),
            *DCAT_AP_DE_WARNINGS,
        ]
    )
    # DCAT-AP 3.0.1 wants xsd:nonNegativeInteger (MD5 from the dcat-ap.de list is no error).
    found = results(catalog_de, shapes(DCAT_AP_3))
    assert [(r[0], r[1], r[2]) for r in found] == [
        ("Violation", node, str(DCAT.byteSize)) for node in DISTRIBUTIONS
    ]


def test_the_validation_can_fail(catalog):
    broken = Graph()
    broken += catalog
    broken.remove((DATASET, DCTERMS.title, None))
    broken.remove((DATASET, DCTERMS.description, None))
    found = results(broken, shapes(DCAT_AP_3))
    assert {r[2] for r in found if r[0] == "Violation"} >= {str(DCTERMS.description)}


def test_external_shapes_are_not_project_shapes():
    project_shapes = load_shapes(Project(REPO_ROOT))
    subjects = {str(s) for s in project_shapes.subjects()}
    assert not any(s.startswith("https://semiceu.github.io/DCAT-AP") for s in subjects)
    assert not any(s.startswith(DE) for s in subjects)
    assert (EXTERNAL / "README.md").is_file()
    assert (EXTERNAL / "LICENSE").is_file()


# --- Crawl -----------------------------------------------------------------------------------


CRAWL_SEEDS = ("/catalog", DE_PATH, "/.well-known/void", "/sparql")
CRAWL_LIMIT = 1000
"""At most this many URLs: the real data has some 200 documents, the service a dozen."""
RESOURCE_FORMATS = {
    # media type: (rdflib syntax, extension of the document Content-Location names)
    "text/html": (None, "html"),
    "text/turtle": ("turtle", "ttl"),
    "application/ld+json": ("json-ld", "jsonld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("xml", "rdf"),
}
RDF_ONLY = {"/catalog", "/catalog/dcat-ap", DE_PATH, "/.well-known/void"}
"""Service documents that offer no HTML (406); the query page and the endpoint do."""


class Crawl:
    """A breadth-first crawl of the service through the Flask test client.

    An IRI under the base is requested at the local path the application maps it to
    (``local_path``), fragment dropped, in every format the linked-data routes offer;
    a URL of the service itself (``http://localhost/…``) in the same formats, redirects
    followed; a dump once. Every RDF answer and dump is parsed, and its IRIs are crawled.
    """

    def __init__(self, client):
        self.client = client
        self.queue: deque[tuple[str, str]] = deque()
        self.seen: set[str] = set()
        self.descriptions: dict[tuple[str, str], Graph] = {}
        """The RDF answer for each (base IRI document, media type)."""
        self.dumps: dict[str, Dataset] = {}

    def run(self, seeds) -> None:
        for path in seeds:
            self.enqueue(path, "service")
        while self.queue:
            path, kind = self.queue.popleft()
            {"resource": self.resource, "service": self.service, "dump": self.dump}[kind](path)

    def enqueue(self, path: str, kind: str) -> None:
        if path not in self.seen:
            assert len(self.seen) < CRAWL_LIMIT, "the crawl does not end"
            self.seen.add(path)
            self.queue.append((path, kind))

    def follow(self, terms) -> None:
        for term in terms:
            if not isinstance(term, URIRef):
                continue
            if (path := local_path(str(term))) is not None:
                self.enqueue(urlsplit(path).path, "resource")
            elif str(term).startswith(f"{HOST}/"):
                path = urlsplit(str(term)).path
                self.enqueue(path, "dump" if path.startswith("/dumps/") else "service")

    def parse(self, answer, syntax: str, where) -> Graph:
        graph = Graph().parse(data=answer.data, format=syntax)
        assert len(graph), where
        self.follow(term for triple in graph for term in triple)
        return graph

    def resource(self, path: str) -> None:
        for media_type, (syntax, extension) in RESOURCE_FORMATS.items():
            answer = self.client.get(path, headers={"Accept": media_type})
            assert answer.status_code == 200, (path, media_type)
            assert answer.mimetype == media_type, (path, media_type)
            assert "Accept" in answer.headers["Vary"], path
            assert answer.headers["Content-Location"] == f"{path}.{extension}", path
            if syntax:
                graph = self.parse(answer, syntax, (path, media_type))
                self.descriptions[(iri_for_path(path), media_type)] = graph

    def service(self, path: str) -> None:
        for media_type, (syntax, _) in RESOURCE_FORMATS.items():
            # the query page sends RDF clients on to the endpoint, the endpoint sends
            # browsers to the query page (303): follow, as a harvester does
            headers = {"Accept": media_type}
            answer = self.client.get(path, headers=headers, follow_redirects=True)
            if media_type == "text/html" and path in RDF_ONLY:
                assert answer.status_code == 406, path
                continue
            assert answer.status_code == 200, (path, media_type)
            assert answer.mimetype == media_type, (path, media_type)
            if syntax:
                self.parse(answer, syntax, (path, media_type))
            revalidated = self.client.get(
                answer.request.path, headers={**headers, "If-None-Match": answer.headers["ETag"]}
            )
            assert revalidated.status_code == 304, (path, media_type)

    def dump(self, path: str) -> None:
        answer = self.client.get(path)
        assert answer.status_code == 200, path
        syntax = DUMP_SYNTAX[answer.mimetype]
        dataset = Dataset() if syntax == "trig" else Graph()
        dataset.parse(data=answer.data, format=syntax)
        quads = list(dataset.quads()) if syntax == "trig" else list(dataset)
        assert quads, path
        # in TriG, the graph names too
        self.follow(term for quad in quads for term in quad)
        self.dumps[path.removeprefix("/dumps/")] = dataset
        etag = {"If-None-Match": answer.headers["ETag"]}
        assert self.client.get(path, headers=etag).status_code == 304, path


DUMP_SYNTAX = {
    "application/trig": "trig",
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}


def test_crawl_from_the_catalog(published_client):
    """Issue 4's crawl: from the catalog (both profiles), the VoID and the service
    description, every IRI under the base and every URL of the service in any answer or
    dump answers 200 in every format offered, and every RDF answer parses. A description
    holds every asserted statement the TriG dump has about its document."""
    crawl = Crawl(published_client)
    crawl.run(CRAWL_SEEDS)
    assert sorted(crawl.dumps) == RDF_DUMPS
    documents = {document for document, _ in crawl.descriptions}
    graph_names = {GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_INFERRED}
    assert graph_names | {ONTOLOGY_IRI, str(DATASET), str(CATALOG)} <= documents
    assert len(documents) > 150

    trig = crawl.dumps["netgraph.trig"]
    assert {str(graph.identifier) for graph in trig.graphs() if len(graph)} == graph_names
    asserted = defaultdict(set)
    for name in (GRAPH_DATA, GRAPH_ONTOLOGY):
        for s, p, o in trig.graph(URIRef(name)):
            if isinstance(s, URIRef) and s.startswith(BASE_IRI) and not isinstance(o, BNode):
                asserted[str(s).partition("#")[0]].add((s, p, o))
    assert set(asserted) <= documents
    for (document, media_type), graph in crawl.descriptions.items():
        missing = asserted[document] - set(graph)
        assert not missing, (document, media_type, sorted(missing)[:3])


def test_without_metadata_folder_no_catalog_but_void(fixture_root, published_dataset):
    from netgraph.web import create_app
    from netgraph.web.evaluator import EXTENSION

    app = create_app({"NETGRAPH_ROOT": fixture_root, "NETGRAPH_DATASET": published_dataset})
    try:
        client = app.test_client()
        assert client.get("/catalog").status_code == 404
        assert client.get(DE_PATH).status_code == 404
        void = parse(fetch(client, "/.well-known/void"))
        assert (DATASET, RDF.type, VOID.Dataset) in void
        assert not list(void.objects(None, VOID.dataDump))
    finally:
        app.extensions[EXTENSION].close()
