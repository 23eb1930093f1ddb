"""HTTP caching (netgraph.web.caching): ETags, Cache-Control, 304, the in-process cache."""

import re
import shutil
from pathlib import Path

import pytest

from netgraph.build import run_build
from netgraph.project import Project
from netgraph.web.caching import (
    CACHE_HEADER,
    EXTENSION,
    Entry,
    ResponseCache,
    file_digest,
    if_none_match,
)
from netgraph.web.engine import Reply
from netgraph.web.evaluator import EXTENSION as POOL
from netgraph.web.evaluator import Refusal

NETWORKS = "SELECT ?n WHERE { ?n a ng:Network } ORDER BY ?n"
MANY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 50"
STRONG = re.compile(r'"[0-9a-f]{40}"')
CACHE_CONTROL = "public, max-age=300"


@pytest.fixture
def counted(make_app, monkeypatch):
    """An application whose evaluation pool counts the jobs it is given."""

    def make(**config):
        app = make_app(**config)
        pool = app.extensions[POOL]
        real = pool.run
        app.evaluations = []

        def run(job):
            app.evaluations.append(job[0])
            return real(job)

        monkeypatch.setattr(pool, "run", run)
        return app

    return make


def get(client, query=NETWORKS, headers=None, **params):
    return client.get("/sparql", query_string={"query": query, **params}, headers=headers or {})


# --- Headers --------------------------------------------------------------------------------


def test_a_query_answer_carries_exact_caching_headers(counted):
    client = counted().test_client()
    first = get(client)
    assert first.status_code == 200
    assert STRONG.fullmatch(first.headers["ETag"])
    assert first.headers["Cache-Control"] == CACHE_CONTROL
    assert first.headers["Vary"] == "Accept"
    assert first.headers[CACHE_HEADER] == "miss"
    assert "ETag" in first.headers["Access-Control-Expose-Headers"]
    second = get(client)
    assert second.headers[CACHE_HEADER] == "hit"
    assert second.data == first.data
    for name in ("ETag", "Cache-Control", "Vary", "Content-Type", "Access-Control-Allow-Origin"):
        assert second.headers[name] == first.headers[name], name


