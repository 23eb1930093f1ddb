"""Dataset-level metadata: the dumps of a build, their VoID description and the DCAT catalog.

Nothing here knows about HTTP. :func:`read_dumps` reads a build's output
folder: the files its ``SHA256SUMS`` lists, checked against their checksums,
among them the gzip copy of each RDF dump that the build wrote
(:func:`netgraph.serialization.write_gzip`), so the same build always gives
the same bytes and ETags.

:func:`void_graph` and :func:`catalog_graph` describe the dataset as VoID and
as a DCAT catalog, in one of two application profiles (:data:`PROFILES`):
DCAT-AP 3.0.1 (the default) and DCAT-AP.de 2.0, which differ only where the
two contradict each other (the datatype of ``dcat:byteSize``, the checksum
algorithm). The statistics are computed from the dataset, the temporal
coverage from the dates in the data, the distributions from the dumps;
titles, publisher, licence and the rest come from the project's
``metadata/catalog.ttl``, and the code-list concepts the catalog uses from
``metadata/codelists.ttl`` (shipped inside the catalog, so harvesters and the
range shapes see them offline; only the concepts a catalog refers to). URLs where the
service runs (endpoint, dumps) are passed in as :class:`Urls`: the web service
names the request's host, a build would name the base IRI.

Outputs are byte-stable: no wall clock is read, blank nodes get fixed labels,
and :func:`serialize` writes triples in sorted order.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, TIME, VOID, XSD

from netgraph.build import CHECKSUMS, STATISTICS_FILE, file_sha256
from netgraph.errors import InputError
from netgraph.namespaces import BASE_IRI, CPOV, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, ID, NG
from netgraph.namespaces import ORG as ORG_NS
from netgraph.project import Project
from netgraph.serialization import GZIP_SUFFIX
from netgraph.sparql_protocol import SD

GZIP_MEDIA_TYPE = "application/gzip"

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")

DATASET = ID["dataset/netgraph"]
CATALOG = ID["catalog/netgraph"]
SERVICE = ID["service/sparql"]
URI_SPACE = str(ID)
METADATA_FILES = ("catalog.ttl", "codelists.ttl")
VOCABULARIES = (
    ORG_NS,
    CPOV,
    SKOS,
    DCTERMS,
    TIME,
    PROV,
    SDO,
    NG,
)
EXAMPLE_RESOURCES = (ID["network/eurocities"], ID["city/duesseldorf"])
NAMED_GRAPHS = {
    GRAPH_ONTOLOGY: ("Ontologie", "Ontology"),
    GRAPH_DATA: ("Daten", "Data"),
    GRAPH_INFERRED: ("Abgeleitete Aussagen (OWL 2 RL)", "Inferred statements (OWL 2 RL)"),
}
"""The dataset's named graphs and their labels (de, en)."""
PREFIXES = {
    "dcat": DCAT,
    "dcatde": DCATDE,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "sd": SD,
    "skos": SKOS,
    "spdx": SPDX,
    "vcard": VCARD,
    "void": VOID,
    "xsd": XSD,
    "ng": NG,
}
"""Prefixes of the metadata documents (and the JSON-LD context)."""


@dataclass(frozen=True)
class DumpFormat:
    media_type: str
    file_type: str | None
    """EU file-type code (``FILE_TYPE``), None for files that are not RDF."""
    graph: str | None
    """The named graph the file holds, None for the whole dataset."""
    title_de: str
    title_en: str


