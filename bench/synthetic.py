"""Synthetic netgraph projects of a given size, for benchmarks at scale.

Writes a self-contained project folder that ``netgraph build --root DIR`` and
``netgraph serve --root DIR`` run on: ``ontology/``, ``shapes/``, ``queries/``,
``metadata/`` and ``pyproject.toml`` copied from this repository, and ``data/``
made of

- ``data/real/``: the repository's real data, unchanged (about 1,800 triples).
  It supplies the concept schemes (roles, measures, count units, topics), the
  places, the source page and the resources several named queries name
  (``city:duesseldorf``, ``network:eurocities``, ``measure:members``), so every
  named query has an answer at every size;
- ``data/synthetic/part-NNNN.ttl``: generated resources of the same shape as
  the real ones, until the data holds at least ``--triples`` asserted triples
  (counted as written; rdflib may merge none, since every statement is new):
  synthetic topics in ``id/scheme/topics`` (under the real top concepts),
  synthetic source documents (German, with title, publisher and date),
  networks of each of the five kinds with a founding event, bodies (thematic
  forums, working groups), stated quantities (members and countries "about
  2021" with a bound, plus a later dated member count from a synthetic
  source), cities with two offices each, and memberships of those cities (one
  in ten networks also has Düsseldorf as a member) with a role, a lead unit
  (one of the member's own offices) for some, a best-practice topic for some,
  and a start as an OWL-Time instant at year (``time:inXSDgYear``) or
  year-month (``time:inXSDgYearMonth``) precision, never before the
  network's founding, or no start at all. Every fact-bearing resource has
  German and English labels, ``prov:wasDerivedFrom`` a synthetic source
  document and ``ng:sourcePassage`` (German).

The output depends only on the seed and the size: the same arguments give
byte-identical files (``random.Random(seed)``, no clock, no set order).

    .venv/bin/python bench/synthetic.py OUT_DIR [--triples 100000] [--seed 1]
"""

import argparse
import random
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
COPIED = ("ontology", "shapes", "queries", "metadata")
TRIPLES_PER_FILE = 50_000
MIN_TRIPLES = 1_000

PROLOGUE = """\
# Synthetic netgraph data (bench/synthetic.py); not facts about the world.

@prefix ng:           <ontology#> .
@prefix network:      <id/network/> .
@prefix city:         <id/city/> .
@prefix unit:         <id/unit/> .
@prefix organization: <id/organization/> .
@prefix body:         <id/body/> .
@prefix membership:   <id/membership/> .
@prefix event:        <id/event/> .
@prefix place:        <id/place/> .
@prefix quantity:     <id/quantity/> .
@prefix source:       <id/source/> .
@prefix scheme:       <id/scheme/> .
@prefix topic:        <id/topic/> .
@prefix role:         <id/role/> .
@prefix measure:      <id/measure/> .
@prefix countunit:    <id/count-unit/> .
@prefix org:          <http://www.w3.org/ns/org#> .
@prefix skos:         <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms:      <http://purl.org/dc/terms/> .
@prefix time:         <http://www.w3.org/2006/time#> .
@prefix prov:         <http://www.w3.org/ns/prov#> .
@prefix schema:       <https://schema.org/> .
@prefix xsd:          <http://www.w3.org/2001/XMLSchema#> .
"""

# The real data's vocabularies, reused by the synthetic facts.
TOP_TOPICS = (
    "environment",
    "culture",
    "economy",
    "mobility",
    "social-affairs",
    "peace",
    "migration",
    "urban-development",
    "international-relations",
    "eu-affairs",
)
ROLES = ("member", "member", "member", "member", "executive-city", "vice-president-city")
PLACES = ("world", "europe", "europe", "north-america", "european-union", "germany")
BOUNDS = ("exactly", "about", "atLeast", "moreThan")
MEMBER_UNITS = ("cities", "cities-and-municipalities", "local-and-regional-authorities")
DUESSELDORF_UNITS = (
    "duesseldorf-buero-fuer-internationale-und-europaeische-angelegenheiten",
    "duesseldorf-amt-fuer-umwelt-und-verbraucherschutz",
    "duesseldorf-gleichstellungsbuero",
)
# (class, German kind, English kind)
NETWORK_KINDS = (
    ("AssociationOfCities", "Städteverband", "Association of Cities"),
    ("Initiative", "Initiative", "Initiative"),
    ("InformationNetwork", "Informationsnetzwerk", "Information Network"),
    ("PeerNetwork", "Austauschnetzwerk", "Peer Network"),
    ("Coalition", "Koalition", "Coalition"),
)
BODY_KINDS = (
    ("ThematicForum", "Forum", "Forum"),
    ("WorkingGroup", "Arbeitsgruppe", "Working Group"),
)
OFFICES = (
    ("buero-fuer-internationales", "Büro für Internationales", "Office for International Affairs"),
    ("umweltamt", "Umweltamt", "Environment Office"),
    ("amt-fuer-integration", "Amt für Integration", "Integration Office"),
    ("gleichstellungsbuero", "Gleichstellungsbüro", "Equality Office"),
)
SYLLABLES = (
    "ber", "lin", "dor", "wald", "burg", "hau", "sen", "mark", "fel", "ten", "stein", "bach",
    "hof", "kir", "chen", "ham", "lo", "ra", "ne", "mi", "ta", "ro", "ka", "li", "ve", "sa",
)  # fmt: skip
WORDS_DE = ("Zusammenarbeit", "Klima", "Integration", "Frieden", "Kultur", "Mobilität", "Europa")
WORDS_EN = ("cooperation", "climate", "integration", "peace", "culture", "mobility", "Europe")


