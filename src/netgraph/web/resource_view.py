"""Gathering what the dataset says about one dereferenceable IRI, for RDF and for pages.

A *document* is an IRI under the base without a fragment (``…/id/network/eurocities``,
``…/ontology``). It describes itself and its hash sub-resources (``…#period``,
``…#start``; every ``ontology#Term``). Its description is

- every triple whose subject is the document or one of its hash IRIs, with the
  blank nodes they reach (so property chains and lists come along whole);
- every triple whose object is one of them (incoming links), except
  ``rdf:type``: the instances of a class are a query away, not part of the
  class's description. At most ``max_incoming`` per predicate, the first by
  subject IRI: a role or a concept that 20,000 memberships name would
  otherwise make a page of megabytes that takes seconds. The description says
  which predicates were cut and how many links each has
  (:attr:`Description.cut`), so that pages and headers can say so;
- the ``skos:prefLabel`` and ``rdfs:label`` of every other IRI it links to.

Triples come from all graphs of the dataset, asserted and inferred alike (the
same union the SPARQL endpoint answers from); each statement remembers whether
it was asserted anywhere, so pages can set the inferred ones apart. Everything
here reads the dataset only, by pattern look-ups per request, so that serving
the build's Oxigraph store keeps no copy of it in Python (see
:class:`ResourceIndex`).
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, TIME, XSD

from netgraph import engines, limits
from netgraph.build import HASH_IRIS_FILE
from netgraph.names import compact
from netgraph.namespaces import BASE_IRI, GRAPH_INFERRED, ONTOLOGY_IRI

log = logging.getLogger(__name__)
LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label)
DATE_PREDICATES = (
    DCTERMS.date,
    TIME.inXSDgYear,
    TIME.inXSDgYearMonth,
    TIME.inXSDDate,
    TIME.inXSDDateTimeStamp,
)
_INFERRED = URIRef(GRAPH_INFERRED)
EN_DASH = "\u2013"
_MONTHS = {
    "de": ("Januar Februar März April Mai Juni Juli August September Oktober November Dezember"),
    "en": ("January February March April May June July August September October November December"),
}


def document_of(iri: str) -> str:
    """The document an IRI is described in: the IRI without its fragment."""
    return iri.split("#", 1)[0]


@dataclass(frozen=True, order=True)
class Statement:
    """One triple as the page shows it; ``inferred`` when no asserted graph states it."""

    subject: URIRef | BNode
    predicate: URIRef
    object: URIRef | BNode | Literal
    inferred: bool = False


@dataclass(frozen=True)
class Cut:
    """Incoming links through one predicate, more than a description lists."""

    total: int
    objects: tuple[URIRef, ...]
    """The members they point at (the query for all of them names these)."""


@dataclass
class Description:
    document: URIRef
    members: list[URIRef]
    """The document IRI and its hash IRIs that the dataset mentions, sorted, document first."""
    outgoing: list[Statement] = field(default_factory=list)
    """Triples about the members, and about the blank nodes they reach."""
    incoming: list[Statement] = field(default_factory=list)
    labels: list[tuple[URIRef, URIRef, Literal]] = field(default_factory=list)
    cut: dict[URIRef, Cut] = field(default_factory=dict)
    """The predicates whose incoming links were cut to the index's ``max_incoming``."""

    def graph(self) -> Graph:
        """The description as one graph, triples added in a stable order, blank nodes renamed."""
        rename = _blank_node_names(self.outgoing)
        triples = {
            (rename.get(s, s), p, rename.get(o, o))
            for s, p, o in (
                *((st.subject, st.predicate, st.object) for st in self.outgoing),
                *((st.subject, st.predicate, st.object) for st in self.incoming),
                *self.labels,
            )
        }
        graph = Graph(bind_namespaces="none")
        for triple in sorted(triples, key=lambda t: tuple(term.n3() for term in t)):
            graph.add(triple)
        return graph


