"""``/``: a query page for people, rendered on the server.

The page is a plain HTML form (GET, so every result has a URL to share) with
an editor pre-filled with an example, a picker of the project's named queries,
and the results as a table. IRIs are shown by their label in the page's
language (skos:prefLabel, else rdfs:label; looked up in the same dataset right
after the query ran) and link to their resource page (``/id/…``, the dataset's
own IRIs) or else to a DESCRIBE of themselves. Everything is
rendered through Jinja with autoescaping, so no data string reaches the page
unescaped; the one script (``static/query.js``) only adds Ctrl+Enter and fills
the editor from the picker, and the page works without it.

The page speaks German or English (``?lang=``, else Accept-Language), like the
resource pages: its own words, the named queries' titles and descriptions
(``title@de``), and the labels in the answer. Error messages are the
endpoint's, in English.

A client that prefers a SPARQL or RDF format over HTML is sent to ``/sparql``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from time import perf_counter
from urllib.parse import urlencode

from flask import Blueprint, Response, get_template_attribute, render_template, request, url_for
from markupsafe import Markup
from rdflib import BNode, URIRef
from rdflib.namespace import SKOS, XSD

from netgraph.named_queries import NamedQuery
from netgraph.names import compact
from netgraph.namespaces import NG
from netgraph.sparql_protocol import (
    DESCRIPTION_FORMATS,
    HTML,
    SELECT_FORMATS,
    MediaFormat,
    ProtocolError,
    negotiate,
)
from netgraph.web.engine import TRUNCATED, bytes_cut, leading_within
from netgraph.web.evaluator import PageAnswer, current_pool
from netgraph.web.linked_data import LANGUAGES, page_language, resource_link
from netgraph.web.sparql import see_other
from netgraph.web.state import current

blueprint = Blueprint("query_page", __name__)

EXAMPLE = f"""\
PREFIX ng: <{NG}>
PREFIX skos: <{SKOS}>

