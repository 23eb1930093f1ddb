"""SHACL validation of the data, flattened into plain result records.

pyshacl answers with a report graph, which is awkward to sort, count, or print
in the several forms CI and people need; so each sh:ValidationResult becomes a
ValidationResult with its terms already rendered compactly, and the report is
sorted once, here, so every output format lists results in the same order.
"""

import re
from dataclasses import dataclass, field
from functools import cache

import pyshacl
from pyparsing import ParseException
from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP
from pyshacl.constraints.advanced import ExpressionConstraint, SH_expression
from pyshacl.errors import ConstraintLoadWarning, ReportableRuntimeError
from pyshacl.rdfutil.inoculate import inoculate
from pyshacl.shapes_graph import ShapesGraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import BGP, Join, traverse
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node, Variable

from netgraph.errors import InputError
from netgraph.loading import ProjectGraphs, shapes_files
from netgraph.names import compact
from netgraph.parallel import in_processes
from netgraph.project import Project
from netgraph.source_lines import SourceLines, position

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


def validate(graphs: ProjectGraphs, workers: int | None = None) -> ValidationReport:
    """Check the data against the shapes, with the ontology supplying the class hierarchy.

    No inference: the published data must satisfy the shapes as asserted.
    ``advanced`` enables SPARQL-based targets and constraints.

    Each group of shapes is validated on its own (pyshacl's ``use_shapes``), by
    ``workers`` forked processes (default: one per core). A shape's results
    depend only on the data and the shapes, so the union of the per-shape
    reports is the whole validation's; the results are sorted afterwards, so
    neither the split nor the order in which the shapes finish shows.
    """
    try:
        _load_shapes(graphs.shapes)
        scratch = _scratch_graph(graphs)
        groups = shape_groups(graphs.shapes)
        if groups is None:
            parts = [_validate_shapes(scratch, graphs.shapes, None)]
        else:
            parts = in_processes(_validate_shapes, groups, workers, (scratch, graphs.shapes))
    except (_BrokenShape, ReportableRuntimeError, ParseException) as error:
        raise _shapes_error(graphs, error) from None
    except Exception as error:
        # rdflib reports an undeclared prefix as a bare Exception, and does so for a
        # constraint component's own validator only once pyshacl runs it, in a worker
        prefix = _UNKNOWN_PREFIX.fullmatch(str(error)) if type(error) is Exception else None
        if prefix is None:
            raise
        name = f"{prefix[1]}:"
        reason = f"SPARQL: unknown prefix {name} (not among the shape's sh:prefixes)"
        node, query = min(
            (
                (s, o)
                for predicate in (SH.select, SH.ask)
                for s, o in graphs.shapes.subject_objects(predicate)
                if name in o
            ),
            default=(None, None),
        )
        broken = _BrokenShape(node, reason, query, query.find(name) if query else 0)
        raise _shapes_error(graphs, broken) from None
    results = [result for part_results, _ in parts for result in part_results]
    return ValidationReport(sorted(results, key=_sort_key), _merged_report([g for _, g in parts]))


_UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix : (\S*)")


class _BrokenShape(Exception):
    """A shape pyshacl cannot use, where the node it comes from is known."""

    def __init__(self, node: Node | None, reason: str, query: Literal | None = None, at: int = 0):
        super().__init__(node, reason)
        self.node, self.reason = node, reason
        self.query, self.at = query, at
        """The SPARQL text at fault, if known, and where in it."""


_CONSTRAINTS = {**CONSTRAINT_PARAMETERS_MAP, SH_expression: ExpressionConstraint}


def _load_shapes(shapes: Graph, named: list[URIRef] | None = None) -> None:
    """Load every shape (or ``named`` ones) with its constraints and SPARQL, as pyshacl will.

    pyshacl does so lazily, a shape once it has focus nodes and its SPARQL
    once per focus node, and a broken one ends validation with a traceback
    from deep inside it (from a worker process, here) that names no shape.
    Loading them all first fails before any work, and names the shape where
    pyshacl knows it. Each SPARQL text is parsed as pyshacl will send it, so
    the cache of :func:`prepared` that forked workers inherit is filled too.
    """
    shapes_graph = ShapesGraph(shapes)
    for shape in shapes_graph.shapes if named is None else shapes_graph.shapes_from_uris(named):
        try:
            for target in shape.advanced_target().values():
                if "qh" in target:  # a SPARQL target: a query with no bindings
                    _prepare(target["qh"], target["qh"].select_text, {})
            parameters = {p for p, _ in shapes.predicate_objects(shape.node)} & _CONSTRAINTS.keys()
            for parameter in sorted(parameters):
                try:
                    constraint = _CONSTRAINTS[parameter](shape)
                except ConstraintLoadWarning:  # pyshacl ignores such a constraint
                    continue
                for helper in getattr(constraint, "sparql_constraints", ()):
                    bindings, text = helper.pre_bind_variables(shape.node)
                    _prepare(helper, text, bindings)
        except ReportableRuntimeError as error:
            raise _BrokenShape(shape.node, _first_line(error.message)) from None