def _blank_node_names(statements: Iterable[Statement]) -> dict[BNode, BNode]:
    """Blank nodes named by the order the walk from the members first meets them."""
    names: dict[BNode, BNode] = {}
    for statement in statements:
        for term in (statement.subject, statement.object):
            if isinstance(term, BNode) and term not in names:
                names[term] = BNode(f"b{len(names)}")
    return names


class ResourceIndex:
    """Which documents the dataset has, and the labels of IRIs, looked up when asked for.

    Nothing is read up front: a document is known when the dataset mentions its IRI
    (three index look-ups) or has a hash IRI of it as a subject or predicate. Those
    hash IRIs are read on first use from the list the build kept beside its store, or
    found by a pass over the data (:func:`_hash_iris_of`); what is kept is small, a
    few IRIs per document that has any.
    """

    def __init__(self, dataset: Dataset, max_incoming: int = limits.MAX_INCOMING):
        self.dataset = dataset
        self.max_incoming = max_incoming

    @cached_property
    def _hash_iris(self) -> dict[str, set[URIRef]]:
        found: dict[str, set[URIRef]] = defaultdict(set)
        for iri in _hash_iris_of(self.dataset):
            found[document_of(iri)].add(URIRef(iri))
        return found

    @cached_property
    def latest_year(self) -> int | None:
        """The latest year any date in the dataset names: the timeline's "now"."""
        latest = ""
        for predicate in DATE_PREDICATES:
            for _, o in self.dataset.subject_objects(predicate):
                if isinstance(o, Literal) and str(o)[:4].isdigit():
                    latest = max(latest, str(o)[:4])
        return int(latest) if latest else None

    @cached_property
    def asserted(self) -> Graph:
        """What the ontology page documents: every triple about one of its terms (a hash IRI
        of the ontology) and every sub-class, sub-property or inverse link to one, from all
        graphs but the inferred one."""
        graph = Graph(bind_namespaces="none")
        for term in self._hash_iris.get(ONTOLOGY_IRI, ()):
            quads = [
                *self.dataset.quads((term, None, None, None)),
                *(q for p in _TERM_LINKS for q in self.dataset.quads((None, p, term, None))),
            ]
            for s, p, o, name in quads:
                if name != _INFERRED:
                    graph.add((s, p, o))
        return graph

    def knows(self, document: str) -> bool:
        return bool(self.members(document))

    def members(self, document: str) -> set[URIRef]:
        """The document IRI and its hash IRIs, those the dataset has."""
        found = set(self._hash_iris.get(document, ()))
        iri = URIRef(document)
        patterns = ((iri, None, None), (None, iri, None), (None, None, iri))
        if any(pattern in self.dataset for pattern in patterns):
            found.add(iri)
        return found

    def label(self, iri, lang: str) -> str | None:
        """skos:prefLabel, else rdfs:label: in ``lang``, else English, else untagged, else any."""
        candidates = [
            (rank, literal)
            for rank, predicate in enumerate(LABEL_PREDICATES)
            for literal in self.dataset.objects(iri, predicate)
            if isinstance(literal, Literal)
        ]
        if not candidates:
            return None

        def fit(item: tuple[int, Literal]) -> tuple:
            rank, literal = item
            language = (literal.language or "").lower()
            order = 0 if language == lang else 1 if language == "en" else 2 if not language else 3
            return (order, rank, language, str(literal))

        return str(min(candidates, key=fit)[1])

    def text(self, subject, predicate: URIRef, lang: str) -> str | None:
        """A literal value in ``lang``, else English, else untagged, else any."""
        values = [o for o in self.dataset.objects(subject, predicate) if isinstance(o, Literal)]
        if not values:
            return None

        def fit(literal: Literal) -> tuple:
            language = (literal.language or "").lower()
            order = 0 if language == lang else 1 if language == "en" else 2 if not language else 3
            return (order, language, str(literal))

        return str(min(values, key=fit))

    def describe(self, document: str) -> Description:
        members = sorted(self.members(document), key=lambda iri: (iri != document, str(iri)))
        member_set = set(members)
        description = Description(URIRef(document), members)
        outgoing: dict[tuple, bool] = {}
        pending: list = list(members)
        seen: set = set()
        while pending:
            node = pending.pop(0)
            if node in seen:
                continue
            seen.add(node)
            found = sorted(
                self.dataset.quads((node, None, None, None)),
                key=lambda q: (q[1].n3(), "" if isinstance(q[2], BNode) else q[2].n3()),
            )
            for s, p, o, graph in found:
                asserted = graph != _INFERRED
                outgoing[(s, p, o)] = outgoing.get((s, p, o), False) or asserted
                if isinstance(o, BNode) and o not in seen:
                    pending.append(o)
        incoming: dict[tuple, bool] = {}
        for member in members:
            for s, p, o, graph in self.dataset.quads((None, None, member, None)):
                if p == RDF.type or s in member_set or isinstance(s, BNode):
                    continue
                asserted = graph != _INFERRED
                incoming[(s, p, o)] = incoming.get((s, p, o), False) or asserted
        description.outgoing = [
            Statement(s, p, o, not asserted) for (s, p, o), asserted in outgoing.items()
        ]
        by_predicate: dict[URIRef, list[Statement]] = defaultdict(list)
        for (s, p, o), asserted in incoming.items():
            by_predicate[p].append(Statement(s, p, o, not asserted))
        for predicate, statements in by_predicate.items():
            if len(statements) > self.max_incoming:
                objects = tuple(sorted({st.object for st in statements}))
                description.cut[predicate] = Cut(len(statements), objects)
                statements.sort()
                del statements[self.max_incoming :]
        description.incoming = sorted(st for group in by_predicate.values() for st in group)
        linked = {st.object for st in description.outgoing if isinstance(st.object, URIRef)}
        linked |= {st.subject for st in description.incoming}
        labels = []
        for iri in sorted(linked - member_set):
            for predicate in LABEL_PREDICATES:
                labels.extend(
                    (iri, predicate, label)
                    for label in self.dataset.objects(iri, predicate)
                    if isinstance(label, Literal)
                )
        description.labels = labels
        return description


