"""HTTP caching of every GET answer: ETags, ``Cache-Control``, 304, and an in-process cache.

The served dataset does not change while it is served, so an answer is a
function of the request alone. One pair of application-wide hooks
(:func:`init_app`) covers every cacheable view (:data:`ENDPOINTS`): the SPARQL
endpoint, the query page, the resource pages, VoID, the catalog and the dump
listing. Nothing in the views knows about caching.

Before the view runs, :func:`_before` computes the request's **key**: the
dataset version (:func:`dataset_version`, computed once at start-up), the
method class (GET and HEAD share one), the URL as requested (scheme, host,
script root, path, raw query string: the query text, ``default-graph-uri``,
``named-graph-uri``, ``format``, ``lang``, ``_profile`` …), the values of the
request headers the answer may vary on (:data:`ENDPOINTS`: ``Accept``,
``Accept-Language``, ``Accept-Profile``) and, for a POST, its Content-Type and
body. The ETag is a SHA-256 of the key, so it is the same on every machine and
after every restart serving the same build with the same software and limits.
Then:

- ``If-None-Match`` naming that ETag (weak comparison, RFC 9110 §13.1.2;
  ``*`` and lists; a malformed header is ignored) → ``304`` with no body, at
  once: the view (and the query) does not run.
- the key in the in-process cache (:class:`ResponseCache`, LRU, bounded in
  bytes) → the stored answer, at once: the view does not run and no query slot is
  asked. For the endpoints with a fixed URL (``/sparql``, ``/``, ``/catalog`` …)
  :class:`FastLane` does this before Flask runs at all.

After the view, :func:`_after` marks a ``200`` answer to GET or HEAD with the
ETag and ``Cache-Control: public, max-age=N`` and stores it; answers cut by the
limits (``X-Netgraph-Truncated``) are cached like any other (they are as
deterministic: the limits are part of the version) and keep the header. A
``200`` to POST is stored in the in-process cache under its own key but gets
neither an ETag nor ``Cache-Control``: proxies do not cache POST. Errors are
never stored: ``5xx`` get ``Cache-Control: no-store``, ``4xx`` ``no-cache``.
Answers that set their own validator (``/dumps/`` files, static files) are left
alone. See ``docs/caching.md``.
"""

import hashlib
import io
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from http import HTTPStatus
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request
from rdflib import Dataset

from netgraph import limits

EXTENSION = "netgraph.caching"
DEFAULT_MAX_BYTES = limits.CACHE_MIB * 1024 * 1024
"""The in-process cache's default bound on answers (bodies and headers)."""
DEFAULT_MAX_AGE = 300
"""Seconds a client or proxy may reuse an answer without asking again."""
CACHE_HEADER = "X-Netgraph-Cache"
"""``hit`` (from the in-process cache), ``miss`` (evaluated and stored) or ``revalidated`` (304)."""
ENTRY_OVERHEAD = 0
"""Bytes counted per entry besides body and headers (kept 0, so sizes are exact and testable)."""

_CONTENT_NEGOTIATION = ("Accept",)
_PAGES = ("Accept", "Accept-Language")
_CATALOG = ("Accept", "Accept-Profile")
ENDPOINTS: Mapping[str, tuple[str, ...]] = {
    # endpoint: the request headers its answers may vary on (the key includes their values)
    "sparql.endpoint": _CONTENT_NEGOTIATION,
    "query_page.page": _PAGES,
    "linked_data.resource": _PAGES,
    "linked_data.ontology": _PAGES,
    "linked_data.ontology_document": _PAGES,
    "metadata.void": _CONTENT_NEGOTIATION,
    "metadata.catalog": _CATALOG,
    "metadata.catalog_in_profile": _CONTENT_NEGOTIATION,
    "dumps.listing": _CONTENT_NEGOTIATION,
}
WEAK = frozenset({"query_page.page"})
"""Endpoints whose bytes are not a function of the request alone (the query page states how
long the query took): their ETag is weak, ``W/"…"``, equivalent but not byte-identical."""
KEY_IN_ENVIRON = "netgraph.cache_key"
"""Where :class:`FastLane` leaves the key it computed, for the hooks."""
POST_ENDPOINTS = frozenset({"sparql.endpoint"})
"""Endpoints whose POST answers are safe reads, so the in-process cache may keep them."""
KEPT_ON_304 = ("Cache-Control", "Content-Location", "ETag", "Vary", "Content-Profile", "Link")
"""Headers a 304 repeats from the 200 it stands for (RFC 9110 §15.4.5), when that is cached."""


