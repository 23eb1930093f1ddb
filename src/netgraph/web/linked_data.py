"""Dereferenceable IRIs: every IRI the dataset mints under the base answers a GET.

The persistent base ``https://w3id.org/netgraph/`` is mapped to whatever host
the service runs on in one place, :func:`iri_for_path` and its inverse
:func:`local_path`: the request path ``/id/network/eurocities`` is the IRI
``https://w3id.org/netgraph/id/network/eurocities``, ``/ontology`` the
ontology. A hash IRI (``…/membership/x--y#period``, ``…/ontology#Network``) is
described in the document its fragment belongs to.

Cool URIs pattern: direct content negotiation. The IRI itself answers 200 in
the representation the Accept header prefers, with ``Vary: Accept,
Accept-Language`` and ``Content-Location`` naming the format-specific document
(``….html``, ``….ttl``, ``….jsonld``, ``….nt``, ``….rdf``), which also answers
directly. No Accept header (or ``*/*``) gets Turtle, as ``/sparql`` gives its
machine format first; an Accept header nothing fits gets 406. Negotiation is
the protocol module's :func:`~netgraph.sparql_protocol.negotiate`.

A description lists at most ``NETGRAPH_MAX_INCOMING`` incoming links per
predicate (:mod:`netgraph.web.resource_view`); where it lists fewer than there
are, the response carries ``X-Netgraph-Truncated: incoming=N``, as the endpoint
marks a cut answer, and the page says so under the links, with a query for all.
"""

from threading import Lock
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from markupsafe import Markup
from rdflib import Dataset, Graph, URIRef

from netgraph.dataset_metadata import NAMED_GRAPHS, catalog_graph, void_graph
from netgraph.namespaces import BASE_IRI, GRAPH_DATA, ID, ONTOLOGY_IRI
from netgraph.sparql_protocol import (
    HTML,
    JSONLD,
    NTRIPLES,
    RDFXML,
    TURTLE,
    MediaFormat,
    negotiate,
    not_acceptable,
)
from netgraph.web import metadata, timeline
from netgraph.web.dumps import dump_files
from netgraph.web.engine import TRUNCATED
from netgraph.web.resource_view import (
    ONTOLOGY_WORDS,
    WORDS,
    Description,
    PageBuilder,
    ResourceIndex,
    document_of,
    ontology_groups,
)
from netgraph.web.results import Unrepresentable, write_graph
from netgraph.web.state import current

blueprint = Blueprint("linked_data", __name__)

