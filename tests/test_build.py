"""The build: reproducible dumps, published all at once or not at all."""

import contextlib
import errno
import fcntl
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import netgraph.atomic_dir
import netgraph.build
from netgraph.build import (
    CHECKSUMS,
    HASH_IRIS_FILE,
    STATISTICS_FILE,
    STORE_DIR,
    named_graphs,
    run_build,
    write_outputs,
)
from netgraph.loading import load_project
from netgraph.namespaces import (
    BASE_IRI,
    GRAPH_DATA,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    ONTOLOGY_IRI,
    SHAPES_IRI,
)
from netgraph.project import Project
from netgraph.reasoning import infer
from netgraph.serialization import canonicalize, write_ntriples, write_trig

NETGRAPH = [sys.executable, "-m", "netgraph"]
FIXTURES = Path(__file__).parent / "fixtures" / "cli"
BROKEN_SHAPES = FIXTURES / "broken-shapes"
DUMPS = ["data.jsonld", "data.nt", "data.ttl", "inferred.ttl", "netgraph.trig"]
FILES = sorted(["SHA256SUMS", *DUMPS, *(f"{name}.gz" for name in DUMPS)])


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and modification time of every file, subfolders' too, to prove a folder was not
    touched."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


@pytest.fixture
def built(fixture_root: Path, tmp_path: Path) -> Path:
    """A finished build of the tiny project in tmp_path/out."""
    out = tmp_path / "out"
    assert run_build(Project(fixture_root), out).files
    return out


def test_build_writes_every_dump(built: Path):
    assert sorted(p.name for p in built.iterdir()) == FILES


def test_dumps_hold_the_asserted_data(fixture_root: Path, built: Path):
    data = load_project(Project(fixture_root)).data
    for name, fmt in [("data.ttl", "turtle"), ("data.nt", "nt"), ("data.jsonld", "json-ld")]:
        assert isomorphic(Graph().parse(built / name, format=fmt), data), name


def test_inferred_dump_holds_the_inferences(fixture_root: Path, built: Path):
    graphs = load_project(Project(fixture_root))
    inferred = infer(graphs.ontology, graphs.data).graph
    assert len(inferred) > 0
    assert isomorphic(Graph().parse(built / "inferred.ttl", format="turtle"), inferred)


def test_trig_holds_three_named_graphs(fixture_root: Path, built: Path):
    graphs = load_project(Project(fixture_root))
    dataset = Dataset()
    dataset.parse(built / "netgraph.trig", format="trig")
    assert isomorphic(dataset.graph(URIRef(GRAPH_ONTOLOGY)), graphs.ontology)
    assert isomorphic(dataset.graph(URIRef(GRAPH_DATA)), graphs.data)
    assert len(dataset.graph(URIRef(GRAPH_INFERRED))) == len(
        infer(graphs.ontology, graphs.data).graph
    )


def test_checksums_are_sha256sum_compatible(built: Path):
    lines = (built / CHECKSUMS).read_text().splitlines()
    assert lines == [
        f"{hashlib.sha256((built / name).read_bytes()).hexdigest()}  {name}"
        for name in FILES
        if name != CHECKSUMS
    ]
    if shutil.which("sha256sum"):
        subprocess.run(["sha256sum", "--check", "--quiet", CHECKSUMS], cwd=built, check=True)


def build_in_subprocess(root: Path, out: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    command = [sys.executable, "-m", "netgraph", "build", "--root", str(root), "--out", str(out)]
    subprocess.run(command, env=env, check=True, capture_output=True)
    assert (out / STORE_DIR).is_dir()  # written by default, and not byte-stable
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name != STORE_DIR}


def test_builds_are_byte_identical_across_hash_seeds(fixture_root: Path, tmp_path: Path):
    first = build_in_subprocess(fixture_root, tmp_path / "first", "1")
    second = build_in_subprocess(fixture_root, tmp_path / "second", "2")
    assert list(first) == sorted([*FILES, HASH_IRIS_FILE, STATISTICS_FILE])
    assert first == second
    hash_iris = first[HASH_IRIS_FILE].decode().splitlines()
    assert hash_iris == sorted(set(hash_iris))
    assert f"{ONTOLOGY_IRI}#Network" in hash_iris
    assert all(iri.startswith(BASE_IRI) and "#" in iri for iri in hash_iris)


