"""Where a netgraph project's files live.

The ontology, data, shapes and queries sit at the repository top level rather
than inside the package, so every command needs to know the project root. It is
given by ``--root``, else by NETGRAPH_ROOT, else found by walking up from the
working directory to the pyproject.toml whose project name is ``netgraph`` (so
the CLI works from any subfolder of a checkout).
"""

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from netgraph.errors import InputError

ROOT_ENV = "NETGRAPH_ROOT"
PROJECT_NAME = "netgraph"


@dataclass(frozen=True)
class Project:
    """The fixed layout below one project root."""

    root: Path

    @property
    def ontology_file(self) -> Path:
        return self.root / "ontology" / "netgraph.ttl"

    @property
    def catalog_file(self) -> Path:
        return self.root / "ontology" / "catalog-v001.xml"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    def display(self, path: Path) -> str:
        """Name a file relative to the root, as CI annotations and editors expect."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


def find_project(root: str | os.PathLike | None = None) -> Project:
    """Resolve the project root from an explicit path, the environment, or the cwd."""
    if root is None:
        root = os.environ.get(ROOT_ENV) or None
    if root is not None:
        path = Path(root)
        if not path.is_dir():
            raise InputError(f"{path}: project root is not a folder")
        return Project(path)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if _is_netgraph_pyproject(folder / "pyproject.toml"):
            return Project(folder)
    raise InputError(
        f"{here}: not inside a netgraph project (no pyproject.toml naming {PROJECT_NAME!r} "
        f"found upwards); pass --root or set {ROOT_ENV}"
    )


def _is_netgraph_pyproject(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return tomllib.load(file).get("project", {}).get("name") == PROJECT_NAME
    except (OSError, tomllib.TOMLDecodeError):
        return False
