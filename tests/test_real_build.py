"""The build of the real project: what the reasoner adds, and dumps another parser agrees with.

One build per test session serves every test here; it runs exactly as
``netgraph build`` does, so these tests see the published files.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from netgraph.build import HASH_IRIS_FILE, STATISTICS_FILE, STORE_DIR, run_build
from netgraph.namespaces import (
    CPOV,
    GRAPH_DATA,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    NG,
    ORG,
    RESOURCE_PREFIXES,
)
from netgraph.project import Project

REPO_ROOT = Path(__file__).resolve().parent.parent
NETWORK = RESOURCE_PREFIXES["network"]
CITY = RESOURCE_PREFIXES["city"]
UNIT = RESOURCE_PREFIXES["unit"]
BODY = RESOURCE_PREFIXES["body"]
EVENT = RESOURCE_PREFIXES["event"]
ORGANIZATION = RESOURCE_PREFIXES["organization"]
DUESSELDORF = CITY.duesseldorf

NINE_NETWORKS = [
    "cdia",
    "cemr",
    "covenant-of-mayors",
    "eccar",
    "eurocities",
    "europe-direct",
    "living-together-observatory",
    "mayors-for-peace",
    "strong-cities-network",
]
OFFICE_FOR_INTERNATIONAL_AFFAIRS = UNIT[
    "duesseldorf-buero-fuer-internationale-und-europaeische-angelegenheiten"
]
ENVIRONMENT_OFFICE = UNIT["duesseldorf-amt-fuer-umwelt-und-verbraucherschutz"]
EQUALITY_OFFICE = UNIT["duesseldorf-gleichstellungsbuero"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("real") / "dist"
    outcome = run_build(Project(REPO_ROOT), out)
    assert outcome.report.count("violation") == 0
    return out


@pytest.fixture(scope="module")
def dataset(dist: Path) -> Dataset:
    dataset = Dataset()
    dataset.parse(dist / "netgraph.trig", format="trig")
    return dataset


@pytest.fixture(scope="module")
def inferred(dataset: Dataset) -> Graph:
    return dataset.graph(URIRef(GRAPH_INFERRED))


@pytest.fixture(scope="module")
def asserted(dataset: Dataset) -> Graph:
    return dataset.graph(URIRef(GRAPH_DATA))


def test_the_dataset_has_exactly_the_three_named_graphs(dataset: Dataset):
    names = {str(graph.identifier) for graph in dataset.graphs() if len(graph)}
    assert names == {GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED}


@pytest.mark.parametrize("network", NINE_NETWORKS)
def test_duesseldorf_is_entailed_a_member_of_each_network(inferred: Graph, asserted, network):
    target = NETWORK[network]
    for triple in (
        (DUESSELDORF, NG.memberOf, target),
        (DUESSELDORF, ORG.memberOf, target),
        (target, ORG.hasMember, DUESSELDORF),
    ):
        assert triple in inferred
        assert triple not in asserted


def test_the_shortcut_membership_holds_for_exactly_the_nine_networks(inferred: Graph):
    networks = sorted(
        str(o).removeprefix(str(NETWORK)) for o in inferred.objects(DUESSELDORF, NG.memberOf)
    )
    assert networks == NINE_NETWORKS


def test_lead_units_are_entailed_to_lead_the_work_in_their_networks(inferred: Graph):
    assert sorted(inferred.subject_objects(NG.leadsWorkIn)) == sorted(
        [
            (ENVIRONMENT_OFFICE, NETWORK["covenant-of-mayors"]),
            (EQUALITY_OFFICE, NETWORK.eccar),
            (OFFICE_FOR_INTERNATIONAL_AFFAIRS, NETWORK.eurocities),
        ]
    )


@pytest.mark.parametrize(
    "triple",
    [
        # inverses
        (DUESSELDORF, ORG.hasUnit, EQUALITY_OFFICE),
        (NETWORK.eurocities, ORG.hasUnit, BODY["eurocities-culture-forum"]),
        (NETWORK.eurocities, ORG.resultedFrom, EVENT["eurocities-founding"]),
        # inherited types
        (NETWORK.eurocities, RDF.type, ORG.OrganizationalCollaboration),
        (NETWORK.eurocities, RDF.type, ORG.Organization),
        (NETWORK.eccar, RDF.type, NG.Network),
        (DUESSELDORF, RDF.type, CPOV.PublicOrganisation),
        (EQUALITY_OFFICE, RDF.type, ORG.OrganizationalUnit),
        (BODY["eccar-research-working-group"], RDF.type, NG.NetworkBody),
        (EVENT["strong-cities-network-launch"], RDF.type, ORG.ChangeEvent),
        # transitive sub-organisation: the Commission's network is part of the EU
        (NETWORK["europe-direct"], ORG.transitiveSubOrganizationOf, ORGANIZATION["european-union"]),
        (EQUALITY_OFFICE, ORG.transitiveSubOrganizationOf, DUESSELDORF),
        # labels for tools that know only rdfs:label
        (NETWORK.eurocities, RDFS.label, Literal("EUROCITIES", lang="en")),
    ],
)
def test_useful_entailment_is_in_the_inferred_graph(inferred: Graph, asserted: Graph, triple):
    assert triple in inferred
    assert triple not in asserted


def test_inferred_graph_holds_no_noise(inferred: Graph):
    assert not [t for t in inferred if isinstance(t[0], (Literal, BNode))]
    assert not [s for s, o in inferred.subject_objects(OWL.sameAs) if s == o]
    assert not list(inferred.triples((None, RDF.type, OWL.Thing)))


def test_asserted_data_is_published_unchanged(dist: Path, asserted: Graph):
    from netgraph.loading import load_data

    assert len(asserted) == len(load_data(Project(REPO_ROOT)))


@pytest.mark.parametrize(
    ("file", "syntax"),
    [("data.ttl", "turtle"), ("data.nt", "ntriples"), ("inferred.ttl", "turtle")],
)
def test_an_independent_parser_reads_the_same_triples(dist: Path, file: str, syntax: str):
    # rapper (Debian's raptor2-utils, installed by `make deps`) is a second,
    # unrelated Turtle/N-Triples implementation.
    rapper = shutil.which("rapper")
    assert rapper, "rapper is missing: run `make deps` (Debian package raptor2-utils)"
    completed = subprocess.run(
        [rapper, "--input", syntax, "--count", str(dist / file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    counted = int(completed.stderr.split("returned ")[1].split(" triples")[0])
    graph = Graph().parse(dist / file, format=syntax)
    assert counted == len(graph) > 0


def test_real_builds_are_byte_identical_across_hash_seeds(dist: Path, tmp_path: Path):
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-m", "netgraph", "build", "--root", str(REPO_ROOT), "--out", str(out)],
        env=env,
        check=True,
        capture_output=True,
    )
    # the command writes the Oxigraph store too, which is not byte-stable (docs/engine.md),
    # and its statistics and hash IRIs, which tests/test_build.py compares across hash seeds
    kept = (STORE_DIR, STATISTICS_FILE, HASH_IRIS_FILE)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == [STORE_DIR]
    assert (out / STATISTICS_FILE).is_file()
    assert (out / HASH_IRIS_FILE).is_file()
    first = {p.name: p.read_bytes() for p in dist.iterdir()}
    second = {p.name: p.read_bytes() for p in out.iterdir() if p.name not in kept}
    assert first == second