DUMP_FORMATS: dict[str, DumpFormat] = {
    "netgraph.trig": DumpFormat(
        "application/trig",
        "RDF_TRIG",
        None,
        "Gesamter Datensatz (Ontologie, Daten, abgeleitete Aussagen) als TriG",
        "Whole dataset (ontology, data, inferred statements) as TriG",
    ),
    "data.ttl": DumpFormat(
        "text/turtle",
        "RDF_TURTLE",
        GRAPH_DATA,
        "Daten als Turtle",
        "Data as Turtle",
    ),
    "data.nt": DumpFormat(
        "application/n-triples",
        "RDF_N_TRIPLES",
        GRAPH_DATA,
        "Daten als N-Triples",
        "Data as N-Triples",
    ),
    "data.jsonld": DumpFormat(
        "application/ld+json",
        "JSON_LD",
        GRAPH_DATA,
        "Daten als JSON-LD",
        "Data as JSON-LD",
    ),
    "inferred.ttl": DumpFormat(
        "text/turtle",
        "RDF_TURTLE",
        GRAPH_INFERRED,
        "Abgeleitete Aussagen (OWL 2 RL) als Turtle",
        "Inferred statements (OWL 2 RL) as Turtle",
    ),
    CHECKSUMS: DumpFormat("text/plain", None, None, "SHA-256-Prüfsummen", "SHA-256 checksums"),
}
"""Every file a build writes, by name: only these names are ever served."""


@dataclass(frozen=True)
class DumpFile:
    """One file of the build, read from its folder when its bytes are asked for, never
    kept: a build's dumps are several times its data, which the server holds no copy of."""

    name: str
    path: Path
    media_type: str
    last_modified: datetime
    listed_sha256: str | None = None
    """The file's SHA-256 as ``SHA256SUMS`` lists it (checked at start)."""
    compressed_from: str | None = None
    """For a ``.gz`` copy: the name of the file it compresses."""

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @cached_property
    def sha256(self) -> str:
        return self.listed_sha256 or file_sha256(self.path)

    @cached_property
    def md5(self) -> str:
        """MD5 in hex, for the DCAT-AP.de 2.0 catalog (its hash-algorithm list's only
        confirmed entry); a checksum against accidents, not a security measure. Read
        in chunks when first asked for: about 1 s for a million triples' dumps."""
        with self.path.open("rb") as file:
            return hashlib.file_digest(file, lambda: hashlib.md5(usedforsecurity=False)).hexdigest()

    def digest(self, algorithm: str) -> str:
        """The checksum by ``hashlib`` name: ``sha256`` (checked at start) or ``md5``."""
        if algorithm == "sha256":
            return self.sha256
        if algorithm == "md5":
            return self.md5
        raise ValueError(f"no {algorithm} checksum")

    @property
    def is_rdf(self) -> bool:
        return self.compressed_from is None and DUMP_FORMATS[self.name].file_type is not None


def read_dumps(dist: Path) -> dict[str, DumpFile]:
    """The files of the build in ``dist``, sorted by name.

    Only names the build writes (``DUMP_FORMATS`` and the ``.gz`` copies of its RDF
    dumps) that ``SHA256SUMS`` lists are taken, and each must match its checksum: a
    half-replaced folder is an error, not a silent mismatch between the catalog and the
    files. Checking reads each file once, in chunks; nothing of it is kept. A build
    from before the copies were written (26 Nov 2026) is served without them.
    """
    sums_path = dist / CHECKSUMS
    if not sums_path.is_file():
        raise InputError(f"{dist}: no {CHECKSUMS}; not a netgraph build")
    modified = datetime.fromtimestamp(int(sums_path.stat().st_mtime), UTC)
    listed: dict[str, str] = {}
    for line in sums_path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if name != CHECKSUMS and (name in DUMP_FORMATS or _compresses(name)):
            listed[name] = digest
    files = {CHECKSUMS: DumpFile(CHECKSUMS, sums_path, "text/plain", modified)}
    for name in sorted(listed):
        digest = file_sha256(dist / name)
        if digest != listed[name]:
            raise InputError(f"{dist / name}: does not match its SHA-256 in {CHECKSUMS}")
        source = _compresses(name)
        media_type = GZIP_MEDIA_TYPE if source else DUMP_FORMATS[name].media_type
        files[name] = DumpFile(name, dist / name, media_type, modified, digest, source)
    return files


