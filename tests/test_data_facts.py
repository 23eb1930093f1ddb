"""The curated data in data/ holds what the source page states, and only that.

Self-contained: ontology/netgraph.ttl and every data/**/*.ttl are parsed with rdflib
directly, each with publicID set to the base IRI, as the project loader does. The
expected facts below are copied from docs/sources/netzwerkarbeit-duesseldorf.txt,
docs/sources/identifiers.tsv and docs/sources/dated-figures.md.
"""

import csv
import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SDO, SKOS, TIME, XSD

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/netgraph/"
NG = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
ORG = Namespace("http://www.w3.org/ns/org#")

PAGE = ROOT / "docs" / "sources" / "netzwerkarbeit-duesseldorf.txt"
IDENTIFIERS = ROOT / "docs" / "sources" / "identifiers.tsv"
SOURCE = ID["source/netzwerkarbeit-duesseldorf"]
DUESSELDORF = ID["city/duesseldorf"]

NETWORK_TYPES = {
    "cdia": NG.PeerNetwork,
    "covenant-of-mayors": NG.Initiative,
    "eurocities": NG.AssociationOfCities,
    "eccar": NG.Coalition,
    "europe-direct": NG.InformationNetwork,
    "living-together-observatory": NG.AssociationOfCities,
    "mayors-for-peace": NG.AssociationOfCities,
    "cemr": NG.AssociationOfCities,
    "strong-cities-network": NG.PeerNetwork,
}
NETWORK_CLASSES = {
    NG.Network,
    NG.AssociationOfCities,
    NG.Initiative,
    NG.InformationNetwork,
    NG.PeerNetwork,
    NG.Coalition,
}


def network(slug: str) -> URIRef:
    return ID[f"network/{slug}"]


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def data() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        graph.parse(path, format="turtle", publicID=BASE)
    return graph


@pytest.fixture(scope="module")
def graph(data: Graph) -> Graph:
    combined = Graph()
    combined.parse(ROOT / "ontology" / "netgraph.ttl", format="turtle", publicID=BASE)
    combined += data
    return combined


def memberships_of(graph: Graph, member: URIRef) -> dict[URIRef, URIRef]:
    """Map organisation -> membership for every org:Membership of ``member``."""
    return {
        graph.value(membership, ORG.organization): membership
        for membership in graph.subjects(ORG.member, member)
        if (membership, RDF.type, ORG.Membership) in graph
    }