def _prepare(helper, text: str, bindings: dict) -> None:
    try:
        prepared(helper.apply_prefixes(text), frozenset(bindings))
    except ParseException:  # located by _shapes_error, like one from validating
        raise
    except Exception as error:  # rdflib reports e.g. an unknown prefix as a bare Exception
        raise _BrokenShape(helper.node, f"sh:select: {error}") from None


def _shapes_error(graphs: ProjectGraphs, error: Exception) -> InputError:
    """One line naming the shape, its file and line (the column too, in SPARQL), and the fault.

    pyshacl's errors name no shape. A SPARQL text that does not parse is found
    among the shapes' literals; otherwise each named shape is loaded alone
    until one fails the same way.
    """
    shapes, query, offset = graphs.shapes, None, None
    if isinstance(error, ParseException):
        node, query = max(
            ((s, o) for s, o in shapes.subject_objects() if _sent_as(o, error.pstr)),
            key=lambda found: len(found[1]),
            default=(None, None),
        )
        if query is not None:
            offset = error.loc - (len(error.pstr) - len(query))
        # pyparsing's .msg names the outermost rule by the time the error is caught
        # ("Expected AskQuery"); args keep the innermost expectation ("Expected '}'"),
        # which is all that a worker's error brings back through pickling
        broken = _BrokenShape(node, f"SPARQL: {error.args[2] or error.msg}, found {error.found}")
    elif isinstance(error, _BrokenShape):
        broken = error
        if error.query is not None:
            query, offset = error.query, error.at
    else:
        broken = _BrokenShape(_failing_shape(shapes), _first_line(error.message))
    owner = _named_owner(shapes, broken.node)
    where = [] if graphs.project is None else [_where(graphs.project, owner, query, offset)]
    named = [] if owner is None else [compact(owner)]
    return InputError(": ".join([*where, *named, broken.reason]))


def _sent_as(term: Node, text: str) -> bool:
    # pyshacl sends a shape's SPARQL with its prefixes before it
    return isinstance(term, Literal) and text.endswith(f"\n{term}")


def _failing_shape(shapes: Graph) -> URIRef | None:
    candidates = {s for t in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, t)}
    candidates |= {shape for target in TARGETS for shape in shapes.subjects(target, None)}
    for shape in sorted(node for node in candidates if isinstance(node, URIRef)):
        try:
            _load_shapes(shapes, [shape])
        except (_BrokenShape, ReportableRuntimeError, ParseException):
            return shape
    return None


def _named_owner(shapes: Graph, node: Node | None) -> URIRef | None:
    """The IRI the blank node hangs from (a property shape, a list of shapes, a constraint)."""
    seen = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        node = next(shapes.subjects(None, node), None)
    return node if isinstance(node, URIRef) else None


def _where(project: Project, owner: URIRef | None, query, offset: int | None) -> str:
    found = owner and SourceLines(project, shapes_files(project)).locate(str(owner))
    if found is None:
        return project.display(project.shapes_dir)
    display, line = found
    if offset is not None:
        text = (project.root / display).read_text(encoding="utf-8-sig")
        start = text.find(str(query))
        if start >= 0:
            return "{}:{}:{}".format(display, *position(text, start + offset))
    return f"{display}:{line}"


def _first_line(message) -> str:
    return str(message).strip().splitlines()[0]


TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


_SHAPE_VALUED = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)


def shape_groups(shapes: Graph) -> list[list[URIRef]] | None:
    """The shapes to validate together, one group per task, in IRI order.

    pyshacl's ``use_shapes`` skips every named shape that is referenced but
    not listed, so a group is a targeted shape plus every named shape it
    reaches through sh:property, sh:node, sh:or …; targeted shapes that
    reach one another share a group, so none is validated twice.

    None when splitting would not be exact: a targeted shape that is a blank
    node (``use_shapes`` takes IRIs), or SHACL rules, which pyshacl applies
    to the data only for the shapes it was asked for.
    """
    if any(shapes.triples((None, SH.rule, None))):
        return None
    targeted = {shape for target in TARGETS for shape in shapes.subjects(target, None)}
    targeted |= {
        shape
        for kind in (SH.NodeShape, SH.PropertyShape)
        for shape in shapes.subjects(RDF.type, kind)
        if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes
    }
    if any(not isinstance(shape, URIRef) for shape in targeted):
        return None
    reach = {shape: _reachable(shapes, shape) for shape in targeted}
    group_of = {shape: {shape} for shape in targeted}
    for shape in sorted(targeted):
        for other in reach[shape] & targeted:
            if group_of[other] is not group_of[shape]:
                merged = group_of[shape] | group_of[other]
                for member in merged:
                    group_of[member] = merged
    groups = {frozenset(group) for group in group_of.values()}
    return sorted(sorted(set().union(*(reach[shape] for shape in group))) for group in groups)