def _hash_iris_of(dataset: Dataset) -> Iterable[str]:
    """The dataset's hash IRIs that are a subject or a predicate: on the build's store, as
    the build kept them (:data:`HASH_IRIS_FILE`), else by a pass over the store; for a
    dataset given in memory (small), in one pass over its quads. A kept file that cannot
    be read costs the pass, never the page."""
    if isinstance(dataset.store, engines.StoreView):
        build = dataset.store.build
        kept = build.kept(HASH_IRIS_FILE)
        if kept.is_file():
            try:
                return [
                    iri
                    for iri in kept.read_text(encoding="utf-8").splitlines()
                    if iri.startswith(BASE_IRI) and "#" in iri
                ]
            except (OSError, UnicodeDecodeError) as error:
                log.warning("%s: not read (%s); finding the hash IRIs in the store", kept, error)
        return engines.hash_iris(build.store)
    return {
        str(term)
        for s, p, _, _ in dataset.quads((None, None, None, None))
        for term in (s, p)
        if isinstance(term, URIRef) and term.startswith(BASE_IRI) and "#" in term
    }


# --- Formatting numbers and dates per language ----------------------------------------


def format_number(value, lang: str) -> str:
    """7000 → "7.000" (de) / "7,000" (en); decimals keep the digits they were stated with."""
    if isinstance(value, Literal):
        value = value.toPython()
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    text = f"{value:,}"
    return text.translate(str.maketrans({",": ".", ".": ","})) if lang == "de" else text


