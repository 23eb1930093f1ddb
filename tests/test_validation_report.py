"""The validation report: what pyshacl found, in each output format, in a stable order."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from netgraph.loading import (
    ProjectGraphs,
    data_files,
    load_ontology,
    load_project,
    load_shapes,
    parse_turtle,
)
from netgraph.names import compact
from netgraph.project import Project
from netgraph.reports import render_report
from netgraph.source_lines import SourceLines
from netgraph.validation import ValidationResult, render_path, validate

VIOLATION_LINE = (
    "org:memberDuring/time:hasBeginning/time:inXSDDate: "
    'The start date must be an xsd:date. (value: "1990")'
)


def render(root: Path, fmt: str, lang: str = "en", fail_on: str = "violation") -> str:
    project = Project(root)
    report = validate(load_project(project))
    sources = SourceLines(project, data_files(project))
    return render_report(report, fmt, lang=lang, fail_on=fail_on, sources=sources)


def test_results_are_records_sorted_most_severe_first(violating_root: Path):
    report = validate(load_project(Project(violating_root)))
    assert [(r.severity, compact(r.focus), r.path, r.component) for r in report.results] == [
        (
            "violation",
            "membership:eurocities-lille",
            "org:memberDuring/time:hasBeginning/time:inXSDDate",
            "sh:DatatypeConstraintComponent",
        ),
        ("warning", "city:lille", "ng:population", "sh:MinCountConstraintComponent"),
    ]
    assert report.results[0].value == Literal("1990")
    assert report.results[0].shape == "<https://w3id.org/netgraph/shapes#Membership>"
    assert report.fails("violation")
    assert (report.count("violation"), report.count("warning"), report.count("info")) == (1, 1, 0)


def test_warnings_pass_unless_the_threshold_is_lowered(fixture_root: Path):
    report = validate(load_project(Project(fixture_root)))
    assert [r.severity for r in report.results] == ["warning"]
    assert not report.fails("violation")
    assert report.fails("warning")
    assert report.fails("info")


def test_class_targets_use_the_ontology_hierarchy(fixture_root: Path):
    # shape:Organization targets org:Organization; eurocities is only an ng:Network.
    (fixture_root / "data" / "networks" / "eurocities.ttl").write_text(
        "@prefix ng: <ontology#> .\n<id/network/nameless> a ng:Network .\n"
    )
    report = validate(load_project(Project(fixture_root)))
    assert ("network:nameless", "skos:prefLabel") in {
        (compact(r.focus), r.path) for r in report.results
    }


def test_sparql_constraints_see_the_declared_prefixes(fixture_root: Path):
    with (fixture_root / "data" / "places.ttl").open("a") as file:
        file.write("country:de ng:memberOf <id/network/eurocities> .\n")
    report = validate(load_project(Project(fixture_root)))
    (member,) = [r for r in report.results if r.component == "sh:SPARQLConstraintComponent"]
    assert (compact(member.focus), compact(member.value)) == (
        "network:eurocities",
        "id:country/de",
    )
    # pyshacl loses the language tags of filled-in SPARQL messages; they are recovered.
    assert member.messages == {
        "de": "Mitglied https://w3id.org/netgraph/id/country/de ist keine Stadt.",
        "en": "Member https://w3id.org/netgraph/id/country/de is not a city.",
    }


def test_text_report(violating_root: Path):
    assert render(violating_root, "text") == (
        "membership:eurocities-lille  data/violation.ttl:7\n"
        f"  violation  {VIOLATION_LINE}\n"
        "\n"
        "city:lille  data/places.ttl:17\n"
        "  warning  ng:population: The population is missing.\n"
        "\n"
        "violation: 1, warning: 1, info: 0\n"
    )


def test_text_report_in_german(violating_root: Path):
    lines = render(violating_root, "text", lang="de").splitlines()
    assert lines[4] == "  warning  ng:population: Die Einwohnerzahl fehlt."


def test_text_report_of_clean_data_is_the_summary(fixture_root: Path):
    (fixture_root / "shapes" / "shapes.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<shapes#Empty> a sh:NodeShape .\n"
    )
    assert render(fixture_root, "text") == "violation: 0, warning: 0, info: 0\n"


def test_json_report(violating_root: Path):
    document = json.loads(render(violating_root, "json", lang="de"))
    assert document["conforms"] is False
    assert document["counts"] == {"violation": 1, "warning": 1, "info": 0}
    assert document["results"][0] == {
        "severity": "violation",
        "focus": "membership:eurocities-lille",
        "path": "org:memberDuring/time:hasBeginning/time:inXSDDate",
        "value": '"1990"',
        "message": "Das Beginndatum muss ein xsd:date sein.",
        "messages": {
            "de": "Das Beginndatum muss ein xsd:date sein.",
            "en": "The start date must be an xsd:date.",
        },
        "shape": "<https://w3id.org/netgraph/shapes#Membership>",
        "component": "sh:DatatypeConstraintComponent",
        "file": "data/violation.ttl",
        "line": 7,
    }


def test_json_conforms_follows_the_threshold(fixture_root: Path):
    assert json.loads(render(fixture_root, "json"))["conforms"] is True
    assert json.loads(render(fixture_root, "json", fail_on="warning"))["conforms"] is False


def test_turtle_report_is_the_shacl_report_graph(violating_root: Path):
    graph = Graph().parse(data=render(violating_root, "turtle"), format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(False)
    assert len(list(graph.objects(report, SH.result))) == 2


def test_junit_report(violating_root: Path):
    root = ET.fromstring(render(violating_root, "junit"))
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    failing, passing = suite.findall("testcase")
    assert failing.get("name") == "membership:eurocities-lille"
    assert (failing.get("file"), failing.get("line")) == ("data/violation.ttl", "7")
    (failure,) = failing.findall("failure")
    assert failure.get("type") == "violation"
    assert failure.get("message") == VIOLATION_LINE
    assert passing.find("failure") is None
    assert passing.find("system-out").text == "warning: ng:population: The population is missing."


def test_junit_report_fails_warnings_when_asked(violating_root: Path):
    suite = ET.fromstring(render(violating_root, "junit", fail_on="warning")).find("testsuite")
    assert suite.get("failures") == "2"


def test_github_annotations(violating_root: Path):
    assert render(violating_root, "github").splitlines() == [
        "::error file=data/violation.ttl,line=7,title=membership%3Aeurocities-lille::"
        + VIOLATION_LINE,
        "::warning file=data/places.ttl,line=17,title=city%3Alille::"
        "ng:population: The population is missing.",
        "violation: 1, warning: 1, info: 0",
    ]


def test_message_falls_back_to_the_other_language():
    result = ValidationResult(
        "info", URIRef("urn:x"), "", None, "", "", messages={"de": "Nur Deutsch."}
    )
    assert result.message("en") == "Nur Deutsch."
    assert result.message("de") == "Nur Deutsch."


def path_graph(turtle_path: str) -> tuple[Graph, BNode]:
    graph = Graph().parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix org: <http://www.w3.org/ns/org#> .
        @prefix time: <http://www.w3.org/2006/time#> .
        <urn:shape> sh:path {turtle_path} .
        """,
        format="turtle",
    )
    return graph, graph.value(URIRef("urn:shape"), SH.path)