def single(graph: Graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, f"{subject} {predicate}: {values}"
    return values[0]


# --- files and well-formedness ----------------------------------------------------


def test_one_file_per_network():
    files = {path.stem for path in (ROOT / "data" / "networks").glob("*.ttl")}
    assert set(NETWORK_TYPES) <= files
    for name in ("cities", "organisations", "places", "vocabularies", "sources"):
        assert (ROOT / "data" / f"{name}.ttl").is_file()


def test_no_blank_nodes(data: Graph):
    assert len(data) > 0
    blank = [triple for triple in data if any(isinstance(term, BNode) for term in triple)]
    assert blank == []


def test_every_described_resource_is_minted_under_id(data: Graph):
    subjects = set(data.subjects())
    outside = [s for s in subjects if not str(s).startswith(BASE + "id/")]
    assert outside == []


def test_every_netgraph_iri_used_is_described(graph: Graph, data: Graph):
    described = set(graph.subjects())
    used = {
        term
        for triple in data
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(BASE)
    }
    assert sorted(used - described) == []


def test_exactly_one_pref_label_per_language(data: Graph):
    for subject in set(data.subjects()):
        labels = list(data.objects(subject, SKOS.prefLabel))
        languages = sorted(label.language for label in labels)
        assert languages == ["de", "en"], f"{subject}: {labels}"


# --- provenance ------------------------------------------------------------------


def test_every_source_passage_is_verbatim_from_the_page(data: Graph):
    page = collapse(PAGE.read_text(encoding="utf-8"))
    passages = list(data.subject_objects(NG.sourcePassage))
    assert len(passages) > 50
    for subject, passage in passages:
        assert passage.language == "de", subject
        assert collapse(str(passage)) in page, f"{subject}: {passage}"


def test_fact_bearing_resources_name_their_source(data: Graph):
    vocabulary = {SKOS.Concept, SKOS.ConceptScheme, NG.SourceDocument}
    for subject in set(data.subjects()):
        if set(data.objects(subject, RDF.type)) & vocabulary:
            continue
        sources = list(data.objects(subject, PROV.wasDerivedFrom))
        assert sources, f"{subject} has no prov:wasDerivedFrom"
        for source in sources:
            assert (source, RDF.type, NG.SourceDocument) in data
        if SOURCE in sources:
            assert (subject, NG.sourcePassage, None) in data, subject


def test_source_document(data: Graph):
    assert (SOURCE, RDF.type, NG.SourceDocument) in data
    title = single(data, SOURCE, DCTERMS.title)
    assert str(title) == "Netzwerkarbeit des Büros für Internationale & Europäische Angelegenheiten"
    assert str(title) in PAGE.read_text(encoding="utf-8")
    assert single(data, SOURCE, DCTERMS.publisher) == DUESSELDORF
    assert str(single(data, SOURCE, DCTERMS.language)) == "de"
    date = single(data, SOURCE, DCTERMS.date)
    assert (str(date), date.datatype) == ("2021", XSD.gYear)
    assert single(data, SOURCE, NG.dateQualifier) == NG.about
    assert {d.language for d in data.objects(SOURCE, DCTERMS.description)} == {"de", "en"}
    assert (SOURCE, SDO.url, None) not in data


def test_no_day_the_page_does_not_give(data: Graph):
    # The page never gives a day, so nothing resting on it carries an xsd:date.
    for subject in set(data.subjects(PROV.wasDerivedFrom, SOURCE)):
        for value in data.objects(subject, None):
            if isinstance(value, Literal):
                assert value.datatype not in (XSD.date, XSD.dateTime), subject


# --- networks ----------------------------------------------------------------------


@pytest.mark.parametrize(("slug", "kind"), sorted(NETWORK_TYPES.items()))
def test_network_kind_and_description(data: Graph, slug: str, kind: URIRef):
    subject = network(slug)
    assert set(data.objects(subject, RDF.type)) == {kind}
    languages = sorted(d.language for d in data.objects(subject, DCTERMS.description))
    assert languages == ["de", "en"]
    assert list(data.objects(subject, NG.topic))


def test_networks_in_the_data(data: Graph):
    networks = {s for cls in NETWORK_CLASSES for s in data.subjects(RDF.type, cls)}
    expected = {network(slug) for slug in NETWORK_TYPES} | {network("global-covenant-of-mayors")}
    assert networks == expected


@pytest.mark.parametrize(
    ("slug", "language", "label"),
    [
        ("covenant-of-mayors", "de", "Konvent der Bürgermeister"),
        ("eurocities", "en", "EUROCITIES"),
        ("eccar", "en", "European Coalition of Cities Against Racism"),
        ("eccar", "de", "Europäische Städtekoalition gegen Rassismus"),
        (
            "living-together-observatory",
            "en",
            "International Observatory of Mayors on Living Together",
        ),
        ("cemr", "en", "Council of European Municipalities and Regions"),
        ("cemr", "de", "Rat der Gemeinden und Regionen Europas"),
        ("strong-cities-network", "en", "Strong Cities Network"),
    ],
)
def test_network_names(data: Graph, slug: str, language: str, label: str):
    assert Literal(label, lang=language) in set(data.objects(network(slug), SKOS.prefLabel))


@pytest.mark.parametrize(
    ("slug", "acronym"),
    [
        ("cdia", "CDIA"),
        ("eccar", "ECCAR"),
        ("cemr", "RGRE"),
        ("cemr", "CEMR"),
        ("strong-cities-network", "SCN"),
    ],
)
def test_acronyms_are_alt_labels(data: Graph, slug: str, acronym: str):
    assert acronym in {str(label) for label in data.objects(network(slug), SKOS.altLabel)}


def test_misspellings_are_never_names(data: Graph):
    names = [
        str(label)
        for predicate in (SKOS.prefLabel, SKOS.altLabel)
        for label in data.objects(None, predicate)
    ]
    for name in names:
        assert "EUROPCITIES" not in name
        assert "Agains " not in name
        assert not name.endswith("Agains Racism")
        assert not name.startswith("Gemeinden und Regionen Europas")
        assert "Zusammenlebenseinsetzen" not in name
    hidden = {str(label) for label in data.objects(None, SKOS.hiddenLabel)}
    assert "EUROPCITIES" in hidden
    assert "European Coalition of Cities Agains Racism" in hidden


@pytest.mark.parametrize(
    ("slug", "topics"),
    [
        ("cdia", {"international-cooperation", "transatlantic-relations", "democratic-values"}),
        ("covenant-of-mayors", {"climate", "energy"}),
        (
            "eurocities",
            {
                "culture",
                "environment",
                "economy",
                "knowledge-society",
                "mobility",
                "social-affairs",
            },
        ),
        (
            "eccar",
            {"racism", "discrimination", "right-wing-extremism", "education", "labour-market"},
        ),
        ("eccar", {"housing", "health", "antiracist-education", "history-and-remembrance"}),
        ("europe-direct", {"eu-affairs", "eu-citizens-rights"}),
        (
            "living-together-observatory",
            {"living-together", "diversity", "population-growth", "metropolisation"},
        ),
        ("mayors-for-peace", {"peace", "nuclear-disarmament"}),
        ("cemr", {"regional-policy", "services-of-general-interest", "climate", "equality"}),
        ("cemr", {"town-twinning", "integration"}),
        ("strong-cities-network", {"violent-extremism", "social-cohesion", "resilience"}),
    ],
)
def test_network_topics(data: Graph, slug: str, topics: set[str]):
    actual = set(data.objects(network(slug), NG.topic))
    assert {ID[f"topic/{topic}"] for topic in topics} <= actual


@pytest.mark.parametrize(
    ("slug", "places"),
    [
        ("cdia", {"europe", "north-america"}),
        ("eurocities", {"europe"}),
        ("eccar", {"europe"}),
        ("europe-direct", {"european-union"}),
        ("mayors-for-peace", {"world"}),
        ("cemr", {"europe"}),
        ("strong-cities-network", {"world"}),
        # "Der Konvent der Bürgermeister wurde 2008 in Europa ... gegründet"
        ("covenant-of-mayors", {"europe"}),
        ("global-covenant-of-mayors", {"world"}),
        # "ein internationales Netzwerk von Städten": no area named (see below)
        ("living-together-observatory", set()),
    ],
)
def test_geographic_scope(data: Graph, slug: str, places: set[str]):
    actual = set(data.objects(network(slug), NG.geographicScope))
    assert actual == {ID[f"place/{place}"] for place in places}
    for place in actual:
        assert (place, RDF.type, SDO.Place) in data


def test_the_page_names_no_area_for_the_living_together_observatory():
    # "International" says its members come from more than one country, not from
    # which part of the world; Montréal is where its founding conference met, not
    # its scope. So the data states none (test_geographic_scope above).
    page = collapse(PAGE.read_text(encoding="utf-8"))
    start = page.index("Das International Observatory of Mayors on Living Together")
    section = page[start : page.index("Mayors for Peace", start)]
    assert "ist ein internationales Netzwerk von Städten" in section
    areas = ("Europa", "europäisch", "Nordamerika", "weltweit", "global", "Welt ", "Kanada")
    assert [area for area in areas if area in section] == []


def test_relations_between_organisations(data: Graph):
    org = ID["organization/"]
    assert (
        network("europe-direct"),
        ORG.subOrganizationOf,
        URIRef(org + "european-commission"),
    ) in data
    assert (
        URIRef(org + "european-commission"),
        ORG.subOrganizationOf,
        URIRef(org + "european-union"),
    ) in data
    for body in ("united-nations-general-assembly", "united-nations-economic-and-social-council"):
        assert (URIRef(org + body), RDF.type, NG.UNBody) in data
        assert (URIRef(org + body), ORG.subOrganizationOf, URIRef(org + "united-nations")) in data
    global_covenant = network("global-covenant-of-mayors")
    assert (global_covenant, RDF.type, NG.Initiative) in data
    assert (global_covenant, NG.buildsOn, network("covenant-of-mayors")) in data
    assert (URIRef(org + "german-marshall-fund"), RDF.type, NG.Foundation) in data


# --- bodies ------------------------------------------------------------------------


def test_eurocities_six_thematic_forums(data: Graph):
    forums = set(data.subjects(RDF.type, NG.ThematicForum))
    assert len(forums) == 6
    topics = set()
    for forum in forums:
        assert single(data, forum, ORG.unitOf) == network("eurocities")
        topics.add(single(data, forum, NG.topic))
    expected = {
        "culture",
        "environment",
        "economy",
        "knowledge-society",
        "mobility",
        "social-affairs",
    }
    assert topics == {ID[f"topic/{topic}"] for topic in expected}


def test_eccar_research_working_group(data: Graph):
    group = ID["body/eccar-research-working-group"]
    assert (group, RDF.type, NG.WorkingGroup) in data
    assert (group, ORG.unitOf, network("eccar")) in data


def test_rgre_german_section_and_its_members(data: Graph):
    section = ID["organization/rgre-german-section"]
    assert (section, RDF.type, NG.NationalSection) in data
    assert (section, ORG.unitOf, network("cemr")) in data
    members = {data.value(m, ORG.member) for m in data.subjects(ORG.organization, section)}
    expected = {
        "deutscher-staedtetag",
        "deutscher-landkreistag",
        "deutscher-staedte-und-gemeindebund",
    }
    assert members == {ID[f"organization/{slug}"] for slug in expected}
    for member in members:
        assert (member, RDF.type, NG.AssociationOfMunicipalities) in data


# --- Düsseldorf and its memberships ------------------------------------------------


def test_duesseldorf(data: Graph):
    assert (DUESSELDORF, RDF.type, NG.City) in data
    assert Literal("Düsseldorf", lang="de") in set(data.objects(DUESSELDORF, SKOS.prefLabel))
    assert "Landeshauptstadt Düsseldorf" in {
        str(x) for x in data.objects(DUESSELDORF, SKOS.altLabel)
    }
    for slug in (
        "duesseldorf-buero-fuer-internationale-und-europaeische-angelegenheiten",
        "duesseldorf-amt-fuer-umwelt-und-verbraucherschutz",
        "duesseldorf-gleichstellungsbuero",
    ):
        assert (ID[f"unit/{slug}"], RDF.type, NG.Office) in data
        assert (ID[f"unit/{slug}"], ORG.unitOf, DUESSELDORF) in data


def test_duesseldorf_is_member_of_exactly_the_nine_networks(data: Graph):
    memberships = memberships_of(data, DUESSELDORF)
    assert set(memberships) == {network(slug) for slug in NETWORK_TYPES}
    for organisation, membership in memberships.items():
        slug = str(organisation).rsplit("/", 1)[1]
        assert membership == ID[f"membership/duesseldorf--{slug}"]
        assert (membership, ORG.role, ID["role/member"]) in data


@pytest.mark.parametrize(
    ("slug", "predicate", "value", "datatype"),
    [
        ("eccar", TIME.inXSDgYearMonth, "2016-11", XSD.gYearMonth),
        ("living-together-observatory", TIME.inXSDgYear, "2016", XSD.gYear),
        ("mayors-for-peace", TIME.inXSDgYear, "2014", XSD.gYear),
        ("strong-cities-network", TIME.inXSDgYear, "2018", XSD.gYear),
    ],
)
def test_membership_start(data: Graph, slug: str, predicate: URIRef, value: str, datatype: URIRef):
    membership = ID[f"membership/duesseldorf--{slug}"]
    period = single(data, membership, ORG.memberDuring)
    assert period == URIRef(f"{membership}#period")
    assert (period, RDF.type, TIME.Interval) in data
    start = single(data, period, TIME.hasBeginning)
    assert start == URIRef(f"{membership}#start")
    assert (start, RDF.type, TIME.Instant) in data
    literal = single(data, start, predicate)
    assert (str(literal), literal.datatype) == (value, datatype)
    other = TIME.inXSDgYear if predicate == TIME.inXSDgYearMonth else TIME.inXSDgYearMonth
    assert (start, other, None) not in data
    assert (start, TIME.inXSDDate, None) not in data


def test_no_start_where_the_page_gives_none(data: Graph):
    for slug in ("cdia", "covenant-of-mayors", "eurocities", "europe-direct", "cemr"):
        assert (ID[f"membership/duesseldorf--{slug}"], ORG.memberDuring, None) not in data


def test_lead_units(data: Graph):
    leads = {
        organisation: set(data.objects(membership, NG.leadUnit))
        for organisation, membership in memberships_of(data, DUESSELDORF).items()
        if (membership, NG.leadUnit, None) in data
    }
    unit = ID["unit/"]
    assert leads == {
        network("covenant-of-mayors"): {
            URIRef(unit + "duesseldorf-amt-fuer-umwelt-und-verbraucherschutz")
        },
        network("eccar"): {URIRef(unit + "duesseldorf-gleichstellungsbuero")},
        network("eurocities"): {
            URIRef(unit + "duesseldorf-buero-fuer-internationale-und-europaeische-angelegenheiten")
        },
    }


def test_living_together_best_practice_and_flag_day(data: Graph):
    living_together = ID["membership/duesseldorf--living-together-observatory"]
    assert set(data.objects(living_together, NG.bestPracticeTopic)) == {
        ID["topic/migration"],
        ID["topic/mobility"],
    }
    flag_day = ID["event/mayors-for-peace-flag-day"]
    assert single(data, ID["membership/duesseldorf--mayors-for-peace"], NG.activity) == flag_day
    assert (flag_day, RDF.type, NG.Action) in data


def test_hannover_roles_in_mayors_for_peace(data: Graph):
    hannover = ID["city/hannover"]
    membership = memberships_of(data, hannover)[network("mayors-for-peace")]
    roles = {"member", "vice-president-city", "executive-city", "lead-city-for-germany"}
    assert set(data.objects(membership, ORG.role)) == {ID[f"role/{role}"] for role in roles}


def test_europe_direct_duesseldorf(data: Graph):
    centre = ID["organization/europe-direct-duesseldorf"]
    assert (centre, RDF.type, NG.InformationCentre) in data
    assert (centre, NG.locatedIn, DUESSELDORF) in data
    assert network("europe-direct") in memberships_of(data, centre)


# --- events ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "value", "datatype"),
    [
        ("eurocities-founding", "1986", XSD.gYear),
        ("covenant-of-mayors-founding", "2008", XSD.gYear),
        ("mayors-for-peace-founding", "1982", XSD.gYear),
        ("mayors-for-peace-ngo-registration", "1991", XSD.gYear),
        ("strong-cities-network-launch", "2015-09", XSD.gYearMonth),
        ("living-together-conference-2015", "2015", XSD.gYear),
    ],
)
def test_event_dates(data: Graph, slug: str, value: str, datatype: URIRef):
    literal = single(data, ID[f"event/{slug}"], DCTERMS.date)
    assert (str(literal), literal.datatype) == (value, datatype)


