"""The netgraph command: exit codes, one-line errors, and where it finds the project."""

import json
import shutil
import socket
from pathlib import Path

import pytest

from netgraph.cli import main
from netgraph.named_queries import named_queries
from netgraph.namespaces import SHAPES_IRI
from netgraph.project import Project

BROKEN_SHAPES = Path(__file__).parent / "fixtures" / "cli" / "broken-shapes"
BROKEN_TURTLE = "@prefix ng: <ontology#> .\n<id/city/x> a ng:City\n<id/city/y> a ng:City .\n"
BROKEN_MESSAGE = "error: data/places.ttl:3:1: expected '.' or '}' or ']' at end of statement\n"
INVALID_IRI = (
    "@prefix ng: <ontology#> .\n<id/city/x> a ng:City ;\n    ng:near <http://example.org/a b> .\n"
)
INVALID_IRI_MESSAGE = "error: data/places.ttl:3:13: invalid IRI <http://example.org/a b>\n"


def test_validate_conforming_data_exits_0(run_cli, fixture_root: Path):
    result = run_cli("validate", "--root", fixture_root)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "violation: 0, warning: 1, info: 0"


def test_validate_exits_1_on_a_violation(run_cli, violating_root: Path):
    result = run_cli("validate", "--root", violating_root)
    assert result.exit_code == 1
    assert result.stdout.startswith("membership:eurocities-lille  data/violation.ttl:7\n")


def test_fail_on_warning_turns_warnings_into_exit_1(run_cli, fixture_root: Path):
    assert run_cli("validate", "--root", fixture_root, "--fail-on", "warning").exit_code == 1
    assert run_cli("validate", "--root", fixture_root, "--fail-on", "violation").exit_code == 0


@pytest.mark.parametrize("fmt", ["text", "json", "turtle", "junit", "github"])
def test_every_format_keeps_the_exit_code(run_cli, violating_root: Path, fmt: str):
    assert run_cli("validate", "--root", violating_root, "--format", fmt).exit_code == 1


@pytest.mark.parametrize("command", ["validate", "build"])
@pytest.mark.parametrize(
    ("turtle", "message"),
    [(BROKEN_TURTLE, BROKEN_MESSAGE), (INVALID_IRI, INVALID_IRI_MESSAGE)],
    ids=["syntax", "invalid-iri"],
)
def test_broken_turtle_is_one_error_line_and_exit_2(
    run_cli, fixture_root: Path, command: str, turtle: str, message: str
):
    (fixture_root / "data" / "places.ttl").write_text(turtle)
    result = run_cli(command, "--root", fixture_root)
    assert result.exit_code == 2
    assert result.stderr == message  # and no library warning before it
    assert result.stdout == ""


def test_unknown_option_is_a_usage_error(run_cli, fixture_root: Path):
    result = run_cli("validate", "--root", fixture_root, "--colour")
    assert result.exit_code == 2
    assert result.stderr == "error: No such option '--colour' (see 'netgraph validate --help')\n"


def test_an_unknown_option_of_netgraph_itself_is_one_line(run_cli):
    result = run_cli("--bogus")
    assert (result.exit_code, result.stderr) == (
        2,
        "error: No such option '--bogus' (see 'netgraph --help')\n",
    )


def test_unknown_format_is_a_usage_error(run_cli, fixture_root: Path):
    assert run_cli("validate", "--root", fixture_root, "--format", "yaml").exit_code == 2


def test_missing_data_folder_exits_2(run_cli, fixture_root: Path, tmp_path: Path):
    (fixture_root / "data").rename(tmp_path / "elsewhere")
    result = run_cli("validate", "--root", fixture_root)
    assert (result.exit_code, result.stderr) == (2, "error: data: folder not found\n")


def test_shapes_file_without_shacl_exits_2(run_cli, fixture_root: Path):
    (fixture_root / "shapes" / "shapes.ttl").write_text("<id/a> <id/b> <id/c> .\n")
    result = run_cli("validate", "--root", fixture_root)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: shapes/shapes.ttl: not a SHACL shapes file "
        "(declares no sh:NodeShape or sh:PropertyShape)\n"
    )


