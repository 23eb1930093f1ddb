"""The CONSTRUCT rules (netgraph.rules) derive what owlrl derives, where the queries look."""

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from netgraph.build import named_graphs
from netgraph.loading import load_project
from netgraph.named_queries import named_queries
from netgraph.namespaces import PREFIXES
from netgraph.project import Project
from netgraph.query import run_query
from netgraph.reasoning import infer
from netgraph.rules import entailed_predicates, infer_with_rules, rules_from_ontology

REPO_ROOT = Path(__file__).resolve().parent.parent
NG = PREFIXES["ng"]
ORG = "http://www.w3.org/ns/org#"


@pytest.fixture(scope="module")
def project_graphs():
    return load_project(Project(REPO_ROOT))


@pytest.fixture(scope="module")
def owlrl_closure(project_graphs) -> Graph:
    return infer(project_graphs.ontology, project_graphs.data).graph


@pytest.fixture(scope="module")
def rules_closure(project_graphs) -> Graph:
    return infer_with_rules(project_graphs.ontology, project_graphs.data).graph


def project_classes(ontology: Graph) -> set[URIRef]:
    declared = set(ontology.subjects(RDF.type, OWL.Class)) | set(
        ontology.subjects(RDF.type, RDFS.Class)
    )
    return {term for term in declared if isinstance(term, URIRef)}


SCHEMA = {RDFS.subClassOf, RDFS.subPropertyOf}


def restricted(closure: Graph, predicates: set[URIRef], classes: set[URIRef]) -> set:
    """The entailed predicates, rdf:type to the project's (named) classes; the hierarchies
    between named terms only (class expressions on blank nodes are owlrl's alone)."""
    return {
        (s, p, o)
        for s, p, o in closure
        if (p in predicates and not (p in SCHEMA and not isinstance(s, URIRef)))
        or (p == RDF.type and o in classes)
    }


def test_the_rules_come_from_the_ontology_and_cover_what_queries_use(project_graphs):
    rules = rules_from_ontology(project_graphs.ontology)
    predicates = entailed_predicates(rules)
    for name in ("memberOf", "leadsWorkIn"):
        assert URIRef(NG + name) in predicates
    for name in (
        "hasMember",
        "hasMembership",
        "hasUnit",
        "resultedFrom",
        "transitiveSubOrganizationOf",
    ):
        assert URIRef(ORG + name) in predicates
    kinds = Counter(rule.name.split()[0] for rule in rules)
    for kind in ("prp-spo1", "prp-inv1", "prp-spo2", "prp-trp", "prp-dom", "prp-rng", "cax-sco"):
        assert kinds[kind] > 0, kind


def test_the_rules_equal_owlrl_on_the_entailed_predicates_and_the_project_classes(
    project_graphs, owlrl_closure, rules_closure
):
    predicates = entailed_predicates(rules_from_ontology(project_graphs.ontology))
    classes = project_classes(project_graphs.ontology)
    expected = restricted(owlrl_closure, predicates, classes)
    got = restricted(rules_closure, predicates, classes)
    assert len(expected) > 1000
    missing, extra = expected - got, got - expected
    assert not missing and not extra, (sorted(missing)[:10], sorted(extra)[:10])


def test_the_rules_derive_nothing_owlrl_does_not(owlrl_closure, rules_closure):
    assert set(rules_closure) <= set(owlrl_closure)


def test_every_named_query_answers_the_same_on_the_rules_closure(
    project_graphs, owlrl_closure, rules_closure
):
    def dataset(inferred: Graph) -> Dataset:
        made = Dataset(default_union=True)
        for name, graph in named_graphs(project_graphs, inferred).items():
            made.graph(URIRef(name)).__iadd__(graph)
        return made

    by_owlrl, by_rules = dataset(owlrl_closure), dataset(rules_closure)
    for named in named_queries(Project(REPO_ROOT)):
        expected = run_query(by_owlrl, named.text, named.name)
        got = run_query(by_rules, named.text, named.name)
        if expected.type == "ASK":
            assert got.askAnswer == expected.askAnswer, named.name
        else:
            # the same rows (rdflib orders ties and unbound keys by insertion)
            assert Counter(map(tuple, got)) == Counter(map(tuple, expected)), named.name


def test_build_with_the_rules_reasoner(run_cli, fixture_root: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = run_cli(
        "build", "--root", fixture_root, "--out", out, "--reasoner", "rules", "--oxigraph-store"
    )
    assert result.exit_code == 0, result.stderr
    assert "oxigraph/" in result.stdout
    inferred = Graph().parse(out / "inferred.ttl")
    graphs = load_project(Project(fixture_root))
    reference = infer(graphs.ontology, graphs.data).graph
    assert len(inferred) > 0 and set(inferred) <= set(reference)
    assert (out / "oxigraph").is_dir()
    assert "oxigraph" not in (out / "SHA256SUMS").read_text()