def test_events_and_their_actors(data: Graph):
    event, org = ID["event/"], ID["organization/"]
    launch = URIRef(event + "strong-cities-network-launch")
    assert (launch, RDF.type, NG.LaunchEvent) in data
    assert (launch, ORG.resultingOrganization, network("strong-cities-network")) in data
    assert (launch, PROV.wasAssociatedWith, URIRef(org + "united-nations-general-assembly")) in data

    registration = URIRef(event + "mayors-for-peace-ngo-registration")
    assert (registration, RDF.type, NG.RegistrationEvent) in data
    assert (registration, NG.concerns, network("mayors-for-peace")) in data
    ecosoc = URIRef(org + "united-nations-economic-and-social-council")
    assert (registration, PROV.wasAssociatedWith, ecosoc) in data

    mayor = ID["post/hiroshima-mayor"]
    assert (mayor, RDF.type, ORG.Post) in data
    assert (mayor, ORG.postIn, ID["city/hiroshima"]) in data
    assert (URIRef(event + "mayors-for-peace-founding"), PROV.wasAssociatedWith, mayor) in data

    cdia = URIRef(event + "cdia-founding")
    assert (cdia, PROV.wasAssociatedWith, URIRef(org + "german-marshall-fund")) in data
    assert (cdia, DCTERMS.date, None) not in data

    covenant = URIRef(event + "covenant-of-mayors-founding")
    assert (covenant, SDO.location, ID["place/europe"]) in data

    conference = URIRef(event + "living-together-conference-2015")
    founding = URIRef(event + "living-together-observatory-founding")
    assert (conference, RDF.type, NG.Conference) in data
    assert (conference, SDO.location, ID["city/montreal"]) in data
    assert (conference, NG.ledTo, founding) in data
    assert (founding, ORG.resultingOrganization, network("living-together-observatory")) in data
    declaration = ID["declaration/montreal-declaration"]
    assert (declaration, RDF.type, NG.Declaration) in data
    assert (declaration, NG.adoptedAt, conference) in data


