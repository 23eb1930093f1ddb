"""Dereferenceable IRIs: resource pages, RDF descriptions, the ontology, the timeline."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, TIME, XSD

from netgraph.namespaces import BASE_IRI, GRAPH_DATA, GRAPH_ONTOLOGY, NG, ONTOLOGY_IRI
from netgraph.web.linked_data import iri_for_path, local_path

ORG = Namespace("http://www.w3.org/ns/org#")
SVG = "{http://www.w3.org/2000/svg}"
EUROCITIES = URIRef(BASE_IRI + "id/network/eurocities")
DUESSELDORF = URIRef(BASE_IRI + "id/city/duesseldorf")


def path_of(iri: str) -> str:
    return urlsplit(local_path(iri)).path


def test_iri_and_path_map_both_ways():
    assert iri_for_path("/id/network/eurocities") == str(EUROCITIES)
    assert local_path(str(EUROCITIES)) == "/id/network/eurocities"
    assert iri_for_path("/ontology") == ONTOLOGY_IRI
    assert local_path(str(NG.Network)) == "/ontology#Network"
    period = BASE_IRI + "id/membership/duesseldorf--eccar#period"
    assert local_path(period) == "/id/membership/duesseldorf--eccar#period"
    assert local_path(GRAPH_DATA) == "/graph/data"
    assert local_path("https://example.org/x") is None


def test_a_network_is_described_with_labels_and_incoming_links(client):
    answer = client.get("/id/network/eurocities", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=answer.data, format="turtle")
    assert (EUROCITIES, SKOS.prefLabel, Literal("EUROCITIES", lang="en")) in graph
    assert (EUROCITIES, SKOS.hiddenLabel, Literal("EUROPCITIES", lang="de")) in graph
    assert (EUROCITIES, URIRef("https://schema.org/url"), URIRef("https://eurocities.eu")) in graph
    assert (EUROCITIES, RDF.type, NG.AssociationOfCities) in graph
    forum = URIRef(BASE_IRI + "id/body/eurocities-culture-forum")
    assert (forum, ORG.unitOf, EUROCITIES) in graph  # incoming
    label = Literal("EUROCITIES Culture Forum", lang="en")
    assert (forum, SKOS.prefLabel, label) in graph  # the label of what it links to
    forums = set(graph.subjects(ORG.unitOf, EUROCITIES))
    assert len(forums) == 6
    # inferred triples are part of the description too (the union, as /sparql answers)
    assert (EUROCITIES, ORG.hasMember, DUESSELDORF) in graph
    # nothing about unrelated resources
    assert not set(graph.triples((DUESSELDORF, SKOS.altLabel, None)))


def test_hash_sub_resources_are_described_in_their_document(client):
    membership = BASE_IRI + "id/membership/duesseldorf--eccar"
    answer = client.get("/id/membership/duesseldorf--eccar.ttl")
    assert answer.status_code == 200
    graph = Graph().parse(data=answer.data, format="turtle")
    start = URIRef(membership + "#start")
    assert (URIRef(membership + "#period"), TIME.hasBeginning, start) in graph
    assert (start, TIME.inXSDgYearMonth, Literal("2016-11", datatype=XSD.gYearMonth)) in graph
    page = client.get("/id/membership/duesseldorf--eccar.html?lang=en").data.decode()
    assert 'id="period"' in page and 'id="start"' in page
    # pages link to hash IRIs by their local path, fragment kept
    assert 'href="/id/membership/duesseldorf--eccar?lang=en#period"' in page


def test_negotiation_headers_and_format_documents(client):
    answer = client.get("/id/network/eurocities", headers={"Accept": "application/ld+json"})
    assert answer.headers["Vary"] == "Accept, Accept-Language"
    assert answer.headers["Content-Location"] == "/id/network/eurocities.jsonld"
    direct = client.get("/id/network/eurocities.jsonld")
    assert direct.data == answer.data
    assert direct.mimetype == "application/ld+json"
    assert "Accept" not in direct.headers.get("Vary", "")
    # no Accept header, or */*: Turtle, as /sparql answers machines first
    for headers in ({}, {"Accept": "*/*"}):
        plain = client.get("/id/network/eurocities", headers=headers)
        assert plain.mimetype == "text/turtle"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get("/id/network/eurocities", headers={"Accept": browser}).mimetype == "text/html"
    assert client.get("/ontology", headers={"Accept": "text/turtle"}).headers[
        "Content-Location"
    ] == ("/ontology.ttl")
    assert client.get("/id/city/duesseldorf.nt").headers["Access-Control-Allow-Origin"] == "*"


def test_serialisations_are_stable(client):
    first = client.get("/ontology.nt").data
    assert first == client.get("/ontology.nt").data
    lines = first.decode().splitlines()
    assert lines == sorted(lines)
    blank = set(re.findall(r"_:\S+", first.decode()))
    assert blank and all(re.fullmatch(r"_:b\d+", label) for label in blank)
    turtle = client.get("/id/network/eurocities.ttl").data
    assert turtle == client.get("/id/network/eurocities", headers={"Accept": "text/turtle"}).data


def test_unknown_iris_and_unacceptable_formats(client):
    answer = client.get("/id/network/no-such-network", headers={"Accept": "text/html"})
    assert answer.status_code == 404
    assert answer.mimetype == "text/plain"
    assert len(answer.data) < 100
    assert client.get("/id/network/eurocities.exe").status_code == 404
    refused = client.get("/id/network/eurocities", headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert refused.mimetype == "text/plain"
    assert b"text/turtle" in refused.data
    assert client.post("/id/network/eurocities").status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/id/../../etc/passwd",
        "/id/%2e%2e/%2e%2e/etc/passwd",
        "/id/network/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/id/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/id/..%5c..%5cetc%5cpasswd",
        "/ontology/../pyproject.toml",
        "/ontology.%2e%2e",
        "/id/network/eurocities%00.ttl",
        "/id/%00",
        "/id/network/%ff%fe",
        "/id/network/eurocities.ttl.ttl",
        "/id/network/eurocities/",
        "/id/network/<script>",
        "/id/network/eurocities%23period",
        "/id/" + "a" * 5000,
        "/id/" + "a/" * 3000 + ".ttl",
        "/id/ﬁ/ü/😀",
    ],
)
def test_bad_paths_are_never_an_error_and_never_a_file(client, path):
    for accept in ("text/html", "text/turtle", "*/*"):
        answer = client.get(path, headers={"Accept": accept})
        assert answer.status_code in (404, 308), (path, answer.status_code)
        body = answer.data.decode("utf-8", "replace")
        assert "root:" not in body and "[project]" not in body


def test_the_ontology_page_documents_every_term(client, served_dataset):
    page = client.get("/ontology", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert page.status_code == 200
    html = page.data.decode()
    assert 'id="Network"' in html
    network = html[html.index('id="Network"') :]
    network = network[: network.index("</article>")]
    for text in (
        "Netzwerk",
        "network",
        "Ein auf Dauer angelegter Zusammenschluss",
        "A lasting collaboration in which cities",
        "OrganizationalCollaboration",
    ):
        assert text in network
    chain = html[html.index('id="memberOf"') :]
    chain = chain[: chain.index("</article>")]
    assert "Property chain" in chain and "hasMembership" in chain
    inverse = html[html.index('id="leadUnit"') :]
    assert "leadsMembership" in inverse[: inverse.index("</article>")]
    terms = {
        str(s)[len(ONTOLOGY_IRI) + 1 :]
        for s in served_dataset.graph(URIRef(GRAPH_ONTOLOGY)).subjects()
        if isinstance(s, URIRef) and s.startswith(ONTOLOGY_IRI + "#")
    }
    assert terms and all(f'id="{term}"' in html for term in terms)
    # anchors come alphabetically within each kind
    classes = html[html.index('id="group-class"') : html.index('id="group-object_property"')]
    names = re.findall(r'<article class="term" id="([^"]+)"', classes)
    assert names == sorted(names, key=str.casefold)

    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.data, format="turtle")
    assert (NG.Network, RDF.type, OWL.Class) in graph
    assert (NG.Network, RDFS.label, Literal("Netzwerk", lang="de")) in graph
    assert (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in graph


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_stated_quantities_in_the_page_language(client):
    german = client.get("/id/network/covenant-of-mayors", headers={"Accept-Language": "de"})
    german = client.get(
        "/id/network/covenant-of-mayors",
        headers={"Accept": "text/html", "Accept-Language": "de-DE,de;q=0.9,en;q=0.5"},
    )
    text = _text(german.data.decode())
    assert '<html lang="de">' in german.data.decode()
    assert "mehr als 7.000" in text
    assert "Stand: etwa 2021" in text
    assert "Stand: 31. Dezember 2019" in text
    english = client.get("/id/network/covenant-of-mayors.html?lang=en")
    text = _text(english.data.decode())
    assert "more than 7,000" in text and "as of about 2021" in text
    assert "mehr als 7.000" not in text
    # ?lang= wins over Accept-Language, and links keep it
    chosen = client.get(
        "/id/network/covenant-of-mayors?lang=en",
        headers={"Accept": "text/html", "Accept-Language": "de"},
    ).data.decode()
    assert "more than 7,000" in _text(chosen)
    assert 'href="/id/city/duesseldorf?lang=en"' in chosen
    period = client.get("/id/network/europe-direct.html?lang=de").data.decode()
    assert "Zeitraum: 2018\u20132020" in _text(period)


def test_the_page_shows_sources_and_links_within_the_service(client):
    html = client.get("/id/network/eccar.html?lang=de").data.decode()
    assert "Bei den öffentlichen Gesamtkonferenzen" in html  # the source passage
    assert 'href="/id/source/netzwerkarbeit-duesseldorf?lang=de"' in html
    assert "Netzwerkarbeit des Büros für Internationale &amp; Europäische Angelegenheiten" in html
    assert "Europäische Städtekoalition gegen Rassismus" in html
    assert "räumlicher Wirkungsbereich" in html  # property by its label
    assert 'href="/id/place/europe?lang=de"' in html
    assert 'href="/id/network/eccar.ttl"' in html  # downloads
    assert "DESCRIBE" in html  # link to the query page
    assert 'href="https://www.eccar.info"' in html  # other IRIs link out, by name
    # but nothing is loaded from elsewhere
    assert not re.search(r'src="(https?:)?//', html)
    assert not re.search(r'<link[^>]+href="(https?:)?//', html)


def test_html_pages_get_the_query_pages_security_headers(client):
    page = client.get("/id/network/eccar.html")
    query_page = client.get("/")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Content-Security-Policy"] == query_page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def _timeline(html: str) -> ET.Element:
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg, "no inline SVG"
    return ET.fromstring(svg.group(0))


def test_duesseldorf_has_a_timeline_of_its_memberships(client):
    html = client.get("/id/city/duesseldorf", headers={"Accept": "text/html"}).data.decode()
    svg = _timeline(html)
    rows = [g for g in svg.iter(f"{SVG}g") if "membership" in g.get("class", "")]
    assert len(rows) == 9
    dated = [row for row in rows if "dated" in row.get("class").split()]
    undated = [row for row in rows if "undated" in row.get("class").split()]
    assert len(dated) == 4 and len(undated) == 5
    eccar = next(row for row in rows if "Racism" in "".join(row.itertext()))
    bar = eccar.find(f"{SVG}rect")
    assert bar.get("data-start") == "2016-11"
    assert "since November 2016" in "".join(eccar.itertext())
    assert all(row.find(f"{SVG}rect") is None for row in undated)
    assert all("since: not stated" in "".join(row.itertext()) for row in undated)
    german = _timeline(client.get("/id/city/duesseldorf.html?lang=de").data.decode())
    texts = "".join(german.itertext())
    assert "Europäische Städtekoalition gegen Rassismus" in texts
    assert "seit November 2016" in texts and "seit: nicht angegeben" in texts
    # deterministic: the end is the dataset's latest year, not today
    assert html == client.get("/id/city/duesseldorf", headers={"Accept": "text/html"}).data.decode()


EVIL = "<script>alert(1)</script>"


@pytest.fixture
def evil_client():
    """A tiny dataset whose labels try to inject markup into pages and the timeline."""
    from netgraph.web import create_app
    from netgraph.web.evaluator import EXTENSION

    base = Namespace(BASE_IRI + "id/")
    dataset = Dataset(default_union=True)
    data = dataset.graph(URIRef(GRAPH_DATA))
    city, network = base["city/evil"], base["network/evil"]
    membership = base["membership/evil--evil"]
    data.add((city, RDF.type, NG.City))
    data.add((city, SKOS.prefLabel, Literal(EVIL, lang="en")))
    data.add((city, DCTERMS.description, Literal(f'"><img src=x onerror=alert(2)> {EVIL}')))
    data.add((network, RDF.type, NG.Network))
    data.add((network, SKOS.prefLabel, Literal(f"Net & {EVIL}\x01", lang="en")))
    data.add((membership, ORG.member, city))
    data.add((membership, ORG.organization, network))
    period, start = URIRef(membership + "#period"), URIRef(membership + "#start")
    data.add((membership, ORG.memberDuring, period))
    data.add((period, TIME.hasBeginning, start))
    data.add((start, TIME.inXSDgYear, Literal("2019", datatype=XSD.gYear)))
    app = create_app({"TESTING": True, "NETGRAPH_DATASET": dataset})
    try:
        yield app.test_client()
    finally:
        app.extensions[EXTENSION].close()


def test_data_strings_are_escaped_in_pages_and_in_the_svg(evil_client):
    html = evil_client.get("/id/city/evil.html?lang=en").data.decode()
    assert EVIL not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    svg = _timeline(html)
    texts = "".join(svg.itertext())
    assert EVIL in texts  # as text, after XML parsing
    assert "Net & " in texts
    assert [r.get("data-start") for r in svg.iter(f"{SVG}rect")] == ["2019"]
    network = evil_client.get("/id/network/evil.html").data.decode()
    assert EVIL not in network and "&lt;script&gt;" in network


def test_query_results_link_to_resource_pages(client):
    query = "SELECT ?n WHERE { ?n a ng:Network } ORDER BY ?n LIMIT 2"
    html = client.get("/", query_string={"query": query, "lang": "de"}).data.decode()
    assert 'href="/id/network/' in html and "lang=de" in html
    other = client.get("/", query_string={"query": "SELECT ?t WHERE { BIND(owl:Thing AS ?t) }"})
    assert "DESCRIBE" in other.data.decode()


SOURCE = URIRef(BASE_IRI + "id/source/netzwerkarbeit-duesseldorf")
PROV = Namespace("http://www.w3.org/ns/prov#")
CUT = re.compile(r'<p class="cut"><a href="([^"]+)">([^<]+)</a></p>')


def test_incoming_links_are_cut_per_predicate_and_marked(make_app, served_dataset):
    """A description lists at most NETGRAPH_MAX_INCOMING links per predicate, says so,
    and links a query that lists them all; outgoing triples are never cut."""
    derived = sorted(s for s in served_dataset.subjects(PROV.wasDerivedFrom, SOURCE))
    assert len(derived) == 91  # every fact's resource names the source page
    client = make_app(NETGRAPH_MAX_INCOMING=5).test_client()
    answer = client.get(path_of(SOURCE), headers={"Accept": "text/turtle"})
    assert (answer.status_code, answer.headers["X-Netgraph-Truncated"]) == (200, "incoming=5")
    assert "X-Netgraph-Truncated" in answer.headers["Access-Control-Expose-Headers"]
    graph = Graph().parse(data=answer.data, format="turtle")
    assert sorted(graph.subjects(PROV.wasDerivedFrom, SOURCE)) == derived[:5]  # the first
    assert len(set(graph.subjects(PROV.wasInfluencedBy, SOURCE))) == 5  # inferred: cut too
    assert set(graph.triples((SOURCE, None, None))) == set(
        served_dataset.triples((SOURCE, None, None))
    )

    page = client.get(path_of(SOURCE) + ".html", query_string={"lang": "de"})
    assert page.headers["X-Netgraph-Truncated"] == "incoming=5"
    notices = CUT.findall(page.data.decode())
    # one for the asserted links, one for the inferred prov:wasInfluencedBy
    assert [text for _, text in notices] == [
        "Die ersten 5 von 91; alle in einer SPARQL-Abfrage",
        "Die ersten 5 von 91; alle in einer SPARQL-Abfrage",
    ]
    link = urlsplit(notices[0][0].replace("&amp;", "&"))
    assert link.path == "/"
    query = parse_qs(link.query)["query"][0]
    rows = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "text/csv"}
    ).data.decode()
    assert rows.split()[1:] == [str(subject) for subject in derived]


def test_descriptions_of_the_real_data_are_whole(client):
    """The default limit (500) is far above the real data's most linked-to resource."""
    answer = client.get(path_of(SOURCE), headers={"Accept": "text/turtle"})
    assert "X-Netgraph-Truncated" not in answer.headers
    graph = Graph().parse(data=answer.data, format="turtle")
    assert len(set(graph.subjects(PROV.wasDerivedFrom, SOURCE))) == 91
    assert 'class="cut"' not in client.get(path_of(SOURCE) + ".html").data.decode()