def format_date(literal: Literal, lang: str) -> str:
    """A gYear, gYearMonth or date as people write it: "November 2016", "31. Dezember 2019"."""
    text = str(literal)
    months = _MONTHS.get(lang, _MONTHS["en"]).split(" ")
    parts = text.split("-")
    try:
        if literal.datatype == XSD.gYearMonth and len(parts) == 2:
            return f"{months[int(parts[1]) - 1]} {parts[0]}"
        if literal.datatype == XSD.date and len(parts) == 3:
            year, month, day = parts[0], int(parts[1]), int(parts[2][:2])
            if lang == "de":
                return f"{day}. {months[month - 1]} {year}"
            return f"{day} {months[month - 1]} {year}"
    except (ValueError, IndexError):
        pass
    return text


def year_month(literal: Literal) -> tuple[int, int | None] | None:
    """The year, and the month when stated, of a gYear / gYearMonth / date literal."""
    text = str(literal)
    try:
        year = int(text[:4])
    except ValueError:
        return None
    if literal.datatype in (XSD.gYearMonth, XSD.date) and len(text) >= 7:
        try:
            return year, int(text[5:7])
        except ValueError:
            return year, None
    return year, None


# --- What a page shows ----------------------------------------------------------------

WORDS = {
    "de": {
        "statements": "Aussagen",
        "incoming": "Verweise auf diese Ressource",
        "inferred": "Abgeleitete Aussagen (OWL-2-RL-Reasoner)",
        "inferred_incoming": "Abgeleitete Verweise",
        "sources": "Quellen",
        "passage": "Textstelle",
        "quantities": "Mengenangaben",
        "as_of": "Stand: {date}",
        "period": "Zeitraum: {date}",
        "downloads": "Diese Daten als",
        "query": "Abfrage",
        "timeline": "Mitgliedschaften",
        "types": "Typ",
        "value": "Wert",
        "cut": "Die ersten {shown} von {total}; alle in einer SPARQL-Abfrage",
    },
    "en": {
        "statements": "Statements",
        "incoming": "Links to this resource",
        "inferred": "Inferred statements (OWL 2 RL reasoner)",
        "inferred_incoming": "Inferred links",
        "sources": "Sources",
        "passage": "Passage",
        "quantities": "Stated figures",
        "as_of": "as of {date}",
        "period": "period: {date}",
        "downloads": "This data as",
        "query": "query",
        "timeline": "Memberships",
        "types": "Type",
        "value": "Value",
        "cut": "The first {shown} of {total}; all of them in a SPARQL query",
    },
}


@dataclass(frozen=True)
class Value:
    """An RDF term ready for the template (which escapes every field)."""

    text: str
    href: str | None = None
    title: str | None = None
    note: str | None = None
    kind: str = "literal"


@dataclass
class PropertyRow:
    label: Value
    values: list[Value]
    more: Value | None = None
    """Where the values were cut: how many there are, linked to a query for all of them."""


@dataclass
class Section:
    """The document's resource or one of its hash sub-resources."""

    iri: str
    anchor: str
    label: str
    types: list[Value]
    description: str | None
    rows: list[PropertyRow]
    inferred_rows: list[PropertyRow]


@dataclass
class Quantity:
    measure: Value | None
    value: str
    unit: Value | None
    place: Value | None
    date: str | None
    source: Value | None
    href: str | None


@dataclass
class Passage:
    text: str
    sources: list[Value]


@dataclass
class ResourcePage:
    iri: str
    label: str
    sections: list[Section]
    incoming: list[PropertyRow]
    inferred_incoming: list[PropertyRow]
    quantities: list[Quantity]
    passages: list[Passage]
    sources: list[Value]
    timeline_rows: list
    is_city: bool