# --- stated quantities -------------------------------------------------------------

PAGE_FIGURES = [
    # (subject, measure, value, bound, unit, spatial)
    (
        "network/covenant-of-mayors",
        "members",
        7000,
        "moreThan",
        "local-and-regional-authorities",
        None,
    ),
    ("network/covenant-of-mayors", "countries", 57, "exactly", "countries", None),
    ("network/covenant-of-mayors", "years-of-experience", 8, "exactly", "years", None),
    ("network/eurocities", "members", 200, "moreThan", "cities", None),
    ("network/eurocities", "countries", 38, "exactly", "countries", None),
    ("network/eurocities", "population-represented", 130_000_000, "about", "people", None),
    ("network/eurocities", "bodies", 6, "exactly", "thematic-forums", None),
    ("network/europe-direct", "members", 450, "moreThan", "information-centres", None),
    ("network/europe-direct", "countries", 28, "exactly", "eu-member-states", None),
    ("network/europe-direct", "members", 48, "exactly", "information-centres", "germany"),
    ("network/mayors-for-peace", "members", 7800, "moreThan", "cities-and-municipalities", None),
    ("network/mayors-for-peace", "countries", 163, "exactly", "countries", None),
    (
        "network/mayors-for-peace",
        "members",
        600,
        "moreThan",
        "cities-and-municipalities",
        "germany",
    ),
    ("network/cemr", "members", 57, "exactly", "national-associations", None),
    ("network/cemr", "countries", 41, "exactly", "countries", None),
    (
        "organization/rgre-german-section",
        "members",
        800,
        "about",
        "cities-municipalities-and-districts",
        None,
    ),
    ("network/strong-cities-network", "members", 100, "moreThan", "cities", None),
]