# --- The dataset version --------------------------------------------------------------------


def file_digest(paths: Sequence[Path]) -> str:
    """SHA-256 over the files' syntaxes (extensions) and contents, in order; not their paths,
    so the same files give the same digest in any folder on any machine."""
    digest = hashlib.sha256(b"netgraph files 1\n")
    for path in paths:
        content = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        digest.update(f"{Path(path).suffix.lower()} {content}\n".encode())
    return digest.hexdigest()


_DATASET_DIGESTS: dict[int, tuple[weakref.ref, str]] = {}
_DIGEST_LOCK = threading.Lock()


def dataset_digest(dataset: Dataset) -> str:
    """SHA-256 of a dataset given in memory: its N-Quads, lines sorted (memoised per object).

    Blank node labels are whatever the parser chose, so this is stable across
    restarts only for data without blank nodes; serve files (or set
    ``NETGRAPH_DATASET_VERSION``) where that matters.
    """
    with _DIGEST_LOCK:
        known = _DATASET_DIGESTS.get(id(dataset))
        if known is not None and known[0]() is dataset:
            return known[1]
    lines = dataset.serialize(format="nquads", encoding="utf-8").splitlines()
    digest = hashlib.sha256(b"netgraph dataset 1\n")
    for line in sorted(set(lines)):
        digest.update(line + b"\n")
    value = digest.hexdigest()
    with _DIGEST_LOCK:
        key = id(dataset)
        _DATASET_DIGESTS[key] = (
            weakref.ref(dataset, lambda _: _DATASET_DIGESTS.pop(key, None)),
            value,
        )
    return value


def dataset_version(data_digest: str, settings: Mapping[str, Any]) -> str:
    """The version the ETags derive from: the data, netgraph's version, and the settings that
    change the bytes of answers (the limits that cut them)."""
    try:
        software = package_metadata.version("netgraph")
    except package_metadata.PackageNotFoundError:  # pragma: no cover - not installed
        software = "unknown"
    digest = hashlib.sha256(f"netgraph {software}\n{data_digest}\n".encode())
    for name in sorted(settings):
        digest.update(f"{name}={settings[name]}\n".encode())
    return digest.hexdigest()


# --- The in-process cache -------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    not_modified: tuple[tuple[str, str], ...] = ()
    """The final headers of a 304 that stood for this answer, once the hooks have made one:
    :class:`FastLane` repeats them (they depend on nothing but the key)."""

    @property
    def size(self) -> int:
        """Bytes counted against the bound: body, header names and values (the 304's too)."""
        headers = sum(len(name) + len(value) for name, value in self.headers + self.not_modified)
        return len(self.body) + headers + ENTRY_OVERHEAD


class ResponseCache:
    """Answers by key, least recently used evicted first once their sizes pass ``max_bytes``.

    ``max_bytes`` 0 disables it. An answer larger than the whole bound is not kept.
    Thread-safe: waitress answers from several threads.
    """

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max(0, int(max_bytes))
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.size = 0
        self.hits = 0  # counters, for tests and measurement
        self.misses = 0
        self.evictions = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def lru_order(self) -> list[str]:
        """Keys from least to most recently used."""
        with self._lock:
            return list(self._entries)

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def peek(self, key: str) -> Entry | None:
        """The entry without counting a hit or refreshing its place (for 304 headers)."""
        with self._lock:
            return self._entries.get(key)

    def put(self, key: str, entry: Entry) -> bool:
        size = entry.size
        if size > self.max_bytes:
            return False
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old.size
            self._entries[key] = entry
            self.size += size
            while self.size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.size -= evicted.size
                self.evictions += 1
            return True

    def keep_not_modified(self, key: str, headers: tuple[tuple[str, str], ...]) -> None:
        """Keep the headers of the 304 for ``key``'s answer with it, while it is kept."""
        entry = self.peek(key)
        if entry is not None and entry.not_modified != headers:
            self.put(key, replace(entry, not_modified=headers))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0


@dataclass
class Caching:
    version: str
    cache: ResponseCache
    max_age: int

    @property
    def cache_control(self) -> str:
        return f"public, max-age={self.max_age}"


