"""``/dumps/``: the files of the build being served, plain and gzipped.

The files are listed once, at start-up, from the dist folder (``NETGRAPH_DIST``,
else the project's ``dist/`` when the build is what is served): exactly the
names ``SHA256SUMS`` lists, each checked against its checksum, among them the
gzip copy (``NAME.gz``, ``application/gzip``) the build wrote of every RDF
file, plus ``SHA256SUMS`` itself. A file is streamed from the folder for each
download, never held in memory. Any other name is 404, so no path can reach
outside the folder.

Each file has a strong ``ETag`` (its SHA-256, for the plain files the value in
``SHA256SUMS``), ``Last-Modified`` (the build's time), conditional GET (304),
HEAD and byte ranges (206, 416; a malformed Range, or one of several ranges,
is ignored, and so is a malformed ``If-None-Match``), all by werkzeug's
``make_conditional``.
"""

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, render_template_string, request
from werkzeug.http import parse_range_header
from werkzeug.wsgi import wrap_file

from netgraph.dataset_metadata import DumpFile, read_dumps
from netgraph.sparql_protocol import MediaFormat, negotiate
from netgraph.web.caching import if_none_match

blueprint = Blueprint("dumps", __name__)

EXTENSION = "netgraph.dumps"
TEXT_TYPES = ("text/", "application/trig", "application/n-triples", "application/ld+json")
LISTING = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>netgraph dumps</title></head>
<body>
<h1>netgraph dumps</h1>
<p>Every file of the build; <code>.gz</code> files are the same files gzipped.
Checksums: <a href="SHA256SUMS">SHA256SUMS</a>.</p>
<table>
<thead><tr><th>file</th><th>media type</th><th>bytes</th><th>SHA-256</th></tr></thead>
<tbody>
{% for file in files %}<tr><td><a href="{{ file.name }}">{{ file.name }}</a></td>
<td>{{ file.media_type }}</td><td>{{ file.size }}</td><td><code>{{ file.sha256 }}</code></td></tr>
{% endfor %}</tbody>
</table>
</body>
</html>
"""


@dataclass(frozen=True)
class Dumps:
    folder: Path | None
    files: dict[str, DumpFile]


def init_app(app: Flask, dist: Path | None) -> None:
    """Read the dumps of ``dist`` (None: nothing to serve) into the application's state."""
    files = read_dumps(dist) if dist is not None else {}
    app.extensions[EXTENSION] = Dumps(dist, files)
    app.register_blueprint(blueprint)


def dump_files() -> dict[str, DumpFile]:
    return current_app.extensions[EXTENSION].files


@blueprint.route("/dumps/")
def listing() -> Response:
    files = list(dump_files().values())
    offers = (
        MediaFormat("text/html", "html"),
        MediaFormat("application/json", "json"),
        MediaFormat("text/plain", "text"),
    )
    chosen = negotiate(request.headers.get("Accept"), offers) or offers[2]
    if chosen.writer == "html":
        body = render_template_string(LISTING, files=files)
        response = Response(body, content_type="text/html; charset=utf-8")
    elif chosen.writer == "json":
        response = current_app.json.response(
            [
                {
                    "name": file.name,
                    "mediaType": file.media_type,
                    "bytes": file.size,
                    "sha256": file.sha256,
                }
                for file in files
            ]
        )
    else:
        body = "".join(f"{file.name}\n" for file in files)
        response = Response(body, content_type="text/plain; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route("/dumps/<name>")
def download(name: str) -> Response:
    file = dump_files().get(name)
    if file is None:
        abort(404, description=f"no dump named {name!r}; see /dumps/")
    textual = file.media_type.startswith(TEXT_TYPES)
    content_type = f"{file.media_type}; charset=utf-8" if textual else file.media_type
    # streamed from the file, never read whole: a dump can be hundreds of megabytes
    body = wrap_file(request.environ, file.path.open("rb"))
    response = Response(body, content_type=content_type, direct_passthrough=True)
    response.content_length = file.size
    response.set_etag(file.sha256)
    response.last_modified = file.last_modified
    response.cache_control.public = True
    response.cache_control.no_cache = True  # revalidate: the ETag makes that cheap
    if file.compressed_from is not None:
        response.headers["Content-Disposition"] = f'attachment; filename="{file.name}"'
    ignored = {
        # RFC 9110 §14.2: a Range header the server cannot parse, in another unit, or
        # (here) asking for several ranges, is ignored (werkzeug would answer 416 to
        # those); the whole file follows.
        "HTTP_RANGE": _single_byte_range,
        # a malformed If-None-Match is ignored, as on every other URL of the service
        "HTTP_IF_NONE_MATCH": lambda header: if_none_match(header) is not None,
    }
    environ = {
        key: value
        for key, value in request.environ.items()
        if key not in ignored or ignored[key](value)
    }
    return response.make_conditional(environ, accept_ranges=True, complete_length=file.size)


def _single_byte_range(header: str) -> bool:
    parsed = parse_range_header(header)
    return parsed is not None and parsed.units == "bytes" and len(parsed.ranges) == 1
