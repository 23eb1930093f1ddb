"""Shared fixtures: the real repository, and a tiny self-contained project copy per test."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from netgraph.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cli"


@pytest.fixture
def project_root() -> Path:
    """The real repository (its ontology/, data/, shapes/ may still be in the making)."""
    return REPO_ROOT


@pytest.fixture
def fixture_root(tmp_path: Path) -> Path:
    """A private copy of the tiny conforming project, free to be broken by the test."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    return root


@pytest.fixture
def violating_root(fixture_root: Path) -> Path:
    """The tiny project plus data/violation.ttl, which holds exactly one sh:Violation."""
    shutil.copy(FIXTURES / "violation.ttl", fixture_root / "data" / "violation.ttl")
    return fixture_root


@pytest.fixture
def cli_runner() -> CliRunner:
    return CliRunner(catch_exceptions=False)  # a stray exception fails the test loudly


@pytest.fixture
def run_cli(cli_runner: CliRunner):
    """Invoke ``netgraph ARGS…`` in-process; stdout and stderr stay separate."""

    def run(*args) -> Result:
        return cli_runner.invoke(main, [str(arg) for arg in args])

    return run


# --- The HTTP service (netgraph.web), flaskr-style -----------------------------


@pytest.fixture(scope="session")
def served_dataset():
    """The real project's dataset, reasoned in memory once per session (no build needed)."""
    from netgraph.project import Project
    from netgraph.query import load_dataset

    return load_dataset(Project(REPO_ROOT), dist_dir=REPO_ROOT / "tests" / "no-such-dist")


@pytest.fixture
def app(served_dataset):
    """The web application serving the real dataset; the dataset is never written to."""
    from netgraph.web import create_app

    return create_app(
        {"TESTING": True, "NETGRAPH_ROOT": REPO_ROOT, "NETGRAPH_DATASET": served_dataset}
    )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
