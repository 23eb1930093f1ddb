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
        return cli_runner.invoke(main, [str(arg) for arg in args], prog_name="netgraph")

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


# --- Limits, fuzzing, no outbound requests (netgraph.web.evaluator) ---------------------


@pytest.fixture
def make_app(served_dataset):
    """A factory: the real dataset served with the given configuration keys on top.

    Every application's evaluation workers are stopped when the test ends.
    """
    from netgraph.web import create_app
    from netgraph.web.evaluator import EXTENSION

    made = []

    def make(**config):
        app = create_app(
            {
                "TESTING": True,
                "NETGRAPH_ROOT": REPO_ROOT,
                "NETGRAPH_DATASET": served_dataset,
                **config,
            }
        )
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions[EXTENSION].close()


# --- Publishing (dumps, VoID, DCAT catalog) --------------------------------------


@pytest.fixture(scope="session")
def built_dist(tmp_path_factory) -> Path:
    """The real project built once per session (validate, reason, write) into a tmp folder."""
    from netgraph.build import run_build
    from netgraph.project import Project

    out = tmp_path_factory.mktemp("published") / "dist"
    assert run_build(Project(REPO_ROOT), out).files, "the real project's build was refused"
    return out


@pytest.fixture(scope="session")
def published_dataset(built_dist: Path):
    """What the server loads from that build: its netgraph.trig."""
    from netgraph.web.dataset import load_files

    return load_files([built_dist / "netgraph.trig"])


@pytest.fixture
def published_app(built_dist: Path, published_dataset):
    """The web application serving the session's build, its dumps and metadata included."""
    from netgraph.web import create_app
    from netgraph.web.evaluator import EXTENSION

    app = create_app(
        {
            "TESTING": True,
            "NETGRAPH_ROOT": REPO_ROOT,
            "NETGRAPH_DIST": built_dist,
            "NETGRAPH_DATASET": published_dataset,
        }
    )
    yield app
    app.extensions[EXTENSION].close()


@pytest.fixture
def published_client(published_app):
    return published_app.test_client()


# --- Headless Chromium (the query page and the resource pages) ------------------------
#
# Chromium and its driver come from Debian (``chromium``, ``chromium-driver``,
# listed in .ci/debian-packages.txt and installed by ``make deps``). A missing
# browser fails the test with instructions; it is never skipped quietly.

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
BROWSER_WAIT_SECONDS = 30


@pytest.fixture
def browser():
    """A headless Chromium driven by Selenium, with a throw-away profile."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not found: install Debian's chromium and chromium-driver "
            "(`make deps`, or `apt-get install chromium chromium-driver`)"
        )

    import tempfile

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = Path(tempfile.mkdtemp(prefix="netgraph-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(BROWSER_WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


# --- The engines (netgraph.engines) --------------------------------------------------


@pytest.fixture(scope="session")
def built_store_dist(tmp_path_factory) -> Path:
    """The real project built once per session with its Oxigraph store (``oxigraph/``)."""
    from netgraph.build import run_build
    from netgraph.project import Project

    out = tmp_path_factory.mktemp("published-store") / "dist"
    assert run_build(Project(REPO_ROOT), out, store=True).files
    return out
