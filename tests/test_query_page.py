"""The query page at ``/``, rendered on the server (the browser test drives it for real)."""

import re
from html.parser import HTMLParser

import pytest
from rdflib import URIRef

from netgraph.names import compact
from netgraph.query import run_query

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
EUROCITIES = "https://w3id.org/netgraph/id/network/eurocities"


class _Page(HTMLParser):
    """The few things the tests read from a page: table cells, links, script and style sources."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[list[str]] = []
        self.headers: list[str] = []
        self.links: list[dict[str, str]] = []
        self.sources: list[str] = []
        self._cell: list[str] | None = None
        self._in_body = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a":
            self.links.append(attributes)
        elif tag == "script" and "src" in attributes:
            self.sources.append(attributes["src"])
        elif tag == "link":
            self.sources.append(attributes.get("href", ""))

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            (self.rows[-1] if tag == "td" else self.headers).append(text)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page(client, **params):
    response = client.get("/", query_string=params, headers={"Accept": BROWSER_ACCEPT})
    return response, _Page(response.data.decode())


def test_the_page_offers_an_example_and_every_named_query(client, app):
    response, _ = page(client)
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    html = response.data.decode()
    assert "SELECT ?network ?name" in html  # the example in the editor
    for named in app.extensions["netgraph"].named_queries:
        assert f'<option value="{named.name}" title=' in html
        assert f">{named.title.replace(chr(39), '&#39;')}</option>" in html


def test_a_named_query_link_runs_it_with_labels_for_iris(client, served_dataset):
    response, parsed = page(client, named="duesseldorf-memberships")
    assert response.status_code == 200
    named = next(
        q
        for q in client.application.extensions["netgraph"].named_queries
        if q.name == "duesseldorf-memberships"
    )
    expected = list(run_query(served_dataset, named.text))
    assert parsed.headers == [
        str(variable) for variable in run_query(served_dataset, named.text).vars
    ]
    assert len(parsed.rows) == len(expected)
    column = parsed.headers.index("networkLabel")
    assert [row[column].removesuffix(" @en") for row in parsed.rows] == [
        str(row.networkLabel) for row in expected
    ]
    # the network IRI column shows the label, links to its resource page and names the IRI
    network_column = parsed.headers.index("network")
    assert parsed.rows[0][network_column] == parsed.rows[0][column].removesuffix(" @en")
    describe = [
        link for link in parsed.links if link.get("title", "").startswith("https://w3id.org/")
    ]
    assert describe and all(link["href"].startswith("/id/network/") for link in describe)
    assert re.search(r'<p id="summary">\d+ rows in \d+ ms</p>', response.data.decode())


def test_labels_follow_the_page_language(client):
    query = "SELECT ?unit WHERE { ?unit a ng:Office } ORDER BY ?unit LIMIT 1"
    _, en = page(client, query=query, lang="en")
    _, de = page(client, query=query, lang="de")
    assert en.rows[0][0] != de.rows[0][0]  # the same office, named in English and in German
    german = client.get(
        "/", headers={"Accept": BROWSER_ACCEPT, "Accept-Language": "de-DE,de;q=0.9"}
    )
    assert '<html lang="de">' in german.data.decode()


def test_the_page_speaks_the_page_language(client):
    """Its own words, the summary and the named queries' titles, in German with lang=de."""
    query = "SELECT ?n WHERE { ?n a ng:Network } ORDER BY ?n LIMIT 2"
    de = client.get("/", query_string={"query": query, "lang": "de"}).data.decode()
    assert '<button type="submit" id="run">Abfrage ausführen</button>' in de
    assert '<label for="named-query">Benannte Abfrage</label>' in de
    assert re.search(r'<p id="summary">2 Zeilen in \d+ ms</p>', de)
    assert "Die thematischen Foren von EUROCITIES" in de  # title@de of a named query
    assert "höchstens 10000 Zeilen" in de
    assert "Run query" not in de and "rows in" not in de
    en = client.get("/", query_string={"query": query, "lang": "en"}).data.decode()
    assert '<button type="submit" id="run">Run query</button>' in en
    assert re.search(r'<p id="summary">2 rows in \d+ ms</p>', en)
    ask = client.get("/", query_string={"query": "ASK {}", "lang": "de"}).data.decode()
    assert re.search(r'<p id="summary">beantwortet in \d+ ms</p>', ask)
    one = client.get("/", query_string={"query": query.replace("2", "1"), "lang": "de"})
    assert re.search(r'<p id="summary">1 Zeile in \d+ ms</p>', one.data.decode())