def test_the_command_writes_the_store_unless_told_not_to(
    run_cli, fixture_root: Path, tmp_path: Path
):
    with_store, without = tmp_path / "with", tmp_path / "without"
    assert run_cli("build", "--root", fixture_root, "--out", with_store).exit_code == 0
    assert run_cli("build", "--root", fixture_root, "--out", without, "--no-store").exit_code == 0
    assert sorted(p.name for p in with_store.iterdir()) == sorted(
        [*FILES, STORE_DIR, HASH_IRIS_FILE, STATISTICS_FILE]
    )
    assert sorted(p.name for p in without.iterdir()) == FILES
    listed = [line.split("  ")[1] for line in (with_store / CHECKSUMS).read_text().splitlines()]
    assert listed == sorted(set(FILES) - {CHECKSUMS})
    assert (with_store / CHECKSUMS).read_bytes() == (without / CHECKSUMS).read_bytes()


def test_a_failed_store_writer_is_one_error_and_keeps_the_previous_build(
    run_cli, monkeypatch, fixture_root: Path, built: Path, tmp_path: Path
):
    before = snapshot(built)
    monkeypatch.setattr(netgraph.build, "_STORE_WRITER", "raise SystemExit('No space left')")
    result = run_cli("build", "--root", fixture_root, "--out", built)
    assert result.exit_code == 2
    assert result.stderr == "error: oxigraph/: writing the Oxigraph store failed: No space left\n"
    assert snapshot(built) == before
    assert leftovers(tmp_path) == []