def _compresses(name: str) -> str | None:
    """The RDF dump that a ``.gz`` name is the gzip copy of, or None."""
    plain = name.removesuffix(GZIP_SUFFIX)
    known = plain != name and plain in DUMP_FORMATS
    return plain if known and DUMP_FORMATS[plain].file_type is not None else None


# --- Metadata source ----------------------------------------------------------------


def metadata_dir(project: Project) -> Path:
    return project.root / "metadata"


def load_metadata(project: Project) -> Graph:
    """``metadata/catalog.ttl`` and ``metadata/codelists.ttl``, relative IRIs against the base."""
    graph = Graph()
    for name in METADATA_FILES:
        path = metadata_dir(project) / name
        if not path.is_file():
            raise InputError(f"{project.display(path)}: file not found")
        try:
            graph.parse(path, format="turtle", publicID=BASE_IRI)
        except Exception as error:  # rdflib's parsers raise many kinds
            raise InputError(f"{project.display(path)}: cannot parse: {error}") from None
    return graph


# --- Statistics -------------------------------------------------------------------------


@dataclass(frozen=True)
class Statistics:
    """VoID statistics of the union of all graphs, and the dates the data mentions."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: dict[URIRef, int]
    """Instances per class."""
    properties: dict[URIRef, int]
    """Triples per property."""
    graph_triples: dict[str, int]
    """Triples per named graph."""
    earliest: Literal | None
    latest: Literal | None


_DATE_TYPES = (XSD.gYear, XSD.gYearMonth, XSD.date, XSD.dateTime)


def kept_statistics(dataset: Dataset) -> Statistics | None:
    """Those the build kept beside its store, when that store is what ``dataset`` reads."""
    from netgraph import engines  # which imports the web package, which imports this module

    view = dataset.store
    if isinstance(view, engines.StoreView):
        kept = view.build.kept(STATISTICS_FILE)
        if kept.is_file():
            return read_statistics(kept)
    return None


def statistics(dataset: Dataset) -> Statistics:
    """Counted on the build's store, or on an in-memory copy of a (small) dataset."""
    from netgraph import engines

    return count_statistics(engines.opened(engines.oxigraph_of(dataset)))


def count_statistics(store) -> Statistics:
    """Counted by Oxigraph's aggregates: no triple is read into Python."""
    from netgraph import engines

    def rows(query: str, **options):
        return [
            [engines.to_rdflib(term) for term in solution]
            for solution in store.query(query, **options)
        ]

    def count(query: str) -> int:
        return int(rows(query, use_default_graph_as_union=True)[0][0])

    graph_triples = {name.value: n for name, n in engines.triples_per_graph(store).items()}
    dates = sorted(
        (
            date
            for (date,) in rows(
                _DATES.format(pattern=_IN_DATA if GRAPH_DATA in graph_triples else "?s ?p ?o"),
                use_default_graph_as_union=True,
            )
        ),
        key=_date_key,
    )
    properties = engines.triples_per_predicate(store)
    return Statistics(
        triples=sum(properties.values()),
        entities=sum(
            1 for iri in engines.distinct_iris(store, "subject") if iri.startswith(URI_SPACE)
        ),
        distinct_subjects=count("SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }"),
        distinct_objects=count("SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }"),
        classes={cls: int(n) for cls, n in rows(_PER_CLASS, use_default_graph_as_union=True)},
        properties=dict(properties),
        graph_triples=graph_triples,
        earliest=dates[0] if dates else None,
        latest=dates[-1] if dates else None,
    )


def write_statistics(store_folder: Path) -> None:
    """Count the statistics of the store in ``store_folder`` and keep them beside it
    (:data:`STATISTICS_FILE`), in one order, so that unchanged data gives the same bytes."""
    from netgraph import engines

    counted = count_statistics(engines.open_store(store_folder))
    document = {
        "triples": counted.triples,
        "entities": counted.entities,
        "distinct_subjects": counted.distinct_subjects,
        "distinct_objects": counted.distinct_objects,
        "classes": {str(iri): n for iri, n in counted.classes.items()},
        "properties": {str(iri): n for iri, n in counted.properties.items()},
        "graph_triples": counted.graph_triples,
        "earliest": _date_document(counted.earliest),
        "latest": _date_document(counted.latest),
    }
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    (store_folder.parent / STATISTICS_FILE).write_text(text, encoding="utf-8")