# Every network and its name
SELECT ?network ?name
WHERE {{
    ?network a ng:Network ;
        skos:prefLabel ?name .
    FILTER (LANG(?name) = "en")
}}
ORDER BY ?name
"""
WORDS = {
    "en": {
        "endpoint": "Endpoint",
        "service_description": "service description",
        "languages": "Language",
        "named_query": "Named query",
        "own_query": "(your own query)",
        "load": "Load",
        "query": "SPARQL query",
        "run": "Run query",
        "hint": "Ctrl+Enter runs it. The project prefixes (ng:, id:, org:, skos: …) are "
        "declared for you; answers are limited to {rows} rows.",
        "answer": "Answer",
        "truncated": "The answer was cut at this endpoint's limit ({limit}): only part of it "
        "is shown. Narrow the query, or page through it with LIMIT and OFFSET.",
        "download": "Download:",
        "answered": "answered in {ms} ms",
        "counted": "{count} {unit} in {ms} ms",
        "SELECT": ("row", "rows"),
        "GRAPH": ("triple", "triples"),
    },
    "de": {
        "endpoint": "Endpunkt",
        "service_description": "Dienstbeschreibung",
        "languages": "Sprache",
        "named_query": "Benannte Abfrage",
        "own_query": "(eigene Abfrage)",
        "load": "Laden",
        "query": "SPARQL-Abfrage",
        "run": "Abfrage ausführen",
        "hint": "Strg+Enter führt sie aus. Die Präfixe des Projekts (ng:, id:, org:, skos: …) "
        "sind schon deklariert; Antworten haben höchstens {rows} Zeilen.",
        "answer": "Antwort",
        "truncated": "Die Antwort wurde an der Grenze dieses Endpunkts gekürzt ({limit}): "
        "nur ein Teil wird gezeigt. Grenzen Sie die Abfrage ein, oder blättern Sie mit "
        "LIMIT und OFFSET.",
        "download": "Herunterladen:",
        "answered": "beantwortet in {ms} ms",
        "counted": "{count} {unit} in {ms} ms",
        "SELECT": ("Zeile", "Zeilen"),
        "GRAPH": ("Tripel", "Tripel"),
    },
}
DOWNLOADS = {
    "SELECT": (("JSON", "json"), ("XML", "xml"), ("CSV", "csv"), ("TSV", "tsv")),
    "ASK": (("JSON", "json"), ("XML", "xml"), ("CSV", "csv"), ("TSV", "tsv")),
    "GRAPH": (
        ("Turtle", "turtle"),
        ("N-Triples", "nt"),
        ("JSON-LD", "jsonld"),
        ("RDF/XML", "rdfxml"),
        ("N-Quads", "nquads"),
        ("TriG", "trig"),
    ),
}


@dataclass(frozen=True)
class Cell:
    """One table cell, ready for the template (which escapes every field)."""

    text: str = ""
    kind: str = "empty"  # iri, literal, bnode, empty
    href: str | None = None
    title: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Table:
    form: str
    columns: list[str]
    rows: list[Markup]
    """Each row rendered (``query_row.html``), to be measured against the byte limit."""
    boolean: bool | None
    milliseconds: float
    downloads: list[tuple[str, str]]
    truncated: str | None = None

    def summary(self, words: dict) -> str:
        milliseconds = f"{self.milliseconds:.0f}"
        if self.form == "ASK":
            return words["answered"].format(ms=milliseconds)
        one, many = words["SELECT" if self.form == "SELECT" else "GRAPH"]
        unit = one if len(self.rows) == 1 else many
        return words["counted"].format(count=len(self.rows), unit=unit, ms=milliseconds)


@blueprint.route("/")
def page() -> Response:
    if _prefers_sparql():
        target = url_for("sparql.endpoint")
        if request.query_string:
            target += "?" + request.query_string.decode("latin-1")
        return see_other(target)
    netgraph = current()
    lang, _ = page_language()
    by_name = {query.name: query for query in netgraph.named_queries}
    selected = by_name.get(request.args.get("named", ""))
    text = request.args.get("query")
    if selected is not None and (text is None or "load" in request.args):
        text = selected.text
    run = text is not None and "load" not in request.args
    table, error, status = None, None, 200
    if run:
        try:
            table = _run(text, lang)
        except ProtocolError as failure:
            error, status = failure.message, failure.status
    html = render_template(
        "query.html",
        lang=lang,
        words=WORDS[lang],
        languages=LANGUAGES,
        query_text=EXAMPLE if text is None else text,
        named_queries=[_picker_entry(query, lang) for query in netgraph.named_queries],
        selected=selected.name if selected else "",
        selected_description=_described(selected, lang) if selected else "",
        table=table,
        error=error,
        endpoint=url_for("sparql.endpoint", _external=True),
        max_rows=netgraph.engine.max_rows,
    )
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    if table is not None and table.truncated:
        response.headers[TRUNCATED] = table.truncated
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def _prefers_sparql() -> bool:
    offers = (MediaFormat(HTML, "html"), *SELECT_FORMATS, *DESCRIPTION_FORMATS)
    chosen = negotiate(request.headers.get("Accept"), offers)
    return chosen is not None and chosen.media_type != HTML


def _run(text: str, lang: str) -> Table:
    started = perf_counter()
    # evaluated in the evaluation process, under the endpoint's limits (netgraph.web.evaluator)
    answer = current_pool().page(text, url_for("sparql.endpoint", _external=True), lang)
    columns, rows = _tabulate(answer)
    labels = answer.labels
    milliseconds = (perf_counter() - started) * 1000
    # The byte limit bounds the table's rows as sent (UTF-8 HTML); the rest of the page
    # (editor, named queries) is the same for every answer and not counted.
    result_row = get_template_attribute("query_row.html", "result_row")
    rendered = (result_row([_cell(term, labels, lang) for term in row]) for row in rows)
    limit = current().engine.max_bytes
    html_rows, cut = leading_within(rendered, _utf8_bytes, limit)
    kind = answer.form if answer.form in ("SELECT", "ASK") else "GRAPH"
    downloads = [
        (label, url_for("sparql.endpoint", query=text, format=name))
        for label, name in DOWNLOADS[kind]
    ]
    truncated = bytes_cut(limit) if cut else answer.truncated
    return Table(
        answer.form, columns, html_rows, answer.boolean, milliseconds, downloads, truncated
    )


def _utf8_bytes(html: str) -> int:
    return len(html.encode())


def _tabulate(answer: PageAnswer) -> tuple[list[str], Sequence[Sequence]]:
    if answer.form == "SELECT":
        return answer.variables, answer.rows
    if answer.form == "ASK":
        return [], []
    return ["subject", "predicate", "object"], answer.rows  # sorted by the evaluation process


def _cell(term, labels: dict[URIRef, str], lang: str) -> Cell:
    if term is None:
        return Cell()
    if isinstance(term, URIRef):
        # a dataset IRI links to its resource page; any other IRI to a DESCRIBE of itself
        describe = resource_link(term, lang) or url_for(
            "query_page.page", query=f"DESCRIBE <{term}>", lang=lang
        )
        return Cell(labels.get(term) or compact(term), "iri", describe, str(term))
    if isinstance(term, BNode):
        return Cell(f"_:{term}", "bnode")
    note = None
    if term.language:
        note = f"@{term.language}"
    elif term.datatype and term.datatype != XSD.string:
        note = compact(term.datatype)
    return Cell(str(term), "literal", note=note)


def _picker_entry(query: NamedQuery, lang: str) -> dict[str, str]:
    return {
        "name": query.name,
        "title": query.header.get(f"title@{lang}", query.title),
        "description": _described(query, lang),
        "text": query.text,
    }


def _described(query: NamedQuery, lang: str) -> str:
    return query.header.get(f"description@{lang}", query.description)


def language_link(lang: str) -> str:
    """The current page in another language."""
    args = {key: value for key, value in request.args.items() if key != "lang"}
    return "?" + urlencode({**args, "lang": lang})


@blueprint.app_context_processor
def _helpers() -> dict:
    return {"language_link": language_link}
