"""SHACL validation of the data, flattened into plain result records.

pyshacl answers with a report graph, which is awkward to sort, count, or print
in the several forms CI and people need; so each sh:ValidationResult becomes a
ValidationResult with its terms already rendered compactly, and the report is
sorted once, here, so every output format lists results in the same order.
"""

import re
from dataclasses import dataclass, field

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from netgraph.loading import ProjectGraphs
from netgraph.names import compact

SEVERITIES = ("violation", "warning", "info")
"""Severity names, most severe first; ``--fail-on`` picks one as the threshold."""

_SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_PATH_OPERATORS = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


@dataclass(frozen=True)
class ValidationResult:
    severity: str
    focus: Node
    path: str
    value: Node | None
    shape: str
    component: str
    messages: dict[str, str] = field(compare=False)

    def at_least(self, threshold: str) -> bool:
        return SEVERITIES.index(self.severity) <= SEVERITIES.index(threshold)

    def message(self, lang: str) -> str:
        """The message in ``lang``, else in any other language the shape gave."""
        if lang in self.messages:
            return self.messages[lang]
        return next(iter(sorted(self.messages.items())), ("", ""))[1]


@dataclass(frozen=True)
class ValidationReport:
    results: list[ValidationResult]
    graph: Graph

    def count(self, severity: str) -> int:
        return sum(result.severity == severity for result in self.results)

    def fails(self, threshold: str) -> bool:
        """True when some result is at least as severe as ``threshold``."""
        return any(result.at_least(threshold) for result in self.results)


def validate(graphs: ProjectGraphs) -> ValidationReport:
    """Check the data against the shapes, with the ontology supplying the class hierarchy.

    No inference: the published data must satisfy the shapes as asserted.
    ``advanced`` enables SPARQL-based targets and constraints.
    """
    _, report, _ = pyshacl.validate(
        graphs.data,
        shacl_graph=graphs.shapes,
        ont_graph=graphs.ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    # Only the report's own results: nested sh:detail results of sh:node
    # failures would otherwise count one problem twice.
    results = [
        _result(report, graphs.shapes, node)
        for report_node in report.subjects(RDF.type, SH.ValidationReport)
        for node in report.objects(report_node, SH.result)
    ]
    return ValidationReport(sorted(results, key=_sort_key), report)


def _result(report: Graph, shapes: Graph, node: Node) -> ValidationResult:
    severity = report.value(node, SH.resultSeverity)
    path = report.value(node, SH.resultPath)
    return ValidationResult(
        severity=_SEVERITY_NAMES.get(severity, "violation"),  # custom severities fail too
        focus=report.value(node, SH.focusNode),
        path="" if path is None else render_path(report, path),
        value=report.value(node, SH.value),
        shape=_shape_name(shapes, report.value(node, SH.sourceShape)),
        component=compact(report.value(node, SH.sourceConstraintComponent)),
        messages=_messages(report, shapes, node),
    )


def _messages(report: Graph, shapes: Graph, node: Node) -> dict[str, str]:
    """Result messages by language tag ("" for untagged).

    pyshacl drops the language tag of a SPARQL constraint's message when it
    fills in ``{?value}``-style placeholders, so an untagged message gets the
    language of the constraint's sh:message template it matches.
    """
    constraint = report.value(node, SH.sourceConstraint)
    templates = [] if constraint is None else list(shapes.objects(constraint, SH.message))
    messages: dict[str, str] = {}
    for message in sorted(report.objects(node, SH.resultMessage)):
        language = message.language or next(
            (t.language for t in templates if t.language and _fills(t, message)), ""
        )
        messages.setdefault(language, str(message))
    return messages


def _fills(template: Literal, message: Literal) -> bool:
    parts = re.split(r"\{[$?]\w+\}", str(template))
    return re.fullmatch(".*".join(map(re.escape, parts)), str(message), re.DOTALL) is not None


def _shape_name(shapes: Graph, shape: Node) -> str:
    # Property shapes are usually blank nodes; name them by the node shape holding them.
    parent = shapes.value(predicate=SH.property, object=shape)
    return compact(parent if parent is not None and not isinstance(shape, URIRef) else shape)


def render_path(graph: Graph, path: Node) -> str:
    """Write a SHACL property path in SPARQL syntax, e.g. ``org:memberDuring/time:hasBeginning``."""
    if isinstance(path, URIRef):
        return compact(path)
    if graph.value(path, RDF.first) is not None:
        return "/".join(_path_atom(graph, step) for step in Collection(graph, path))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_atom(graph, step) for step in Collection(graph, alternatives))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_atom(graph, inverse)
    for predicate, operator in _PATH_OPERATORS.items():
        inner = graph.value(path, predicate)
        if inner is not None:
            return _path_atom(graph, inner) + operator
    return compact(path)


def _path_atom(graph: Graph, path: Node) -> str:
    rendered = render_path(graph, path)
    return rendered if isinstance(path, URIRef) else f"({rendered})"


def _sort_key(result: ValidationResult) -> tuple:
    return (
        SEVERITIES.index(result.severity),
        compact(result.focus),
        result.path,
        result.shape,
        result.component,
        "" if result.value is None else compact(result.value),
        result.message("en"),
    )