def read_statistics(path: Path) -> Statistics:
    """The statistics a build kept, every count checked: VoID writes them as they are."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return Statistics(
            triples=_count(document, "triples"),
            entities=_count(document, "entities"),
            distinct_subjects=_count(document, "distinct_subjects"),
            distinct_objects=_count(document, "distinct_objects"),
            classes={URIRef(iri): n for iri, n in _counts(document, "classes").items()},
            properties={URIRef(iri): n for iri, n in _counts(document, "properties").items()},
            graph_triples=_counts(document, "graph_triples"),
            earliest=_date_literal(document["earliest"]),
            latest=_date_literal(document["latest"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise InputError(f"{path}: not the statistics of a build: {error}") from None


def _count(document: dict, key: str) -> int:
    value = document[key]
    if type(value) is not int or value < 0:
        raise ValueError(f"{key} is {value!r}, not a count")
    return value


def _counts(document: dict, key: str) -> dict[str, int]:
    counts = document[key]
    if not isinstance(counts, dict):
        raise ValueError(f"{key} is {counts!r}, not counts by name")
    return {name: _count(counts, name) for name in counts}


def _date_document(date: Literal | None) -> dict | None:
    return None if date is None else {"value": str(date), "datatype": str(date.datatype)}


def _date_literal(document: dict | None) -> Literal | None:
    if document is None:
        return None
    return Literal(document["value"], datatype=URIRef(document["datatype"]))


_PER_CLASS = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c"
_IN_DATA = f"GRAPH <{GRAPH_DATA}> {{ ?s ?p ?o }}"
_DATES = (
    "SELECT DISTINCT ?o {{ {pattern} FILTER(isLiteral(?o) && DATATYPE(?o) IN ("
    + ", ".join(f"<{datatype}>" for datatype in _DATE_TYPES)
    + ")) }}"
)


def _date_key(literal: Literal) -> tuple[str, str]:
    # Lexical forms of these types sort chronologically for years 1000-9999 when
    # compared on their date part; the full form breaks ties deterministically.
    text = str(literal)
    return (text[:10], text)


# --- URLs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Urls:
    """Where the service publishes things (the request's host, or the base IRI for a build)."""

    home: str
    endpoint: str
    dumps: str
    """The dumps folder, ending in ``/``."""
    void: str
    catalog: str

    def dump(self, name: str) -> str:
        return self.dumps + name

    def catalog_in(self, profile: "Profile") -> str:
        """The fixed URL of the catalog in one profile (``/catalog`` itself negotiates)."""
        return f"{self.catalog}/{profile.token}"


def _integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


# --- VoID ----------------------------------------------------------------------------------------


def void_graph(
    stats: Statistics, urls: Urls, dumps: Mapping[str, DumpFile], metadata: Graph
) -> Graph:
    """A ``void:Dataset`` describing the whole dataset, with one subset per named graph."""
    graph = Graph(bind_namespaces="none")
    add = graph.add
    add((DATASET, RDF.type, VOID.Dataset))
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.publisher):
        for value in metadata.objects(DATASET, predicate):
            add((DATASET, predicate, value))
    add((DATASET, FOAF.homepage, URIRef(urls.home)))
    add((DATASET, RDFS.seeAlso, URIRef(urls.catalog)))
    add((DATASET, VOID.sparqlEndpoint, URIRef(urls.endpoint)))
    add((DATASET, VOID.uriSpace, Literal(URI_SPACE)))
    for vocabulary in VOCABULARIES:
        add((DATASET, VOID.vocabulary, URIRef(str(vocabulary))))
    for example in EXAMPLE_RESOURCES:
        add((DATASET, VOID.exampleResource, example))
    add((DATASET, VOID.feature, URIRef("http://www.w3.org/ns/formats/TriG")))
    add((DATASET, VOID.triples, _integer(stats.triples)))
    add((DATASET, VOID.entities, _integer(stats.entities)))
    add((DATASET, VOID.distinctSubjects, _integer(stats.distinct_subjects)))
    add((DATASET, VOID.distinctObjects, _integer(stats.distinct_objects)))
    add((DATASET, VOID.classes, _integer(len(stats.classes))))
    add((DATASET, VOID.properties, _integer(len(stats.properties))))
    for index, cls in enumerate(sorted(stats.classes)):
        partition = BNode(f"class-partition-{index}")
        add((DATASET, VOID.classPartition, partition))
        add((partition, VOID["class"], cls))
        add((partition, VOID.entities, _integer(stats.classes[cls])))
    for index, prop in enumerate(sorted(stats.properties)):
        partition = BNode(f"property-partition-{index}")
        add((DATASET, VOID.propertyPartition, partition))
        add((partition, VOID.property, prop))
        add((partition, VOID.triples, _integer(stats.properties[prop])))
    for dump in dumps.values():
        if dump.is_rdf and DUMP_FORMATS[dump.name].graph is None:
            add((DATASET, VOID.dataDump, URIRef(urls.dump(dump.name))))
    _add_named_graphs(graph, stats, urls, dumps)
    return graph