LANGUAGES = ("en", "de")
HTML_FORMAT = MediaFormat(HTML, "html")
DOCUMENTS = {
    # extension: format of the document; in the order of the download links
    "html": HTML_FORMAT,
    "ttl": TURTLE,
    "jsonld": JSONLD,
    "nt": NTRIPLES,
    "rdf": RDFXML,
}
DOWNLOADS = (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf"))
OFFERS = (
    # The server's order: the first answers "*/*" or no Accept header at all.
    TURTLE,
    HTML_FORMAT,
    JSONLD,
    NTRIPLES,
    RDFXML,
    MediaFormat("application/xhtml+xml", "html"),
    MediaFormat("application/x-turtle", "turtle"),
    MediaFormat("application/json", "json-ld"),
    MediaFormat("text/plain", "nt"),
    MediaFormat("application/xml", "xml"),
    MediaFormat("text/xml", "xml"),
)
EXTENSION_OF = {"turtle": "ttl", "json-ld": "jsonld", "nt": "nt", "xml": "rdf", "html": "html"}
DATASET_SPACE = (*(f"{ID}{kind}/" for kind in ("dataset", "catalog", "service")), *NAMED_GRAPHS)
"""The dataset's own IRIs and its graph names (netgraph.dataset_metadata), described by its
VoID and DCAT."""
LONGEST_PATH = 2048
"""No IRI of the dataset is nearly this long; longer paths are 404 without a look-up."""


EXTENSION = "netgraph.linked_data"
_INDEX_LOCK = Lock()


def served_index() -> ResourceIndex:
    """The index of the dataset this application serves, built on first use."""
    with _INDEX_LOCK:
        index = current_app.extensions.get(EXTENSION)
        if index is None:
            index = current_app.extensions[EXTENSION] = _index(current().engine.dataset)
        return index


# --- The one mapping between IRIs and local paths ---------------------------------------


def iri_for_path(path: str) -> str:
    """``/id/network/eurocities`` → ``https://w3id.org/netgraph/id/network/eurocities``."""
    return BASE_IRI + path.lstrip("/")


def local_path(iri: str) -> str | None:
    """The local path (fragment kept) of ``iri``; None when it is not under the base."""
    if not iri.startswith(BASE_IRI):
        return None
    document, hash_, fragment = iri.partition("#")
    path = "/" + quote(document[len(BASE_IRI) :], safe="/:@-._~!$&'()*+,;=")
    return path + (hash_ + quote(fragment, safe="/:@-._~!$&'()*+,;=?") if hash_ else "")


def resource_link(iri, lang: str | None = None) -> str | None:
    """A link to the page of a dataset IRI on this service (None for IRIs it does not serve).

    Needs a request context: the link starts with the application's script root.
    """
    if not isinstance(iri, URIRef | str) or not str(iri).startswith(BASE_IRI):
        return None
    known = served_index().knows(document_of(str(iri)))
    if not known and not str(iri).startswith(DATASET_SPACE):  # VoID and DCAT: per request
        return None
    path = local_path(str(iri))
    document, hash_, fragment = path.partition("#")
    query = f"?{urlencode({'lang': lang})}" if lang else ""
    return f"{request.script_root}{document}{query}{hash_}{fragment}"


# --- Routes ------------------------------------------------------------------------------


@blueprint.route("/id/<path:rest>")
def resource(rest: str) -> Response:
    return _serve(f"/id/{rest}")


@blueprint.route("/graph/<path:rest>")
def named_graph(rest: str) -> Response:
    return _serve(f"/graph/{rest}")


@blueprint.route("/ontology")
def ontology() -> Response:
    return _serve("/ontology")


@blueprint.route("/ontology.<extension>")
def ontology_document(extension: str) -> Response:
    return _serve(f"/ontology.{extension}")


def _serve(path: str) -> Response:
    if len(path) > LONGEST_PATH:
        abort(404, "no such resource")
    index = _index_for(iri_for_path(path))
    document, extension = iri_for_path(path), None
    if not index.knows(document):
        stem, dot, suffix = path.rpartition(".")
        index = _index_for(iri_for_path(stem)) if dot and suffix in DOCUMENTS else index
        if not dot or suffix not in DOCUMENTS or not index.knows(iri_for_path(stem)):
            abort(404, "no such resource")
        document, extension = iri_for_path(stem), suffix
    if extension is None:
        offer = negotiate(request.headers.get("Accept"), OFFERS)
        if offer is None:
            error = not_acceptable("this resource", DOCUMENTS.values())
            abort(406, error.message)
        extension = EXTENSION_OF[offer.writer]
        response = _representation(index, document, extension)
        response.headers["Content-Location"] = _document_url(document, extension)
        response.headers["Vary"] = "Accept, Accept-Language"
    else:
        response = _representation(index, document, extension)
        if extension == "html":
            response.headers["Vary"] = "Accept-Language"
    return response


def _index_for(document: str) -> ResourceIndex:
    """The served dataset's index; for the dataset's own IRIs, that of its VoID and DCAT."""
    index = served_index()
    if index.knows(document) or not document.startswith(DATASET_SPACE):
        return index
    metadata = _metadata_index()
    return metadata if metadata is not None and metadata.knows(document) else index


def _metadata_index() -> ResourceIndex | None:
    """The VoID description and DCAT catalog (``netgraph.web.metadata``) as a small dataset.

    They are written per request, since they name the URLs the client used.
    """
    state = current_app.extensions.get(metadata.EXTENSION)
    if state is None:
        return None
    urls, dumps = metadata.request_urls(), dump_files()
    graph = void_graph(state.statistics, urls, dumps, state.source or Graph())
    if state.source is not None:
        graph += catalog_graph(state.statistics, urls, dumps, state.source)
    dataset = Dataset(default_union=True)
    dataset.graph(URIRef(GRAPH_DATA)).__iadd__(graph)
    return _index(dataset)


def _index(dataset: Dataset) -> ResourceIndex:
    """An index of ``dataset`` whose descriptions keep to the configured incoming links."""
    return ResourceIndex(dataset, int(current_app.config["NETGRAPH_MAX_INCOMING"]))


def _document_url(document: str, extension: str) -> str:
    return f"{request.script_root}{local_path(document)}.{extension}"


def _representation(index: ResourceIndex, document: str, extension: str) -> Response:
    description = index.describe(document)
    response = _document(index, description, extension)
    if description.cut:
        response.headers[TRUNCATED] = f"incoming={index.max_incoming}"
    return response


def _document(index: ResourceIndex, description: Description, extension: str) -> Response:
    if extension == "html":
        return _page(index, description)
    offer = DOCUMENTS[extension]
    graph = description.graph()
    try:
        body = write_graph(offer.writer, graph)
    except Unrepresentable as error:
        abort(406, f"this resource cannot be written as {offer.media_type}: {error}")
    if offer.writer == "nt":  # rdflib writes N-Triples in store order; sorted is stable
        lines = sorted(set(body.decode("utf-8").splitlines()) - {""})
        body = ("\n".join(lines) + "\n").encode("utf-8")
    response = Response(body, content_type=f"{offer.media_type}; charset=utf-8")
    response.headers["Access-Control-Expose-Headers"] = TRUNCATED
    return response


# --- Pages -----------------------------------------------------------------------------


def page_language() -> tuple[str, bool]:
    """The page language (``?lang=``, else Accept-Language, else English); True if explicit."""
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        return lang, True
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0], False