def test_the_dataset_itself_is_dereferenceable(client):
    dataset = URIRef(BASE_IRI + "id/dataset/netgraph")
    answer = client.get("/id/dataset/netgraph", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    assert answer.headers["Content-Location"] == "/id/dataset/netgraph.ttl"
    graph = Graph().parse(data=answer.data, format="turtle")
    assert (dataset, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")) in graph
    assert client.get("/id/dataset/netgraph.html").status_code == 200
    assert client.get("/id/catalog/netgraph", headers={"Accept": "text/html"}).status_code == 200
    # the named graphs, by their names, also when no build (and so no dump) is served
    assert client.get("/graph/inferred", headers={"Accept": "text/html"}).status_code == 200
    assert client.get("/id/dataset/no-such-thing").status_code == 404


def test_links_and_locations_name_no_host(client):
    """The service may run on any host and port: it never writes the host into links."""
    answer = client.get(
        "/id/network/eccar", headers={"Accept": "text/html"}, base_url="http://example.test:8080"
    )
    assert answer.headers["Content-Location"] == "/id/network/eccar.html"
    assert "example.test" not in answer.data.decode()
    assert 'href="/id/place/europe"' in answer.data.decode()


@pytest.mark.parametrize("header", ["{bare}", '{etag} "x"', '"unterminated', 'W/ "x"', "\x01"])
def test_a_malformed_if_none_match_on_a_resource_is_ignored(client, header):
    first = client.get("/id/network/eccar", headers={"Accept": "text/turtle"})
    etag = first.headers["ETag"]
    value = header.format(etag=etag, bare=etag.strip('"'))
    again = client.get(
        "/id/network/eccar", headers={"Accept": "text/turtle", "If-None-Match": value}
    )
    assert again.status_code == 200
    assert again.data == first.data
    revalidated = client.get(
        "/id/network/eccar", headers={"Accept": "text/turtle", "If-None-Match": etag}
    )
    assert revalidated.status_code == 304


def test_raw_paths_on_a_running_server(served_dataset):
    """waitress passes paths on as sent (no client normalises them here): still only 404s."""
    import http.client

    from netgraph.web import create_app
    from netgraph.web.evaluator import EXTENSION
    from netgraph.web.server import running_server

    app = create_app({"NETGRAPH_DATASET": served_dataset})
    try:
        with running_server(app) as url:
            host, port = urlsplit(url).hostname, urlsplit(url).port
            for path in (
                "/id/../../etc/passwd",
                "/id/%2e%2e/%2e%2e/etc/passwd",
                "/id/..%2f..%2fpyproject.toml",
                "/ontology/../../../etc/passwd",
                "/id/network/eurocities/../../../../etc/passwd",
                "/id/%c0%ae%c0%ae/etc/passwd",
            ):
                connection = http.client.HTTPConnection(host, port, timeout=10)
                connection.request("GET", path, headers={"Accept": "text/turtle"})
                answer = connection.getresponse()
                body = answer.read()
                connection.close()
                assert answer.status == 404, (path, answer.status)
                assert b"root:" not in body
            connection = http.client.HTTPConnection(host, port, timeout=10)
            connection.request("HEAD", "/id/network/eurocities", headers={"Accept": "text/html"})
            head = connection.getresponse()
            assert head.status == 200 and head.read() == b""
            assert head.getheader("Content-Location") == "/id/network/eurocities.html"
            connection.close()
    finally:
        app.extensions[EXTENSION].close()