def page_quantities(data: Graph) -> list[URIRef]:
    return [
        q
        for q in data.subjects(RDF.type, NG.StatedQuantity)
        if (q, PROV.wasDerivedFrom, SOURCE) in data
    ]


@pytest.mark.parametrize("figure", PAGE_FIGURES, ids=lambda f: f"{f[0]}-{f[1]}-{f[2]}")
def test_page_figure(data: Graph, figure: tuple):
    subject, measure, value, bound, unit, spatial = figure
    matches = [
        q
        for q in page_quantities(data)
        if data.value(q, NG.quantityOf) == ID[subject]
        and data.value(q, NG.measure) == ID[f"measure/{measure}"]
        and data.value(q, SDO.value).toPython() == value
    ]
    assert len(matches) == 1, matches
    quantity = matches[0]
    number = single(data, quantity, SDO.value)
    assert number.datatype == XSD.integer
    assert single(data, quantity, NG.bound) == NG[bound]
    assert single(data, quantity, NG.unit) == ID[f"count-unit/{unit}"]
    assert data.value(quantity, DCTERMS.spatial) == (ID[f"place/{spatial}"] if spatial else None)


def test_covenant_more_than_7000(data: Graph):
    quantity = ID["quantity/covenant-of-mayors-members-2021"]
    assert single(data, quantity, NG.quantityOf) == network("covenant-of-mayors")
    value = single(data, quantity, SDO.value)
    assert value.datatype == XSD.integer
    assert value.toPython() == 7000
    assert single(data, quantity, NG.bound) == NG.moreThan