def _add_named_graphs(
    graph: Graph, stats: Statistics, urls: Urls, dumps: Mapping[str, DumpFile]
) -> None:
    """One subset per named graph, under the graph's own name so that the name a query or
    the TriG dump uses dereferences to it; with the dumps of that graph alone
    (``void:dataDump``) and those of the whole dataset, which hold it under its name
    (``dcterms:isPartOf``)."""
    add = graph.add
    for name, (label_de, label_en) in NAMED_GRAPHS.items():
        if name not in stats.graph_triples:
            continue
        subset = URIRef(name)
        add((DATASET, VOID.subset, subset))
        add((subset, RDF.type, VOID.Dataset))
        add((subset, RDF.type, SD.NamedGraph))
        add((subset, SD.name, subset))
        add((subset, RDFS.label, Literal(label_de, lang="de")))
        add((subset, RDFS.label, Literal(label_en, lang="en")))
        add((subset, VOID.triples, _integer(stats.graph_triples[name])))
        add((subset, VOID.sparqlEndpoint, URIRef(urls.endpoint)))
        for dump in (dump for dump in dumps.values() if dump.is_rdf):
            holds, download = DUMP_FORMATS[dump.name].graph, URIRef(urls.dump(dump.name))
            if holds == name:
                add((subset, VOID.dataDump, download))
            elif holds is None:
                add((subset, DCTERMS.isPartOf, download))


# --- DCAT -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """An application profile the catalog is served in.

    The profiles share everything but what they contradict each other on: the
    datatype of ``dcat:byteSize`` and the checksum algorithm (code list and
    digest). Served by W3C Content Negotiation by Profile (``netgraph.web.metadata``).
    """

    token: str
    """Short name: ``/catalog/TOKEN``, ``/catalog?_profile=TOKEN``."""
    iri: str
    """The profile's IRI: ``Content-Profile``, ``dcterms:conformsTo`` of ``/catalog/TOKEN``."""
    aliases: tuple[str, ...]
    """Other IRIs that name the profile, also understood in ``Accept-Profile``."""
    byte_size_type: URIRef
    hash_algorithm: str
    """``hashlib`` name of the checksum's digest."""
    checksum_algorithm: URIRef
    """``spdx:algorithm`` of the checksum, from the profile's code list."""
    checksum_fragment: str
    """Fragment of the checksum's IRI on the distribution's: one IRI per digest."""

    def byte_size(self, size: int) -> Literal:
        # rdflib's Turtle writes an xsd:decimal as a bare number with a fraction
        # ("42702.0"); that lexical form in every format keeps them isomorphic.
        lexical = f"{size}.0" if self.byte_size_type == XSD.decimal else str(size)
        return Literal(lexical, datatype=self.byte_size_type)