def _reachable(shapes: Graph, shape: URIRef) -> set[URIRef]:
    """``shape`` and the named shapes it uses, directly or through blank nodes."""
    seen, pending = {shape}, [shape]
    while pending:
        node = pending.pop()
        used = [value for predicate in _SHAPE_VALUED for value in shapes.objects(node, predicate)]
        for predicate in _SHAPE_LISTS:
            for members in shapes.objects(node, predicate):
                used += Collection(shapes, members)
        for value in used:
            if value not in seen:
                seen.add(value)
                pending.append(value)
    return {node for node in seen if isinstance(node, URIRef)}


def _scratch_graph(graphs: ProjectGraphs) -> Graph:
    """The data with the ontology's axioms mixed in, as pyshacl's ``ont_graph`` does.

    Done once here rather than by pyshacl on a clone of the data in every
    call; the asserted data stays as loaded.
    """
    scratch = _PreparedQueryGraph()
    scratch += graphs.data
    inoculate(scratch, graphs.ontology)
    return scratch


def _validate_shapes(
    scratch: Graph, shapes: Graph, use_shapes: list[URIRef] | None
) -> tuple[list["ValidationResult"], Graph]:
    _, report, _ = pyshacl.validate(
        scratch,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,  # the scratch graph is ours; nothing writes to it without rules
        use_shapes=use_shapes,
    )
    # Only the report's own results: nested sh:detail results of sh:node
    # failures would otherwise count one problem twice.
    results = [
        _result(report, shapes, node)
        for report_node in report.subjects(RDF.type, SH.ValidationReport)
        for node in report.objects(report_node, SH.result)
    ]
    return results, report


def _merged_report(reports: list[Graph]) -> Graph:
    """One sh:ValidationReport holding the results of every part."""
    merged = Graph()
    node = BNode()
    merged.add((node, RDF.type, SH.ValidationReport))
    conforms = True
    for report in reports:
        for part in report.subjects(RDF.type, SH.ValidationReport):
            conforms = conforms and report.value(part, SH.conforms) == Literal(True)
        for triple in report:
            if (
                not isinstance(triple[0], BNode)
                or (triple[0], RDF.type, SH.ValidationReport) not in report
            ):
                merged.add(triple)
            elif triple[1] == SH.result:
                merged.add((node, SH.result, triple[2]))
    merged.add((node, SH.conforms, Literal(conforms)))
    return merged


class _PreparedQueryGraph(Graph):
    """A graph that parses each distinct SPARQL text once.

    pyshacl runs a SPARQL constraint as one query per focus node, the same
    text with ``$this`` bound, and rdflib parses the text anew every time:
    parsing was 85% of validating 10,000 triples. Evaluation, bindings
    included, is rdflib's as before.
    """

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            bindings = kwargs.get("initBindings") or (args[3] if len(args) > 3 else None) or {}
            query_object = prepared(query_object, frozenset(map(str, bindings)))
        return super().query(query_object, *args, **kwargs)


@cache
def prepared(text: str, bound: frozenset[str] = frozenset()) -> Query:
    """``text`` parsed, each cartesian product in it turned into a join.

    rdflib evaluates a group of triple patterns in order of how many of their
    terms are unbound, so ``?m a org:Membership ; org:member ?c . ?c a ng:City``
    runs both type patterns first, every membership times every city, before
    the pattern that links them: 38 s of validating 100,000 triples for one
    SPARQL target. Such a group becomes a chain of one-pattern groups, each
    sharing a variable with those before it where it can (``bound``: the
    variables given as initial bindings), which rdflib evaluates as nested
    loops. The solutions are the same; only their order may differ.
    """
    query = prepareQuery(text)
    variables = {Variable(name) for name in bound}
    query.algebra = traverse(query.algebra, visitPost=lambda node: _chained(node, variables))
    return query


def _chained(node, bound: set[Variable]):
    if not isinstance(node, CompValue) or node.name != "BGP" or len(node.triples) < 2:
        return None
    # rdflib's own order: fewest unbound terms first, as evalPart sorts them.
    rdflib_order = sorted(node.triples, key=lambda t: sum(_unbound(n, bound) for n in t))
    seen = set(bound)
    for triple in rdflib_order:
        terms = {n for n in triple if _unbound(n, set())}
        if seen and terms and not terms & seen:
            break
        seen |= terms
    else:
        return None
    remaining, seen, chain = list(node.triples), set(bound), None
    while remaining:
        linked = [t for t in remaining if {n for n in t if _unbound(n, set())} & seen] or remaining
        triple = min(linked, key=lambda t: sum(_unbound(n, seen) for n in t))
        remaining.remove(triple)
        terms = {n for n in triple if _unbound(n, set())}
        seen |= terms
        step = BGP([triple])
        step["_vars"] = terms
        chain = step if chain is None else Join(chain, step)
        if chain is not step:
            chain["lazy"] = True
            chain["_vars"] = chain.p1._vars | terms
    return chain


def _unbound(term, bound: set[Variable]) -> bool:
    return isinstance(term, (Variable, BNode)) and term not in bound


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