def init_app(app: Flask, version: str) -> None:
    """Install the hooks and the fast lane; ``version`` from :func:`dataset_version`.

    Call it before any other ``after_request`` hook is registered: Flask runs them in
    reverse, so the one that stores answers runs last and stores their final headers.
    """
    caching = Caching(
        version,
        ResponseCache(int(app.config["NETGRAPH_CACHE_BYTES"])),
        int(app.config["NETGRAPH_CACHE_MAX_AGE"]),
    )
    app.extensions[EXTENSION] = caching
    app.before_request(_before)
    app.after_request(_after)
    app.wsgi_app = FastLane(app, caching)


class FastLane:
    """WSGI middleware that answers from the in-process cache before Flask runs at all.

    A hit through Flask costs its request context, routing and hooks, about as much as
    Oxigraph's whole answer to a simple query; here it costs the key and a look-up. Only
    requests whose path is a cacheable endpoint's fixed URL (``/sparql``, ``/``,
    ``/catalog`` …) take the lane; whatever it does not answer goes on to the
    application with the key already computed. The stored headers are final (the
    caching hook runs last), so a hit needs nothing added; likewise a 304, once the
    hooks have answered one for the same key and its headers are kept with the answer.
    """

    def __init__(self, app: Flask, caching: Caching):
        self.wsgi_app = app.wsgi_app
        self.caching = caching
        self.max_body = int(app.config["MAX_CONTENT_LENGTH"] or 0)
        self.endpoints = {
            rule.rule: rule.endpoint
            for rule in app.url_map.iter_rules()
            if not rule.arguments and rule.endpoint in ENDPOINTS
        }

    def __call__(self, environ: dict, start_response):
        endpoint = self.endpoints.get(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD")
        cache = self.caching.cache
        if (
            endpoint is None
            or not cache.max_bytes
            or not (method in ("GET", "HEAD") or (method == "POST" and endpoint in POST_ENDPOINTS))
        ):
            return self.wsgi_app(environ, start_response)
        body = None
        if method == "POST":
            body = self._body(environ)
            if body is None:
                return self.wsgi_app(environ, start_response)
        key = request_key(environ, self.caching.version, ENDPOINTS[endpoint], body)
        condition = environ.get("HTTP_IF_NONE_MATCH")
        if (
            condition
            and method != "POST"
            and _revalidates(condition, etag_for(key, endpoint in WEAK))
        ):
            entry = cache.peek(key)
            if entry is None or not entry.not_modified:  # the hooks make the first 304
                return self.wsgi_app(environ, start_response)
            start_response("304 Not Modified", list(entry.not_modified))
            return []
        environ[KEY_IN_ENVIRON] = key
        entry = cache.get(key)
        if entry is None:
            return self.wsgi_app(environ, start_response)
        start_response(
            f"{entry.status} {HTTPStatus(entry.status).phrase}",
            [*entry.headers, (CACHE_HEADER, "hit")],
        )
        return [] if method == "HEAD" else [entry.body]

    def _body(self, environ: dict) -> bytes | None:
        """A POST's body, read and put back for the application; None where the
        application is to judge it (no or a bad length, over the limit, cut short)."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None
        if not 0 <= length <= self.max_body:
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        return body if len(body) == length else None


def current_caching() -> Caching:
    return current_app.extensions[EXTENSION]


# --- Keys and ETags ----------------------------------------------------------------------


def request_key(
    environ: Mapping[str, Any], version: str, headers: Iterable[str], body: bytes | None
) -> str:
    """The SHA-256 (hex) of everything in a request that changes the answer.

    Read from the WSGI environ as the server gave it, so that :class:`FastLane` and the
    hooks compute the same key without Flask; ``body`` is a POST's, else None.
    """
    digest = hashlib.sha256(f"netgraph answer 2\n{version}\n".encode())
    method = environ["REQUEST_METHOD"]
    method = "GET" if method in ("GET", "HEAD") else method
    parts = [
        method,
        environ["wsgi.url_scheme"],
        environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}",
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
    ]
    for name in headers:
        value = environ.get(f"HTTP_{name.upper().replace('-', '_')}")
        parts.append(f"{name.lower()}" + ("" if value is None else f"={value}"))
    if method == "POST":
        parts.append(environ.get("CONTENT_TYPE", ""))
    for part in parts:  # each part length-prefixed: no two requests share a key by concatenation
        encoded = part.encode("utf-8", "surrogateescape")
        digest.update(f"{len(encoded)}:".encode() + encoded)
    if method == "POST":
        digest.update(hashlib.sha256(body or b"").digest())
    return digest.hexdigest()


def etag_for(key: str, weak: bool) -> str:
    tag = f'"{key[:40]}"'
    return f"W/{tag}" if weak else tag


_ENTITY_TAG = r'(?:W/)?"([\x21\x23-\x7e\x80-\U0010ffff]*)"'
_IF_NONE_MATCH = re.compile(rf"[ \t,]*{_ENTITY_TAG}(?:[ \t]*,[ \t,]*{_ENTITY_TAG})*[ \t,]*")
_TAGS = re.compile(_ENTITY_TAG)


def if_none_match(header: str | None) -> tuple[bool, frozenset[str]] | None:
    """``If-None-Match`` as (any: ``*``, the opaque tags, weakness dropped); None if malformed.

    RFC 9110 §13.1.2: ``"*" / #entity-tag``; an entity tag is ``[W/]"etagc*"``,
    and a list may hold empty elements (§5.6.1).
    """
    if header is None:
        return None
    if header.strip(" \t") == "*":
        return True, frozenset()
    if not _IF_NONE_MATCH.fullmatch(header):
        return None
    return False, frozenset(_TAGS.findall(header))


def _opaque(etag: str) -> str:
    return etag.removeprefix("W/").strip('"')


def _revalidates(header: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison) or is ``*``."""
    condition = if_none_match(header)
    return condition is not None and (condition[0] or _opaque(etag) in condition[1])


# --- The hooks ---------------------------------------------------------------------------


def _before() -> Response | None:
    endpoint = request.endpoint
    if endpoint not in ENDPOINTS:
        return None
    method = request.method
    if method not in ("GET", "HEAD") and not (method == "POST" and endpoint in POST_ENDPOINTS):
        return None
    caching = current_caching()
    key = request.environ.get(KEY_IN_ENVIRON)  # the fast lane's, which found no answer
    looked_up = key is not None
    if key is None:
        body = request.get_data(cache=True) if method == "POST" else None
        key = request_key(request.environ, caching.version, ENDPOINTS[endpoint], body)
    etag = etag_for(key, endpoint in WEAK)
    g.netgraph_cache = (key, etag)
    if method != "POST" and _revalidates(request.headers.get("If-None-Match"), etag):
        return _not_modified(caching, key, etag, ENDPOINTS[endpoint])
    entry = caching.cache.get(key) if caching.cache.max_bytes and not looked_up else None
    if entry is None:
        return None
    response = Response(entry.body, status=entry.status)
    response.headers.clear()
    response.headers.extend(entry.headers)
    response.headers[CACHE_HEADER] = "hit"
    g.netgraph_cache_served = True
    return response


def _not_modified(caching: Caching, key: str, etag: str, varies: Sequence[str]) -> Response:
    response = Response(status=304)
    del response.headers["Content-Type"]
    entry = caching.cache.peek(key)
    if entry is not None:
        for name, value in entry.headers:
            if name in KEPT_ON_304:
                response.headers[name] = value
    else:  # the 200 is not at hand: what it would certainly carry
        response.headers["Vary"] = ", ".join(varies)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = caching.cache_control
    response.headers[CACHE_HEADER] = "revalidated"
    g.netgraph_cache_served = True
    return response


def _after(response: Response) -> Response:
    if g.get("netgraph_cache_served"):
        if response.status_code == 304:
            key, _ = g.netgraph_cache
            current_caching().cache.keep_not_modified(key, tuple(response.headers.items()))
        return response
    status = response.status_code
    if status >= 500 or status == 429:
        response.headers["Cache-Control"] = "no-store"
    elif status >= 400:
        response.headers.setdefault("Cache-Control", "no-cache")
    elif _cacheable(response):
        _mark_and_store(response, *g.netgraph_cache)
    return response


def _cacheable(response: Response) -> bool:
    if g.get("netgraph_cache") is None or response.status_code != 200:
        return False
    if response.direct_passthrough or response.is_streamed:
        return False
    if "ETag" in response.headers or "Cache-Control" in response.headers:
        return False  # the view handles validation itself
    varies = {name.strip().lower() for name in response.headers.get("Vary", "").split(",")}
    # an answer that varies on more than the key holds is not cached
    return varies - {""} <= {name.lower() for name in ENDPOINTS[request.endpoint]}


def _mark_and_store(response: Response, key: str, etag: str) -> None:
    caching = current_caching()
    if request.method != "POST":
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = caching.cache_control
    if caching.cache.max_bytes:
        body = response.get_data()
        headers = tuple((name, value) for name, value in response.headers.items())
        caching.cache.put(key, Entry(response.status_code, headers, body))
        response.headers[CACHE_HEADER] = "miss"
