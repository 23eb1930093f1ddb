"""The named analyst queries in queries/ return exactly the answers the source page supports.

Every ``queries/*.rq`` is run in-process through the project's own query path
(``load_dataset`` + ``run_query``): the default graph is the union of ontology,
asserted data and the OWL RL inferences. Its rows are compared, in order, with
the table written out below for that file. The tables were written from
docs/sources/netzwerkarbeit-duesseldorf.txt (and, for later figures, from
docs/sources/dated-figures.md), not from the queries' output, so a change in
the data or the engine that alters an answer fails here.

Values are compared as plain Python values: IRIs as compact names
(``network:eccar``), labels and passages as ``en("…")`` / ``de("…")``,
dates with their datatype (``month("2016-11")`` is an xsd:gYearMonth), numbers
as ``int``, booleans as ``bool``, plain strings as ``str``, unbound as ``None``.
"""

import re
from pathlib import Path
from typing import NamedTuple

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from netgraph.named_queries import named_queries, read_named_query
from netgraph.namespaces import GRAPH_INFERRED, PREFIXES
from netgraph.project import Project
from netgraph.query import load_dataset, run_query

REPO_ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = REPO_ROOT / "queries"
PAGE = REPO_ROOT / "docs" / "sources" / "netzwerkarbeit-duesseldorf.txt"
QUERY_FILES = sorted(QUERIES_DIR.glob("*.rq"))


# --- plain values ---------------------------------------------------------------------------


class Lang(NamedTuple):
    text: str
    lang: str


class Typed(NamedTuple):
    lexical: str
    datatype: str


def en(text: str) -> Lang:
    return Lang(text, "en")


def de(text: str) -> Lang:
    return Lang(text, "de")


def year(lexical: str) -> Typed:
    return Typed(lexical, "xsd:gYear")


def month(lexical: str) -> Typed:
    return Typed(lexical, "xsd:gYearMonth")


def day(lexical: str) -> Typed:
    return Typed(lexical, "xsd:date")


_NAMESPACES = sorted(
    ((prefix, str(namespace)) for prefix, namespace in PREFIXES.items()),
    key=lambda item: len(item[1]),
    reverse=True,
)
_PYTHON_VALUED = {XSD.integer, XSD.decimal, XSD.boolean}


def name(iri: str) -> str:
    """``network:eccar`` for an IRI in a project namespace, else the IRI itself."""
    for prefix, namespace in _NAMESPACES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def plain(term):
    if term is None:
        return None
    if isinstance(term, URIRef):
        return name(str(term))
    if isinstance(term, Literal):
        if term.language:
            return Lang(str(term), term.language)
        if term.datatype is None or term.datatype == XSD.string:
            return str(term)
        if term.datatype in _PYTHON_VALUED:
            return term.toPython()
        return Typed(str(term), name(str(term.datatype)))
    raise AssertionError(f"unexpected term in a result: {term!r}")


class Expected(NamedTuple):
    columns: tuple[str, ...]
    rows: list[tuple]


# --- names that recur in the tables ---------------------------------------------------------

DUESSELDORF = "city:duesseldorf"
CDIA = "network:cdia"
CEMR = "network:cemr"
COVENANT = "network:covenant-of-mayors"
ECCAR = "network:eccar"
EUROCITIES = "network:eurocities"
EUROPE_DIRECT = "network:europe-direct"
GLOBAL_COVENANT = "network:global-covenant-of-mayors"
LIVING_TOGETHER = "network:living-together-observatory"
MAYORS_FOR_PEACE = "network:mayors-for-peace"
STRONG_CITIES = "network:strong-cities-network"
PAGE_SOURCE = "source:netzwerkarbeit-duesseldorf"

CDIA_EN = en("City Directors of International Affairs Network")
CEMR_EN = en("Council of European Municipalities and Regions")
COVENANT_EN = en("Covenant of Mayors for Climate & Energy")
ECCAR_EN = en("European Coalition of Cities Against Racism")
EUROCITIES_EN = en("EUROCITIES")
EUROPE_DIRECT_EN = en("EUROPE DIRECT network")
GLOBAL_COVENANT_EN = en("Global Covenant of Mayors for Climate & Energy")
LIVING_TOGETHER_EN = en("International Observatory of Mayors on Living Together")
MAYORS_FOR_PEACE_EN = en("Mayors for Peace")
STRONG_CITIES_EN = en("Strong Cities Network")
GERMAN_SECTION_EN = en("German Section of the Council of European Municipalities and Regions")
PAGE_EN = en("Network activities of the Office for International & European Affairs")

EQUALITY_OFFICE_EN = en("Equality Office")
ENVIRONMENT_OFFICE_EN = en("Office for Environmental and Consumer Protection")
INTERNATIONAL_OFFICE_EN = en("Office for International and European Affairs")

# The passages of the page the memberships rest on, verbatim.
INTRODUCTION = de(
    "Düsseldorf ist aktives Mitglied in einer Reihe von internationalen Netzwerken, "
    "die im folgenden vorgestellt werden (alphabetische Reihenfolge)."
)
COVENANT_LEAD = de(
    "Die Federführung in der Stadt Düsseldorf liegt beim Amt für Umwelt- und Verbraucherschutz."
)
EUROCITIES_COORDINATION = de(
    "Das Büro für Internationale und Europäische Angelegenheiten koordiniert die Mitarbeit "
    "der Landeshauptstadt, leitet Informationen an die Fachämter weiter und sorgt dafür, "
    "dass die Interessen der Landeshauptstadt auf die europäischer Ebene transportiert werden."
)
ECCAR_SINCE = de(
    "Düsseldorf ist seit November 2016 Teil der Europäischen Städtekoalition gegen Rassismus "
    "(ECCAR). Die Federführung liegt im städtischen Gleichstellungsbüro."
)
LIVING_TOGETHER_SINCE = de("Die Stadt Düsseldorf ist seit 2016 aktives Mitglied.")
LIVING_TOGETHER_PRACTICE = de(
    "Momentan ist Düsseldorf mit Best Practice Beispielen im Bereich „Migration“ und "
    "„Mobilität“ vertreten."
)
MAYORS_FOR_PEACE_SINCE = de(
    "Düsseldorf ist seit 2014 Mitglied und engagiert sich jedes Jahr mit einer Reihe von "
    "Aktionen wie z.B. dem Flaggentag."
)
STRONG_CITIES_SINCE = de("Düsseldorf ist seit 2018 Mitglied in dem Netzwerk.")

