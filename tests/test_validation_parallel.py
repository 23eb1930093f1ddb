"""Validation split over processes, and SPARQL without cartesian products: same results."""

import os
import shutil
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from netgraph.errors import InputError
from netgraph.loading import ProjectGraphs, load_project
from netgraph.namespaces import SHAPES_IRI
from netgraph.parallel import in_processes
from netgraph.project import Project
from netgraph.validation import TARGETS, prepared, shape_groups, validate

ROOT = Path(__file__).resolve().parent.parent
SHAPE = SHAPES_IRI + "#"
CITY_MEMBERSHIPS = """
    PREFIX org: <http://www.w3.org/ns/org#>
    PREFIX ng: <https://w3id.org/netgraph/ontology#>
    SELECT ?this WHERE { ?this a org:Membership ; org:member ?member . ?member a ng:City . }
"""


@pytest.fixture(scope="module")
def graphs() -> ProjectGraphs:
    return load_project(Project(ROOT))


def records(report) -> list[tuple]:
    return [
        (r.severity, r.focus, r.path, r.value, r.shape, r.component, r.messages)
        for r in report.results
    ]


def test_every_targeted_shape_is_in_exactly_one_group(graphs: ProjectGraphs):
    groups = shape_groups(graphs.shapes)
    targeted = {shape for target in TARGETS for shape in graphs.shapes.subjects(target, None)}
    assert sorted(shape for group in groups for shape in group if shape in targeted) == sorted(
        targeted
    )


def test_a_group_holds_the_named_shapes_its_shape_refers_to(graphs: ProjectGraphs):
    (group,) = [g for g in shape_groups(graphs.shapes) if URIRef(SHAPE + "EventShape") in g]
    # EventShape's place property: sh:or ( shape:IsPlace shape:IsCity )
    assert {URIRef(SHAPE + "IsPlace"), URIRef(SHAPE + "IsCity")} <= set(group)


def test_shapes_with_rules_are_not_split(graphs: ProjectGraphs):
    shapes = Graph()
    shapes += graphs.shapes
    shapes.add((URIRef(SHAPE + "EventShape"), SH.rule, URIRef(SHAPE + "SomeRule")))
    assert shape_groups(shapes) is None


def test_the_real_data_gives_the_same_report_in_one_or_two_processes(graphs: ProjectGraphs):
    one, two = validate(graphs, workers=1), validate(graphs, workers=2)
    assert records(one) == records(two)
    assert len(one.results) == 10  # 3 warnings, 7 infos (README)


def test_the_split_validation_equals_pyshacl_validating_everything_at_once(
    graphs: ProjectGraphs,
):
    _, whole, _ = pyshacl.validate(
        graphs.data,
        shacl_graph=graphs.shapes,
        ont_graph=graphs.ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    (node,) = whole.subjects(RDF.type, SH.ValidationReport)
    expected = sorted(
        (whole.value(result, SH.focusNode), whole.value(result, SH.sourceShape))
        for result in whole.objects(node, SH.result)
    )
    report = validate(graphs, workers=2)
    (merged,) = report.graph.subjects(RDF.type, SH.ValidationReport)
    found = sorted(
        (report.graph.value(result, SH.focusNode), report.graph.value(result, SH.sourceShape))
        for result in report.graph.objects(merged, SH.result)
    )
    assert found == expected
    assert len(found) == 10


def test_a_shape_pyshacl_fails_on_in_a_worker_is_the_same_one_line_error(fixture_root: Path):
    shutil.copy(
        ROOT
        / "tests"
        / "fixtures"
        / "cli"
        / "broken-shapes"
        / "sparql-validator-that-does-not-parse.ttl",
        fixture_root / "shapes" / "broken.ttl",
    )
    graphs = load_project(Project(fixture_root))
    assert len(shape_groups(graphs.shapes)) > 1  # so that two workers share them out
    fault = f"<{SHAPE}HasPopulation>: SPARQL: Expected '}}', found end of text"
    for workers in (1, 2):
        with pytest.raises(InputError) as caught:
            validate(graphs, workers=workers)
        assert str(caught.value) == f"shapes/broken.ttl:13:55: {fault}"
    in_memory = ProjectGraphs(graphs.ontology, graphs.data, graphs.shapes)  # from no file
    with pytest.raises(InputError) as caught:
        validate(in_memory, workers=2)
    assert str(caught.value) == fault


def test_a_cartesian_product_becomes_a_chain_of_joins_with_the_same_rows(
    graphs: ProjectGraphs,
):
    query = prepared(CITY_MEMBERSHIPS)
    chain = query.algebra.p.p
    assert chain.name == "Join" and chain.lazy
    steps = [chain.p2.triples, chain.p1.p2.triples, chain.p1.p1.triples][::-1]
    # each step shares a variable with the ones before it
    assert [str(triple[1]).rsplit("#")[-1] for (triple,) in steps] == ["type", "member", "type"]
    assert sorted(graphs.data.query(query)) == sorted(graphs.data.query(CITY_MEMBERSHIPS))
    assert len(list(graphs.data.query(query))) == 10  # memberships of cities


def test_a_query_without_a_cartesian_product_is_left_as_rdflib_made_it():
    text = "SELECT ?x WHERE { ?x <urn:p> ?y . ?y <urn:q> ?z }"
    assert prepared(text).algebra.p.p.name == "BGP"


def test_initial_bindings_count_as_bound():
    # with ?this bound, both patterns link to it: no product, nothing to rewrite
    text = "SELECT ?a WHERE { ?this <urn:p> ?a . ?this <urn:q> ?b }"
    assert prepared(text, frozenset({"this"})).algebra.p.p.name == "BGP"


def _pid_of(_shared, _item) -> int:
    return os.getpid()


def test_fresh_workers_are_forked_per_item_and_others_reused():
    """Rendering asks for a fresh fork per dump (memory); validation reuses its workers,
    since a fork per shape group cost the tests more than half their time."""
    items = list(range(6))
    reused = in_processes(_pid_of, items, 2, (None,))
    fresh = in_processes(_pid_of, items, 2, (None,), fresh=True)
    assert len(set(reused)) <= 2
    assert len(set(fresh)) == 6
    assert os.getpid() not in set(reused) | set(fresh)
