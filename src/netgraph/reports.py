"""The validation report in the forms its readers need.

People read ``text``; scripts read ``json``; RDF tooling reads the SHACL
report graph as ``turtle``; CI test tabs read ``junit``; GitHub Actions turns
``github`` lines into annotations on the offending data line. Every form lists
results in the report's order, so outputs are stable and diffable.
"""

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable

from rdflib.term import Node

from netgraph.names import compact
from netgraph.serialization import canonicalize, to_turtle
from netgraph.source_lines import SourceLines
from netgraph.validation import SEVERITIES, ValidationReport, ValidationResult


def render_report(
    report: ValidationReport, fmt: str, *, lang: str, fail_on: str, sources: SourceLines
) -> str:
    """Render ``report``; ``fail_on`` decides what counts as a failure where a format says so."""
    renderer: Callable[..., str] = _RENDERERS[fmt]
    return renderer(report, lang=lang, fail_on=fail_on, sources=sources)


def summary_line(report: ValidationReport) -> str:
    return ", ".join(f"{severity}: {report.count(severity)}" for severity in SEVERITIES)


def _by_focus(report: ValidationReport) -> dict[Node, list[ValidationResult]]:
    groups: dict[Node, list[ValidationResult]] = {}
    for result in report.results:
        groups.setdefault(result.focus, []).append(result)
    return groups


def _location(focus: Node, sources: SourceLines) -> tuple[str, int] | None:
    return sources.locate(str(focus))


def _describe(result: ValidationResult, lang: str) -> str:
    text = result.message(lang)
    if result.path:
        text = f"{result.path}: {text}"
    if result.value is not None:
        text += f" (value: {compact(result.value)})"
    return text


def _text(report: ValidationReport, *, lang: str, fail_on: str, sources: SourceLines) -> str:
    lines = []
    for focus, results in _by_focus(report).items():
        location = _location(focus, sources)
        name = compact(focus)
        lines.append(f"{name}  {location[0]}:{location[1]}" if location else name)
        width = max(len(result.severity) for result in results)
        lines.extend(f"  {r.severity:<{width}}  {_describe(r, lang)}" for r in results)
        lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _json(report: ValidationReport, *, lang: str, fail_on: str, sources: SourceLines) -> str:
    def record(result: ValidationResult) -> dict:
        location = _location(result.focus, sources)
        return {
            "severity": result.severity,
            "focus": compact(result.focus),
            "path": result.path or None,
            "value": None if result.value is None else compact(result.value),
            "message": result.message(lang),
            "messages": result.messages,
            "shape": result.shape,
            "component": result.component,
            "file": location[0] if location else None,
            "line": location[1] if location else None,
        }

    document = {
        "conforms": not report.fails(fail_on),
        "fail_on": fail_on,
        "counts": {severity: report.count(severity) for severity in SEVERITIES},
        "results": [record(result) for result in report.results],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _turtle(report: ValidationReport, *, lang: str, fail_on: str, sources: SourceLines) -> str:
    (graph,) = canonicalize([report.graph])
    return to_turtle(graph).decode("utf-8")


def _junit(report: ValidationReport, *, lang: str, fail_on: str, sources: SourceLines) -> str:
    groups = _by_focus(report)
    failed = sum(any(r.at_least(fail_on) for r in results) for results in groups.values())
    counts = {"tests": str(len(groups)), "failures": str(failed), "errors": "0"}
    root = ET.Element("testsuites", name="netgraph validate", **counts)
    suite = ET.SubElement(root, "testsuite", name="shacl", skipped="0", **counts)
    for focus, results in groups.items():
        location = _location(focus, sources)
        case = ET.SubElement(suite, "testcase", name=compact(focus), classname="")
        if location:
            case.set("classname", location[0])
            case.set("file", location[0])
            case.set("line", str(location[1]))
        passed = []
        for result in results:
            if result.at_least(fail_on):
                failure = ET.SubElement(
                    case, "failure", type=result.severity, message=_describe(result, lang)
                )
                failure.text = f"shape {result.shape}, {result.component}"
            else:
                passed.append(f"{result.severity}: {_describe(result, lang)}")
        if passed:
            ET.SubElement(case, "system-out").text = "\n".join(passed)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


_GITHUB_COMMANDS = {"violation": "error", "warning": "warning", "info": "notice"}


def _github(report: ValidationReport, *, lang: str, fail_on: str, sources: SourceLines) -> str:
    lines = []
    for result in report.results:
        location = _location(result.focus, sources)
        properties = f"file={_escape_property(location[0])},line={location[1]}," if location else ""
        properties += f"title={_escape_property(compact(result.focus))}"
        message = _escape_data(_describe(result, lang))
        lines.append(f"::{_GITHUB_COMMANDS[result.severity]} {properties}::{message}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_RENDERERS = {
    "text": _text,
    "json": _json,
    "turtle": _turtle,
    "junit": _junit,
    "github": _github,
}
FORMATS = tuple(_RENDERERS)