DCAT_AP = Profile(
    token="dcat-ap",
    iri="https://semiceu.github.io/DCAT-AP/releases/3.0.1",
    aliases=("https://semiceu.github.io/DCAT-AP/releases/3.0.1/",),
    byte_size_type=XSD.nonNegativeInteger,
    hash_algorithm="sha256",
    checksum_algorithm=SPDX.checksumAlgorithm_sha256,
    checksum_fragment="checksum",
)
DCAT_AP_DE = Profile(
    token="dcat-ap-de",
    iri="http://dcat-ap.de/def/dcatde/2.0",
    aliases=(
        "http://dcat-ap.de/def/dcatde/2.0/",
        "http://dcat-ap.de/def/dcatde/2.0/#",  # the ontology IRI of its SHACL shapes
        "https://www.dcat-ap.de/def/dcatde/2.0/spec/",  # the specification
    ),
    # DCAT-AP.de 2.0 rests on DCAT-AP 2.1.1: dcat:byteSize is an xsd:decimal, and
    # spdx:algorithm comes from the dcat-ap.de hash-algorithm list, whose only entry
    # confirmed offline is MD5 (the one the official DCAT-AP.de reference example uses).
    byte_size_type=XSD.decimal,
    hash_algorithm="md5",
    checksum_algorithm=URIRef("http://dcat-ap.de/def/hashAlgorithms/md/5"),
    checksum_fragment="checksum-md5",
)
PROFILES: dict[str, Profile] = {profile.token: profile for profile in (DCAT_AP, DCAT_AP_DE)}
"""The catalog's profiles by token; the first is the default."""


def distribution_iri(name: str) -> URIRef:
    return URIRef(f"{DATASET}/distribution/{name}")


