"""``/sparql``: the SPARQL 1.1 Protocol query operation, wrapped in Flask.

The protocol itself lives in :mod:`netgraph.sparql_protocol` and
:mod:`netgraph.web.engine`; this blueprint only hands them the raw request and
copies their reply into a response, adding CORS headers so that browser
clients on any origin (YASGUI, notebooks) can read answers. No credentials are
ever allowed, so ``*`` is safe.
"""

import re

from flask import Blueprint, Response, request, url_for

from netgraph.sparql_protocol import (
    DESCRIPTION_FORMATS,
    HTML,
    MediaFormat,
    ProtocolError,
    negotiate,
    parse_operation,
)
from netgraph.web.caching import CACHE_HEADER
from netgraph.web.engine import TRUNCATED, Reply, error_reply
from netgraph.web.evaluator import current_pool

blueprint = Blueprint("sparql", __name__)

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
DEFAULT_ALLOWED_HEADERS = "Accept, Content-Type"
_HEADER_LIST = re.compile(r"[A-Za-z0-9-]+(?:\s*,\s*[A-Za-z0-9-]+)*")


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    if request.method == "OPTIONS":
        return _preflight()
    body = request.get_data(cache=False) if request.method == "POST" else b""
    try:
        operation = parse_operation(
            request.method, request.query_string, request.headers.get("Content-Type"), body
        )
    except ProtocolError as error:
        return _response(error_reply(error))
    if operation.query is None and not operation.formats and _wants_html():
        # A person who opens the endpoint in a browser gets the query page.
        return see_other(url_for("query_page.page"))
    accept = request.headers.get("Accept")
    return _response(current_pool().answer(operation, accept, request.base_url))


@blueprint.after_request
def _cors(response: Response) -> Response:
    response.headers["Access-Control-Expose-Headers"] = (
        f"{TRUNCATED}, Retry-After, ETag, {CACHE_HEADER}"
    )
    return response


def _preflight() -> Response:
    response = Response(status=204)
    del response.headers["Content-Type"]
    response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    requested = request.headers.get("Access-Control-Request-Headers", "")
    allowed = requested if _HEADER_LIST.fullmatch(requested) else DEFAULT_ALLOWED_HEADERS
    response.headers["Access-Control-Allow-Headers"] = allowed
    response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = ALLOWED_METHODS
    return response


def _wants_html() -> bool:
    # HTML comes last, so "*/*" (curl) still gets the description; a browser
    # names text/html with a higher quality than its "*/*".
    offers = (*DESCRIPTION_FORMATS, MediaFormat(HTML, "html"))
    chosen = negotiate(request.headers.get("Accept"), offers)
    return chosen is not None and chosen.media_type == HTML


def see_other(location: str) -> Response:
    """A 303 with a plain-text body (Flask's redirect() writes an HTML one)."""
    response = Response(f"See {location}\n", status=303, content_type="text/plain; charset=utf-8")
    response.headers["Location"] = location
    return response


def _response(reply: Reply) -> Response:
    response = Response(reply.body, status=reply.status, content_type=reply.content_type)
    response.headers.update(reply.headers)
    return response