def test_non_conforming_data_writes_nothing(run_cli, violating_root: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = run_cli("build", "--root", violating_root, "--out", out)
    assert result.exit_code == 1
    assert result.stderr.startswith("membership:eurocities-lille  data/violation.ttl:7\n")
    assert result.stderr.endswith(f"build refused: violation results; {out} left unchanged\n")
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_non_conforming_data_keeps_the_previous_build(run_cli, fixture_root: Path, built: Path):
    before = snapshot(built)
    shutil.copy(Path(__file__).parent / "fixtures" / "cli" / "violation.ttl", fixture_root / "data")
    assert run_cli("build", "--root", fixture_root, "--out", built).exit_code == 1
    assert snapshot(built) == before


@pytest.fixture(scope="module")
def command_build(tmp_path_factory) -> Path:
    """What ``netgraph build`` made of the tiny project, Oxigraph store included; copy it."""
    out = tmp_path_factory.mktemp("command-build") / "dist"
    command = [*NETGRAPH, "build", "--root", FIXTURES / "project", "--out", out]
    subprocess.run(command, check=True, capture_output=True)
    return out


@pytest.fixture
def previous_build(command_build: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(command_build, out)  # modification times included
    return out


def _break_turtle(root: Path) -> list[str]:
    (root / "data" / "places.ttl").write_text("<id/a> <id/b> .\n")
    return []


def _unknown_option(root: Path) -> list[str]:
    return ["--colour"]


def _remove_data_folder(root: Path) -> list[str]:
    shutil.rmtree(root / "data")
    return []


def _shapes_pyshacl_cannot_use(root: Path) -> list[str]:
    shutil.copy(BROKEN_SHAPES / "property-shape-without-path.ttl", root / "shapes" / "broken.ttl")
    return []


BAD_INPUT = {
    "broken-turtle": (_break_turtle, "error: data/places.ttl:1:14: objectList expected\n"),
    "unknown-option": (
        _unknown_option,
        "error: No such option '--colour'. Did you mean '--out'? (see 'netgraph build --help')\n",
    ),
    "missing-data-folder": (_remove_data_folder, "error: data: folder not found\n"),
    "shapes-not-shacl": (
        _shapes_pyshacl_cannot_use,
        f"error: shapes/broken.ttl:6: <{SHAPES_IRI}#Named>: "
        "A shape defined as a PropertyShape must include one `sh:path` property.\n",
    ),
}
"""Issue 2's bad input: how to make it (extra options returned), and all that is printed."""


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_is_one_message_and_leaves_the_previous_build_byte_identical(
    fixture_root: Path, previous_build: Path, case: str
):
    make, message = BAD_INPUT[case]
    before = snapshot(previous_build)
    assert any(name.startswith(f"{STORE_DIR}/") for name in before)  # the store is compared too
    command = [*NETGRAPH, "build", "--root", fixture_root, "--out", previous_build]
    command += make(fixture_root)
    result = subprocess.run(command, check=False, capture_output=True, text=True)
    assert (result.returncode, result.stderr, result.stdout) == (2, message, "")
    assert snapshot(previous_build) == before
    assert leftovers(previous_build.parent) == []


@pytest.mark.parametrize("name", sorted(p.stem for p in BROKEN_SHAPES.glob("*.ttl")))
def test_shapes_pyshacl_cannot_use_leave_the_previous_build(
    run_cli, fixture_root: Path, previous_build: Path, name: str
):
    before = snapshot(previous_build)
    shutil.copy(BROKEN_SHAPES / f"{name}.ttl", fixture_root / "shapes" / "broken.ttl")
    result = run_cli("build", "--root", fixture_root, "--out", previous_build)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: shapes/broken.ttl:")
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(previous_build) == before


def test_serializer_failure_keeps_the_previous_build(
    fixture_root: Path, built: Path, monkeypatch: pytest.MonkeyPatch
):
    before = snapshot(built)

    def explode(graph: Graph, stream) -> None:
        raise RuntimeError("serializer died")

    monkeypatch.setattr(netgraph.build, "write_jsonld", explode)
    with pytest.raises(RuntimeError, match="serializer died"):
        run_build(Project(fixture_root), built)
    assert snapshot(built) == before
    assert leftovers(built.parent) == []


def test_failure_while_writing_keeps_the_previous_build(
    run_cli, fixture_root: Path, built: Path, monkeypatch: pytest.MonkeyPatch
):
    # the dumps are written by the renderer processes, forked with this patch
    before = snapshot(built)
    original = Path.open

    class FullDisk(io.RawIOBase):
        def __init__(self, path: Path):
            self.path = path

        def writable(self) -> bool:
            return True

        def write(self, content) -> int:
            raise OSError(28, "No space left on device", str(self.path))

    def open_path(path: Path, mode: str = "r", *args, **kwargs):
        if path.name == "data.nt" and "w" in mode:
            return io.BufferedWriter(FullDisk(path))
        return original(path, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_path)
    result = run_cli("build", "--root", fixture_root, "--out", built)
    assert result.exit_code == 2
    assert result.stderr.endswith("data.nt: No space left on device\n")
    assert snapshot(built) == before
    assert leftovers(built.parent) == []


def test_rebuild_replaces_the_output(fixture_root: Path, built: Path):
    (fixture_root / "data" / "places.ttl").write_text(
        (fixture_root / "data" / "places.ttl").read_text().replace("629047", "629048")
    )
    run_build(Project(fixture_root), built)
    assert b"629048" in (built / "data.nt").read_bytes()
    assert leftovers(built.parent) == []


def test_rebuild_without_renameat2_uses_two_renames(
    fixture_root: Path, built: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(netgraph.atomic_dir, "_renameat2_exchange", lambda first, second: False)
    (built / "stale.txt").write_text("from an older build")
    run_build(Project(fixture_root), built)
    assert sorted(p.name for p in built.iterdir()) == FILES
    assert leftovers(built.parent) == []


KILL_WAIT_SECONDS = 60


def test_a_killed_build_keeps_the_previous_one_and_the_next_build_clears_up(
    fixture_root: Path, previous_build: Path
):
    before = snapshot(previous_build)
    command = [*NETGRAPH, "build", "--root", fixture_root, "--out", previous_build]
    # its own process group, so that its workers and the store writer die with it
    build = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + KILL_WAIT_SECONDS
        while not any(any(folder.iterdir()) for folder in staging_folders(previous_build)):
            assert build.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline, "the build wrote nothing"
            time.sleep(0.002)
    finally:
        with contextlib.suppress(ProcessLookupError):  # gone already: the assertion says why
            os.killpg(build.pid, signal.SIGKILL)
        build.wait(timeout=KILL_WAIT_SECONDS)
    assert snapshot(previous_build) == before
    assert staging_folders(previous_build)  # killed midway, its output left behind
    subprocess.run(command, check=True, capture_output=True, timeout=KILL_WAIT_SECONDS)
    assert leftovers(previous_build.parent) == []


def staging_folders(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.*.tmp"))


def test_a_staging_folder_in_use_by_another_build_is_left_alone(fixture_root: Path, built: Path):
    other = built.parent / f".{built.name}.running.tmp"
    other.mkdir()
    descriptor = os.open(other, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # as that build holds it while it writes
        run_build(Project(fixture_root), built)
        assert other.is_dir()
    finally:
        os.close(descriptor)
    run_build(Project(fixture_root), built)
    assert leftovers(built.parent) == []


def test_an_output_left_aside_by_a_killed_two_rename_swap_is_put_back(tmp_path: Path):
    target = tmp_path / "out"
    aside = tmp_path / ".out.swapped.tmp.old"  # the build died between the first two renames
    aside.mkdir()
    (aside / CHECKSUMS).write_text("the previous build\n")
    with pytest.raises(RuntimeError), netgraph.atomic_dir.replaced_atomically(target):
        raise RuntimeError("this build fails too")
    assert (target / CHECKSUMS).read_text() == "the previous build\n"
    assert leftovers(tmp_path) == []


def test_without_file_locks_builds_work_and_remove_no_staging_folder(
    fixture_root: Path, built: Path, monkeypatch: pytest.MonkeyPatch
):
    def no_locks(descriptor: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    abandoned = built.parent / f".{built.name}.abandoned.tmp"
    abandoned.mkdir()
    run_build(Project(fixture_root), built)
    assert leftovers(built.parent) == [abandoned.name]  # for all it knows, in use


def test_refuses_to_replace_a_folder_that_is_not_a_build(
    run_cli, fixture_root: Path, tmp_path: Path
):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = run_cli("build", "--root", fixture_root, "--out", out)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {out}: not empty and not a previous netgraph build (no SHA256SUMS); "
        "refusing to replace it\n"
    )
    assert (out / "notes.txt").read_text() == "keep me"


def test_output_folder_follows_the_umask(built: Path):
    umask = os.umask(0)
    os.umask(umask)
    assert built.stat().st_mode & 0o777 == 0o777 & ~umask


def test_write_outputs_frees_the_graphs_it_copies(fixture_root: Path, tmp_path: Path):
    graphs = load_project(Project(fixture_root))
    named = named_graphs(graphs, infer(graphs.ontology, graphs.data).graph)
    data = weakref.ref(graphs.data)
    del graphs
    out = tmp_path / "out"
    out.mkdir()
    written = write_outputs(named, out)
    assert named == {}
    assert data() is None
    assert sorted(written) == sorted(p.name for p in out.iterdir()) == FILES


def test_ntriples_are_rdflibs_lines_sorted(fixture_root: Path):
    data = load_project(Project(fixture_root)).data
    stream = io.BytesIO()
    write_ntriples(data, stream)
    lines = data.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
    assert stream.getvalue() == b"".join(sorted(line for line in lines if line.strip()))


def test_trig_orders_graphs_by_name_with_rdflib_and_project_prefixes():
    # what the dumps were written with when they came from an rdflib Dataset:
    # foaf is one of rdflib's default prefixes, an unknown namespace gets ns1
    city = "https://w3id.org/netgraph/id/city/"
    named = Graph()
    named.add((URIRef(f"{city}x"), URIRef("http://xmlns.com/foaf/0.1/name"), Literal("X")))
    linked = Graph()
    linked.add((URIRef(f"{city}x"), URIRef("http://example.org/vocab#near"), URIRef(f"{city}y")))
    graphs = [named, linked]
    canonical = canonicalize(graphs)
    assert graphs == []
    stream = io.BytesIO()
    write_trig(
        {"http://example.org/g/b": canonical[0], "http://example.org/g/a": canonical[1]}, stream
    )
    trig = stream.getvalue()
    assert trig.decode().endswith(
        "@prefix ns1: <http://example.org/vocab#> .\n\n"
        "<http://example.org/g/a> {\n    city:x ns1:near city:y .\n}\n\n"
        '<http://example.org/g/b> {\n    city:x foaf:name "X" .\n}\n\n'
    )
    assert "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n" in trig.decode()


def _times(folder: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in folder.iterdir() if path.is_file()}


def test_an_unchanged_rebuild_keeps_the_files_times(fixture_root: Path, tmp_path: Path):
    """Last-Modified of the dumps is their time: it moves only when their bytes do."""
    out = tmp_path / "dist"
    assert run_build(Project(fixture_root), out, store=False).files
    for path in out.iterdir():
        os.utime(path, ns=(10**18, 10**18))  # 2001: far from now, whatever the clock
    assert run_build(Project(fixture_root), out, store=False).files
    assert set(_times(out).values()) == {10**18}
    # with other checksums (other content) the files are new files, with new times
    (out / "SHA256SUMS").write_text("0" * 64 + "  data.ttl\n")
    assert run_build(Project(fixture_root), out, store=False).files
    assert 10**18 not in _times(out).values()