@pytest.mark.parametrize(
    ("turtle_path", "rendered"),
    [
        ("org:member", "org:member"),
        ("( org:memberDuring time:hasBeginning )", "org:memberDuring/time:hasBeginning"),
        ("[ sh:inversePath org:member ]", "^org:member"),
        ("[ sh:alternativePath ( org:member org:organization ) ]", "org:member|org:organization"),
        ("[ sh:zeroOrMorePath org:member ]", "org:member*"),
        ("[ sh:oneOrMorePath org:member ]", "org:member+"),
        ("[ sh:zeroOrOnePath org:member ]", "org:member?"),
        ("( [ sh:inversePath org:member ] org:organization )", "(^org:member)/org:organization"),
    ],
)
def test_paths_render_as_sparql_property_paths(turtle_path: str, rendered: str):
    assert render_path(*path_graph(turtle_path)) == rendered


def test_source_lines_prefer_the_block_that_types_the_resource(fixture_root: Path):
    project = Project(fixture_root)
    sources = SourceLines(project, data_files(project))
    base = "https://w3id.org/netgraph/id/"
    # networks/eurocities.ttl sorts first and mentions lille, but places.ttl types it.
    assert sources.locate(base + "city/lille") == ("data/places.ttl", 17)
    assert sources.locate(base + "network/eurocities") == ("data/networks/eurocities.ttl", 10)
    assert sources.locate(base + "nowhere") is None


def test_a_failed_sh_node_is_one_result_not_two():
    # pyshacl nests the inner failure of sh:node as sh:detail of the outer
    # result; only the outer one is the report's own result.
    project = Project(Path(__file__).resolve().parent.parent)
    fixtures = Path(__file__).resolve().parent / "fixtures"
    data = Graph()
    for name in ("valid/minimal.ttl", "invalid/StatedQuantity-measure.node.ttl"):
        parse_turtle(fixtures / name, data, project)
    graphs = ProjectGraphs(load_ontology(project), data, load_shapes(project))
    report = validate(graphs)
    assert [(compact(r.focus), r.path, r.component) for r in report.results] == [
        (
            "quantity:example-network-members-2020",
            "ng:measure",
            "sh:NodeConstraintComponent",
        )
    ]