def test_iris_without_label_are_shown_compact(client):
    iri = "https://w3id.org/netgraph/id/nothing-here"
    _, parsed = page(client, query=f"SELECT ?x WHERE {{ BIND (<{iri}> AS ?x) }}")
    assert parsed.rows == [[compact(URIRef(iri))]] == [["id:nothing-here"]]


def test_download_links_for_each_format_of_the_query_form(client):
    _, select = page(client, query="SELECT ?s WHERE { ?s a ng:Network } LIMIT 2")
    formats = {
        re.search(r"format=(\w+)", link["href"])[1]
        for link in select.links
        if "format=" in link.get("href", "")
    }
    assert {"json", "xml", "csv", "tsv"} <= formats
    _, construct = page(client, query="CONSTRUCT WHERE { ?s a ng:Network }")
    graph_formats = {
        re.search(r"format=(\w+)", link["href"])[1]
        for link in construct.links
        if "format=" in link.get("href", "")
    }
    assert {"turtle", "nt", "jsonld", "rdfxml", "nquads", "trig"} <= graph_formats
    download = next(link["href"] for link in select.links if "format=csv" in link.get("href", ""))
    answer = client.get(download)
    assert answer.status_code == 200
    assert answer.content_type == "text/csv; charset=utf-8"


def test_every_data_string_is_escaped(client):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    query = f"SELECT ?x WHERE {{ BIND ({_sparql_string(attack)} AS ?x) }}"
    response, parsed = page(client, query=query)
    html = response.data.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html
    assert parsed.rows == [[attack]]


def test_a_malformed_query_shows_the_parser_message(client):
    response, _ = page(client, query="SELECT ?x WHERE {")
    assert response.status_code == 400
    assert response.content_type == "text/html; charset=utf-8"
    assert re.search(
        r'<p id="error"[^>]*>malformed query, line 1, column \d+', response.data.decode()
    )


def test_ask_and_construct_render(client):
    response, _ = page(client, query="ASK { ?s a ng:Network }")
    assert '<p id="boolean" class="boolean">true</p>' in response.data.decode()
    _, construct = page(client, query="CONSTRUCT WHERE { ?s a ng:Network }")
    assert construct.headers == ["subject", "predicate", "object"]
    assert construct.rows


def test_the_page_works_offline_and_sets_a_strict_policy(client):
    response, parsed = page(client)
    assert all(source.startswith("/static/") for source in parsed.sources)
    assert not re.search(r'(src|href)="(https?:)?//', response.data.decode())
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'none'" in policy
    for asset, media_type in (("query.js", "text/javascript"), ("query.css", "text/css")):
        static = client.get(f"/static/{asset}")
        assert static.status_code == 200
        assert static.content_type.startswith(media_type)
        assert b"http://" not in static.data and b"https://" not in static.data


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "text/turtle", "application/ld+json"]
)
def test_non_html_clients_are_sent_to_the_endpoint(client, accept):
    response = client.get("/?query=ASK%20%7B%7D", headers={"Accept": accept})
    assert response.status_code == 303
    assert response.headers["Location"] == "/sparql?query=ASK%20%7B%7D"
    assert response.content_type == "text/plain; charset=utf-8"


def test_load_button_fills_the_editor_without_running(client):
    response, parsed = page(client, named="eurocities-forums", load="1")
    assert response.status_code == 200
    assert "The EUROCITIES thematic forums" in response.data.decode()
    assert 'id="results"' not in response.data.decode()
    assert parsed.rows == []


def _sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
