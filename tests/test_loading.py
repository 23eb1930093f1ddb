"""Loading Turtle: relative IRIs, imports through the catalog, and located errors."""

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, SH, XSD

from netgraph.errors import InputError
from netgraph.loading import load_data, load_ontology, load_project, load_shapes
from netgraph.namespaces import ID, NG, PREFIXES, SHAPES_IRI
from netgraph.project import Project

TIME = "http://www.w3.org/2006/time#"


def error_of(call, *args) -> str:
    with pytest.raises(InputError) as caught:
        call(*args)
    return str(caught.value)


def test_relative_iris_resolve_against_the_base(fixture_root: Path):
    data = load_data(Project(fixture_root))
    assert (ID["city/duesseldorf"], RDF.type, NG.City) in data
    assert (ID["city/duesseldorf"], NG.population, Literal(629047)) in data


def test_data_in_subfolders_is_loaded(fixture_root: Path):
    data = load_data(Project(fixture_root))
    assert (ID["network/eurocities"], RDF.type, NG.Network) in data


def test_ontology_follows_imports_transitively_through_the_catalog(fixture_root: Path):
    ontology = load_ontology(Project(fixture_root))
    assert (NG.Network, RDF.type, OWL.Class) in ontology
    assert (URIRef("http://www.w3.org/ns/org#Membership"), RDF.type, OWL.Class) in ontology
    assert (URIRef(TIME + "ProperInterval"), RDF.type, OWL.Class) in ontology  # org.ttl's import


def test_import_without_catalog_entry_is_an_error_naming_it(fixture_root: Path):
    catalog = fixture_root / "ontology" / "catalog-v001.xml"
    catalog.write_text(
        "\n".join(line for line in catalog.read_text().splitlines() if "time.ttl" not in line)
    )
    assert error_of(load_ontology, Project(fixture_root)) == (
        "ontology/catalog-v001.xml: no entry for owl:imports <http://www.w3.org/2006/time> "
        "(imported by ontology/imports/org.ttl)"
    )


def test_malformed_catalog_reports_line_and_column(fixture_root: Path):
    (fixture_root / "ontology" / "catalog-v001.xml").write_text("<catalog>\n  <uri name='x'\n")
    assert error_of(load_ontology, Project(fixture_root)) == (
        "ontology/catalog-v001.xml:2:3: unclosed token"
    )


def test_syntax_error_reports_path_line_and_column(fixture_root: Path):
    (fixture_root / "data" / "places.ttl").write_text(
        "@prefix ng: <ontology#> .\n\n<id/city/x> a ng:City\n<id/city/y> a ng:City .\n"
    )
    assert error_of(load_data, Project(fixture_root)) == (
        "data/places.ttl:4:1: expected '.' or '}' or ']' at end of statement"
    )


def test_statement_cut_off_at_the_end_of_the_file_points_after_its_last_token(
    fixture_root: Path,
):
    (fixture_root / "data" / "places.ttl").write_text(
        '@prefix ng: <ontology#> .\n<id/city/x> a ng:City ;\n    ng:name "x"@de\n\n'
    )
    assert error_of(load_data, Project(fixture_root)) == (
        "data/places.ttl:3:19: EOF found after object"
    )


def test_column_counts_characters_after_multiline_strings(fixture_root: Path):
    (fixture_root / "data" / "places.ttl").write_text(
        '@prefix ng: <ontology#> .\n<id/a> ng:note """one\ntwo""" ;\n    ng:x undefined:y .\n'
    )
    assert error_of(load_data, Project(fixture_root)) == (
        'data/places.ttl:4:10: Prefix "undefined:" not bound'
    )


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("<http://example.org/a b>", "<http://example.org/a b>"),
        ("<http://example.org/{id}>", "<http://example.org/{id}>"),
        ("<http://example.org/a|b>", "<http://example.org/a|b>"),
        ("<http://example.org/a^b>", "<http://example.org/a^b>"),
        ("<http://example.org/a`b>", "<http://example.org/a`b>"),
        ('<http://example.org/a"b>', '<http://example.org/a"b>'),
        ("<http://example.org/a<b>", "<http://example.org/a<b>"),
        ("<http://example.org/a\\b>", "<http://example.org/a\\b>"),
        ("<http://example.org/a\tb>", "<http://example.org/a\\u0009b>"),
        ("<http://example.org/a\\u0020b>", "<http://example.org/a b>"),  # escaped, still a space
        ("<a b>", "<https://w3id.org/netgraph/a b>"),  # resolved against the base
    ],
)
def test_invalid_iri_is_an_error_at_its_place(
    fixture_root: Path, caplog: pytest.LogCaptureFixture, written: str, shown: str
):
    (fixture_root / "data" / "places.ttl").write_text(
        f"@prefix ng: <ontology#> .\n\n<id/city/x> a ng:City ;\n    ng:near {written} .\n"
    )
    assert error_of(load_data, Project(fixture_root)) == (
        f"data/places.ttl:4:13: invalid IRI {shown}"
    )
    assert caplog.records == []  # rdflib's "does not look like a valid URI" is not logged


