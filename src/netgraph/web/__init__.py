"""netgraph's HTTP service: a SPARQL 1.1 Protocol endpoint and a query page.

:func:`create_app` is the Flask application factory. The dataset is loaded
once, when the application is created, and is read-only from then on; the
application's state lives in ``app.extensions["netgraph"]`` and nowhere else.

Configuration keys (``test_config`` or ``app.config``):

``NETGRAPH_ROOT``
    Project root (default: as for the CLI, ``$NETGRAPH_ROOT`` or the checkout
    around the working directory). Needed for the named queries and the build.
``NETGRAPH_DIST``
    Folder with the built ``netgraph.trig`` (default ``ROOT/dist``); built
    first when it holds none. Its files are what ``/dumps/`` serves (also
    alongside ``NETGRAPH_DATASET``; without either, no dumps are served).
``NETGRAPH_LOAD``
    RDF files to serve instead of the build.
``NETGRAPH_DATASET``
    A ready ``rdflib.Dataset`` to serve (tests, embedding).
``NETGRAPH_ENGINE``
    ``oxigraph`` (default: embedded Oxigraph, on the build's ``oxigraph/`` store
    when there is one) or ``rdflib``; see ``docs/engine.md``.
``NETGRAPH_STORE``
    ``sparql+http(s)://HOST:PORT/path``: queries are evaluated by that SPARQL store instead
    of an embedded engine (``docs/remote-store.md``); pages and labels still read the build.
``NETGRAPH_MAX_ROWS``
    Largest answer in rows (SELECT) or triples (CONSTRUCT, DESCRIBE).
``MAX_CONTENT_LENGTH``
    Largest request body in bytes; larger ones get 413.
``NETGRAPH_MAX_BYTES``
    Largest answer body in bytes; a larger answer is cut (``X-Netgraph-Truncated``).
``NETGRAPH_MAX_QUERY_LENGTH``
    Longest query in characters; longer ones get 413.
``NETGRAPH_QUERY_TIMEOUT``, ``NETGRAPH_WORKERS``, ``NETGRAPH_QUEUE_SIZE``,
``NETGRAPH_QUEUE_TIMEOUT``, ``NETGRAPH_WORKER_MEMORY_MB``
    The evaluation pool (:mod:`netgraph.web.evaluator`, ``docs/limits.md``).
``NETGRAPH_MAX_INCOMING``
    Links to a resource through one predicate that its page and RDF description list;
    more are cut (``X-Netgraph-Truncated: incoming=N``).
``NETGRAPH_CACHE_BYTES``, ``NETGRAPH_CACHE_MAX_AGE``
    The in-process cache of answers in bytes (0 disables it) and the ``max-age`` of
    ``Cache-Control`` in seconds (:mod:`netgraph.web.caching`, ``docs/caching.md``).
``NETGRAPH_DATASET_VERSION``
    What the ETags derive from instead of the served files' SHA-256 (embedding).
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response
from rdflib import Dataset
from werkzeug.exceptions import HTTPException

from netgraph import engines, limits
from netgraph.build import CHECKSUMS
from netgraph.errors import InputError
from netgraph.named_queries import named_queries
from netgraph.project import Project, find_project
from netgraph.query import DATASET_FILE
from netgraph.web import (
    caching,
    dumps,
    evaluator,
    linked_data,
    metadata,
    query_page,
    security,
    sparql,
)
from netgraph.web.dataset import built_dataset, load_files
from netgraph.web.state import EXTENSION, Netgraph


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        NETGRAPH_ROOT=None,
        NETGRAPH_DIST=None,
        NETGRAPH_LOAD=(),
        NETGRAPH_DATASET=None,
        NETGRAPH_ENGINE=engines.DEFAULT_ENGINE,
        NETGRAPH_STORE=None,
        NETGRAPH_MAX_ROWS=limits.MAX_ROWS,
        MAX_CONTENT_LENGTH=limits.MAX_BODY_BYTES,
        NETGRAPH_MAX_BYTES=limits.MAX_BYTES,
        NETGRAPH_MAX_QUERY_LENGTH=limits.MAX_QUERY_LENGTH,
        NETGRAPH_QUERY_TIMEOUT=limits.QUERY_TIMEOUT_SECONDS,
        NETGRAPH_WORKERS=limits.WORKERS,
        NETGRAPH_QUEUE_SIZE=limits.QUEUE_SIZE,
        NETGRAPH_QUEUE_TIMEOUT=limits.QUEUE_TIMEOUT_SECONDS,
        NETGRAPH_WORKER_MEMORY_MB=limits.WORKER_MEMORY_MB,
        NETGRAPH_MAX_INCOMING=limits.MAX_INCOMING,
        NETGRAPH_CACHE_BYTES=caching.DEFAULT_MAX_BYTES,
        NETGRAPH_CACHE_MAX_AGE=caching.DEFAULT_MAX_AGE,
        NETGRAPH_DATASET_VERSION=None,
    )
    if test_config is not None:
        app.config.from_mapping(test_config)

    project = _project(app.config["NETGRAPH_ROOT"], required=not _dataset_given(app.config))
    with security.no_network():  # no JSON-LD @context, no owl:imports is ever fetched
        dataset = _dataset(app.config, project)
    queries = tuple(named_queries(project)) if project and project.queries_dir.is_dir() else ()
    config = app.config
    if config["NETGRAPH_STORE"]:
        engine = _remote_engine(config, dataset)
    else:
        engine = engines.make_engine(
            str(config["NETGRAPH_ENGINE"]),
            dataset,
            max_rows=int(config["NETGRAPH_MAX_ROWS"]),
            max_bytes=int(config["NETGRAPH_MAX_BYTES"]),
            max_query_length=int(config["NETGRAPH_MAX_QUERY_LENGTH"]),
        )
    app.extensions[EXTENSION] = Netgraph(engine, queries)
    app.extensions[evaluator.EXTENSION] = evaluator.EvaluatorPool(
        engine,
        evaluator.Limits(
            timeout=float(config["NETGRAPH_QUERY_TIMEOUT"]),
            workers=int(config["NETGRAPH_WORKERS"]),
            queue_size=int(config["NETGRAPH_QUEUE_SIZE"]),
            queue_timeout=float(config["NETGRAPH_QUEUE_TIMEOUT"]),
            memory_mb=int(config["NETGRAPH_WORKER_MEMORY_MB"]),
        ),
    )

    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(query_page.blueprint)
    app.register_blueprint(linked_data.blueprint)
    dumps.init_app(app, _dumps_folder(app.config, project))
    metadata.init_app(app, dataset, project)
    app.register_error_handler(HTTPException, _plain_error)
    caching.init_app(app, _version(app.config, project, dataset))  # its hook runs last
    app.after_request(security.add_headers)
    return app


def _dataset_given(config: Mapping[str, Any]) -> bool:
    return config["NETGRAPH_DATASET"] is not None or bool(config["NETGRAPH_LOAD"])


def _project(root: str | Path | None, required: bool) -> Project | None:
    try:
        return find_project(root)
    except InputError:
        if required:
            raise
        return None  # serving given files from outside a checkout: no named queries


def _dataset(config: Mapping[str, Any], project: Project | None) -> Dataset:
    if config["NETGRAPH_DATASET"] is not None:
        return config["NETGRAPH_DATASET"]
    if config["NETGRAPH_LOAD"]:
        return load_files([Path(path) for path in config["NETGRAPH_LOAD"]])
    dist = config["NETGRAPH_DIST"]
    parse = config["NETGRAPH_ENGINE"] == "rdflib"  # it evaluates in memory; others on the store
    return built_dataset(project, Path(dist) if dist else None, parse)


def _remote_engine(config: Mapping[str, Any], dataset: Dataset):
    """The engine of ``NETGRAPH_STORE``: its address alone passes the evaluation network guard."""
    from netgraph.remote_store import TIME_SHARE, RemoteEngine, address

    store = str(config["NETGRAPH_STORE"])
    try:
        engine = RemoteEngine(
            dataset,
            store,
            timeout=float(config["NETGRAPH_QUERY_TIMEOUT"]) * TIME_SHARE,
            max_rows=int(config["NETGRAPH_MAX_ROWS"]),
            max_bytes=int(config["NETGRAPH_MAX_BYTES"]),
            max_query_length=int(config["NETGRAPH_MAX_QUERY_LENGTH"]),
        )
        security.allow(*address(engine.url))
    except ValueError as error:
        raise InputError(f"--store: {error}") from None
    except OSError as error:
        raise InputError(f"--store {store}: cannot resolve the store's host: {error}") from None
    return engine


def _version(config: Mapping[str, Any], project: Project | None, dataset: Dataset) -> str:
    """The served dataset's version for the ETags: the SHA-256 of the files it was loaded from
    (a build's ``SHA256SUMS``, which holds its ``netgraph.trig``'s, so that file of any size
    is not read again; or the ``--load`` files), the engine and the limits."""
    if config["NETGRAPH_DATASET_VERSION"]:
        data = str(config["NETGRAPH_DATASET_VERSION"])
    elif config["NETGRAPH_LOAD"] and config["NETGRAPH_DATASET"] is None:
        data = caching.file_digest([Path(path) for path in config["NETGRAPH_LOAD"]])
    else:
        dist = config["NETGRAPH_DIST"] or (
            None if _dataset_given(config) or project is None else project.dist_dir
        )
        built = Path(dist) / DATASET_FILE if dist else None
        if built is not None and built.is_file():
            sums = built.with_name(CHECKSUMS)
            data = caching.file_digest([sums if sums.is_file() else built])
        else:  # a dataset given in memory
            data = caching.dataset_digest(dataset)
    settings = {  # what else changes the bytes: the engine, the limits that cut answers
        name: config.get(name)
        for name in (
            "NETGRAPH_ENGINE",
            "NETGRAPH_STORE",
            "NETGRAPH_MAX_ROWS",
            "NETGRAPH_MAX_BYTES",
            "NETGRAPH_MAX_QUERY_LENGTH",
            "NETGRAPH_MAX_INCOMING",
        )
    }
    return caching.dataset_version(data, settings)


def _dumps_folder(config: Mapping[str, Any], project: Project | None) -> Path | None:
    """The build whose files ``/dumps/`` serves: ``NETGRAPH_DIST``, else the served build's."""
    if config["NETGRAPH_DIST"]:
        return Path(config["NETGRAPH_DIST"])
    if _dataset_given(config) or project is None:
        return None  # given files or a given dataset: no build to publish
    return project.dist_dir


def _plain_error(error: HTTPException) -> Response:
    """Errors as one plain-text line, never an HTML page (a SPARQL client would show it raw)."""
    response = error.get_response()
    response.set_data(f"{error.code} {error.name}: {error.description}\n")
    response.content_type = "text/plain; charset=utf-8"
    return response
