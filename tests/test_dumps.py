"""/dumps/: every file of the build, plain and gzipped, with HTTP caching and ranges."""

import gzip
import hashlib
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from netgraph.build import run_build
from netgraph.dataset_metadata import read_dumps
from netgraph.project import Project
from netgraph.serialization import write_gzip
from netgraph.web import create_app

REPO_ROOT = Path(__file__).resolve().parent.parent

BUILT = ["SHA256SUMS", "data.jsonld", "data.nt", "data.ttl", "inferred.ttl", "netgraph.trig"]
RDF_FILES = [name for name in BUILT if name != "SHA256SUMS"]
ALL_FILES = BUILT + [f"{name}.gz" for name in RDF_FILES]
CONTENT_TYPES = {
    "netgraph.trig": "application/trig; charset=utf-8",
    "data.ttl": "text/turtle; charset=utf-8",
    "data.nt": "application/n-triples; charset=utf-8",
    "data.jsonld": "application/ld+json; charset=utf-8",
    "inferred.ttl": "text/turtle; charset=utf-8",
    "SHA256SUMS": "text/plain; charset=utf-8",
}
PARSERS = {
    "netgraph.trig": "trig",
    "data.ttl": "turtle",
    "data.nt": "nt",
    "data.jsonld": "json-ld",
    "inferred.ttl": "turtle",
}


def checksums(dist: Path) -> dict[str, str]:
    lines = (dist / "SHA256SUMS").read_text().splitlines()
    return {name: digest for digest, name in (line.split("  ") for line in lines)}


def test_listing_names_every_file(published_client):
    html = published_client.get("/dumps/", headers={"Accept": "text/html"})
    assert html.status_code == 200
    assert html.content_type == "text/html; charset=utf-8"
    for name in ALL_FILES:
        assert f'href="{name}"' in html.text
    plain = published_client.get("/dumps/", headers={"Accept": "text/plain"})
    assert plain.text.splitlines() == sorted(plain.text.splitlines())
    assert sorted(plain.text.splitlines()) == sorted(ALL_FILES)
    listing = published_client.get("/dumps/", headers={"Accept": "application/json"}).json
    assert sorted(entry["name"] for entry in listing) == sorted(ALL_FILES)


@pytest.mark.parametrize("name", BUILT)
def test_each_file_whole_with_its_checksum_as_etag(published_client, built_dist, name):
    content = (built_dist / name).read_bytes()
    response = published_client.get(f"/dumps/{name}")
    assert response.status_code == 200
    assert response.data == content
    assert response.headers["Content-Length"] == str(len(content))
    assert response.headers["Content-Type"] == CONTENT_TYPES[name]
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Last-Modified"]
    etag = hashlib.sha256(content).hexdigest()
    assert response.headers["ETag"] == f'"{etag}"'
    if name != "SHA256SUMS":
        assert checksums(built_dist)[name] == etag


@pytest.mark.parametrize("name", RDF_FILES)
def test_rdf_dumps_parse(published_client, name):
    body = published_client.get(f"/dumps/{name}").data
    target = Dataset() if name.endswith(".trig") else Graph()
    target.parse(data=body, format=PARSERS[name])
    assert len(target) > 0 or len(list(target.quads())) > 0


@pytest.mark.parametrize("name", RDF_FILES)
def test_gz_decompresses_to_the_plain_file(published_client, built_dist, name):
    response = published_client.get(f"/dumps/{name}.gz")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in response.headers
    assert response.headers["Content-Length"] == str(len(response.data))
    assert response.headers["ETag"] == f'"{hashlib.sha256(response.data).hexdigest()}"'
    assert gzip.decompress(response.data) == (built_dist / name).read_bytes()
    # deterministic: no file name (FLG 0), mtime 0
    assert response.data[3] == 0
    assert response.data[4:8] == b"\0\0\0\0"