def test_invalid_namespace_is_an_error_at_its_declaration(fixture_root: Path):
    (fixture_root / "data" / "places.ttl").write_text(
        '@prefix ex: <http://example.org/my vocab#> .\n<id/city/x> ex:p "a" .\n'
    )
    assert error_of(load_data, Project(fixture_root)) == (
        "data/places.ttl:1:13: invalid IRI <http://example.org/my vocab#>"
    )


def test_iris_beyond_ascii_and_percent_escapes_are_valid(fixture_root: Path):
    (fixture_root / "data" / "places.ttl").write_text(
        "@prefix ex: <http://example.org/straße/> .\n"
        "<id/city/x> ex:p <http://example.org/a%20b>, <http://example.org/k\\u00f6ln> .\n"
    )
    data = load_data(Project(fixture_root))
    objects = set(data.objects(ID["city/x"], URIRef("http://example.org/straße/p")))
    assert objects == {URIRef("http://example.org/a%20b"), URIRef("http://example.org/köln")}


def test_file_that_is_not_turtle(fixture_root: Path):
    (fixture_root / "data" / "places.ttl").write_text('{"@id": "x"}\n')
    assert error_of(load_data, Project(fixture_root)) == (
        "data/places.ttl:1:1: expected directive or statement"
    )


def test_file_that_is_not_text(fixture_root: Path):
    (fixture_root / "data" / "places.ttl").write_bytes(b"@prefix \xff")
    assert error_of(load_data, Project(fixture_root)) == "data/places.ttl: not UTF-8 text (byte 8)"


def test_value_errors_from_rdflib_name_the_file(fixture_root: Path):
    (fixture_root / "data" / "places.ttl").write_text('<id/a> <id/b> "x"@123 .\n')
    assert error_of(load_data, Project(fixture_root)) == (
        "data/places.ttl: '123' is not a valid language tag!"
    )


def test_unreadable_file(fixture_root: Path, monkeypatch: pytest.MonkeyPatch):
    original = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "places.ttl":
            raise PermissionError(13, "Permission denied", str(path))
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert error_of(load_data, Project(fixture_root)) == (
        "data/places.ttl: cannot read: Permission denied"
    )


def test_missing_data_folder(fixture_root: Path):
    for path in sorted((fixture_root / "data").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (fixture_root / "data").rmdir()
    assert error_of(load_data, Project(fixture_root)) == "data: folder not found"


def test_empty_data_folder(fixture_root: Path):
    for path in (fixture_root / "data").rglob("*.ttl"):
        path.unlink()
    assert error_of(load_data, Project(fixture_root)) == "data: no .ttl files"


def test_missing_ontology_file(fixture_root: Path):
    (fixture_root / "ontology" / "netgraph.ttl").unlink()
    assert error_of(load_ontology, Project(fixture_root)) == "ontology/netgraph.ttl: file not found"


def test_shapes_file_without_shapes_is_rejected(fixture_root: Path):
    (fixture_root / "shapes" / "notes.ttl").write_text("<id/a> <id/b> <id/c> .\n")
    assert error_of(load_shapes, Project(fixture_root)) == (
        "shapes/notes.ttl: not a SHACL shapes file (declares no sh:NodeShape or sh:PropertyShape)"
    )


def test_shapes_graph_declares_every_project_prefix(fixture_root: Path):
    shapes = load_shapes(Project(fixture_root))
    declared = {
        (str(shapes.value(declaration, SH.prefix)), shapes.value(declaration, SH.namespace))
        for declaration in shapes.objects(URIRef(SHAPES_IRI), SH.declare)
    }
    assert declared == {
        (prefix, Literal(str(namespace), datatype=XSD.anyURI))
        for prefix, namespace in PREFIXES.items()
    }


def test_load_project_returns_three_separate_graphs(fixture_root: Path):
    graphs = load_project(Project(fixture_root))
    assert (NG.City, RDF.type, OWL.Class) in graphs.ontology
    assert (NG.City, RDF.type, OWL.Class) not in graphs.data
    assert (None, RDF.type, SH.NodeShape) in graphs.shapes
