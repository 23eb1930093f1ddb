"""The synthetic data of bench/synthetic.py: deterministic, conforming, and answering every query.

A 10,000-triple sample is generated once per module, validated with the
project's own validation (the shapes of shapes/, as ``netgraph validate`` runs
them) and queried with every named query through the project's own query path
(the data reasoned in memory).
"""

import importlib.util
import sys
from pathlib import Path

import pytest

from netgraph.loading import load_project
from netgraph.named_queries import named_queries
from netgraph.project import Project
from netgraph.query import load_dataset, run_query
from netgraph.validation import validate

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_TRIPLES = 10_000


def _load_synthetic():
    spec = importlib.util.spec_from_file_location(
        "netgraph_bench_synthetic", REPO_ROOT / "bench" / "synthetic.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up by name
    spec.loader.exec_module(module)
    return module


synthetic = _load_synthetic()


def files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "project"
    synthetic.generate(root, SAMPLE_TRIPLES, seed=1)
    return root


def test_size_is_as_asked(sample):
    graphs = load_project(Project(sample))
    assert SAMPLE_TRIPLES <= len(graphs.data) < SAMPLE_TRIPLES * 1.02


def test_self_contained_project(sample):
    for name in ("ontology", "shapes", "queries", "data/real", "data/synthetic"):
        assert (sample / name).is_dir(), name
    assert (sample / "pyproject.toml").read_bytes() == (REPO_ROOT / "pyproject.toml").read_bytes()


def test_same_seed_gives_identical_bytes(sample, tmp_path):
    again = tmp_path / "again"
    synthetic.generate(again, SAMPLE_TRIPLES, seed=1)
    assert files(again) == files(sample)


def test_other_seed_gives_other_data(sample, tmp_path):
    other = tmp_path / "other"
    synthetic.generate(other, SAMPLE_TRIPLES, seed=2)
    ours, theirs = files(sample), files(other)
    assert ours["data/synthetic/part-0000.ttl"] != theirs["data/synthetic/part-0000.ttl"]


def test_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "something").write_text("x")
    with pytest.raises(FileExistsError):
        synthetic.generate(tmp_path, SAMPLE_TRIPLES)


def test_conforms_to_the_shapes(sample):
    report = validate(load_project(Project(sample)))
    violations = [result for result in report.results if result.severity == "violation"]
    assert violations == []


def test_has_the_real_data_shape(sample):
    """Both start precisions, every network kind, lead units and later figures occur."""
    text = "\n".join(
        path.read_text(encoding="utf-8") for path in sorted(sample.glob("data/synthetic/*.ttl"))
    )
    for term in (
        "time:inXSDgYear ",
        "time:inXSDgYearMonth ",
        "ng:leadUnit ",
        "ng:bestPracticeTopic ",
        "a ng:AssociationOfCities",
        "a ng:Initiative",
        "a ng:InformationNetwork",
        "a ng:PeerNetwork",
        "a ng:Coalition",
        "a ng:FoundingEvent",
        "a ng:StatedQuantity",
        "ng:bound ng:moreThan",
        "a ng:SourceDocument",
        "ng:sourcePassage ",
        "skos:inScheme scheme:topics",
        "org:member city:duesseldorf",
    ):
        assert term in text, term


@pytest.fixture(scope="module")
def dataset(sample):
    return load_dataset(Project(sample), dist_dir=sample / "no-dist")


@pytest.mark.parametrize("query", named_queries(Project(REPO_ROOT)), ids=lambda query: query.name)
def test_named_query_answers(dataset, query):
    assert len(list(run_query(dataset, query.text, query.name))) > 0