def test_page_figures_are_all_there_and_dated_about_2021(data: Graph):
    quantities = page_quantities(data)
    assert len(quantities) == len(PAGE_FIGURES)
    for quantity in quantities:
        date = single(data, quantity, DCTERMS.date)
        assert (str(date), date.datatype) == ("2021", XSD.gYear)
        assert single(data, quantity, NG.dateQualifier) == NG.about


def test_dated_figures_are_separate_observations_with_their_own_source(data: Graph):
    others = [
        q
        for q in data.subjects(RDF.type, NG.StatedQuantity)
        if (q, PROV.wasDerivedFrom, SOURCE) not in data
    ]
    assert others
    for quantity in others:
        source = single(data, quantity, PROV.wasDerivedFrom)
        assert (source, RDF.type, NG.SourceDocument) in data
        assert (source, DCTERMS.bibliographicCitation, None) in data
        assert (quantity, NG.sourcePassage, None) not in data
        assert (quantity, DCTERMS.date, None) in data or (quantity, DCTERMS.temporal, None) in data
    # the page's own figure for Germany stays next to the dated ones
    germany = [
        q
        for q in data.subjects(NG.quantityOf, network("europe-direct"))
        if data.value(q, DCTERMS.spatial) == ID["place/germany"]
    ]
    assert len(germany) == 3