MEMBERS = en("number of members")
COUNTRIES = en("number of countries")
MORE_THAN = en("more than")
EXACTLY = en("exactly")
ABOUT = en("about")
GERMANY = en("Germany")
CITIES = en("cities")
INFORMATION_CENTRES = en("information centres")
NATIONAL_ASSOCIATIONS = en("national associations of local government")
CITIES_AND_MUNICIPALITIES = en("cities and municipalities")

# --- the expected answers, one per query file -----------------------------------------------

# The tables are laid out by hand, a row per line or two; the formatter would explode them.
# fmt: off
EXPECTED = {
    # The page presents nine networks, alphabetically, and says Düsseldorf is an active member
    # of each. Starts: ECCAR "seit November 2016", Living Together "seit 2016", Mayors for
    # Peace "seit 2014", SCN "seit 2018". Lead: "Federführung … beim Amt für Umwelt- und
    # Verbraucherschutz" (Covenant), "im städtischen Gleichstellungsbüro" (ECCAR); the Büro
    # "koordiniert die Mitarbeit" in EUROCITIES.
    "duesseldorf-memberships": Expected(
        ("network", "networkLabel", "kind", "start", "leadUnitLabel"),
        [
            (CDIA, CDIA_EN, en("peer network"), None, None),
            (CEMR, CEMR_EN, en("association of cities"), None, None),
            (COVENANT, COVENANT_EN, en("initiative or campaign"), None, ENVIRONMENT_OFFICE_EN),
            (EUROCITIES, EUROCITIES_EN, en("association of cities"), None, INTERNATIONAL_OFFICE_EN),
            (EUROPE_DIRECT, EUROPE_DIRECT_EN, en("information network"), None, None),
            (ECCAR, ECCAR_EN, en("coalition"), month("2016-11"), EQUALITY_OFFICE_EN),
            (LIVING_TOGETHER, LIVING_TOGETHER_EN, en("association of cities"), year("2016"), None),
            (MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, en("association of cities"), year("2014"),
             None),
            (STRONG_CITIES, STRONG_CITIES_EN, en("peer network"), year("2018"), None),
        ],
    ),
    "memberships-begun-in-2016": Expected(
        ("member", "memberLabel", "network", "networkLabel", "start", "leadUnitLabel"),
        [
            (DUESSELDORF, en("Düsseldorf"), LIVING_TOGETHER, LIVING_TOGETHER_EN, year("2016"),
             None),
            (DUESSELDORF, en("Düsseldorf"), ECCAR, ECCAR_EN, month("2016-11"), EQUALITY_OFFICE_EN),
        ],
    ),
    # "1982 durch den Bürgermeister von Hiroshima gegründet", "Das 1986 gegründete
    # Städtenetzwerk EUROCITIES", "wurde 2008 in Europa … gegründet", "bei der
    # Generalversammlung der Vereinten Nationen im September 2015 ins Leben gerufene";
    # CDIA "aus einer Initiative des German Marshall Funds entstanden"; the Observatory
    # "entstand als Folge der Living Together Konferenz 2015 in Montreal".
    "networks-by-founding-year": Expected(
        ("network", "networkLabel", "event", "eventKind", "date", "founderOrHostLabel",
         "placeLabel", "aroseFromLabel"),
        [
            (MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, "event:mayors-for-peace-founding",
             en("founding"), year("1982"), en("Mayor of Hiroshima"), None, None),
            (EUROCITIES, EUROCITIES_EN, "event:eurocities-founding",
             en("founding"), year("1986"), None, None, None),
            (COVENANT, COVENANT_EN, "event:covenant-of-mayors-founding",
             en("founding"), year("2008"), None, en("Europe"), None),
            (STRONG_CITIES, STRONG_CITIES_EN, "event:strong-cities-network-launch",
             en("launch"), month("2015-09"), en("United Nations General Assembly"), None, None),
            (CDIA, CDIA_EN, "event:cdia-founding",
             en("founding"), None, en("German Marshall Fund of the United States"), None, None),
            (LIVING_TOGETHER, LIVING_TOGETHER_EN, "event:living-together-observatory-founding",
             en("founding"), None, None, None, en("Living Together Conference 2015")),
        ],
    ),
    # The page: Covenant "mehr als 7.000 Kommunal- und Regionalverwaltungen"; EUROCITIES
    # "Mehr als 200 Städten"; EUROPE DIRECT "über 450 Informations- und Aktionszentren",
    # "Deutschlandweit … 48"; Mayors for Peace "über 7.800 Städte und Gemeinden", "In
    # Deutschland … über 600 Mitglieder"; CEMR "57 nationale Kommunalverbände", its German
    # section "rund 800 … Städten, Gemeinden und Landkreisen"; SCN "mehr als 100
    # Mitgliedsstädte". Later sources as listed in docs/sources/dated-figures.md.
    "stated-member-counts": Expected(
        ("fromSourcePage", "subject", "subjectLabel", "measureLabel", "scopeLabel", "value",
         "boundLabel", "unitLabel", "date", "dateQualifierLabel", "period", "sourceLabel"),
        [
            (True, CEMR, CEMR_EN, MEMBERS, None, 57, EXACTLY, NATIONAL_ASSOCIATIONS,
             year("2021"), ABOUT, None, PAGE_EN),
            (True, COVENANT, COVENANT_EN, MEMBERS, None, 7000, MORE_THAN,
             en("local and regional authorities"), year("2021"), ABOUT, None, PAGE_EN),
            (True, EUROCITIES, EUROCITIES_EN, MEMBERS, None, 200, MORE_THAN, CITIES,
             year("2021"), ABOUT, None, PAGE_EN),
            (True, EUROPE_DIRECT, EUROPE_DIRECT_EN, MEMBERS, None, 450, MORE_THAN,
             INFORMATION_CENTRES, year("2021"), ABOUT, None, PAGE_EN),
            (True, EUROPE_DIRECT, EUROPE_DIRECT_EN, MEMBERS, GERMANY, 48, EXACTLY,
             INFORMATION_CENTRES, year("2021"), ABOUT, None, PAGE_EN),
            (True, "organization:rgre-german-section", GERMAN_SECTION_EN, MEMBERS, None,
             800, ABOUT, en("cities, municipalities and districts"), year("2021"), ABOUT, None,
             PAGE_EN),
            (True, MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, MEMBERS, None, 7800, MORE_THAN,
             CITIES_AND_MUNICIPALITIES, year("2021"), ABOUT, None, PAGE_EN),
            (True, MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, MEMBERS, GERMANY, 600, MORE_THAN,
             CITIES_AND_MUNICIPALITIES, year("2021"), ABOUT, None, PAGE_EN),
            (True, STRONG_CITIES, STRONG_CITIES_EN, MEMBERS, None, 100, MORE_THAN, CITIES,
             year("2021"), ABOUT, None, PAGE_EN),
            (False, CDIA, CDIA_EN, MEMBERS, None, 80, MORE_THAN, CITIES, year("2020"), None,
             None, en("globalcitieshub.org")),
            (False, CEMR, CEMR_EN, MEMBERS, None, 60, EXACTLY, NATIONAL_ASSOCIATIONS,
             year("2025"), None, None, en("ccre-cemr.org/who-we-are")),
            (False, COVENANT, COVENANT_EN, MEMBERS, None, 8800, MORE_THAN, en("signatories"),
             year("2018"), None, None, en("energy-cities.eu")),
            (False, COVENANT, COVENANT_EN, MEMBERS, None, 9700, MORE_THAN, en("signatories"),
             day("2019-12-31"), None, None, en("eurocities.eu news")),
            (False, EUROPE_DIRECT, EUROPE_DIRECT_EN, MEMBERS, None, 424, ABOUT,
             INFORMATION_CENTRES, day("2021-05-01"), None, None,
             en("EC communication on the 2021-2025 generation")),
            (False, EUROPE_DIRECT, EUROPE_DIRECT_EN, MEMBERS, GERMANY, 41, EXACTLY,
             INFORMATION_CENTRES, None, None, "2018/2020", en("euranetplus.de")),
            (False, EUROPE_DIRECT, EUROPE_DIRECT_EN, MEMBERS, GERMANY, 48, EXACTLY,
             INFORMATION_CENTRES, day("2021-05-01"), None, None,
             en("EC representation in Germany press release")),
            (False, LIVING_TOGETHER, LIVING_TOGETHER_EN, en("number of founding members"), None,
             23, EXACTLY, CITIES, month("2016-06"), None, None,
             en("observatoirevivreensemble.org")),
            (False, LIVING_TOGETHER, LIVING_TOGETHER_EN, MEMBERS, None, 30, MORE_THAN, CITIES,
             month("2016-06"), None, None, en("observatoirevivreensemble.org")),
            (False, MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, MEMBERS, None, 7833, EXACTLY, CITIES,
             day("2019-10-01"), None, None, en("Mayors for Peace News Flash No. 118")),
            (False, MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, MEMBERS, None, 8256, EXACTLY, CITIES,
             month("2023-05"), None, None, en("hiroshimapeacemedia.jp")),
            (False, MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, MEMBERS, None, 8400, MORE_THAN,
             CITIES, year("2025"), None, None, en("mayorsforpeace.org")),
            (False, MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, MEMBERS, GERMANY, 900, EXACTLY,
             CITIES_AND_MUNICIPALITIES, day("2024-07-12"), None, None,
             en("report citing Großenseebach joining")),
            (False, STRONG_CITIES, STRONG_CITIES_EN, MEMBERS, None, 220, MORE_THAN, CITIES,
             year("2024"), None, None, en("isdglobal.org")),
        ],
    ),
    # Topics as the page names them per network, rolled up to the top concepts.
    "networks-by-topic": Expected(
        ("topic", "topicLabel", "network", "networkLabel", "statedTopicLabel"),
        [
            ("topic:culture", en("culture"), EUROCITIES, EUROCITIES_EN, en("culture")),
            ("topic:culture", en("culture"), ECCAR, ECCAR_EN, en("history and remembrance")),
            ("topic:discrimination", en("discrimination"), ECCAR, ECCAR_EN,
             en("antiracist education")),
            ("topic:discrimination", en("discrimination"), ECCAR, ECCAR_EN,
             en("discrimination")),
            ("topic:discrimination", en("discrimination"), ECCAR, ECCAR_EN, en("racism")),
            ("topic:economy", en("economy"), EUROCITIES, EUROCITIES_EN, en("economy")),
            ("topic:economy", en("economy"), ECCAR, ECCAR_EN, en("labour market")),
            ("topic:energy", en("energy"), COVENANT, COVENANT_EN, en("energy")),
            ("topic:environment", en("environment"), CEMR, CEMR_EN, en("climate")),
            ("topic:environment", en("environment"), COVENANT, COVENANT_EN, en("climate")),
            ("topic:environment", en("environment"), EUROCITIES, EUROCITIES_EN,
             en("environment")),
            ("topic:eu-affairs", en("EU affairs"), EUROPE_DIRECT, EUROPE_DIRECT_EN,
             en("citizens' rights in the European Union")),
            ("topic:eu-affairs", en("EU affairs"), EUROPE_DIRECT, EUROPE_DIRECT_EN,
             en("EU affairs")),
            ("topic:extremism", en("extremism"), ECCAR, ECCAR_EN, en("right-wing extremism")),
            ("topic:extremism", en("extremism"), STRONG_CITIES, STRONG_CITIES_EN,
             en("violent extremism")),
            ("topic:international-relations", en("international relations"), CDIA, CDIA_EN,
             en("international cooperation")),
            ("topic:international-relations", en("international relations"), CDIA, CDIA_EN,
             en("transatlantic relations")),
            ("topic:international-relations", en("international relations"), CEMR, CEMR_EN,
             en("town twinning")),
            ("topic:knowledge-society", en("knowledge society"), EUROCITIES, EUROCITIES_EN,
             en("knowledge society")),
            ("topic:democratic-values", en("liberal democratic values"), CDIA, CDIA_EN,
             en("liberal democratic values")),
            ("topic:migration", en("migration"), CEMR, CEMR_EN, en("integration")),
            ("topic:migration", en("migration"), LIVING_TOGETHER, LIVING_TOGETHER_EN,
             en("migration")),
            ("topic:mobility", en("mobility"), EUROCITIES, EUROCITIES_EN, en("mobility")),
            ("topic:mobility", en("mobility"), LIVING_TOGETHER, LIVING_TOGETHER_EN,
             en("mobility")),
            ("topic:mobility", en("mobility"), LIVING_TOGETHER, LIVING_TOGETHER_EN,
             en("population mobility")),
            ("topic:resilience", en("municipal resilience"), STRONG_CITIES, STRONG_CITIES_EN,
             en("municipal resilience")),
            ("topic:peace", en("peace"), MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN,
             en("nuclear disarmament")),
            ("topic:peace", en("peace"), MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, en("peace")),
            ("topic:regional-policy", en("regional policy"), CEMR, CEMR_EN,
             en("regional policy")),
            ("topic:services-of-general-interest", en("services of general interest"), CEMR,
             CEMR_EN, en("services of general interest")),
            ("topic:social-affairs", en("social affairs"), CEMR, CEMR_EN, en("equality")),
            ("topic:social-affairs", en("social affairs"), EUROCITIES, EUROCITIES_EN,
             en("social affairs")),
            ("topic:social-affairs", en("social affairs"), ECCAR, ECCAR_EN,
             en("antiracist education")),
            ("topic:social-affairs", en("social affairs"), ECCAR, ECCAR_EN, en("education")),
            ("topic:social-affairs", en("social affairs"), ECCAR, ECCAR_EN, en("health")),
            ("topic:social-affairs", en("social affairs"), ECCAR, ECCAR_EN, en("housing")),
            ("topic:social-affairs", en("social affairs"), LIVING_TOGETHER,
             LIVING_TOGETHER_EN, en("diversity")),
            ("topic:social-affairs", en("social affairs"), LIVING_TOGETHER,
             LIVING_TOGETHER_EN, en("living together")),
            ("topic:social-affairs", en("social affairs"), STRONG_CITIES, STRONG_CITIES_EN,
             en("social cohesion")),
            ("topic:urban-development", en("urban development"), LIVING_TOGETHER,
             LIVING_TOGETHER_EN, en("metropolisation")),
            ("topic:urban-development", en("urban development"), LIVING_TOGETHER,
             LIVING_TOGETHER_EN, en("population growth")),
        ],
    ),
    # "in sechs thematischen Foren … (Kultur, Umwelt, Wirtschaft, Wissensgesellschaft,
    # Mobilität und Soziales)"
    "eurocities-forums": Expected(
        ("forum", "forumLabel", "forumLabelDe", "topic", "topicLabel"),
        [
            ("body:eurocities-culture-forum", en("EUROCITIES Culture Forum"),
             de("EUROCITIES-Forum Kultur"), "topic:culture", en("culture")),
            ("body:eurocities-economy-forum", en("EUROCITIES Economy Forum"),
             de("EUROCITIES-Forum Wirtschaft"), "topic:economy", en("economy")),
            ("body:eurocities-environment-forum", en("EUROCITIES Environment Forum"),
             de("EUROCITIES-Forum Umwelt"), "topic:environment", en("environment")),
            ("body:eurocities-knowledge-society-forum", en("EUROCITIES Knowledge Society Forum"),
             de("EUROCITIES-Forum Wissensgesellschaft"), "topic:knowledge-society",
             en("knowledge society")),
            ("body:eurocities-mobility-forum", en("EUROCITIES Mobility Forum"),
             de("EUROCITIES-Forum Mobilität"), "topic:mobility", en("mobility")),
            ("body:eurocities-social-affairs-forum", en("EUROCITIES Social Affairs Forum"),
             de("EUROCITIES-Forum Soziales"), "topic:social-affairs", en("social affairs")),
        ],
    ),
    # EUROPE DIRECT is "das … Informationsnetzwerk der Europäischen Kommission", the
    # interface to "der EU", with the EUROPE DIRECT Düsseldorf centre in it; Mayors for
    # Peace was registered by ECOSOC in 1991; the CDIA arose from a GMF initiative; SCN was
    # launched at the UN General Assembly; the Global Covenant builds on the Covenant; CEMR's
    # German section and its members Städtetag, Landkreistag, Städte- und Gemeindebund.
    "organisations-related-to-network": Expected(
        ("network", "networkLabel", "relation", "organisation", "organisationLabel"),
        [
            (CDIA, CDIA_EN, "founder", "organization:german-marshall-fund",
             en("German Marshall Fund of the United States")),
            (CEMR, CEMR_EN, "member", "organization:rgre-german-section", GERMAN_SECTION_EN),
            (CEMR, CEMR_EN, "member of its national section",
             "organization:deutscher-staedtetag", en("Association of German Cities")),
            (CEMR, CEMR_EN, "member of its national section",
             "organization:deutscher-staedte-und-gemeindebund",
             en("German Association of Towns and Municipalities")),
            (CEMR, CEMR_EN, "member of its national section",
             "organization:deutscher-landkreistag", en("German County Association")),
            (CEMR, CEMR_EN, "national section", "organization:rgre-german-section",
             GERMAN_SECTION_EN),
            (COVENANT, COVENANT_EN, "built on by", GLOBAL_COVENANT, GLOBAL_COVENANT_EN),
            (EUROCITIES, EUROCITIES_EN, "thematic forum", "body:eurocities-culture-forum",
             en("EUROCITIES Culture Forum")),
            (EUROCITIES, EUROCITIES_EN, "thematic forum", "body:eurocities-economy-forum",
             en("EUROCITIES Economy Forum")),
            (EUROCITIES, EUROCITIES_EN, "thematic forum", "body:eurocities-environment-forum",
             en("EUROCITIES Environment Forum")),
            (EUROCITIES, EUROCITIES_EN, "thematic forum",
             "body:eurocities-knowledge-society-forum",
             en("EUROCITIES Knowledge Society Forum")),
            (EUROCITIES, EUROCITIES_EN, "thematic forum", "body:eurocities-mobility-forum",
             en("EUROCITIES Mobility Forum")),
            (EUROCITIES, EUROCITIES_EN, "thematic forum",
             "body:eurocities-social-affairs-forum", en("EUROCITIES Social Affairs Forum")),
            (EUROPE_DIRECT, EUROPE_DIRECT_EN, "linked to", "organization:european-union",
             en("European Union")),
            (EUROPE_DIRECT, EUROPE_DIRECT_EN, "member", "organization:europe-direct-duesseldorf",
             en("EUROPE DIRECT Düsseldorf")),
            (EUROPE_DIRECT, EUROPE_DIRECT_EN, "part of", "organization:european-commission",
             en("European Commission")),
            (ECCAR, ECCAR_EN, "working group", "body:eccar-research-working-group",
             en("ECCAR Research Working Group")),
            (GLOBAL_COVENANT, GLOBAL_COVENANT_EN, "builds on", COVENANT, COVENANT_EN),
            (MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, "founder", "post:hiroshima-mayor",
             en("Mayor of Hiroshima")),
            (MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, "linked to",
             "organization:united-nations-economic-and-social-council",
             en("United Nations Economic and Social Council")),
            (MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, "registrar",
             "organization:united-nations-economic-and-social-council",
             en("United Nations Economic and Social Council")),
            (STRONG_CITIES, STRONG_CITIES_EN, "launch host",
             "organization:united-nations-general-assembly",
             en("United Nations General Assembly")),
        ],
    ),
    "source-passage-for-fact": Expected(
        ("membership", "networkLabel", "passage", "source", "sourceLabel"),
        [
            ("membership:duesseldorf--cdia", CDIA_EN, INTRODUCTION, PAGE_SOURCE, PAGE_EN),
            ("membership:duesseldorf--cemr", CEMR_EN, INTRODUCTION, PAGE_SOURCE, PAGE_EN),
            ("membership:duesseldorf--covenant-of-mayors", COVENANT_EN, COVENANT_LEAD,
             PAGE_SOURCE, PAGE_EN),
            ("membership:duesseldorf--eurocities", EUROCITIES_EN, EUROCITIES_COORDINATION,
             PAGE_SOURCE, PAGE_EN),
            ("membership:duesseldorf--europe-direct", EUROPE_DIRECT_EN, INTRODUCTION,
             PAGE_SOURCE, PAGE_EN),
            ("membership:duesseldorf--eccar", ECCAR_EN, ECCAR_SINCE, PAGE_SOURCE, PAGE_EN),
            ("membership:duesseldorf--living-together-observatory", LIVING_TOGETHER_EN,
             LIVING_TOGETHER_SINCE, PAGE_SOURCE, PAGE_EN),
            ("membership:duesseldorf--living-together-observatory", LIVING_TOGETHER_EN,
             LIVING_TOGETHER_PRACTICE, PAGE_SOURCE, PAGE_EN),
            ("membership:duesseldorf--mayors-for-peace", MAYORS_FOR_PEACE_EN,
             MAYORS_FOR_PEACE_SINCE, PAGE_SOURCE, PAGE_EN),
            ("membership:duesseldorf--strong-cities-network", STRONG_CITIES_EN,
             STRONG_CITIES_SINCE, PAGE_SOURCE, PAGE_EN),
        ],
    ),
    # Acronyms as the page gives them: CDIA, ECCAR, SCN; CEMR in English (RGRE in German).
    "labels-with-language-fallback": Expected(
        ("network", "label", "labelLanguage", "acronym"),
        [
            (CDIA, CDIA_EN, "en", en("CDIA")),
            (CEMR, CEMR_EN, "en", en("CEMR")),
            (COVENANT, COVENANT_EN, "en", None),
            (EUROCITIES, EUROCITIES_EN, "en", None),
            (EUROPE_DIRECT, EUROPE_DIRECT_EN, "en", None),
            (ECCAR, ECCAR_EN, "en", en("ECCAR")),
            (GLOBAL_COVENANT, GLOBAL_COVENANT_EN, "en", None),
            (LIVING_TOGETHER, LIVING_TOGETHER_EN, "en", None),
            (MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, "en", None),
            (STRONG_CITIES, STRONG_CITIES_EN, "en", en("SCN")),
        ],
    ),
    "membership-timeline": Expected(
        ("start", "precision", "network", "networkLabel"),
        [
            (year("2014"), "year", MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN),
            (year("2016"), "year", LIVING_TOGETHER, LIVING_TOGETHER_EN),
            (month("2016-11"), "month", ECCAR, ECCAR_EN),
            (year("2018"), "year", STRONG_CITIES, STRONG_CITIES_EN),
            (None, None, CDIA, CDIA_EN),
            (None, None, CEMR, CEMR_EN),
            (None, None, COVENANT, COVENANT_EN),
            (None, None, EUROCITIES, EUROCITIES_EN),
            (None, None, EUROPE_DIRECT, EUROPE_DIRECT_EN),
        ],
    ),
    # Düsseldorf in all nine; "Die Landeshauptstadt Hannover ist eine der Vizepräsident- und
    # Exekutivstädte des Bündnisses"; "Das EUROPE DIRECT Düsseldorf gehört zum …
    # Informationsnetzwerk"; the German section and the "kommunalen Spitzenverbände … sind
    # ebenfalls Mitglieder der Deutschen Sektion des RGRE".
    "members-entailed-by-reasoning": Expected(
        ("member", "memberLabel", "organisation", "organisationLabel"),
        [
            ("organization:deutscher-staedtetag", en("Association of German Cities"),
             "organization:rgre-german-section", GERMAN_SECTION_EN),
            (DUESSELDORF, en("Düsseldorf"), CDIA, CDIA_EN),
            (DUESSELDORF, en("Düsseldorf"), CEMR, CEMR_EN),
            (DUESSELDORF, en("Düsseldorf"), COVENANT, COVENANT_EN),
            (DUESSELDORF, en("Düsseldorf"), EUROCITIES, EUROCITIES_EN),
            (DUESSELDORF, en("Düsseldorf"), EUROPE_DIRECT, EUROPE_DIRECT_EN),
            (DUESSELDORF, en("Düsseldorf"), ECCAR, ECCAR_EN),
            (DUESSELDORF, en("Düsseldorf"), LIVING_TOGETHER, LIVING_TOGETHER_EN),
            (DUESSELDORF, en("Düsseldorf"), MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN),
            (DUESSELDORF, en("Düsseldorf"), STRONG_CITIES, STRONG_CITIES_EN),
            ("organization:europe-direct-duesseldorf", en("EUROPE DIRECT Düsseldorf"),
             EUROPE_DIRECT, EUROPE_DIRECT_EN),
            ("organization:deutscher-staedte-und-gemeindebund",
             en("German Association of Towns and Municipalities"),
             "organization:rgre-german-section", GERMAN_SECTION_EN),
            ("organization:deutscher-landkreistag", en("German County Association"),
             "organization:rgre-german-section", GERMAN_SECTION_EN),
            ("organization:rgre-german-section", GERMAN_SECTION_EN, CEMR, CEMR_EN),
            ("city:hannover", en("Hanover"), MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN),
        ],
    ),
    "lead-units-and-their-networks": Expected(
        ("unit", "unitLabel", "unitLabelDe", "network", "networkLabel"),
        [
            ("unit:duesseldorf-gleichstellungsbuero", EQUALITY_OFFICE_EN,
             de("Gleichstellungsbüro"), ECCAR, ECCAR_EN),
            ("unit:duesseldorf-amt-fuer-umwelt-und-verbraucherschutz", ENVIRONMENT_OFFICE_EN,
             de("Amt für Umwelt- und Verbraucherschutz"), COVENANT, COVENANT_EN),
            ("unit:duesseldorf-buero-fuer-internationale-und-europaeische-angelegenheiten",
             INTERNATIONAL_OFFICE_EN, de("Büro für Internationale und Europäische Angelegenheiten"),
             EUROCITIES, EUROCITIES_EN),
        ],
    ),
    # Later figures (dated-figures.md) beside the page's: CEMR "57 nationale
    # Kommunalverbände aus 41 europäischen Ländern"; Covenant "mehr als 7.000"; EUROPE DIRECT
    # "über 450", "Deutschlandweit … 48"; Mayors for Peace "über 7.800 … aus 163 Ländern",
    # "In Deutschland … über 600"; SCN "mehr als 100"; nothing on the page for CDIA and the
    # Living Together Observatory.
    "quantities-from-later-sources": Expected(
        ("network", "networkLabel", "measureLabel", "scopeLabel", "laterDate", "laterPeriod",
         "laterValue", "laterBoundLabel", "laterUnitLabel", "laterSourceLabel", "pageValue",
         "pageBoundLabel", "pageUnitLabel"),
        [
            (CDIA, CDIA_EN, COUNTRIES, None, year("2020"), None, 25, MORE_THAN, en("countries"),
             en("globalcitieshub.org"), None, None, None),
            (CDIA, CDIA_EN, MEMBERS, None, year("2020"), None, 80, MORE_THAN, CITIES,
             en("globalcitieshub.org"), None, None, None),
            (CEMR, CEMR_EN, COUNTRIES, None, year("2025"), None, 41, EXACTLY, en("countries"),
             en("ccre-cemr.org/who-we-are"), 41, EXACTLY, en("countries")),
            (CEMR, CEMR_EN, MEMBERS, None, year("2025"), None, 60, EXACTLY, NATIONAL_ASSOCIATIONS,
             en("ccre-cemr.org/who-we-are"), 57, EXACTLY, NATIONAL_ASSOCIATIONS),
            (COVENANT, COVENANT_EN, MEMBERS, None, year("2018"), None, 8800, MORE_THAN,
             en("signatories"), en("energy-cities.eu"), 7000, MORE_THAN,
             en("local and regional authorities")),
            (COVENANT, COVENANT_EN, MEMBERS, None, day("2019-12-31"), None, 9700, MORE_THAN,
             en("signatories"), en("eurocities.eu news"), 7000, MORE_THAN,
             en("local and regional authorities")),
            (EUROPE_DIRECT, EUROPE_DIRECT_EN, MEMBERS, None, day("2021-05-01"), None, 424, ABOUT,
             INFORMATION_CENTRES, en("EC communication on the 2021-2025 generation"), 450,
             MORE_THAN, INFORMATION_CENTRES),
            (EUROPE_DIRECT, EUROPE_DIRECT_EN, MEMBERS, GERMANY, None, "2018/2020", 41, EXACTLY,
             INFORMATION_CENTRES, en("euranetplus.de"), 48, EXACTLY, INFORMATION_CENTRES),
            (EUROPE_DIRECT, EUROPE_DIRECT_EN, MEMBERS, GERMANY, day("2021-05-01"), None, 48,
             EXACTLY, INFORMATION_CENTRES, en("EC representation in Germany press release"), 48,
             EXACTLY, INFORMATION_CENTRES),
            (LIVING_TOGETHER, LIVING_TOGETHER_EN, en("number of founding members"), None,
             month("2016-06"), None, 23, EXACTLY, CITIES, en("observatoirevivreensemble.org"),
             None, None, None),
            (LIVING_TOGETHER, LIVING_TOGETHER_EN, MEMBERS, None, month("2016-06"), None, 30,
             MORE_THAN, CITIES, en("observatoirevivreensemble.org"), None, None, None),
            (MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, COUNTRIES, None, day("2019-10-01"), None, 163,
             EXACTLY, en("countries and regions"), en("Mayors for Peace News Flash No. 118"), 163,
             EXACTLY, en("countries")),
            (MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, COUNTRIES, None, month("2023-05"), None, 166,
             EXACTLY, en("countries and regions"), en("hiroshimapeacemedia.jp"), 163, EXACTLY,
             en("countries")),
            (MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, MEMBERS, None, day("2019-10-01"), None, 7833,
             EXACTLY, CITIES, en("Mayors for Peace News Flash No. 118"), 7800, MORE_THAN,
             CITIES_AND_MUNICIPALITIES),
            (MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, MEMBERS, None, month("2023-05"), None, 8256,
             EXACTLY, CITIES, en("hiroshimapeacemedia.jp"), 7800, MORE_THAN,
             CITIES_AND_MUNICIPALITIES),
            (MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, MEMBERS, None, year("2025"), None, 8400,
             MORE_THAN, CITIES, en("mayorsforpeace.org"), 7800, MORE_THAN,
             CITIES_AND_MUNICIPALITIES),
            (MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN, MEMBERS, GERMANY, day("2024-07-12"), None, 900,
             EXACTLY, CITIES_AND_MUNICIPALITIES, en("report citing Großenseebach joining"), 600,
             MORE_THAN, CITIES_AND_MUNICIPALITIES),
            (STRONG_CITIES, STRONG_CITIES_EN, MEMBERS, None, year("2024"), None, 220, MORE_THAN,
             CITIES, en("isdglobal.org"), 100, MORE_THAN, CITIES),
        ],
    ),
    # "Die Landeshauptstadt Hannover ist eine der Vizepräsident- und Exekutivstädte des
    # Bündnisses und Lead City für Deutschland."
    "roles-of-other-cities": Expected(
        ("city", "cityLabel", "network", "networkLabel", "role", "roleLabel", "broaderRoleLabel"),
        [
            ("city:hannover", en("Hanover"), MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN,
             "role:executive-city", en("executive city"), None),
            ("city:hannover", en("Hanover"), MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN,
             "role:lead-city-for-germany", en("lead city for Germany"), en("lead city")),
            ("city:hannover", en("Hanover"), MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN,
             "role:member", en("member"), None),
            ("city:hannover", en("Hanover"), MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN,
             "role:vice-president-city", en("vice-president city"), None),
        ],
    ),
    # 1982 founding, 1986 founding, "1991 … als Nichtregierungsorganisation registriert",
    # 2008 founding "in Europa", "Living Together Konferenz 2015 in Montreal", SCN launched
    # "im September 2015"; undated: the CDIA's and the Observatory's origins, the Flaggentag.
    "events-in-chronological-order": Expected(
        ("date", "event", "eventLabel", "eventKind", "networkLabel", "placeLabel", "agentLabel"),
        [
            (year("1982"), "event:mayors-for-peace-founding",
             en("Founding of Mayors for Peace"), en("founding"), MAYORS_FOR_PEACE_EN, None,
             en("Mayor of Hiroshima")),
            (year("1986"), "event:eurocities-founding", en("Founding of EUROCITIES"),
             en("founding"), EUROCITIES_EN, None, None),
            (year("1991"), "event:mayors-for-peace-ngo-registration",
             en("Registration of Mayors for Peace as a non-governmental organisation"),
             en("registration"), MAYORS_FOR_PEACE_EN, None,
             en("United Nations Economic and Social Council")),
            (year("2008"), "event:covenant-of-mayors-founding",
             en("Founding of the Covenant of Mayors"), en("founding"), COVENANT_EN, en("Europe"),
             None),
            (year("2015"), "event:living-together-conference-2015",
             en("Living Together Conference 2015"), en("conference"), LIVING_TOGETHER_EN,
             en("Montréal"), None),
            (month("2015-09"), "event:strong-cities-network-launch",
             en("Launch of the Strong Cities Network"), en("launch"), STRONG_CITIES_EN, None,
             en("United Nations General Assembly")),
            (None, "event:cdia-founding", en("Founding of the CDIA network"), en("founding"),
             CDIA_EN, None, en("German Marshall Fund of the United States")),
            (None, "event:living-together-observatory-founding",
             en("Founding of the International Observatory of Mayors on Living Together"),
             en("founding"), LIVING_TOGETHER_EN, None, None),
            (None, "event:mayors-for-peace-flag-day", en("Mayors for Peace Flag Day"),
             en("action"), MAYORS_FOR_PEACE_EN, None, None),
        ],
    ),
    "memberships-without-stated-start": Expected(
        ("network", "networkLabel", "passage"),
        [
            (CDIA, CDIA_EN, INTRODUCTION),
            (CEMR, CEMR_EN, INTRODUCTION),
            (COVENANT, COVENANT_EN, COVENANT_LEAD),
            (EUROCITIES, EUROCITIES_EN, EUROCITIES_COORDINATION),
            (EUROPE_DIRECT, EUROPE_DIRECT_EN, INTRODUCTION),
        ],
    ),
    # "Momentan ist Düsseldorf mit Best Practice Beispielen im Bereich „Migration“ und
    # „Mobilität“ vertreten."
    "best-practice-areas": Expected(
        ("memberLabel", "networkLabel", "topic", "topicLabel", "topicLabelDe"),
        [
            (en("Düsseldorf"), LIVING_TOGETHER_EN, "topic:migration", en("migration"),
             de("Migration")),
            (en("Düsseldorf"), LIVING_TOGETHER_EN, "topic:mobility", en("mobility"),
             de("Mobilität")),
        ],
    ),
    # CDIA "aus Städten in ganz Europa und Nordamerika"; CEMR "europaweite Organisation";
    # Covenant "in Europa gegründet"; EUROCITIES "auf europäischer Ebene"; ECCAR
    # "Europäische Städtekoalition"; EUROPE DIRECT "in allen 28 Mitgliedstaaten"; Mayors for
    # Peace "weltweite"; SCN "das erste globale Netzwerk"; the Global Covenant; the
    # Observatory only "ein internationales Netzwerk".
    "networks-by-geographic-scope": Expected(
        ("scopeLabel", "network", "networkLabel"),
        [
            (en("Europe"), CDIA, CDIA_EN),
            (en("Europe"), CEMR, CEMR_EN),
            (en("Europe"), COVENANT, COVENANT_EN),
            (en("Europe"), EUROCITIES, EUROCITIES_EN),
            (en("Europe"), ECCAR, ECCAR_EN),
            (en("North America"), CDIA, CDIA_EN),
            (en("territory of the European Union"), EUROPE_DIRECT, EUROPE_DIRECT_EN),
            (en("world"), GLOBAL_COVENANT, GLOBAL_COVENANT_EN),
            (en("world"), MAYORS_FOR_PEACE, MAYORS_FOR_PEACE_EN),
            (en("world"), STRONG_CITIES, STRONG_CITIES_EN),
            (None, LIVING_TOGETHER, LIVING_TOGETHER_EN),
        ],
    ),
}
# fmt: on