NOT_SHACL = {
    "property-shape-without-path": (
        "6",
        "Named",
        "A shape defined as a PropertyShape must include one `sh:path` property.",
    ),
    "min-count-not-an-integer": (
        "6",
        "Populated",
        "MinCountConstraintComponent sh:minCount must be a literal with datatype xsd:integer.",
    ),
    "sparql-that-does-not-parse": (
        "16:13",  # where the query ends, unclosed
        "Located",
        "SPARQL: Expected '}', found end of text",
    ),
    "sparql-with-an-unknown-prefix": (
        "6",
        "Located",
        "sh:select: Unknown namespace prefix : nope",
    ),
    "sparql-validator-that-does-not-parse": (  # parsed by pyshacl in a worker process
        "13:55",
        "HasPopulation",
        "SPARQL: Expected '}', found end of text",
    ),
    "sparql-validator-with-an-unknown-prefix": (  # found by rdflib in a worker process
        "13:29",
        "HasPopulation",
        "SPARQL: unknown prefix nope: (not among the shape's sh:prefixes)",
    ),
}
"""For tests/fixtures/cli/broken-shapes/NAME.ttl: where, which shape and what."""


@pytest.mark.parametrize("name", NOT_SHACL)
def test_shapes_pyshacl_cannot_use_are_one_error_line_naming_the_shape(
    run_cli, fixture_root: Path, name: str
):
    shutil.copy(BROKEN_SHAPES / f"{name}.ttl", fixture_root / "shapes" / "broken.ttl")
    result = run_cli("validate", "--root", fixture_root)
    where, shape, reason = NOT_SHACL[name]
    message = f"error: shapes/broken.ttl:{where}: <{SHAPES_IRI}#{shape}>: {reason}\n"
    assert (result.exit_code, result.stderr, result.stdout) == (2, message, "")


def test_root_that_is_not_a_folder_exits_2(run_cli, tmp_path: Path):
    result = run_cli("validate", "--root", tmp_path / "missing")
    assert result.exit_code == 2


def test_root_is_found_by_walking_up_from_the_cwd(
    run_cli, fixture_root: Path, monkeypatch: pytest.MonkeyPatch
):
    (fixture_root / "pyproject.toml").write_text('[project]\nname = "netgraph"\n')
    monkeypatch.delenv("NETGRAPH_ROOT", raising=False)
    monkeypatch.chdir(fixture_root / "data" / "networks")
    assert run_cli("validate").exit_code == 0