def test_if_none_match_gives_304_without_body(published_client):
    etag = published_client.get("/dumps/data.ttl").headers["ETag"]
    response = published_client.get("/dumps/data.ttl", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    other = published_client.get("/dumps/data.ttl", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200


@pytest.mark.parametrize(
    "header", ["{etag}x", "{bare}", '"unterminated', 'W/ "x"', '"a" "b"', "\x01"]
)
def test_a_malformed_if_none_match_is_ignored(published_client, built_dist, header):
    etag = published_client.get("/dumps/data.ttl").headers["ETag"]
    condition = header.format(etag=etag, bare=etag.strip('"'))
    response = published_client.get("/dumps/data.ttl", headers={"If-None-Match": condition})
    assert response.status_code == 200
    assert response.data == (built_dist / "data.ttl").read_bytes()


def test_if_modified_since_gives_304(published_client):
    modified = published_client.get("/dumps/data.nt").headers["Last-Modified"]
    response = published_client.get("/dumps/data.nt", headers={"If-Modified-Since": modified})
    assert response.status_code == 304
    assert response.data == b""
    earlier = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert (
        published_client.get("/dumps/data.nt", headers={"If-Modified-Since": earlier}).status_code
        == 200
    )


def test_head_gives_headers_only(published_client, built_dist):
    response = published_client.head("/dumps/netgraph.trig")
    assert response.status_code == 200
    assert response.data == b""
    size = (built_dist / "netgraph.trig").stat().st_size
    assert response.headers["Content-Length"] == str(size)
    assert response.headers["ETag"] == f'"{checksums(built_dist)["netgraph.trig"]}"'


def test_byte_range(published_client, built_dist):
    content = (built_dist / "data.ttl").read_bytes()
    response = published_client.get("/dumps/data.ttl", headers={"Range": "bytes=0-9"})
    assert response.status_code == 206
    assert response.data == content[:10]
    assert response.headers["Content-Length"] == "10"
    assert response.headers["Content-Range"] == f"bytes 0-9/{len(content)}"
    tail = published_client.get("/dumps/data.ttl", headers={"Range": "bytes=-5"})
    assert tail.status_code == 206
    assert tail.data == content[-5:]


@pytest.mark.parametrize(
    "header",
    [
        "bytes=x",
        "bytes=9-2",
        "lines=0-9",
        "bytes",
        # several ranges: allowed by RFC 9110, but served as the whole file, never a 416
        "bytes=0-9,20-29",
        "bytes=1-2, 999999999-",
    ],
)
def test_malformed_range_is_ignored(published_client, built_dist, header):
    response = published_client.get("/dumps/data.ttl", headers={"Range": header})
    assert response.status_code == 200
    assert response.data == (built_dist / "data.ttl").read_bytes()


def test_unsatisfiable_range_is_416(published_client, built_dist):
    response = published_client.get("/dumps/data.ttl", headers={"Range": "bytes=999999999-"})
    assert response.status_code == 416
    size = (built_dist / "data.ttl").stat().st_size
    assert response.headers["Content-Range"] == f"bytes */{size}"


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/../pyproject.toml",
        "/dumps/..%2fpyproject.toml",
        "/dumps/%2e%2e%2fpyproject.toml",
        "/dumps/%2E%2E/pyproject.toml",
        "/dumps/..%5cpyproject.toml",
        "/dumps/%2fetc%2fpasswd",
        "/dumps/%252e%252e%252fpyproject.toml",
        "/dumps/..%252fpyproject.toml",
        "/dumps//etc/passwd",
        "/dumps/.",
        "/dumps/..",
        "/dumps/data.ttl%00",
        "/dumps/data.ttl/",
        "/dumps/data.xml",
        "/dumps/SHA256SUMS.gz",
        "/dumps/DATA.TTL",
    ],
)
def test_only_build_files_are_served(published_client, path):
    response = published_client.get(path)
    assert response.status_code == 404, path
    assert b"[project]" not in response.data
    assert b"root:" not in response.data


def test_raw_paths_on_a_running_server(published_app):
    """waitress passes paths on as sent, unnormalised: still only 404s."""
    import http.client
    from urllib.parse import urlsplit

    from netgraph.web.server import running_server

    with running_server(published_app) as url:
        for path in (
            "/dumps/../pyproject.toml",
            "/dumps/../../../../etc/passwd",
            "/dumps/%2e%2e/pyproject.toml",
            "/dumps/%252e%252e%252fpyproject.toml",
            "/dumps/..%5c..%5cpyproject.toml",
            "/dumps/%c0%ae%c0%ae/pyproject.toml",
        ):
            connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=10)
            connection.request("GET", path)
            answer = connection.getresponse()
            body = answer.read()
            connection.close()
            assert answer.status == 404, (path, answer.status)
            assert b"[project]" not in body and b"root:" not in body