class PageBuilder:
    """Turns a :class:`Description` into what the resource template shows, in one language.

    ``link`` gives the local path of a dataset IRI (None for other IRIs), so that
    pages link within the service; ``query_link`` the query page's URL for a query.
    """

    def __init__(self, index: ResourceIndex, lang: str, link, query_link):
        self.index = index
        self.lang = lang
        self.link = link
        self.query_link = query_link
        self.words = WORDS.get(lang, WORDS["en"])

    def term(self, term) -> Value:
        if isinstance(term, URIRef):
            label = self.index.label(term, self.lang)
            href = self.link(term) or (str(term) if _is_web(term) else None)
            return Value(label or compact(term), href, str(term), kind="iri")
        if isinstance(term, BNode):
            return Value(self._bnode_text(term), kind="bnode")
        note = None
        if term.language:
            note = f"@{term.language}"
        elif term.datatype and term.datatype != XSD.string:
            note = compact(term.datatype)
        if term.datatype in (XSD.integer, XSD.decimal):
            return Value(format_number(term, self.lang), note=note)
        return Value(str(term), note=note)

    def _bnode_text(self, node: BNode) -> str:
        """An RDF list as "(a, b)"; any other blank node as "[…]"."""
        items, current, guard = [], node, 0
        while current != RDF.nil and guard < 100:
            first = self.index.dataset.value(current, RDF.first)
            if first is None:
                return "[…]"
            items.append(compact(first) if isinstance(first, URIRef) else self.term(first).text)
            current = self.index.dataset.value(current, RDF.rest) or RDF.nil
            guard += 1
        return "(" + ", ".join(items) + ")"

    def rows(
        self,
        statements: Iterable[Statement],
        by_subject: bool = False,
        cuts: Mapping[URIRef, Cut] = MappingProxyType({}),
    ) -> list[PropertyRow]:
        """One row per predicate; the rows of predicates in ``cuts`` say that they were cut."""
        grouped: dict[URIRef, list] = defaultdict(list)
        for statement in statements:
            target = statement.subject if by_subject else statement.object
            grouped[statement.predicate].append(target)
        rows = []
        for predicate, targets in grouped.items():
            values = sorted(
                {self.term(target) for target in targets},
                key=lambda v: (v.text.casefold(), v.note or "", v.title or ""),
            )
            label = self.term(predicate)
            if predicate == RDF.type:
                label = Value(self.words["types"], label.href, label.title, kind="iri")
            cut = cuts.get(predicate)
            rows.append(PropertyRow(label, values, self._more(predicate, cut) if cut else None))
        rows.sort(key=lambda row: (row.label.title != str(RDF.type), row.label.text.casefold()))
        return rows

    def _more(self, predicate: URIRef, cut: Cut) -> Value:
        objects = " ".join(term.n3() for term in cut.objects)
        query = (
            f"SELECT ?subject WHERE {{\n  VALUES ?object {{ {objects} }}\n"
            f"  ?subject {predicate.n3()} ?object .\n}}\nORDER BY ?subject\n"
        )
        text = self.words["cut"].format(
            shown=format_number(self.index.max_incoming, self.lang),
            total=format_number(cut.total, self.lang),
        )
        return Value(text, self.query_link(query))

    def build(self, description: Description) -> ResourcePage:
        document = description.document
        by_subject: dict = defaultdict(list)
        for statement in description.outgoing:
            by_subject[statement.subject].append(statement)
        sections = []
        for member in description.members:
            statements = by_subject.get(member, [])
            if not statements and member != document:
                continue
            types = sorted(
                {
                    self.term(st.object)
                    for st in statements
                    if st.predicate == RDF.type and not st.inferred
                },
                key=lambda v: v.text.casefold(),
            )
            sections.append(
                Section(
                    str(member),
                    member.split("#", 1)[1] if "#" in member else "",
                    self.index.label(member, self.lang) or str(member),
                    types,
                    self.index.text(member, DCTERMS.description, self.lang),
                    self.rows(st for st in statements if not st.inferred),
                    self.rows(st for st in statements if st.inferred),
                )
            )
        incoming = [st for st in description.incoming if not st.inferred]
        asserted_predicates = {st.predicate for st in incoming}
        members = set(description.members)
        quantities = [
            self.quantity(st.subject)
            for st in incoming
            if st.predicate == NG_QUANTITY_OF and st.object == document
        ]
        quantities.sort(
            key=lambda q: (q.measure.text.casefold() if q.measure else "", q.date or "", q.value)
        )
        if (document, RDF.type, NG_STATED_QUANTITY) in self.index.dataset:
            quantities.insert(0, self.quantity(document))
        timeline_rows = []
        is_city = (document, RDF.type, NG_CITY) in self.index.dataset
        if is_city:
            timeline_rows = self.memberships(document)
        return ResourcePage(
            str(document),
            self.index.label(document, self.lang) or str(document),
            sections,
            self.rows(incoming, by_subject=True, cuts=description.cut),
            self.rows(
                (st for st in description.incoming if st.inferred),
                by_subject=True,
                # a cut predicate with asserted links is marked there, not twice
                cuts={p: c for p, c in description.cut.items() if p not in asserted_predicates},
            ),
            quantities,
            self.passages(members),
            sorted(
                {
                    self.term(source)
                    for member in members
                    for source in self.index.dataset.objects(member, PROV_DERIVED)
                },
                key=lambda v: v.text.casefold(),
            ),
            timeline_rows,
            is_city,
        )

    def passages(self, members: set[URIRef]) -> list[Passage]:
        found: dict[str, set] = defaultdict(set)
        for member in sorted(members):
            sources = list(self.index.dataset.objects(member, PROV_DERIVED))
            for passage in self.index.dataset.objects(member, NG_SOURCE_PASSAGE):
                found[str(passage)].update(sources)
        return [
            Passage(text, sorted((self.source(s) for s in sources), key=lambda v: v.text))
            for text, sources in sorted(found.items())
        ]

    def source(self, source) -> Value:
        """A source document by its title in the page language, else its label; linked."""
        value = self.term(source)
        titles = self.index.dataset.objects(source, DCTERMS.title)
        title = next(
            (str(t) for t in sorted(titles) if isinstance(t, Literal) and t.language == self.lang),
            None,
        )
        return Value(title or value.text, value.href, value.title, kind="iri")

    def quantity(self, subject) -> Quantity:
        data = self.index.dataset
        value = data.value(subject, SDO_VALUE)
        number = format_number(value, self.lang) if value is not None else "?"
        bound = data.value(subject, NG_BOUND)
        if bound is not None and bound != NG_EXACTLY:
            number = f"{self.index.label(bound, self.lang) or ''} {number}".strip()
        date_text = None
        date = data.value(subject, DCTERMS.date)
        if isinstance(date, Literal):
            when = format_date(date, self.lang)
            qualifier = data.value(subject, NG_DATE_QUALIFIER)
            if qualifier is not None and qualifier != NG_EXACTLY:
                when = f"{self.index.label(qualifier, self.lang) or ''} {when}".strip()
            date_text = self.words["as_of"].format(date=when)
        temporal = data.value(subject, DCTERMS.temporal)
        if temporal is not None:
            date_text = self.words["period"].format(date=self.interval(temporal))
        parts = {
            name: self.term(term) if term is not None else None
            for name, term in (
                ("measure", data.value(subject, NG_MEASURE)),
                ("unit", data.value(subject, NG_UNIT)),
                ("place", data.value(subject, DCTERMS.spatial)),
                ("source", data.value(subject, PROV_DERIVED)),
            )
        }
        if parts["source"] is not None:
            parts["source"] = self.source(data.value(subject, PROV_DERIVED))
        return Quantity(
            parts["measure"],
            number,
            parts["unit"],
            parts["place"],
            date_text,
            parts["source"],
            self.link(subject) if isinstance(subject, URIRef) else None,
        )

    def interval(self, interval) -> str:
        data = self.index.dataset

        def instant(node) -> str:
            for predicate in DATE_PREDICATES[1:]:
                value = data.value(node, predicate)
                if isinstance(value, Literal):
                    return format_date(value, self.lang)
            return "…"

        start = data.value(interval, TIME.hasBeginning)
        end = data.value(interval, TIME.hasEnd)
        return f"{instant(start) if start else '…'}{EN_DASH}{instant(end) if end else ''}"

    def memberships(self, city) -> list:
        from netgraph.web.timeline import Row

        data = self.index.dataset
        rows = []
        for membership in sorted(set(data.subjects(ORG_MEMBER, city))):
            organisation = data.value(membership, ORG_ORGANIZATION)
            label = self.index.label(organisation, self.lang) if organisation else None
            start = None
            start_text = ""
            period = data.value(membership, ORG_MEMBER_DURING)
            beginning = data.value(period, TIME.hasBeginning) if period is not None else None
            if beginning is not None:
                for predicate in (TIME.inXSDgYearMonth, TIME.inXSDgYear, TIME.inXSDDate):
                    value = data.value(beginning, predicate)
                    if isinstance(value, Literal):
                        start = year_month(value)
                        start_text = format_date(value, self.lang)
                        break
            rows.append(
                Row(
                    label or self.index.label(membership, self.lang) or str(membership),
                    self.link(membership),
                    start,
                    start_text,
                )
            )
        return rows