# --- running the queries --------------------------------------------------------------------


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """The current sources, loaded and reasoned in memory.

    ``load_dataset`` prefers a built ``dist/netgraph.trig``; pointing it at an empty folder
    makes it load ontology/ and data/ as they are now, so a stale build cannot hide a change.
    """
    return load_dataset(Project(REPO_ROOT), tmp_path_factory.mktemp("no-build"))


def answer(dataset, path: Path) -> tuple[tuple[str, ...], list[tuple]]:
    query = read_named_query(path)
    result = run_query(dataset, query.text, source=f"queries/{path.name}")
    if result.type == "ASK":
        return (), [(result.askAnswer,)]
    columns = tuple(str(variable) for variable in result.vars)
    return columns, [tuple(plain(term) for term in row) for row in result]


@pytest.mark.parametrize("path", QUERY_FILES, ids=[path.stem for path in QUERY_FILES])
def test_query_returns_exactly_the_expected_rows(dataset, path: Path):
    if path.stem not in EXPECTED:
        pytest.fail(f"queries/{path.name} has no expected rows in tests/test_queries.py")
    expected = EXPECTED[path.stem]
    columns, rows = answer(dataset, path)
    assert columns == expected.columns
    assert rows == expected.rows


def test_every_expected_answer_has_its_query_file():
    assert sorted(EXPECTED) == sorted(path.stem for path in QUERY_FILES)


