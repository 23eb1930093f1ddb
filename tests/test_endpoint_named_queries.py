"""Every named query returns over HTTP exactly the rows it returns in-process."""

import json
import urllib.request
from pathlib import Path

import pytest

from answers import json_term_key, term_key
from netgraph.named_queries import NamedQuery, named_queries
from netgraph.project import Project
from netgraph.query import run_query
from netgraph.web import create_app
from netgraph.web.server import running_server

REPO_ROOT = Path(__file__).resolve().parent.parent
NAMED = named_queries(Project(REPO_ROOT))


@pytest.fixture(scope="module")
def endpoint(served_dataset):
    app = create_app({"NETGRAPH_DATASET": served_dataset, "NETGRAPH_ROOT": REPO_ROOT})
    with running_server(app) as url:
        yield f"{url}/sparql"


def test_there_are_named_queries():
    assert len(NAMED) >= 10


@pytest.mark.parametrize("named", NAMED, ids=[query.name for query in NAMED])
def test_named_query_over_http_matches_in_process(endpoint, served_dataset, named: NamedQuery):
    local = run_query(served_dataset, named.text, source=named.name)
    request = urllib.request.Request(
        endpoint,
        data=named.text.encode(),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
        document = json.load(response)
    if local.type == "ASK":
        assert document["boolean"] == local.askAnswer
        return
    names = [str(variable) for variable in local.vars]
    assert document["head"]["vars"] == names
    expected = [[term_key(term) for term in row] for row in local]
    answered = [
        [json_term_key(binding.get(name)) for name in names]
        for binding in document["results"]["bindings"]
    ]
    assert answered == expected


def test_named_queries_are_also_offered_by_the_query_page(served_dataset):
    app = create_app({"NETGRAPH_DATASET": served_dataset, "NETGRAPH_ROOT": REPO_ROOT})
    page = app.test_client().get("/").data.decode()
    for named in NAMED:
        assert f'value="{named.name}"' in page