def test_max_age_is_configurable(counted):
    client = counted(NETGRAPH_CACHE_MAX_AGE=60).test_client()
    assert get(client).headers["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize(
    ("path", "headers", "vary"),
    [
        ("/id/network/eurocities", {}, "Accept, Accept-Language"),
        ("/id/network/eurocities.ttl", {}, None),
        ("/id/network/eurocities.html", {}, "Accept-Language"),
        ("/ontology", {"Accept": "text/html"}, "Accept, Accept-Language"),
        ("/.well-known/void", {}, "Accept"),
        ("/sparql", {}, "Accept"),  # the service description
    ],
)
def test_every_get_answer_is_cacheable(counted, path, headers, vary):
    client = counted().test_client()
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    assert STRONG.fullmatch(response.headers["ETag"])
    assert response.headers["Cache-Control"] == CACHE_CONTROL
    assert response.headers.get("Vary") == vary
    again = client.get(path, headers={**headers, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers.get("Vary") == vary


def test_the_catalog_is_cacheable_with_its_profile_headers(published_client):
    response = published_client.get("/catalog")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == CACHE_CONTROL
    again = published_client.get("/catalog", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Content-Profile"] == response.headers["Content-Profile"]
    assert again.headers["Vary"] == "Accept, Accept-Profile"
    other = published_client.get("/catalog", headers={"Accept-Profile": "<x:y>"})
    assert other.headers["ETag"] != response.headers["ETag"]


def test_the_query_page_has_a_weak_etag_since_it_states_its_timing(counted):
    app = counted()
    client = app.test_client()
    page = client.get("/", query_string={"query": NETWORKS, "lang": "en"})
    assert page.status_code == 200
    assert re.fullmatch(r'W/"[0-9a-f]{40}"', page.headers["ETag"])
    assert page.headers["Vary"] == "Accept, Accept-Language"
    again = client.get("/", query_string={"query": NETWORKS, "lang": "en"})
    assert again.data == page.data
    assert app.evaluations == ["page"]
    german = client.get("/", query_string={"query": NETWORKS, "lang": "de"})
    assert german.headers["ETag"] != page.headers["ETag"]


def test_dump_files_keep_their_own_validators(published_client, built_dist):
    response = published_client.get("/dumps/data.ttl")
    assert response.headers["Cache-Control"] == "public, no-cache"
    assert CACHE_HEADER not in response.headers


# --- 304 -------------------------------------------------------------------------------------


def test_304_with_empty_body_and_without_evaluating(counted):
    app = counted()
    client = app.test_client()
    etag = get(client).headers["ETag"]
    response = get(client, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Cache-Control"] == CACHE_CONTROL
    assert response.headers["Vary"] == "Accept"
    assert "Content-Type" not in response.headers
    assert app.evaluations == ["answer"]


def test_304_without_the_cache_still_does_not_evaluate(counted):
    app = counted(NETGRAPH_CACHE_BYTES=0)
    client = app.test_client()
    first = get(client)
    assert CACHE_HEADER not in first.headers
    assert get(client).status_code == 200
    assert app.evaluations == ["answer", "answer"]
    response = get(client, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 304
    assert response.headers["Vary"] == "Accept"
    assert app.evaluations == ["answer", "answer"]


@pytest.mark.parametrize(
    "header",
    [
        "{etag}",
        "W/{etag}",  # If-None-Match compares weakly
        '"other", {etag}',
        '"other",W/{etag} ,',
        "*",
        " * ",
    ],
)
def test_if_none_match_forms(counted, header):
    client = counted().test_client()
    etag = get(client).headers["ETag"]
    assert get(client, headers={"If-None-Match": header.format(etag=etag)}).status_code == 304


@pytest.mark.parametrize(
    "header",
    ['"other"', "W/\"other\", 'x'", "{bare}", '{etag} "x"', '"unterminated', "", "*, {etag}"],
)
def test_a_malformed_or_other_if_none_match_is_ignored(counted, header):
    client = counted().test_client()
    first = get(client)
    etag = first.headers["ETag"]
    value = header.format(etag=etag, bare=etag.strip('"'))
    response = get(client, headers={"If-None-Match": value})
    assert response.status_code == 200
    assert response.data == first.data


def test_if_none_match_parsing():
    assert if_none_match('"a", W/"b"') == (False, frozenset({"a", "b"}))
    assert if_none_match("*") == (True, frozenset())
    assert if_none_match(', "a",,') == (False, frozenset({"a"}))
    for malformed in (None, "", "a", '"a', '"a" "b"', 'W/ "a"', '"a", *', '"a\x01"'):
        assert if_none_match(malformed) is None, malformed


def test_head_is_answered_from_the_cache(counted):
    app = counted()
    client = app.test_client()
    first = get(client)
    head = client.head("/sparql", query_string={"query": NETWORKS})
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == first.headers["ETag"]
    assert head.headers[CACHE_HEADER] == "hit"
    assert app.evaluations == ["answer"]


# --- The in-process cache --------------------------------------------------------------------


def test_a_repeated_query_is_not_evaluated_again(counted):
    app = counted()
    client = app.test_client()
    answers = [get(client, headers={"Accept": "text/csv"}) for _ in range(3)]
    assert app.evaluations == ["answer"]
    assert len({answer.data for answer in answers}) == 1
    cache = app.extensions[EXTENSION].cache
    assert (cache.hits, cache.misses, len(cache)) == (2, 1, 1)


def test_post_answers_are_cached_in_process_but_not_for_proxies(counted):
    app = counted()
    client = app.test_client()
    form = [client.post("/sparql", data={"query": NETWORKS}) for _ in range(2)]
    direct = [
        client.post("/sparql", data=NETWORKS, content_type="application/sparql-query")
        for _ in range(2)
    ]
    assert app.evaluations == ["answer", "answer"]
    for response in (*form, *direct):
        assert response.status_code == 200
        assert "ETag" not in response.headers
        assert "Cache-Control" not in response.headers
    assert [r.headers[CACHE_HEADER] for r in form + direct] == ["miss", "hit", "miss", "hit"]
    assert form[1].data == form[0].data == direct[0].data
    # a GET of the same query is another key (its answer gets an ETag)
    assert get(client).headers[CACHE_HEADER] == "miss"
    # If-None-Match never turns a POST into a 304
    etag = get(client).headers["ETag"]
    posted = client.post("/sparql", data={"query": NETWORKS}, headers={"If-None-Match": etag})
    assert posted.status_code == 200


# --- The fast lane: hits answered before Flask runs ------------------------------------------


@pytest.fixture
def dispatched(counted, monkeypatch):
    """An application that counts the requests Flask itself handles."""

    def make(**config):
        app = counted(**config)
        real = app.full_dispatch_request
        app.dispatches = 0

        def dispatch():
            app.dispatches += 1
            return real()

        monkeypatch.setattr(app, "full_dispatch_request", dispatch)
        return app

    return make


def test_a_hit_is_answered_before_flask_with_the_final_headers(dispatched):
    app = dispatched()
    client = app.test_client()
    first = get(client)
    hits = [get(client) for _ in range(2)]
    assert app.dispatches == 1
    assert app.evaluations == ["answer"]
    assert [hit.headers[CACHE_HEADER] for hit in hits] == ["hit", "hit"]
    miss_headers = [(k, v) for k, v in first.headers.items() if k != CACHE_HEADER]
    for hit in hits:
        assert hit.status == "200 OK"
        assert hit.data == first.data
        # everything the hooks added, CORS and nosniff included, and nothing more
        assert [(k, v) for k, v in hit.headers.items() if k != CACHE_HEADER] == miss_headers
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Access-Control-Allow-Origin"] == "*"


def test_a_post_hit_takes_the_fast_lane_and_a_miss_still_gets_its_body(dispatched):
    app = dispatched()
    client = app.test_client()
    posts = [client.post("/sparql", data={"query": NETWORKS}) for _ in range(3)]
    assert [p.status_code for p in posts] == [200, 200, 200]
    assert [p.headers[CACHE_HEADER] for p in posts] == ["miss", "hit", "hit"]
    assert app.dispatches == 1
    assert app.evaluations == ["answer"]
    other = client.post("/sparql", data={"query": MANY})
    assert (other.status_code, other.headers[CACHE_HEADER]) == (200, "miss")
    assert other.data != posts[0].data


def test_a_head_hit_in_the_fast_lane_has_the_get_headers_and_no_body(dispatched):
    app = dispatched()
    client = app.test_client()
    first = get(client)
    head = client.head("/sparql", query_string={"query": NETWORKS})
    assert (head.status_code, head.data, app.dispatches) == (200, b"", 1)
    assert head.headers["Content-Length"] == str(len(first.data))
    assert head.headers["ETag"] == first.headers["ETag"]


def test_a_repeated_revalidation_is_answered_by_the_fast_lane(dispatched):
    app = dispatched()
    client = app.test_client()
    etag = get(client).headers["ETag"]
    first, second, third = (
        get(client, headers={"If-None-Match": tag}) for tag in (etag, f"W/{etag}", etag)
    )
    assert app.dispatches == 2  # the answer, then the first 304: the hooks make it
    assert app.evaluations == ["answer"]
    for later in (second, third):
        assert (later.status_code, later.data) == (304, b"")
        assert list(later.headers.items()) == list(first.headers.items())
    assert first.headers[CACHE_HEADER] == "revalidated"
    assert first.headers["ETag"] == etag
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    other = get(client, headers={"If-None-Match": '"another"'})
    assert (other.status_code, other.headers[CACHE_HEADER]) == (200, "hit")
    assert app.dispatches == 2


def test_what_the_fast_lane_leaves_to_flask(dispatched):
    app = dispatched(MAX_CONTENT_LENGTH=2048)
    client = app.test_client()
    etag = get(client).headers["ETag"]
    revalidated = get(client, headers={"If-None-Match": etag})
    assert (revalidated.status_code, revalidated.headers[CACHE_HEADER]) == (304, "revalidated")
    too_large = client.post("/sparql", data={"query": NETWORKS + " " * 4096})
    assert too_large.status_code == 413
    page = client.get("/id/network/eurocities", headers={"Accept": "text/turtle"})
    again = client.get("/id/network/eurocities", headers={"Accept": "text/turtle"})
    assert again.headers[CACHE_HEADER] == "hit"  # a resource page: a hit, through Flask
    assert page.data == again.data
    assert app.dispatches == 5


def test_a_kept_304_counts_against_the_bound_and_goes_with_its_answer():
    cache = ResponseCache(100)
    assert cache.put("a", Entry(200, (("A", "bc"),), b"x" * 7))  # 10 bytes
    cache.keep_not_modified("a", (("ETag", '"t"'),))  # 4 + 3 bytes more
    assert cache.size == 17
    assert cache.peek("a").not_modified == (("ETag", '"t"'),)
    cache.keep_not_modified("gone", (("ETag", '"u"'),))  # no answer kept: nothing kept
    assert "gone" not in cache
    assert cache.size == 17


def test_lru_eviction_by_bytes_exact():
    def entry(size: int) -> Entry:
        return Entry(200, (("A", "bc"),), b"x" * (size - 3))  # header "A: bc" counts 3

    assert entry(10).size == 10
    cache = ResponseCache(30)
    assert cache.put("a", entry(10)) and cache.put("b", entry(10)) and cache.put("c", entry(10))
    assert (cache.size, cache.lru_order()) == (30, ["a", "b", "c"])
    assert cache.get("a") is not None  # a is now the most recently used
    assert cache.put("d", entry(3))
    assert (cache.size, cache.lru_order(), cache.evictions) == (23, ["c", "a", "d"], 1)
    assert cache.put("e", entry(19))  # 40 > 30: c and a go
    assert (cache.size, cache.lru_order(), cache.evictions) == (22, ["d", "e"], 3)
    assert not cache.put("big", entry(31))  # larger than the whole cache: not kept
    assert cache.put("whole", entry(30))
    assert (cache.size, cache.lru_order()) == (30, ["whole"])
    assert cache.put("whole", entry(5))  # replacing an entry counts the new size only
    assert cache.size == 5
    disabled = ResponseCache(0)
    assert not disabled.put("a", entry(3))
    assert len(disabled) == 0


def test_lru_eviction_in_the_application(counted):
    sizes = {}
    app = counted()
    client = app.test_client()
    for name in ("csv", "tsv"):
        get(client, format=name)
    cache = app.extensions[EXTENSION].cache
    for key in cache.lru_order():
        sizes[key] = cache.peek(key).size
    small = counted(NETGRAPH_CACHE_BYTES=sum(sizes.values()) - 1)
    client = small.test_client()
    get(client, format="csv")
    get(client, format="tsv")  # one byte too many: the CSV answer goes
    assert small.extensions[EXTENSION].cache.evictions == 1
    assert get(client, format="tsv").headers[CACHE_HEADER] == "hit"
    assert get(client, format="csv").headers[CACHE_HEADER] == "miss"
    assert small.evaluations == ["answer", "answer", "answer"]


# --- Keys: what changes the bytes changes the ETag --------------------------------------------


def test_everything_that_changes_the_answer_changes_the_etag(counted):
    client = counted().test_client()
    data = "https://w3id.org/netgraph/graph/data"
    variants = [
        get(client),
        get(client, query=NETWORKS + " "),
        get(client, format="csv"),
        get(client, format="xml"),
        get(client, headers={"Accept": "text/tab-separated-values"}),
        get(client, **{"default-graph-uri": data}),
        get(client, **{"named-graph-uri": data}),
        client.get("/sparql", query_string={"query": NETWORKS}, base_url="http://other.example"),
    ]
    etags = [variant.headers["ETag"] for variant in variants]
    assert all(variant.status_code == 200 for variant in variants)
    assert len(set(etags)) == len(etags)
    page = client.get("/id/network/eurocities.html")
    german = client.get("/id/network/eurocities.html", headers={"Accept-Language": "de"})
    assert page.headers["ETag"] != german.headers["ETag"]
    assert b'lang="de"' in german.data


def test_the_limits_are_part_of_the_version(counted):
    cut = counted(NETGRAPH_MAX_ROWS=3).test_client()
    whole = counted().test_client()
    cut_answer, whole_answer = get(cut, query=MANY), get(whole, query=MANY)
    assert cut_answer.headers["ETag"] != whole_answer.headers["ETag"]
    # a cut answer is cached like any other, and still says it was cut
    assert "X-Netgraph-Truncated" in cut_answer.headers
    again = get(cut, query=MANY)
    assert again.headers[CACHE_HEADER] == "hit"
    assert again.headers["X-Netgraph-Truncated"] == cut_answer.headers["X-Netgraph-Truncated"]
    assert again.headers["Cache-Control"] == CACHE_CONTROL


# --- The dataset version --------------------------------------------------------------------


def _built(root: Path, out: Path) -> Path:
    assert run_build(Project(root), out).files
    return out


def _etag_of(make_app, root: Path, **config) -> str:
    client = make_app(NETGRAPH_ROOT=root, NETGRAPH_DATASET=None, **config).test_client()
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    return response.headers["ETag"]


def test_rebuilds_same_etag_when_unchanged_and_a_new_one_when_changed(make_app, fixture_root):
    tmp = fixture_root.parent
    first = _etag_of(make_app, fixture_root, NETGRAPH_DIST=_built(fixture_root, tmp / "one"))
    # an unchanged rebuild, in another folder (another machine): the same ETag
    again = _etag_of(make_app, fixture_root, NETGRAPH_DIST=_built(fixture_root, tmp / "two"))
    assert again == first
    # the data changed: every ETag changes
    places = fixture_root / "data" / "places.ttl"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace("629047", "629048"), encoding="utf-8")
    changed = _etag_of(make_app, fixture_root, NETGRAPH_DIST=_built(fixture_root, tmp / "three"))
    assert changed != first


def test_loaded_files_are_versioned_by_their_content(make_app, fixture_root, tmp_path):
    built = _built(fixture_root, tmp_path / "dist")
    copy = tmp_path / "elsewhere" / "copy.trig"
    copy.parent.mkdir()
    shutil.copy(built / "netgraph.trig", copy)
    assert file_digest([built / "netgraph.trig"]) == file_digest([copy])
    loaded = _etag_of(make_app, fixture_root, NETGRAPH_LOAD=(str(copy),))
    assert loaded == _etag_of(make_app, fixture_root, NETGRAPH_LOAD=(str(built / "netgraph.trig"),))
    copy.write_bytes(copy.read_bytes() + b"\n")
    assert _etag_of(make_app, fixture_root, NETGRAPH_LOAD=(str(copy),)) != loaded


def test_the_version_can_be_given(make_app, fixture_root):
    one = _etag_of(make_app, fixture_root, NETGRAPH_DATASET_VERSION="v1")
    assert one == _etag_of(make_app, fixture_root, NETGRAPH_DATASET_VERSION="v1")
    assert one != _etag_of(make_app, fixture_root, NETGRAPH_DATASET_VERSION="v2")


# --- Errors are never cached -------------------------------------------------------------------


def test_errors_are_not_cached(counted):
    app = counted()
    client = app.test_client()
    for _ in range(2):
        response = get(client, query="SELECT WHERE {")
        assert response.status_code == 400
        assert "ETag" not in response.headers
        assert response.headers["Cache-Control"] == "no-cache"
        assert CACHE_HEADER not in response.headers
    assert app.evaluations == ["answer", "answer"]
    assert len(app.extensions[EXTENSION].cache) == 0
    missing = client.get("/id/network/no-such-network")
    assert missing.status_code == 404
    assert missing.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("status", [503, 504])
def test_overload_and_timeouts_are_no_store(counted, monkeypatch, status):
    app = counted()
    pool = app.extensions[POOL]
    calls = []

    def refuse(job):
        calls.append(job)
        raise Refusal(Reply(status, "text/plain", b"busy\n", {"Retry-After": "2"}))

    monkeypatch.setattr(pool, "run", refuse)
    client = app.test_client()
    for _ in range(2):
        response = get(client)
        assert response.status_code == status
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers
    assert len(calls) == 2


def test_serve_options(run_cli, monkeypatch):
    import netgraph.web.server

    seen = {}
    monkeypatch.setattr(netgraph.web.server, "serve", lambda **kwargs: seen.update(kwargs))
    assert run_cli("serve", "--cache-size", "2", "--cache-max-age", "60").exit_code == 0
    assert seen["limits"]["NETGRAPH_CACHE_BYTES"] == 2 * 1024 * 1024
    assert seen["limits"]["NETGRAPH_CACHE_MAX_AGE"] == 60
    assert run_cli("serve", "--cache-size", "-1").exit_code == 2
