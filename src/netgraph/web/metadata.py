"""``/.well-known/void`` and ``/catalog``: the dataset described in VoID and in DCAT.

The statistics are those the build kept beside its store, read at start-up, or
else counted once, when first asked for, from the dataset being served (by
Oxigraph, :func:`netgraph.dataset_metadata.statistics`); the
documents are written per request, because their URLs (endpoint, dumps,
catalog) name the host the client used, like the service description does.
Both are offered as Turtle, JSON-LD, RDF/XML and N-Triples by content
negotiation, and are byte-stable for the same request.

The catalog comes in two application profiles (``netgraph.dataset_metadata.PROFILES``),
chosen by W3C Content Negotiation by Profile: ``/catalog`` serves DCAT-AP 3.0.1
unless ``?_profile=TOKEN`` or ``Accept-Profile: <IRI>`` asks for another, and
``/catalog/TOKEN`` is each profile at a fixed URL. Every answer names the profile
it follows in ``Content-Profile`` and the fixed URL of each profile in ``Link``
headers.

The catalog needs the project's ``metadata/`` folder (publisher, licence …);
without one (given files served from outside a checkout, a project that has
none) there is no catalog (404), while the VoID description is always there.
"""

from threading import Lock

from flask import Blueprint, Flask, Response, abort, current_app, request, url_for
from rdflib import Dataset, Graph

from netgraph.dataset_metadata import (
    PROFILES,
    Profile,
    Statistics,
    Urls,
    catalog_graph,
    kept_statistics,
    load_metadata,
    metadata_dir,
    serialize,
    statistics,
    void_graph,
)
from netgraph.project import Project
from netgraph.sparql_protocol import DESCRIPTION_FORMATS, negotiate, not_acceptable
from netgraph.web.dumps import dump_files

blueprint = Blueprint("metadata", __name__)

EXTENSION = "netgraph.metadata"
VOID_PATH = "/.well-known/void"
PROFILE_PARAMETER = "_profile"
DEFAULT_PROFILE = next(iter(PROFILES.values()))


class Metadata:
    """The metadata source, and the dataset's statistics: the build's, or counted on first use.

    Counting takes a fraction of a second on the real data and seconds on a large
    dataset given as files; doing it lazily keeps start-up quick, and
    applications that never publish (most tests) never count. A broken
    statistics file stops start-up, like a broken dump.
    """

    def __init__(self, dataset: Dataset, source: Graph | None):
        self.source = source
        """``metadata/*.ttl``; None when no project is at hand."""
        self._dataset = dataset
        self._statistics: Statistics | None = kept_statistics(dataset)
        self._lock = Lock()

    @property
    def statistics(self) -> Statistics:
        with self._lock:
            if self._statistics is None:
                self._statistics = statistics(self._dataset)
            return self._statistics


def init_app(app: Flask, dataset: Dataset, project: Project | None) -> None:
    has_metadata = project is not None and metadata_dir(project).is_dir()
    source = load_metadata(project) if has_metadata else None
    app.extensions[EXTENSION] = Metadata(dataset, source)
    app.register_blueprint(blueprint)


def request_urls() -> Urls:
    return Urls(
        home=url_for("query_page.page", _external=True),
        endpoint=url_for("sparql.endpoint", _external=True),
        dumps=url_for("dumps.listing", _external=True),
        void=url_for("metadata.void", _external=True),
        catalog=url_for("metadata.catalog", _external=True),
    )


@blueprint.route(VOID_PATH)
def void() -> Response:
    state: Metadata = current_app.extensions[EXTENSION]
    graph = void_graph(state.statistics, request_urls(), dump_files(), state.source or Graph())
    return _rdf_response(graph, "the VoID description")


@blueprint.route("/catalog")
def catalog() -> Response:
    response = _catalog_response(requested_profile())
    response.headers["Vary"] = "Accept, Accept-Profile"
    return response


@blueprint.route("/catalog/<token>")
def catalog_in_profile(token: str) -> Response:
    profile = PROFILES.get(token)
    if profile is None:
        abort(404, description=f"no catalog profile {token!r}; there are: {', '.join(PROFILES)}")
    return _catalog_response(profile)


def requested_profile() -> Profile:
    """The profile asked for: ``?_profile=`` (token or IRI), else the ``Accept-Profile``
    header, else the default.

    A request for profiles none of which is served is answered in the default
    profile, not refused; ``Content-Profile`` says which one that is.
    """
    asked = request.args.get(PROFILE_PARAMETER)
    if asked is not None:
        return profile_named(asked.strip().strip("<>")) or DEFAULT_PROFILE
    return best_profile(request.headers.get("Accept-Profile")) or DEFAULT_PROFILE


def profile_named(name: str) -> Profile | None:
    """The profile whose token, IRI or alias ``name`` is."""
    for profile in PROFILES.values():
        if name in (profile.token, profile.iri, *profile.aliases):
            return profile
    return None


def best_profile(header: str | None) -> Profile | None:
    """The served profile ``Accept-Profile`` prefers: ``<IRI>;q=…`` items, highest ``q``
    first, the first listed among equals; ``q=0`` refuses a profile."""
    if not header:
        return None
    best: tuple[float, Profile] | None = None
    for item in header.split(","):
        name, *parameters = (part.strip() for part in item.split(";"))
        profile = profile_named(name.strip("<>"))
        if profile is None:
            continue
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, profile)
    return best[1] if best else None


def _catalog_response(profile: Profile) -> Response:
    state: Metadata = current_app.extensions[EXTENSION]
    if state.source is None:
        abort(404, description="no catalog: the project has no metadata/ folder")
    urls = request_urls()
    graph = catalog_graph(state.statistics, urls, dump_files(), state.source, profile)
    response = _rdf_response(graph, "the catalog")
    if response.status_code != 200:
        return response
    response.headers["Content-Profile"] = f"<{profile.iri}>"
    response.headers["Link"] = ", ".join(
        f'<{urls.catalog_in(other)}>; rel="alternate"; profile="{other.iri}"'
        for other in PROFILES.values()
    )
    return response


def _rdf_response(graph: Graph, what: str) -> Response:
    offer = negotiate(request.headers.get("Accept"), DESCRIPTION_FORMATS)
    if offer is None:
        error = not_acceptable(what, DESCRIPTION_FORMATS)
        return Response(
            f"{error.message}\n", status=error.status, content_type="text/plain; charset=utf-8"
        )
    response = Response(
        serialize(graph, offer.writer), content_type=f"{offer.media_type}; charset=utf-8"
    )
    response.headers["Vary"] = "Accept"
    return response