def test_nothing_outside_the_build_is_served_even_if_present(tmp_path, published_dataset):
    # A stray file in the dist folder is not part of the build: never served.
    dist = tmp_path / "dist"
    assert run_build(Project(REPO_ROOT), dist).files
    (dist / "secret.txt").write_text("secret")
    app = create_app(
        {
            "TESTING": True,
            "NETGRAPH_ROOT": REPO_ROOT,
            "NETGRAPH_DIST": dist,
            "NETGRAPH_DATASET": published_dataset,
        }
    )
    client = app.test_client()
    assert client.get("/dumps/secret.txt").status_code == 404
    assert "secret.txt" not in client.get("/dumps/", headers={"Accept": "text/plain"}).text


def test_rebuilding_gives_identical_files_and_etags(tmp_path, built_dist, published_client):
    again = tmp_path / "again"
    assert run_build(Project(REPO_ROOT), again).files
    first, second = read_dumps(built_dist), read_dumps(again)
    assert list(first) == list(second)
    assert sorted(first) == sorted(ALL_FILES)
    for name in first:
        assert first[name].path.read_bytes() == second[name].path.read_bytes(), name
        assert first[name].sha256 == second[name].sha256, name
    for name in ALL_FILES:
        served = published_client.head(f"/dumps/{name}").headers["ETag"]
        assert served == f'"{second[name].sha256}"', name


def test_gzip_copies_are_deterministic_whatever_the_chunks(tmp_path):
    content = bytes(range(256)) * 20_000  # 5 MB: several chunks
    (tmp_path / "dump").write_bytes(content)
    for name in ("a.gz", "b.gz"):
        write_gzip(tmp_path / "dump", tmp_path / name)
    packed = (tmp_path / "a.gz").read_bytes()
    assert packed == (tmp_path / "b.gz").read_bytes()
    # deflate, no flags (no file name), mtime 0, maximum compression, OS "unknown"
    assert packed[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    assert gzip.decompress(packed) == content


def test_downloads_are_streamed_from_the_file(published_client, built_dist, monkeypatch):
    def whole(path):
        raise AssertionError(f"{path} read whole")

    monkeypatch.setattr(Path, "read_bytes", whole)
    response = published_client.get("/dumps/data.nt.gz")
    assert response.status_code == 200
    assert response.is_streamed
    monkeypatch.undo()
    assert response.data == (built_dist / "data.nt.gz").read_bytes()


def test_a_build_without_gzip_copies_is_served_without_them(tmp_path, published_dataset):
    dist = tmp_path / "dist"
    assert run_build(Project(REPO_ROOT), dist).files
    sums = dist / "SHA256SUMS"
    kept = [line for line in sums.read_text().splitlines() if not line.endswith(".gz")]
    sums.write_text("".join(f"{line}\n" for line in kept))
    for name in RDF_FILES:
        (dist / f"{name}.gz").unlink()
    app = create_app(
        {"NETGRAPH_ROOT": REPO_ROOT, "NETGRAPH_DIST": dist, "NETGRAPH_DATASET": published_dataset}
    )
    listing = app.test_client().get("/dumps/", headers={"Accept": "text/plain"}).text
    assert listing.splitlines() == sorted(BUILT)


def test_a_tampered_file_is_refused_at_start(tmp_path, published_dataset):
    from netgraph.errors import InputError

    dist = tmp_path / "dist"
    assert run_build(Project(REPO_ROOT), dist).files
    (dist / "data.nt").write_bytes(b"")
    with pytest.raises(InputError, match="does not match its SHA-256"):
        read_dumps(dist)


def test_no_dumps_without_a_build(client):
    # The default test app serves a dataset given in memory: no build, nothing listed.
    assert client.get("/dumps/", headers={"Accept": "text/plain"}).text == ""
    assert client.get("/dumps/data.ttl").status_code == 404
