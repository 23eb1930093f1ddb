"""Which data file and line a resource is described at.

Reports are far more useful when they point at ``data/cities.ttl:12`` instead
of only naming an IRI. Parsed graphs do not remember lines, so this scans the
data files' text: a subject block is taken to start where a line begins, at
column 1, with the resource written as ``prefix:local``, ``<relative>`` or
``<full IRI>``. A block that types the resource (``city:x a ng:City``) is
preferred over later statements about it in other files. That is the layout
the project's Turtle files use; a resource written any other way is simply not
located, never located wrongly.
"""

import re
from pathlib import Path
from urllib.parse import urljoin

from netgraph.namespaces import BASE_IRI
from netgraph.project import Project

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT = re.compile(r"^(<[^>]*>|[\w.-]*:(?:[\w.:%-]|\\.)*)(\s+(?:a|rdf:type)\s)?")


class SourceLines:
    """Index of the first subject line of every resource in the data files."""

    def __init__(self, project: Project, files: list[Path]):
        self._typed: dict[str, tuple[str, int]] = {}
        self._mentioned: dict[str, tuple[str, int]] = {}
        for path in files:
            self._index(project.display(path), path.read_text(encoding="utf-8-sig"))

    def locate(self, iri: str) -> tuple[str, int] | None:
        """``(path relative to the root, 1-based line)`` or None when not found."""
        return self._typed.get(iri) or self._mentioned.get(iri)

    def _index(self, display: str, text: str) -> None:
        prefixes: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            declaration = _PREFIX.match(line)
            if declaration:
                prefixes[declaration[1]] = _resolve(declaration[2])
                continue
            subject = _SUBJECT.match(line)
            if subject:
                iri = _expand(subject[1], prefixes)
                if iri is not None:
                    found = self._typed if subject[2] else self._mentioned
                    found.setdefault(iri, (display, number))


def _expand(token: str, prefixes: dict[str, str]) -> str | None:
    if token.startswith("<"):
        return _resolve(token[1:-1])
    prefix, _, local = token.partition(":")
    if prefix not in prefixes:
        return None
    return prefixes[prefix] + local.replace("\\", "")


def _resolve(reference: str) -> str:
    resolved = urljoin(BASE_IRI, reference)
    # urljoin drops an empty fragment, which a namespace such as <shapes#> ends with
    return f"{resolved}#" if reference.endswith("#") and not resolved.endswith("#") else resolved


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of the character at ``offset``, as editors count them."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