def test_root_from_the_environment(run_cli, fixture_root: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NETGRAPH_ROOT", str(fixture_root))
    monkeypatch.chdir(fixture_root.parent)
    assert run_cli("validate").exit_code == 0


def test_outside_any_project_exits_2(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("NETGRAPH_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    result = run_cli("validate")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path.resolve()}: not inside a netgraph project")


def test_build_reports_what_it_wrote(run_cli, fixture_root: Path, tmp_path: Path):
    result = run_cli("build", "--root", fixture_root, "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        f"wrote {tmp_path / 'out'}: netgraph.trig, netgraph.trig.gz, data.ttl, data.ttl.gz, "
        "data.nt, data.nt.gz, data.jsonld, data.jsonld.gz, inferred.ttl, inferred.ttl.gz, "
        "SHA256SUMS, oxigraph/, statistics.json, hash-iris.txt ("
    )
    assert result.stderr == "validation: violation: 0, warning: 1, info: 0\n"


MEMBERS_TABLE = (
    "network             city\n"
    "------------------  ----------------\n"
    "network:eurocities  city:duesseldorf\n"
    "network:eurocities  city:lille\n"
)


def test_query_without_a_build_reasons_in_memory(run_cli, fixture_root: Path):
    result = run_cli("query", fixture_root / "queries" / "members.rq", "--root", fixture_root)
    assert (result.exit_code, result.stdout) == (0, MEMBERS_TABLE)
    assert not (fixture_root / "dist").exists()


def test_query_uses_the_built_dataset(run_cli, fixture_root: Path):
    assert run_cli("build", "--root", fixture_root).exit_code == 0
    (fixture_root / "data" / "places.ttl").write_text(BROKEN_TURTLE)  # sources no longer read
    result = run_cli("query", fixture_root / "queries" / "members.rq", "--root", fixture_root)
    assert (result.exit_code, result.stdout) == (0, MEMBERS_TABLE)


def test_query_csv_and_json(run_cli, fixture_root: Path):
    query = fixture_root / "queries" / "members.rq"
    csv = run_cli("query", query, "--root", fixture_root, "--format", "csv").stdout
    assert csv.splitlines()[:2] == [
        "network,city",
        "https://w3id.org/netgraph/id/network/eurocities,"
        "https://w3id.org/netgraph/id/city/duesseldorf",
    ]
    document = json.loads(
        run_cli("query", query, "--root", fixture_root, "--format", "json").stdout
    )
    assert document["head"]["vars"] == ["network", "city"]
    assert len(document["results"]["bindings"]) == 2


def test_query_from_stdin(cli_runner, fixture_root: Path):
    result = cli_runner.invoke(
        main, ["query", "-", "--root", str(fixture_root)], input="ASK { ?c a ng:City }\n"
    )
    assert (result.exit_code, result.stdout) == (0, "true\n")


def test_query_syntax_error_exits_2_with_its_location(cli_runner, fixture_root: Path):
    result = cli_runner.invoke(
        main,
        ["query", "-", "--root", str(fixture_root)],
        input="SELECT ?c WHERE {\n  ?c a ng:City\n",
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: <stdin>:3:1: ")


def test_query_with_an_unknown_prefix_exits_2(cli_runner, fixture_root: Path):
    result = cli_runner.invoke(
        main, ["query", "-", "--root", str(fixture_root)], input="ASK { ?c a nope:City }"
    )
    assert (result.exit_code, result.stderr) == (
        2,
        "error: <stdin>: Unknown namespace prefix : nope\n",
    )


def test_missing_query_file_is_a_usage_error(run_cli, fixture_root: Path):
    assert run_cli("query", fixture_root / "missing.rq", "--root", fixture_root).exit_code == 2


def test_named_queries_carry_their_header(fixture_root: Path):
    (fixture_root / "queries" / "bare.rq").write_text("ASK {}\n# title: not a header\n")
    bare, members = named_queries(Project(fixture_root))  # sorted by file name
    assert (members.name, members.title, members.expects) == (
        "members",
        "Members of each network",
        "at least 2 rows",
    )
    assert members.description.startswith("Every city with the networks it belongs to")
    assert members.header["title@de"] == "Mitglieder jedes Netzwerks"
    assert (bare.name, bare.title, bare.header) == ("bare", "bare", {})


def test_query_evaluates_with_oxigraph_on_a_build_with_its_store(cli_runner, fixture_root: Path):
    built = cli_runner.invoke(main, ["build", "--root", str(fixture_root), "--oxigraph-store"])
    assert built.exit_code == 0
    assert (fixture_root / "dist" / "oxigraph").is_dir()
    members = fixture_root / "queries" / "members.rq"
    result = cli_runner.invoke(main, ["query", str(members), "--root", str(fixture_root)])
    assert (result.exit_code, result.stdout) == (0, MEMBERS_TABLE)
    broken = cli_runner.invoke(
        main, ["query", "-", "--root", str(fixture_root)], input="SELECT ?c WHERE {\n  ?c a\n"
    )
    assert broken.exit_code == 2
    assert broken.stderr.startswith("error: <stdin>:3:1: ")  # Oxigraph's message, same place


def test_query_on_a_store_that_is_down_is_one_line_and_exit_2(cli_runner, fixture_root: Path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli_runner.invoke(
        main, ["query", "-", "--store", f"sparql+http://127.0.0.1:{port}/query"], input="ASK {}"
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: the SPARQL store at http://127.0.0.1:{port}/query is unreachable: "
        "connection refused\n",
    )