def literal(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(text: str, datatype: str) -> str:
    return f'"{text}"^^xsd:{datatype}'


@dataclass
class Writer:
    """Turtle blocks, split into files of about TRIPLES_PER_FILE triples each."""

    folder: Path
    triples: int = 0
    _parts: list[str] = field(default_factory=list)
    _part_triples: int = 0
    _files: int = 0

    def block(self, subject: str, pairs: Iterable[tuple[str, str | list[str]]]) -> None:
        lines = []
        for predicate, objects in pairs:
            values = objects if isinstance(objects, list) else [objects]
            if not values:
                continue
            lines.append(f"    {predicate} " + " ,\n        ".join(values))
            self.triples += len(values)
            self._part_triples += len(values)
        # "SUBJECT a CLASS" is one more triple
        self.triples += 1
        self._part_triples += 1
        self._parts.append(f"{subject} ;\n" + " ;\n".join(lines) + " .\n")
        if self._part_triples >= TRIPLES_PER_FILE:
            self.flush()

    def flush(self) -> None:
        if not self._parts:
            return
        path = self.folder / f"part-{self._files:04d}.ttl"
        path.write_text(PROLOGUE + "\n" + "\n".join(self._parts), encoding="utf-8")
        self._files += 1
        self._parts = []
        self._part_triples = 0


def labelled(de: str, en: str) -> list[tuple[str, str | list[str]]]:
    return [("skos:prefLabel", [literal(de, "de"), literal(en, "en")])]


def sourced(source: str, passage: str) -> list[tuple[str, str | list[str]]]:
    return [("prov:wasDerivedFrom", source), ("ng:sourcePassage", literal(passage, "de"))]


class Generator:
    def __init__(self, writer: Writer, seed: int) -> None:
        self.out = writer
        self.rng = random.Random(seed)
        self.topics: list[str] = []
        self.sources: list[str] = []
        self.networks: list[tuple[str, str, int]] = []  # (slug, English name, founding year)
        self.cities = 0

    def name(self, index: int) -> tuple[str, str]:
        """A readable, unique name and its slug."""
        syllables = [self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3))]
        word = "".join(syllables)
        return f"{word.capitalize()} {index}", f"{word}-{index}"

    def topic(self, index: int) -> None:
        slug = f"synthetic-topic-{index}"
        broader = self.rng.choice(TOP_TOPICS)
        de, en = self.rng.choice(WORDS_DE), self.rng.choice(WORDS_EN)
        self.out.block(
            f"topic:{slug} a skos:Concept",
            [
                ("skos:inScheme", "scheme:topics"),
                ("skos:broader", f"topic:{broader}"),
                *labelled(f"{de} (Thema {index})", f"{en} (topic {index})"),
                (
                    "skos:definition",
                    [
                        literal(f"Synthetisches Thema {index} zu {de}.", "de"),
                        literal(f"Synthetic topic {index} about {en}.", "en"),
                    ],
                ),
            ],
        )
        self.topics.append(f"topic:{slug}")

    def source(self, index: int) -> None:
        slug = f"synthetic-report-{index}"
        year = self.rng.randint(2019, 2024)
        self.out.block(
            f"source:{slug} a ng:SourceDocument",
            [
                *labelled(f"Synthetischer Bericht {index}", f"Synthetic report {index}"),
                ("dcterms:title", literal(f"Synthetischer Bericht {index} über Städtenetzwerke")),
                ("dcterms:publisher", "city:duesseldorf"),
                ("dcterms:language", literal("de")),
                ("dcterms:date", typed(str(year), "gYear")),
            ],
        )
        self.sources.append(f"source:{slug}")

    def network(self, index: int) -> None:
        name, slug = self.name(index)
        slug = f"network-{slug}"
        kind, kind_de, kind_en = NETWORK_KINDS[index % len(NETWORK_KINDS)]
        founded = self.rng.randint(1950, 2015)
        source = self.rng.choice(self.sources)
        topics = self.rng.sample(self.topics, k=min(len(self.topics), self.rng.randint(1, 4)))
        acronym = "".join(part[0] for part in name.split()[0].split("-")).upper() + "N"
        net = f"network:{slug}"
        passage = f"Das {kind_de} {name} wurde {founded} gegründet."
        self.out.block(
            f"{net} a ng:{kind}",
            [
                *labelled(f"{kind_de} {name}", f"{name} {kind_en}"),
                ("skos:altLabel", [literal(f"{acronym}{index}", "de"), literal(acronym, "en")]),
                ("schema:url", f"<https://network-{index}.example.org>"),
                ("ng:geographicScope", f"place:{self.rng.choice(PLACES)}"),
                ("ng:topic", topics),
                (
                    "dcterms:description",
                    [
                        literal(f"Synthetisches {kind_de}, gegründet {founded}.", "de"),
                        literal(f"Synthetic {kind_en.lower()}, founded in {founded}.", "en"),
                    ],
                ),
                *sourced(source, passage),
            ],
        )
        self.out.block(
            f"event:{slug}-founding a ng:FoundingEvent",
            [
                ("org:resultingOrganization", net),
                ("dcterms:date", typed(str(founded), "gYear")),
                ("schema:location", f"place:{self.rng.choice(PLACES)}"),
                *labelled(f"Gründung von {name}", f"Founding of {name}"),
                *sourced(source, passage),
            ],
        )
        for body_index in range(self.rng.randint(0, 2)):
            body_kind, body_de, body_en = BODY_KINDS[body_index % len(BODY_KINDS)]
            self.out.block(
                f"body:{slug}-body-{body_index} a ng:{body_kind}",
                [
                    ("org:unitOf", net),
                    ("ng:topic", self.rng.choice(topics)),
                    *labelled(
                        f"{body_de} {body_index} von {name}", f"{name} {body_en} {body_index}"
                    ),
                    *sourced(source, f"{name} arbeitet in {body_de} {body_index}."),
                ],
            )
        self.quantity(slug, name, "members", "2021", source)
        if self.rng.random() < 0.5:
            self.quantity(slug, name, "countries", "2021", source)
        later = f"{self.rng.randint(2022, 2024)}-{self.rng.randint(1, 12):02d}"
        self.quantity(slug, name, "members", later, self.rng.choice(self.sources))
        self.networks.append((slug, name, founded))

    def quantity(self, slug: str, name: str, measure: str, date: str, source: str) -> None:
        value = self.rng.randint(10, 9000) if measure == "members" else self.rng.randint(2, 60)
        bound = "exactly" if measure == "countries" else self.rng.choice(BOUNDS)
        unit = self.rng.choice(MEMBER_UNITS) if measure == "members" else "countries"
        precise = "gYearMonth" if "-" in date else "gYear"
        about = [("ng:dateQualifier", "ng:about")] if date == "2021" else []
        what_de = "Mitglieder" if measure == "members" else "Länder"
        what_en = "members" if measure == "members" else "countries"
        self.out.block(
            f"quantity:{slug}-{measure}-{date} a ng:StatedQuantity",
            [
                *labelled(f"Zahl der {what_de} von {name} ({date})", f"{name}: {what_en} ({date})"),
                ("ng:quantityOf", f"network:{slug}"),
                ("ng:measure", f"measure:{measure}"),
                ("schema:value", str(value)),
                ("ng:bound", f"ng:{bound}"),
                ("ng:unit", f"countunit:{unit}"),
                ("dcterms:date", typed(date, precise)),
                *about,
                *sourced(source, f"{name} hat {value} {what_de} ({date})."),
            ],
        )

    def city(self) -> tuple[str, str, list[str]]:
        index = self.cities
        self.cities += 1
        name, slug = self.name(index)
        source = self.rng.choice(self.sources)
        self.out.block(
            f"city:{slug} a ng:City",
            [
                *labelled(name, name),
                ("ng:municipalityKey", literal(f"{index:08d}")),
                (
                    "dcterms:description",
                    [
                        literal(f"Die synthetische Stadt {name}.", "de"),
                        literal(f"The synthetic city {name}.", "en"),
                    ],
                ),
                *sourced(source, f"{name} ist Mitglied in internationalen Netzwerken."),
            ],
        )
        units = []
        for office_slug, office_de, office_en in self.rng.sample(OFFICES, k=2):
            unit = f"unit:{slug}-{office_slug}"
            self.out.block(
                f"{unit} a ng:Office",
                [
                    ("org:unitOf", f"city:{slug}"),
                    *labelled(f"{office_de} {name}", f"{office_en} of {name}"),
                    *sourced(source, f"Die Federführung liegt beim {office_de} {name}."),
                ],
            )
            units.append(unit)
        return slug, name, units

    def membership(self, member: str, name: str, units: list[str], network: tuple) -> None:
        slug, network_name, founded = network
        iri = f"id/membership/{member}--{slug}"
        source = self.rng.choice(self.sources)
        precision = self.rng.random()
        start_year = self.rng.randint(founded, 2023)
        if precision < 0.45:
            start, datatype, start_de = str(start_year), "gYear", f"seit {start_year}"
        elif precision < 0.75:
            month = self.rng.randint(1, 12)
            start, datatype = f"{start_year}-{month:02d}", "gYearMonth"
            start_de = f"seit {month:02d}/{start_year}"
        else:
            start = None
            start_de = ""
        passage = f"{name} ist {start_de} Mitglied von {network_name}.".replace("  ", " ")
        lead = (
            [("ng:leadUnit", self.rng.choice(units))] if units and self.rng.random() < 0.3 else []
        )
        best = []
        if self.rng.random() < 0.1:
            best = [("ng:bestPracticeTopic", self.rng.choice(self.topics))]
        during = [("org:memberDuring", f"<{iri}#period>")] if start else []
        self.out.block(
            f"<{iri}> a org:Membership",
            [
                ("org:member", f"city:{member}"),
                ("org:organization", f"network:{slug}"),
                ("org:role", f"role:{self.rng.choice(ROLES)}"),
                *during,
                *lead,
                *best,
                *labelled(
                    f"Mitgliedschaft von {name} bei {network_name}",
                    f"{name}'s membership of {network_name}",
                ),
                *sourced(source, passage),
            ],
        )
        if not start:
            return
        self.out.block(
            f"<{iri}#period> a time:Interval",
            [
                ("time:hasBeginning", f"<{iri}#start>"),
                *labelled(
                    f"Zeitraum: {name} bei {network_name}", f"Period: {name} in {network_name}"
                ),
                *sourced(source, passage),
            ],
        )
        self.out.block(
            f"<{iri}#start> a time:Instant",
            [
                (f"time:inXSD{datatype}", typed(start, datatype)),
                *labelled(f"Beginn: {name} bei {network_name}", f"Start: {name} in {network_name}"),
                *sourced(source, passage),
            ],
        )

    def run(self, target: int) -> None:
        """Vocabulary first, then networks with their new member cities until ``target``."""
        for index in range(max(10, target // 2500)):
            self.topic(index)
        for index in range(max(3, target // 5000)):
            self.source(index)
        index = 0
        while self.out.triples < target:
            self.network(index)
            index += 1
            current = self.networks[-1]
            if index % 10 == 1:
                self.membership(
                    "duesseldorf",
                    "Düsseldorf",
                    [f"unit:{unit}" for unit in DUESSELDORF_UNITS],
                    current,
                )
            for _ in range(self.rng.randint(3, 12)):
                if self.out.triples >= target:
                    break
                slug, name, units = self.city()
                self.membership(slug, name, units, current)
                # and in one to three earlier networks
                others = self.rng.sample(self.networks, k=min(len(self.networks) - 1, 3))
                for other in others[: self.rng.randint(0, 3)]:
                    if other is not current:
                        self.membership(slug, name, units, other)
        self.out.flush()


def real_triples() -> int:
    """Asserted triples of the repository's real data (counted by rdflib)."""
    from rdflib import Graph

    graph = Graph()
    for path in sorted((REPO_ROOT / "data").rglob("*.ttl")):
        graph.parse(path, format="turtle", publicID="https://w3id.org/netgraph/")
    return len(graph)


def generate(out: Path, triples: int, seed: int = 1) -> int:
    """Write the project to ``out`` (must not exist or be empty); return the triples written.

    ``triples`` counts the whole ``data/`` folder, the copied real data included.
    """
    if triples < MIN_TRIPLES:
        raise ValueError(f"at least {MIN_TRIPLES} triples")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out}: exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        if (REPO_ROOT / name).is_dir():
            shutil.copytree(REPO_ROOT / name, out / name)
    shutil.copy(REPO_ROOT / "pyproject.toml", out / "pyproject.toml")
    shutil.copytree(REPO_ROOT / "data", out / "data" / "real")
    real = real_triples()
    folder = out / "data" / "synthetic"
    folder.mkdir(parents=True)
    writer = Writer(folder)
    Generator(writer, seed).run(max(0, triples - real))
    return real + writer.triples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="project folder to create (new or empty)")
    parser.add_argument("--triples", type=int, default=100_000, help="asserted triples in data/")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        written = generate(args.out, args.triples, args.seed)
    except (FileExistsError, ValueError) as error:
        sys.exit(f"error: {error}")
    print(f"{args.out}: {written} asserted triples in data/ (seed {args.seed})")


if __name__ == "__main__":
    main()