def _is_web(iri: URIRef) -> bool:
    return str(iri).startswith(("http://", "https://"))


_NG = ONTOLOGY_IRI + "#"
_ORG = "http://www.w3.org/ns/org#"
NG_QUANTITY_OF = URIRef(_NG + "quantityOf")
NG_STATED_QUANTITY = URIRef(_NG + "StatedQuantity")
NG_CITY = URIRef(_NG + "City")
NG_BOUND = URIRef(_NG + "bound")
NG_EXACTLY = URIRef(_NG + "exactly")
NG_DATE_QUALIFIER = URIRef(_NG + "dateQualifier")
NG_MEASURE = URIRef(_NG + "measure")
NG_UNIT = URIRef(_NG + "unit")
NG_SOURCE_PASSAGE = URIRef(_NG + "sourcePassage")
SDO_VALUE = URIRef("https://schema.org/value")
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
ORG_MEMBER = URIRef(_ORG + "member")
ORG_ORGANIZATION = URIRef(_ORG + "organization")
ORG_MEMBER_DURING = URIRef(_ORG + "memberDuring")


# --- The ontology's documentation -----------------------------------------------------

OWL = "http://www.w3.org/2002/07/owl#"
_TERM_LINKS = (RDFS.subClassOf, RDFS.subPropertyOf, URIRef(OWL + "inverseOf"))
"""Links to a term that its entry shows (sub-terms, inverses), besides the term's own triples."""
TERM_KINDS = (
    ("class", URIRef(OWL + "Class")),
    ("object_property", URIRef(OWL + "ObjectProperty")),
    ("datatype_property", URIRef(OWL + "DatatypeProperty")),
    ("annotation_property", URIRef(OWL + "AnnotationProperty")),
)
ONTOLOGY_WORDS = {
    "de": {
        "class": "Klassen",
        "object_property": "Objekteigenschaften",
        "datatype_property": "Dateneigenschaften",
        "annotation_property": "Annotationseigenschaften",
        "other": "Weitere Begriffe",
        "label": "Bezeichnung",
        "definition": "Definition",
        "super": "Oberbegriff",
        "sub": "Unterbegriffe",
        "domain": "Definitionsbereich (domain)",
        "range": "Wertebereich (range)",
        "inverse": "Invers zu",
        "chain": "Eigenschaftskette",
        "type": "Typ",
        "equivalent": "Äquivalent",
        "scheme": "Begriffsschema",
        "broader": "Oberbegriff (SKOS)",
        "imports": "Importiert",
        "version": "Version",
        "license": "Lizenz",
        "prefix": "Präfix",
        "contents": "Inhalt",
    },
    "en": {
        "class": "Classes",
        "object_property": "Object properties",
        "datatype_property": "Datatype properties",
        "annotation_property": "Annotation properties",
        "other": "Other terms",
        "label": "Label",
        "definition": "Definition",
        "super": "Broader term",
        "sub": "Narrower terms",
        "domain": "Domain",
        "range": "Range",
        "inverse": "Inverse of",
        "chain": "Property chain",
        "type": "Type",
        "equivalent": "Equivalent",
        "scheme": "Concept scheme",
        "broader": "Broader (SKOS)",
        "imports": "Imports",
        "version": "Version",
        "license": "License",
        "prefix": "Prefix",
        "contents": "Contents",
    },
}