@pytest.mark.parametrize("path", QUERY_FILES, ids=[path.stem for path in QUERY_FILES])
def test_query_header_says_what_the_query_is_for(path: Path):
    query = read_named_query(path)
    for key in ("title", "description", "expects"):
        assert query.header.get(key), f"queries/{path.name}: no '# {key}:' line in the header"
    # The German title; named_queries.py does not read it (yet), so look for the line itself.
    assert re.search(r"^# title@de: \S", query.text, re.MULTILINE), f"{path.name}: no title@de"
    # No PREFIX lines: the engine declares every project prefix.
    assert not re.search(r"^\s*PREFIX\b", query.text, re.MULTILINE | re.IGNORECASE)


@pytest.mark.parametrize("path", QUERY_FILES, ids=[path.stem for path in QUERY_FILES])
def test_expects_line_gives_the_row_count_of_the_expected_answer(path: Path):
    expects = read_named_query(path).expects
    match = re.match(r"(\d+) rows?\b", expects)
    assert match, f"queries/{path.name}: '# expects:' should begin with the row count"
    assert path.stem in EXPECTED, f"queries/{path.name} has no expected rows"
    assert int(match[1]) == len(EXPECTED[path.stem].rows)


@pytest.mark.parametrize("shortcut", ["ng:memberOf", "ng:leadsWorkIn"])
def test_the_shortcuts_the_queries_use_come_only_from_the_reasoner(dataset, shortcut: str):
    # members-entailed-by-reasoning and lead-units-and-their-networks show what the OWL RL
    # closure adds; that holds only while no data file asserts these shortcuts itself.
    text = f"SELECT DISTINCT ?graph WHERE {{ GRAPH ?graph {{ ?subject {shortcut} ?object }} }}"
    graphs = [plain(row[0]) for row in run_query(dataset, text)]
    assert graphs == [GRAPH_INFERRED]


def test_named_queries_lists_every_file():
    assert [query.name for query in named_queries(Project(REPO_ROOT))] == [
        path.stem for path in QUERY_FILES
    ]


def test_expected_passages_are_verbatim_from_the_page():
    page = re.sub(r"\s+", " ", PAGE.read_text(encoding="utf-8"))
    passages = {
        value
        for slug in ("source-passage-for-fact", "memberships-without-stated-start")
        for row in EXPECTED[slug].rows
        for value in row
        if isinstance(value, Lang) and value.lang == "de"
    }
    assert len(passages) == 8
    for passage in passages:
        assert passage.text in page, passage.text
