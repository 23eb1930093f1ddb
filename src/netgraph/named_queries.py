"""The project's named queries: ``queries/*.rq`` with a small comment header.

Each file starts with ``# key: value`` lines (title, description, expects; a
key may name a language, ``title@de``) so the query's purpose and its expected
outcome live next to the SPARQL, where the docs, the tests and a future web UI
can all read them.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from netgraph.errors import InputError
from netgraph.project import Project

_HEADER_LINE = re.compile(r"#\s*([\w@-]+)\s*:\s*(.*)")  # keys may carry a language: title@de


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    header: dict[str, str]
    text: str

    @property
    def title(self) -> str:
        return self.header.get("title", self.name)

    @property
    def description(self) -> str:
        return self.header.get("description", "")

    @property
    def expects(self) -> str:
        return self.header.get("expects", "")


def read_named_query(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read: {error}") from None
    return NamedQuery(path.stem, path, parse_header(text), text)


def parse_header(text: str) -> dict[str, str]:
    """``# key: value`` lines from the leading comment block; keys are lower-cased."""
    header = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.startswith("#"):
            break
        match = _HEADER_LINE.fullmatch(line.strip())
        if match:
            header[match[1].lower()] = match[2].strip()
    return header


def named_queries(project: Project) -> list[NamedQuery]:
    """Every ``queries/*.rq``, sorted by file name."""
    return [read_named_query(path) for path in sorted(project.queries_dir.glob("*.rq"))]