@dataclass
class Term:
    name: str
    iri: str
    labels: list[tuple[str, str]]
    """(language, text), German then English then others."""
    definitions: list[tuple[str, str]]
    facts: list[PropertyRow]


@dataclass
class TermGroup:
    kind: str
    title: str
    terms: list[Term]


def _by_language(literals: Iterable) -> list[tuple[str, str]]:
    order = {"de": 0, "en": 1}
    found = {(lit.language or "", str(lit)) for lit in literals if isinstance(lit, Literal)}
    return sorted(found, key=lambda item: (order.get(item[0], 2), item[0], item[1]))


def ontology_groups(builder: PageBuilder) -> list[TermGroup]:
    """Every ``ng:`` term the ontology graph defines, by kind, alphabetically (case-blind)."""
    from rdflib.namespace import OWL as OWL_NS

    data = builder.index.asserted
    words = ONTOLOGY_WORDS.get(builder.lang, ONTOLOGY_WORDS["en"])
    namespace = ONTOLOGY_IRI + "#"
    subjects = {
        s
        for s in data.subjects()
        if isinstance(s, URIRef) and s.startswith(namespace) and s != namespace
    }
    inverse_of: dict = defaultdict(set)
    for s, o in data.subject_objects(OWL_NS.inverseOf):
        inverse_of[s].add(o)
        inverse_of[o].add(s)
    groups: dict[str, list[Term]] = defaultdict(list)
    for subject in subjects:
        types = set(data.objects(subject, RDF.type))
        kind = next((name for name, cls in TERM_KINDS if cls in types), "other")
        facts: list[PropertyRow] = []
        relations = (
            ("type", types),
            ("super", [*data.objects(subject, RDFS.subClassOf)]),
            ("super", [*data.objects(subject, RDFS.subPropertyOf)]),
            ("sub", [*data.subjects(RDFS.subClassOf, subject)]),
            ("sub", [*data.subjects(RDFS.subPropertyOf, subject)]),
            ("equivalent", [*data.objects(subject, OWL_NS.equivalentClass)]),
            ("equivalent", [*data.objects(subject, OWL_NS.equivalentProperty)]),
            ("domain", data.objects(subject, RDFS.domain)),
            ("range", data.objects(subject, RDFS.range)),
            ("inverse", inverse_of.get(subject, ())),
            ("chain", data.objects(subject, OWL_NS.propertyChainAxiom)),
            ("scheme", data.objects(subject, SKOS.inScheme)),
            ("broader", data.objects(subject, SKOS.broader)),
        )
        for key, terms in relations:
            values = sorted({builder.term(t) for t in terms}, key=lambda v: v.text.casefold())
            if values:
                facts.append(PropertyRow(Value(words[key]), values))
        groups[kind].append(
            Term(
                subject[len(namespace) :],
                str(subject),
                _by_language(
                    [*data.objects(subject, RDFS.label), *data.objects(subject, SKOS.prefLabel)]
                ),
                _by_language(data.objects(subject, SKOS.definition)),
                facts,
            )
        )
    return [
        TermGroup(kind, words[kind], sorted(groups[kind], key=lambda t: t.name.casefold()))
        for kind in (*(name for name, _ in TERM_KINDS), "other")
        if groups.get(kind)
    ]