# --- identifiers -------------------------------------------------------------------


def identifiers_from_tsv() -> tuple[set[URIRef], set[URIRef], set[str]]:
    same_as, homepages, keys = set(), set(), set()
    with IDENTIFIERS.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file, delimiter="\t"):
            if row["wikidata"]:
                same_as.add(URIRef(f"http://www.wikidata.org/entity/{row['wikidata']}"))
            if row["geonames"]:
                same_as.add(URIRef(f"https://sws.geonames.org/{row['geonames']}/"))
            if row["homepage"]:
                homepages.add(URIRef(row["homepage"]))
            match = re.search(r"Amtlicher Gemeindeschlüssel (\d{8})", row["note"] or "")
            if match:
                keys.add(match.group(1))
    return same_as, homepages, keys


def test_external_identifiers_come_from_identifiers_tsv(data: Graph):
    same_as, homepages, keys = identifiers_from_tsv()
    assert set(data.objects(None, SDO.sameAs)) == same_as
    assert set(data.objects(None, SDO.url)) == homepages
    assert {str(key) for key in data.objects(None, NG.municipalityKey)} == keys


@pytest.mark.parametrize(
    ("subject", "wikidata", "geonames", "key"),
    [
        ("city/duesseldorf", "Q1718", "2934246", "05111000"),
        ("city/hannover", "Q1715", "2910831", "03241001"),
        ("city/hiroshima", "Q34664", "1862415", None),
        ("city/montreal", "Q340", "6077243", None),
    ],
)
def test_city_identifiers(data: Graph, subject, wikidata, geonames, key):
    city = ID[subject]
    assert set(data.objects(city, SDO.sameAs)) == {
        URIRef(f"http://www.wikidata.org/entity/{wikidata}"),
        URIRef(f"https://sws.geonames.org/{geonames}/"),
    }
    assert [str(k) for k in data.objects(city, NG.municipalityKey)] == ([key] if key else [])


def test_no_identifier_where_identifiers_tsv_has_none(data: Graph):
    for slug in NETWORK_TYPES:
        assert (network(slug), SDO.sameAs, None) not in data


# --- vocabularies ------------------------------------------------------------------


def test_concepts_are_well_formed(data: Graph):
    schemes = {ID[f"scheme/{s}"] for s in ("topics", "roles", "measures", "count-units")}
    assert set(data.subjects(RDF.type, SKOS.ConceptScheme)) == schemes
    for concept in data.subjects(RDF.type, SKOS.Concept):
        assert single(data, concept, SKOS.inScheme) in schemes
        definitions = sorted(d.language for d in data.objects(concept, SKOS.definition))
        assert definitions == ["de", "en"], concept
        top = (concept, SKOS.topConceptOf, None) in data
        assert top != ((concept, SKOS.broader, None) in data), concept


@pytest.mark.parametrize(
    ("predicate", "scheme"),
    [
        (NG.topic, "topics"),
        (NG.bestPracticeTopic, "topics"),
        (ORG.role, "roles"),
        (NG.measure, "measures"),
        (NG.unit, "count-units"),
    ],
)
def test_values_come_from_their_scheme(data: Graph, predicate: URIRef, scheme: str):
    values = set(data.objects(None, predicate))
    assert values
    for value in values:
        assert (value, SKOS.inScheme, ID[f"scheme/{scheme}"]) in data, value