def _page(index: ResourceIndex, description: Description) -> Response:
    document = str(description.document)
    lang, explicit = page_language()
    link_lang = lang if explicit else None
    builder = PageBuilder(
        index,
        lang,
        lambda iri: resource_link(iri, link_lang),
        lambda text: url_for("query_page.page", query=text, lang=lang),
    )
    downloads = [(label, _document_url(document, ext)) for label, ext in DOWNLOADS]
    common = {
        "lang": lang,
        "languages": LANGUAGES,
        "downloads": downloads,
        "query_link": url_for("query_page.page", query=f"DESCRIBE <{document}>", lang=lang),
        "home_link": url_for("query_page.page", lang=lang),
        "iri": document,
    }
    page = builder.build(description)
    if document == ONTOLOGY_IRI:
        html = render_template(
            "ontology.html",
            page=page,
            groups=ontology_groups(builder),
            words=ONTOLOGY_WORDS[lang],
            page_words=WORDS[lang],
            **common,
        )
    else:
        picture = None
        if page.is_city:
            picture = Markup(timeline.render(page.timeline_rows, index.latest_year, lang))
        html = render_template(
            "resource.html", page=page, words=WORDS[lang], timeline=picture, **common
        )
    # The Content-Security-Policy and the other headers every HTML page gets are
    # added app-wide (netgraph.web.security.add_headers), as for the query page.
    return Response(html, content_type="text/html; charset=utf-8")


def language_switch(lang: str) -> str:
    """This page in another language (``?lang=``), other parameters kept."""
    args = {key: value for key, value in request.args.items() if key != "lang"}
    return "?" + urlencode({**args, "lang": lang})


@blueprint.app_context_processor
def _helpers() -> dict:
    return {"language_switch": language_switch}