def catalog_graph(
    stats: Statistics,
    urls: Urls,
    dumps: Mapping[str, DumpFile],
    metadata: Graph,
    profile: Profile = DCAT_AP,
) -> Graph:
    """The DCAT catalog: catalog, dataset, one distribution per RDF dump, the SPARQL service.

    ``metadata`` is :func:`load_metadata`'s graph: what it says about the
    project's own IRIs (dataset, publisher, contact point, titles) is taken
    whole; of the rest (code-list concepts, their schemes, standards) only the
    descriptions of what the catalog refers to, so each profile carries the
    concepts it uses and no others.
    """
    graph = Graph(bind_namespaces="none")
    for triple in metadata:
        if _in_project(triple[0]):
            graph.add(triple)
    add = graph.add
    licence = metadata.value(DATASET, DCTERMS.license)
    publisher = metadata.value(DATASET, DCTERMS.publisher)
    for term in (DCTERMS.issued, DCTERMS.modified):
        for value in metadata.objects(DATASET, term):
            add((CATALOG, term, value))
    for term in (DCTERMS.language,):
        for value in metadata.objects(DATASET, term):
            add((CATALOG, term, value))
    add((CATALOG, DCTERMS.publisher, publisher))
    add((CATALOG, DCTERMS.license, licence))
    add((CATALOG, FOAF.homepage, URIRef(urls.home)))
    add((URIRef(urls.home), RDF.type, FOAF.Document))
    add((CATALOG, DCAT.dataset, DATASET))
    add((CATALOG, DCAT.service, SERVICE))
    for variant in PROFILES.values():  # the same links in every profile
        document = URIRef(urls.catalog_in(variant))
        add((CATALOG, RDFS.seeAlso, document))
        add((document, DCTERMS.conformsTo, URIRef(variant.iri)))

    if stats.earliest is not None and stats.latest is not None:
        period = URIRef(f"{DATASET}#temporal")
        add((DATASET, DCTERMS.temporal, period))
        add((period, RDF.type, DCTERMS.PeriodOfTime))
        add((period, DCAT.startDate, stats.earliest))
        add((period, DCAT.endDate, stats.latest))

    for dump in dumps.values():
        if dump.is_rdf:
            _add_distribution(graph, dump, urls, metadata, profile)

    add((SERVICE, DCAT.endpointURL, URIRef(urls.endpoint)))
    add((SERVICE, DCAT.endpointDescription, URIRef(urls.endpoint)))
    add((URIRef(urls.endpoint), RDF.type, RDFS.Resource))
    add((SERVICE, DCAT.servesDataset, DATASET))
    add((SERVICE, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    add((SERVICE, DCTERMS.license, licence))
    add((SERVICE, DCTERMS.publisher, publisher))
    add((SERVICE, DCTERMS.accessRights, metadata.value(DATASET, DCTERMS.accessRights)))
    _add_referenced(graph, metadata)
    return graph


def _add_distribution(
    graph: Graph, dump: DumpFile, urls: Urls, metadata: Graph, profile: Profile
) -> None:
    add = graph.add
    licence = metadata.value(DATASET, DCTERMS.license)
    form = DUMP_FORMATS[dump.name]
    distribution = distribution_iri(dump.name)
    add((DATASET, DCAT.distribution, distribution))
    add((distribution, RDF.type, DCAT.Distribution))
    add((distribution, DCTERMS.title, Literal(form.title_de, lang="de")))
    add((distribution, DCTERMS.title, Literal(form.title_en, lang="en")))
    add((distribution, DCAT.downloadURL, URIRef(urls.dump(dump.name))))
    add((distribution, DCAT.accessURL, URIRef(urls.dump(dump.name))))
    add((distribution, DCAT.mediaType, URIRef(IANA + form.media_type)))
    add((distribution, DCTERMS.format, FILE_TYPE[form.file_type]))
    add((distribution, DCAT.byteSize, profile.byte_size(dump.size)))
    add((distribution, DCTERMS.license, licence))
    add((distribution, DCTERMS.issued, _first(metadata, DCTERMS.issued)))
    add((distribution, DCTERMS.modified, _first(metadata, DCTERMS.modified)))
    checksum = URIRef(f"{distribution}#{profile.checksum_fragment}")
    digest = dump.digest(profile.hash_algorithm)
    add((distribution, SPDX.checksum, checksum))
    add((checksum, RDF.type, SPDX.Checksum))
    add((checksum, SPDX.algorithm, profile.checksum_algorithm))
    add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))


def _in_project(term) -> bool:
    return isinstance(term, URIRef) and term.startswith(BASE_IRI)


def _add_referenced(graph: Graph, metadata: Graph) -> None:
    """Add what ``metadata`` says about the outside IRIs ``graph`` refers to, transitively
    (a concept, then its scheme)."""
    pending = sorted({term for term in graph.objects() if isinstance(term, URIRef)})
    seen: set[URIRef] = set()
    while pending:
        term = pending.pop()
        if term in seen or _in_project(term):
            continue
        seen.add(term)
        for predicate, obj in metadata.predicate_objects(term):
            graph.add((term, predicate, obj))
            if isinstance(obj, URIRef):
                pending.append(obj)


def _first(graph: Graph, predicate: URIRef):
    return graph.value(DATASET, predicate)


# --- Serialisation ------------------------------------------------------------------------


def serialize(graph: Graph, writer: str) -> bytes:
    """Byte-stable Turtle, N-Triples, RDF/XML or JSON-LD (triples inserted in sorted order)."""
    out = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, namespace, override=True, replace=True)
    for triple in sorted(graph, key=lambda triple: tuple(term.n3() for term in triple)):
        out.add(triple)
    if writer == "json-ld":
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        document = json.loads(out.serialize(format="json-ld", context=context))
        if "@graph" in document:
            document["@graph"].sort(key=lambda node: node["@id"])
        return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    if writer == "nt":
        lines = out.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(line for line in lines if line.strip()))
    return out.serialize(format=writer, encoding="utf-8")
