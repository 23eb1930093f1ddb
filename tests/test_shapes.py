"""The SHACL shapes in shapes/: one broken fixture per constraint, and the real data.

Every file in tests/fixtures/invalid/ is validated together with
tests/fixtures/valid/minimal.ttl (which conforms on its own) and must produce
exactly the results listed in EXPECTED - focus node, result path, source shape,
severity and constraint component - and nothing else. Further tests check that
the table covers every constraint of every shape, that every shape has one
severity and a message in German and English, that every class the data uses is
the target of a node shape, and that the real data in data/ passes.

Fixture files are named ``{shape}.{constraint}[-{variant}].ttl``; each breaks
the named constraint of the named shape (a blank node fails sh:nodeKind and,
necessarily, sh:pattern of the same shape as well).

Validation is set up as the project does it (netgraph.loading): shapes with the
sh:declare prefixes on <shapes>, the ontology with its imports as ont_graph so
sh:targetClass reaches subclasses, no inference, SHACL-AF enabled.
"""

from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from netgraph.loading import ProjectGraphs, load_data, load_ontology, load_shapes
from netgraph.namespaces import BASE_IRI, ID, PREFIXES, SHAPES_IRI
from netgraph.project import Project
from netgraph.validation import validate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "valid" / "minimal.ttl"
SHAPE_NS = SHAPES_IRI + "#"

VIO, WARN, INFO = "Violation", "Warning", "Info"

# fixture -> {(focus, path, shape, severity, component)}. Focus nodes are IRIs
# relative to the base ("_:b" for a blank node), paths are prefixed names,
# shapes local names in <shapes#>, components without "ConstraintComponent".
EXPECTED: dict[str, set[tuple[str, str | None, str, str, str]]] = {
    "Action-activityOf.minCount": {
        ("id/event/other-action", "^ng:activity", "Action-activityOf", VIO, "MinCount"),
    },
    "AdministrativeUnit-unitOf.maxCount": {
        ("id/unit/exampletown-archive", "org:unitOf", "AdministrativeUnit-unitOf", VIO, "MaxCount"),
    },
    "AdministrativeUnit-unitOf.minCount": {
        ("id/unit/exampletown-archive", "org:unitOf", "AdministrativeUnit-unitOf", VIO, "MinCount"),
    },
    "AdministrativeUnit-unitOf.or": {
        ("id/unit/exampletown-archive", "org:unitOf", "AdministrativeUnit-unitOf", VIO, "Or"),
    },
    "AdministrativeUnitShape.nodeKind": {
        ("_:b", None, "AdministrativeUnitShape", VIO, "NodeKind"),
        ("_:b", None, "AdministrativeUnitShape", VIO, "Pattern"),
    },
    "AdministrativeUnitShape.pattern": {
        ("id/unit/office", None, "AdministrativeUnitShape", VIO, "Pattern"),
    },
    "AssociationOfCities-member.or": {
        (
            "id/network/example-network",
            "^org:organization/org:member",
            "AssociationOfCities-member",
            VIO,
            "Or",
        ),
    },
    "City-municipalityKey.datatype": {
        ("id/city/othertown", "ng:municipalityKey", "City-municipalityKey", VIO, "Datatype"),
    },
    "City-municipalityKey.maxCount": {
        ("id/city/othertown", "ng:municipalityKey", "City-municipalityKey", VIO, "MaxCount"),
    },
    "City-municipalityKey.pattern": {
        ("id/city/othertown", "ng:municipalityKey", "City-municipalityKey", VIO, "Pattern"),
    },
    "CityShape.nodeKind": {
        ("_:b", None, "CityShape", VIO, "NodeKind"),
        ("_:b", None, "CityShape", VIO, "Pattern"),
    },
    "CityShape.pattern": {("id/cities/othertown", None, "CityShape", VIO, "Pattern")},
    "Coalition-member.class": {
        (
            "id/network/example-coalition",
            "^org:organization/org:member",
            "Coalition-member",
            VIO,
            "Class",
        ),
    },
    "Concept-broader.class": {
        ("id/topic/water", "skos:broader", "Concept-broader", VIO, "Class"),
    },
    "Concept-inScheme.class": {
        ("id/topic/water", "skos:inScheme", "Concept-inScheme", VIO, "Class"),
    },
    "Concept-inScheme.maxCount": {
        ("id/topic/water", "skos:inScheme", "Concept-inScheme", VIO, "MaxCount"),
    },
    "Concept-inScheme.minCount": {
        ("id/topic/water", "skos:inScheme", "Concept-inScheme", VIO, "MinCount"),
    },
    "Concept-topConceptOf.class": {
        ("id/topic/water", "skos:topConceptOf", "Concept-topConceptOf", VIO, "Class"),
    },
    "ConceptScheme-hasTopConcept.class": {
        ("id/scheme/regions", "skos:hasTopConcept", "ConceptScheme-hasTopConcept", VIO, "Class"),
    },
    "ConceptSchemeShape.nodeKind": {
        ("_:b", None, "ConceptSchemeShape", VIO, "NodeKind"),
        ("_:b", None, "ConceptSchemeShape", VIO, "Pattern"),
    },
    "ConceptSchemeShape.pattern": {
        ("id/schemes/regions", None, "ConceptSchemeShape", VIO, "Pattern"),
    },
    "ConceptShape.nodeKind": {
        ("_:b", None, "ConceptShape", VIO, "NodeKind"),
        ("_:b", None, "ConceptShape", VIO, "Pattern"),
    },
    "ConceptShape.pattern": {("id/themes/water", None, "ConceptShape", VIO, "Pattern")},
    "Conference-location.minCount": {
        (
            "id/event/example-conference-2016",
            "schema:location",
            "Conference-location",
            VIO,
            "MinCount",
        ),
    },
    "Dated-date.maxCount": {
        ("id/event/example-summit", "dcterms:date", "Dated-date", VIO, "MaxCount"),
    },
    "Dated-date.or": {("id/event/example-summit", "dcterms:date", "Dated-date", VIO, "Or")},
    "Dated-date.or-timezone": {
        ("id/event/example-summit", "dcterms:date", "Dated-date", VIO, "Or"),
    },
    "Dated-dateQualifier.in": {
        ("id/source/bad-qualifier", "ng:dateQualifier", "Dated-dateQualifier", VIO, "In"),
    },
    "Dated-dateQualifier.maxCount": {
        ("id/source/two-qualifiers", "ng:dateQualifier", "Dated-dateQualifier", VIO, "MaxCount"),
    },
    "Declaration-adoptedAt.class": {
        ("id/declaration/other-declaration", "ng:adoptedAt", "Declaration-adoptedAt", VIO, "Class"),
    },
    "Declaration-adoptedAt.maxCount": {
        (
            "id/declaration/other-declaration",
            "ng:adoptedAt",
            "Declaration-adoptedAt",
            VIO,
            "MaxCount",
        ),
    },
    "Declaration-signedBy.class": {
        ("id/declaration/other-declaration", "ng:signedBy", "Declaration-signedBy", VIO, "Class"),
    },
    "DeclarationShape.nodeKind": {
        ("_:b", None, "DeclarationShape", VIO, "NodeKind"),
        ("_:b", None, "DeclarationShape", VIO, "Pattern"),
    },
    "DeclarationShape.pattern": {
        ("id/declaration/example.declaration", None, "DeclarationShape", VIO, "Pattern"),
    },
    "EUBody-subOrganizationOf.class": {
        (
            "id/organization/other-commission",
            "org:subOrganizationOf",
            "EUBody-subOrganizationOf",
            VIO,
            "Class",
        ),
    },
    "Event-concerns.class": {
        ("id/event/example-summit", "ng:concerns", "Event-concerns", VIO, "Class"),
    },
    "Event-ledTo.class": {
        ("id/event/example-summit", "ng:ledTo", "Event-ledTo", VIO, "Class"),
    },
    "Event-location.maxCount": {
        ("id/event/example-summit", "schema:location", "Event-location", VIO, "MaxCount"),
    },
    "Event-location.or": {
        ("id/event/example-summit", "schema:location", "Event-location", VIO, "Or"),
    },
    "Event-wasAssociatedWith.or": {
        ("id/event/example-summit", "prov:wasAssociatedWith", "Event-wasAssociatedWith", VIO, "Or"),
    },
    "EventShape.nodeKind": {
        ("_:b", None, "EventShape", VIO, "NodeKind"),
        ("_:b", None, "EventShape", VIO, "Pattern"),
    },
    "EventShape.pattern": {("id/events/flag-day", None, "EventShape", VIO, "Pattern")},
    "FactBearing-sourcePassage-expected.minCount": {
        (
            "id/place/asia",
            "ng:sourcePassage",
            "FactBearing-sourcePassage-expected",
            WARN,
            "MinCount",
        ),
    },
    "FactBearing-sourcePassage.languageIn": {
        ("id/place/asia", "ng:sourcePassage", "FactBearing-sourcePassage", VIO, "LanguageIn"),
    },
    "FactBearing-wasDerivedFrom.class": {
        ("id/place/asia", "prov:wasDerivedFrom", "FactBearing-wasDerivedFrom", VIO, "Class"),
    },
    "FactBearing-wasDerivedFrom.minCount": {
        ("id/place/asia", "prov:wasDerivedFrom", "FactBearing-wasDerivedFrom", VIO, "MinCount"),
    },
    "FoundingEvent-date-stated.minCount": {
        (
            "id/event/example-association-founding",
            "dcterms:date",
            "FoundingEvent-date-stated",
            WARN,
            "MinCount",
        ),
    },
    "FoundingEvent-resultingOrganization.class": {
        (
            "id/event/europe-founding",
            "org:resultingOrganization",
            "FoundingEvent-resultingOrganization",
            VIO,
            "Class",
        ),
    },
    "FoundingEvent-resultingOrganization.maxCount": {
        (
            "id/event/double-founding",
            "org:resultingOrganization",
            "FoundingEvent-resultingOrganization",
            VIO,
            "MaxCount",
        ),
    },
    "FoundingEvent-resultingOrganization.minCount": {
        (
            "id/event/nothing-founding",
            "org:resultingOrganization",
            "FoundingEvent-resultingOrganization",
            VIO,
            "MinCount",
        ),
    },
    "Homepage-url.maxCount": {
        ("id/source/two-homepages", "schema:url", "Homepage-url", VIO, "MaxCount"),
    },
    "Homepage-url.nodeKind": {
        ("id/organization/example-foundation", "schema:url", "Homepage-url", VIO, "NodeKind"),
    },
    "Homepage-url.pattern": {
        ("id/organization/example-foundation", "schema:url", "Homepage-url", VIO, "Pattern"),
    },
    "Identified-sameAs.nodeKind": {
        ("id/place/asia", "schema:sameAs", "Identified-sameAs", VIO, "NodeKind"),
    },
    "Identified-sameAs.pattern": {
        ("id/place/asia", "schema:sameAs", "Identified-sameAs", VIO, "Pattern"),
    },
    "InformationCentre-locatedIn.maxCount": {
        (
            "id/organization/other-centre",
            "ng:locatedIn",
            "InformationCentre-locatedIn",
            VIO,
            "MaxCount",
        ),
    },
    "InformationCentre-locatedIn.or": {
        ("id/organization/other-centre", "ng:locatedIn", "InformationCentre-locatedIn", VIO, "Or"),
    },
    "InformationNetwork-centre.qualifiedMinCount": {
        (
            "id/network/other-information-network",
            "^org:organization/org:member",
            "InformationNetwork-centre",
            WARN,
            "QualifiedMinCount",
        ),
    },
    "Initiative-member.class": {
        (
            "id/network/example-initiative",
            "^org:organization/org:member",
            "Initiative-member",
            VIO,
            "Class",
        ),
    },
    "Instant-inXSDgYear.datatype": {
        ("id/membership/a--b#start", "time:inXSDgYear", "Instant-inXSDgYear", VIO, "Datatype"),
    },
    "Instant-inXSDgYear.maxCount": {
        ("id/membership/a--b#start", "time:inXSDgYear", "Instant-inXSDgYear", VIO, "MaxCount"),
    },
    "Instant-inXSDgYear.pattern": {
        ("id/membership/a--b#start", "time:inXSDgYear", "Instant-inXSDgYear", VIO, "Pattern"),
    },
    "Instant-inXSDgYearMonth.datatype": {
        (
            "id/membership/a--b#start",
            "time:inXSDgYearMonth",
            "Instant-inXSDgYearMonth",
            VIO,
            "Datatype",
        ),
    },
    "Instant-inXSDgYearMonth.maxCount": {
        (
            "id/membership/a--b#start",
            "time:inXSDgYearMonth",
            "Instant-inXSDgYearMonth",
            VIO,
            "MaxCount",
        ),
    },
    "Instant-inXSDgYearMonth.pattern": {
        (
            "id/membership/a--b#start",
            "time:inXSDgYearMonth",
            "Instant-inXSDgYearMonth",
            VIO,
            "Pattern",
        ),
    },
    "Instant-precision.xone": {
        ("id/membership/a--b#start", None, "Instant-precision", VIO, "Xone"),
    },
    "Instant-precision.xone-day": {
        ("id/membership/a--b#start", None, "Instant-precision", VIO, "Xone"),
    },
    "InstantShape.nodeKind": {
        ("_:b", None, "InstantShape", VIO, "NodeKind"),
        ("_:b", None, "InstantShape", VIO, "Pattern"),
    },
    "InstantShape.pattern": {
        ("id/membership/exampletown--example-network#begin", None, "InstantShape", VIO, "Pattern"),
    },
    "Interval-endNotBeforeBeginning.sparql": {
        ("id/membership/a--b#period", None, "Interval-endNotBeforeBeginning", VIO, "SPARQL"),
    },
    "Interval-hasBeginning.class": {
        ("id/membership/a--b#period", "time:hasBeginning", "Interval-hasBeginning", VIO, "Class"),
    },
    "Interval-hasBeginning.maxCount": {
        (
            "id/membership/a--b#period",
            "time:hasBeginning",
            "Interval-hasBeginning",
            VIO,
            "MaxCount",
        ),
    },
    "Interval-hasBeginning.minCount": {
        (
            "id/membership/a--b#period",
            "time:hasBeginning",
            "Interval-hasBeginning",
            VIO,
            "MinCount",
        ),
    },
    "Interval-hasEnd.class": {
        ("id/membership/a--b#period", "time:hasEnd", "Interval-hasEnd", VIO, "Class"),
    },
    "Interval-hasEnd.maxCount": {
        ("id/membership/a--b#period", "time:hasEnd", "Interval-hasEnd", VIO, "MaxCount"),
    },
    "IntervalShape.nodeKind": {
        ("_:b", None, "IntervalShape", VIO, "NodeKind"),
        ("_:b", None, "IntervalShape", VIO, "Pattern"),
    },
    "IntervalShape.pattern": {
        (
            "id/membership/exampletown--example-network#periode",
            None,
            "IntervalShape",
            VIO,
            "Pattern",
        ),
    },
    "LaunchEvent-date.minCount": {
        (
            "id/event/example-association-launch",
            "dcterms:date",
            "FoundingEvent-date-stated",
            WARN,
            "MinCount",
        ),
        (
            "id/event/example-association-launch",
            "dcterms:date",
            "LaunchEvent-date",
            VIO,
            "MinCount",
        ),
    },
    "Membership-activity.class": {
        (
            "id/membership/exampletown--example-network",
            "ng:activity",
            "Membership-activity",
            VIO,
            "Class",
        ),
    },
    "Membership-bestPracticeTopic.node": {
        (
            "id/membership/exampletown--example-network",
            "ng:bestPracticeTopic",
            "Membership-bestPracticeTopic",
            VIO,
            "Node",
        ),
    },
    "Membership-leadUnit-stated.minCount": {
        (
            "id/membership/exampletown--example-initiative",
            "ng:leadUnit",
            "Membership-leadUnit-stated",
            INFO,
            "MinCount",
        ),
    },
    "Membership-leadUnit.class": {
        (
            "id/membership/exampletown--example-initiative",
            "ng:leadUnit",
            "Membership-leadUnit",
            VIO,
            "Class",
        ),
    },
    "Membership-leadUnit.maxCount": {
        (
            "id/membership/exampletown--example-network",
            "ng:leadUnit",
            "Membership-leadUnit",
            VIO,
            "MaxCount",
        ),
    },
    "Membership-leadUnitOfMember.sparql": {
        (
            "id/membership/othertown--example-network",
            "ng:leadUnit",
            "Membership-leadUnitOfMember",
            VIO,
            "SPARQL",
        ),
    },
    "Membership-member.class": {
        (
            "id/membership/europe--example-association",
            "org:member",
            "Membership-member",
            VIO,
            "Class",
        ),
    },
    "Membership-member.maxCount": {
        (
            "id/membership/example-section--example-network",
            "org:member",
            "Membership-member",
            VIO,
            "MaxCount",
        ),
    },
    "Membership-member.minCount": {
        (
            "id/membership/nobody--example-network",
            "org:member",
            "Membership-member",
            VIO,
            "MinCount",
        ),
    },
    "Membership-memberDuring.class": {
        (
            "id/membership/example-section--example-network",
            "org:memberDuring",
            "Membership-memberDuring",
            VIO,
            "Class",
        ),
    },
    "Membership-memberDuring.maxCount": {
        (
            "id/membership/example-section--example-network",
            "org:memberDuring",
            "Membership-memberDuring",
            VIO,
            "MaxCount",
        ),
    },
    "Membership-organization.class": {
        (
            "id/membership/example-foundation--climate",
            "org:organization",
            "Membership-organization",
            VIO,
            "Class",
        ),
    },
    "Membership-organization.maxCount": {
        (
            "id/membership/example-section--example-network",
            "org:organization",
            "Membership-organization",
            VIO,
            "MaxCount",
        ),
    },
    "Membership-organization.minCount": {
        (
            "id/membership/example-foundation--nothing",
            "org:organization",
            "Membership-organization",
            VIO,
            "MinCount",
        ),
    },
    "Membership-role.node": {
        (
            "id/membership/example-association--example-network",
            "org:role",
            "Membership-role",
            VIO,
            "Node",
        ),
    },
    "Membership-startNotBeforeFounding.sparql": {
        (
            "id/membership/exampletown--example-initiative",
            None,
            "Membership-startNotBeforeFounding",
            VIO,
            "SPARQL",
        ),
    },
    "Membership-startNotBeforeFounding.sparql-month": {
        (
            "id/membership/example-section--example-network",
            None,
            "Membership-startNotBeforeFounding",
            VIO,
            "SPARQL",
        ),
    },
    "MembershipShape.nodeKind": {
        ("_:b", None, "MembershipShape", VIO, "NodeKind"),
        ("_:b", None, "MembershipShape", VIO, "Pattern"),
    },
    "MembershipShape.pattern": {
        (
            "id/membership/example-section-example-network",
            None,
            "MembershipShape",
            VIO,
            "Pattern",
        ),
    },
    "NationalSection-unitOf.class": {
        ("id/organization/other-section", "org:unitOf", "NationalSection-unitOf", VIO, "Class"),
    },
    "NationalSection-unitOf.maxCount": {
        ("id/organization/other-section", "org:unitOf", "NationalSection-unitOf", VIO, "MaxCount"),
    },
    "NationalSection-unitOf.minCount": {
        ("id/organization/other-section", "org:unitOf", "NationalSection-unitOf", VIO, "MinCount"),
    },
    "Network-buildsOn.class": {
        ("id/network/example-initiative", "ng:buildsOn", "Network-buildsOn", VIO, "Class"),
    },
    "Network-description-both.minCount": {
        (
            "id/network/english-only",
            "dcterms:description",
            "Network-description-both",
            WARN,
            "MinCount",
        ),
    },
    "Network-description-both.minCount-german-only": {
        (
            "id/network/german-only",
            "dcterms:description",
            "Network-description-both",
            WARN,
            "MinCount",
        ),
    },
    "Network-topic-stated.minCount": {
        ("id/network/no-topic", "ng:topic", "Network-topic-stated", WARN, "MinCount"),
    },
    "NetworkBody-topic-stated.minCount": {
        (
            "id/body/example-network-culture-forum",
            "ng:topic",
            "NetworkBody-topic-stated",
            WARN,
            "MinCount",
        ),
    },
    "NetworkBody-unitOf.class": {
        ("id/body/example-network-culture-forum", "org:unitOf", "NetworkBody-unitOf", VIO, "Class"),
    },
    "NetworkBody-unitOf.maxCount": {
        (
            "id/body/example-network-culture-forum",
            "org:unitOf",
            "NetworkBody-unitOf",
            VIO,
            "MaxCount",
        ),
    },
    "NetworkBody-unitOf.minCount": {
        (
            "id/body/example-network-culture-forum",
            "org:unitOf",
            "NetworkBody-unitOf",
            VIO,
            "MinCount",
        ),
    },
    "NetworkBodyShape.nodeKind": {
        ("_:b", None, "NetworkBodyShape", VIO, "NodeKind"),
        ("_:b", None, "NetworkBodyShape", VIO, "Pattern"),
    },
    "NetworkBodyShape.pattern": {
        ("id/body/forum", None, "NetworkBodyShape", VIO, "Pattern"),
    },
    "NetworkShape.nodeKind": {
        ("_:b", None, "NetworkShape", VIO, "NodeKind"),
        ("_:b", None, "NetworkShape", VIO, "Pattern"),
    },
    "NetworkShape.pattern": {("id/network/Bad_Slug", None, "NetworkShape", VIO, "Pattern")},
    "Office-unitOf.or": {
        ("id/unit/exampletown-archive", "org:unitOf", "Office-unitOf", VIO, "Or"),
    },
    "Organization-geographicScope.class": {
        (
            "id/organization/example-association",
            "ng:geographicScope",
            "Organization-geographicScope",
            VIO,
            "Class",
        ),
    },
    "Organization-linkedTo.class": {
        (
            "id/organization/example-foundation",
            "org:linkedTo",
            "Organization-linkedTo",
            VIO,
            "Class",
        ),
    },
    "Organization-subOrganizationOf.class": {
        (
            "id/organization/example-foundation",
            "org:subOrganizationOf",
            "Organization-subOrganizationOf",
            VIO,
            "Class",
        ),
    },
    "Organization-topic.node": {
        ("id/organization/example-foundation", "ng:topic", "Organization-topic", VIO, "Node"),
    },
    "OtherOrganizationShape.nodeKind": {
        ("_:b", None, "OtherOrganizationShape", VIO, "NodeKind"),
        ("_:b", None, "OtherOrganizationShape", VIO, "Pattern"),
    },
    "OtherOrganizationShape.pattern": {
        ("id/network/united-nations", None, "OtherOrganizationShape", VIO, "Pattern"),
    },
    "PeerNetwork-member.class": {
        (
            "id/network/example-peer-network",
            "^org:organization/org:member",
            "PeerNetwork-member",
            VIO,
            "Class",
        ),
    },
    "PlaceShape.nodeKind": {
        ("_:b", None, "PlaceShape", VIO, "NodeKind"),
        ("_:b", None, "PlaceShape", VIO, "Pattern"),
    },
    "PlaceShape.pattern": {("id/region/europe", None, "PlaceShape", VIO, "Pattern")},
    "Post-postIn.class": {
        ("id/post/example-president", "org:postIn", "Post-postIn", VIO, "Class"),
    },
    "Post-postIn.maxCount": {
        ("id/post/example-president", "org:postIn", "Post-postIn", VIO, "MaxCount"),
    },
    "Post-postIn.minCount": {
        ("id/post/example-president", "org:postIn", "Post-postIn", VIO, "MinCount"),
    },
    "PostShape.nodeKind": {
        ("_:b", None, "PostShape", VIO, "NodeKind"),
        ("_:b", None, "PostShape", VIO, "Pattern"),
    },
    "PostShape.pattern": {("id/posts/mayor", None, "PostShape", VIO, "Pattern")},
    "RegistrationEvent-concerns.maxCount": {
        (
            "id/event/example-registration",
            "ng:concerns",
            "RegistrationEvent-concerns",
            VIO,
            "MaxCount",
        ),
    },
    "RegistrationEvent-concerns.minCount": {
        (
            "id/event/example-registration",
            "ng:concerns",
            "RegistrationEvent-concerns",
            VIO,
            "MinCount",
        ),
    },
    "Resource-altLabel.disjoint": {
        ("id/place/asia", "skos:altLabel", "Resource-altLabel", VIO, "Disjoint"),
    },
    "Resource-altLabel.or": {
        ("id/place/asia", "skos:altLabel", "Resource-altLabel", VIO, "Or"),
    },
    "Resource-description.languageIn": {
        ("id/place/asia", "dcterms:description", "Resource-description", VIO, "LanguageIn"),
    },
    "Resource-description.uniqueLang": {
        ("id/place/asia", "dcterms:description", "Resource-description", VIO, "UniqueLang"),
    },
    "Resource-hiddenLabel.disjoint": {
        ("id/place/asia", "skos:hiddenLabel", "Resource-hiddenLabel", VIO, "Disjoint"),
    },
    "Resource-hiddenLabel.or": {
        ("id/place/asia", "skos:hiddenLabel", "Resource-hiddenLabel", VIO, "Or"),
    },
    "Resource-prefLabel-both.minCount": {
        ("id/place/asia", "skos:prefLabel", "Resource-prefLabel-both", VIO, "MinCount"),
    },
    "Resource-prefLabel-both.minCount-german-only": {
        ("id/place/asia", "skos:prefLabel", "Resource-prefLabel-both", VIO, "MinCount"),
    },
    "Resource-prefLabel-lang.languageIn": {
        ("id/place/france", "skos:prefLabel", "Resource-prefLabel-lang", VIO, "LanguageIn"),
    },
    "Resource-prefLabel-unique.uniqueLang": {
        ("id/place/americas", "skos:prefLabel", "Resource-prefLabel-unique", VIO, "UniqueLang"),
    },
    "Role-inScheme.hasValue": {
        ("id/role/chair", "skos:inScheme", "Role-inScheme", VIO, "HasValue"),
    },
    "SourceDocument-bibliographicCitation.maxCount": {
        (
            "id/source/two-citations",
            "dcterms:bibliographicCitation",
            "SourceDocument-bibliographicCitation",
            VIO,
            "MaxCount",
        ),
    },
    "SourceDocument-bibliographicCitation.nodeKind": {
        (
            "id/source/iri-citation",
            "dcterms:bibliographicCitation",
            "SourceDocument-bibliographicCitation",
            VIO,
            "NodeKind",
        ),
    },
    "SourceDocument-date-stated.minCount": {
        ("id/source/no-date", "dcterms:date", "SourceDocument-date-stated", INFO, "MinCount"),
    },
    "SourceDocument-identified.or": {
        ("id/source/unnamed", None, "SourceDocument-identified", VIO, "Or"),
    },
    "SourceDocument-language-stated.minCount": {
        (
            "id/source/no-language",
            "dcterms:language",
            "SourceDocument-language-stated",
            INFO,
            "MinCount",
        ),
    },
    "SourceDocument-language.datatype": {
        (
            "id/source/typed-language",
            "dcterms:language",
            "SourceDocument-language",
            VIO,
            "Datatype",
        ),
    },
    "SourceDocument-language.maxCount": {
        ("id/source/two-languages", "dcterms:language", "SourceDocument-language", VIO, "MaxCount"),
    },
    "SourceDocument-language.pattern": {
        ("id/source/named-language", "dcterms:language", "SourceDocument-language", VIO, "Pattern"),
    },
    "SourceDocument-publisher-stated.minCount": {
        (
            "id/source/no-publisher",
            "dcterms:publisher",
            "SourceDocument-publisher-stated",
            INFO,
            "MinCount",
        ),
    },
    "SourceDocument-publisher.class": {
        (
            "id/source/place-publisher",
            "dcterms:publisher",
            "SourceDocument-publisher",
            VIO,
            "Class",
        ),
    },
    "SourceDocument-publisher.maxCount": {
        (
            "id/source/two-publishers",
            "dcterms:publisher",
            "SourceDocument-publisher",
            VIO,
            "MaxCount",
        ),
    },
    "SourceDocument-title.maxCount": {
        ("id/source/two-titles", "dcterms:title", "SourceDocument-title", VIO, "MaxCount"),
    },
    "SourceDocument-title.nodeKind": {
        ("id/source/iri-title", "dcterms:title", "SourceDocument-title", VIO, "NodeKind"),
    },
    "SourceDocumentShape.nodeKind": {
        ("_:b", None, "SourceDocumentShape", VIO, "NodeKind"),
        ("_:b", None, "SourceDocumentShape", VIO, "Pattern"),
    },
    "SourceDocumentShape.pattern": {
        ("id/sources/page", None, "SourceDocumentShape", VIO, "Pattern"),
    },
    "StatedQuantity-bound.in": {
        ("id/quantity/example-network-members-2020", "ng:bound", "StatedQuantity-bound", VIO, "In"),
    },
    "StatedQuantity-bound.maxCount": {
        (
            "id/quantity/example-network-members-2020",
            "ng:bound",
            "StatedQuantity-bound",
            VIO,
            "MaxCount",
        ),
    },
    "StatedQuantity-bound.minCount": {
        (
            "id/quantity/example-network-members-2020",
            "ng:bound",
            "StatedQuantity-bound",
            VIO,
            "MinCount",
        ),
    },
    "StatedQuantity-exactIsInteger.or": {
        (
            "id/quantity/example-network-members-2020",
            None,
            "StatedQuantity-exactIsInteger",
            VIO,
            "Or",
        ),
    },
    "StatedQuantity-measure.maxCount": {
        (
            "id/quantity/example-network-members-2020",
            "ng:measure",
            "StatedQuantity-measure",
            VIO,
            "MaxCount",
        ),
    },
    "StatedQuantity-measure.minCount": {
        (
            "id/quantity/example-network-members-2020",
            "ng:measure",
            "StatedQuantity-measure",
            VIO,
            "MinCount",
        ),
    },
    "StatedQuantity-measure.node": {
        (
            "id/quantity/example-network-members-2020",
            "ng:measure",
            "StatedQuantity-measure",
            VIO,
            "Node",
        ),
    },
    "StatedQuantity-quantityOf.maxCount": {
        (
            "id/quantity/example-network-members-2020",
            "ng:quantityOf",
            "StatedQuantity-quantityOf",
            VIO,
            "MaxCount",
        ),
    },
    "StatedQuantity-quantityOf.minCount": {
        (
            "id/quantity/example-network-members-2020",
            "ng:quantityOf",
            "StatedQuantity-quantityOf",
            VIO,
            "MinCount",
        ),
    },
    "StatedQuantity-quantityOf.or": {
        (
            "id/quantity/example-network-members-2020",
            "ng:quantityOf",
            "StatedQuantity-quantityOf",
            VIO,
            "Or",
        ),
    },
    "StatedQuantity-spatial.class": {
        (
            "id/quantity/example-network-members-2020",
            "dcterms:spatial",
            "StatedQuantity-spatial",
            VIO,
            "Class",
        ),
    },
    "StatedQuantity-spatial.maxCount": {
        (
            "id/quantity/example-network-members-2020",
            "dcterms:spatial",
            "StatedQuantity-spatial",
            VIO,
            "MaxCount",
        ),
    },
    "StatedQuantity-temporal.class": {
        (
            "id/quantity/example-network-members-2020",
            "dcterms:temporal",
            "StatedQuantity-temporal",
            VIO,
            "Class",
        ),
    },
    "StatedQuantity-temporal.maxCount": {
        (
            "id/quantity/example-network-members-2020",
            "dcterms:temporal",
            "StatedQuantity-temporal",
            VIO,
            "MaxCount",
        ),
    },
    "StatedQuantity-unit.maxCount": {
        (
            "id/quantity/example-network-members-2020",
            "ng:unit",
            "StatedQuantity-unit",
            VIO,
            "MaxCount",
        ),
    },
    "StatedQuantity-unit.minCount": {
        (
            "id/quantity/example-network-members-2020",
            "ng:unit",
            "StatedQuantity-unit",
            VIO,
            "MinCount",
        ),
    },
    "StatedQuantity-unit.node": {
        ("id/quantity/example-network-members-2020", "ng:unit", "StatedQuantity-unit", VIO, "Node"),
    },
    "StatedQuantity-value-positive.minExclusive": {
        (
            "id/quantity/example-network-members-2020",
            "schema:value",
            "StatedQuantity-value-positive",
            VIO,
            "MinExclusive",
        ),
    },
    "StatedQuantity-value.maxCount": {
        (
            "id/quantity/example-network-members-2020",
            "schema:value",
            "StatedQuantity-value",
            VIO,
            "MaxCount",
        ),
    },
    "StatedQuantity-value.minCount": {
        (
            "id/quantity/example-network-members-2020",
            "schema:value",
            "StatedQuantity-value",
            VIO,
            "MinCount",
        ),
    },
    "StatedQuantity-value.or": {
        (
            "id/quantity/example-network-members-2020",
            "schema:value",
            "StatedQuantity-value",
            VIO,
            "Or",
        ),
    },
    "StatedQuantity-wasDerivedFrom.maxCount": {
        (
            "id/quantity/example-network-members-2020",
            "prov:wasDerivedFrom",
            "StatedQuantity-wasDerivedFrom",
            VIO,
            "MaxCount",
        ),
    },
    "StatedQuantity-when.xone": {
        (
            "id/quantity/example-network-members-2020",
            None,
            "StatedQuantity-when",
            VIO,
            "Xone",
        ),
    },
    "StatedQuantity-when.xone-both": {
        (
            "id/quantity/example-network-members-2020",
            None,
            "StatedQuantity-when",
            VIO,
            "Xone",
        ),
    },
    "StatedQuantityShape.nodeKind": {
        ("_:b", None, "StatedQuantityShape", VIO, "NodeKind"),
        ("_:b", None, "StatedQuantityShape", VIO, "Pattern"),
    },
    "StatedQuantityShape.pattern": {
        ("id/quantity/example-network-members", None, "StatedQuantityShape", VIO, "Pattern"),
    },
    "ThematicForum-topic.maxCount": {
        ("id/body/example-network-forum", "ng:topic", "ThematicForum-topic", WARN, "MaxCount"),
    },
    "UNBody-subOrganizationOf.class": {
        (
            "id/organization/other-un-body",
            "org:subOrganizationOf",
            "UNBody-subOrganizationOf",
            VIO,
            "Class",
        ),
    },
    "Vocabulary-definition-both.minCount": {
        ("id/topic/water", "skos:definition", "Vocabulary-definition-both", WARN, "MinCount"),
    },
    "Vocabulary-definition-both.minCount-german-only": {
        ("id/scheme/regions", "skos:definition", "Vocabulary-definition-both", WARN, "MinCount"),
    },
    "Vocabulary-definition.languageIn": {
        ("id/topic/water", "skos:definition", "Vocabulary-definition", VIO, "LanguageIn"),
    },
    "Vocabulary-definition.uniqueLang": {
        ("id/topic/water", "skos:definition", "Vocabulary-definition", VIO, "UniqueLang"),
    },
    "WorkingGroup-topicWithinParent.sparql": {
        (
            "id/body/example-network-working-group",
            "ng:topic",
            "WorkingGroup-topicWithinParent",
            WARN,
            "SPARQL",
        ),
    },
}

# The real data: no violation, and exactly these warnings and infos.
CITY_MEMBERSHIPS_WITHOUT_LEAD_UNIT = [
    "duesseldorf--cdia",
    "duesseldorf--cemr",
    "duesseldorf--europe-direct",
    "duesseldorf--living-together-observatory",
    "duesseldorf--mayors-for-peace",
    "duesseldorf--strong-cities-network",
    "hannover--mayors-for-peace",
]
EXPECTED_IN_REAL_DATA = {
    # The page says CDIA "arose from" a GMF initiative and the Observatory arose
    # "as a consequence of" the 2015 conference: no founding date.
    ("id/event/cdia-founding", "dcterms:date", "FoundingEvent-date-stated", WARN, "MinCount"),
    (
        "id/event/living-together-observatory-founding",
        "dcterms:date",
        "FoundingEvent-date-stated",
        WARN,
        "MinCount",
    ),
    ("id/network/global-covenant-of-mayors", "ng:topic", "Network-topic-stated", WARN, "MinCount"),
    # The page names the lead unit for three of Düsseldorf's memberships only.
    *(
        (f"id/membership/{m}", "ng:leadUnit", "Membership-leadUnit-stated", INFO, "MinCount")
        for m in CITY_MEMBERSHIPS_WITHOUT_LEAD_UNIT
    ),
}

# Constraint parameters and the component each one makes a shape have.
COMPONENT_OF_PARAMETER = {
    SH.minCount: "MinCount",
    SH.maxCount: "MaxCount",
    SH["class"]: "Class",
    SH.datatype: "Datatype",
    SH.nodeKind: "NodeKind",
    SH.pattern: "Pattern",
    SH.languageIn: "LanguageIn",
    SH.uniqueLang: "UniqueLang",
    SH.qualifiedMinCount: "QualifiedMinCount",
    SH.qualifiedMaxCount: "QualifiedMaxCount",
    SH["in"]: "In",
    SH.hasValue: "HasValue",
    SH["or"]: "Or",
    SH.xone: "Xone",
    SH["and"]: "And",
    SH["not"]: "Not",
    SH.node: "Node",
    SH.disjoint: "Disjoint",
    SH.equals: "Equals",
    SH.lessThan: "LessThan",
    SH.minExclusive: "MinExclusive",
    SH.minInclusive: "MinInclusive",
    SH.maxExclusive: "MaxExclusive",
    SH.maxInclusive: "MaxInclusive",
    SH.minLength: "MinLength",
    SH.maxLength: "MaxLength",
    SH.closed: "Closed",
    SH.sparql: "SPARQL",
}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


# ----------------------------------------------------------------------------- helpers


@cache
def project() -> Project:
    return Project(ROOT)


@cache
def shapes_graph() -> Graph:
    return load_shapes(project())


@cache
def ontology_graph() -> Graph:
    return load_ontology(project())


def parse(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle", publicID=BASE_IRI)
    return graph


def run_validation(data: Graph) -> tuple[Graph, list]:
    """Validate as the project does; return the report and its top-level results."""
    _, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    # Only the report's own results: results of nested shapes (sh:node) hang
    # below them as sh:detail and are not results in their own right.
    reports = list(report.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1
    return report, list(report.objects(reports[0], SH.result))


def short(term) -> str:
    """An IRI relative to the base, a prefixed name, or "_:b" for any blank node."""
    if isinstance(term, BNode):
        return "_:b"
    text = str(term)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(str(item[1]))):
        if not str(namespace).startswith(str(ID)) and text.startswith(str(namespace)):
            return f"{prefix}:{text[len(str(namespace)) :]}"
    return text.removeprefix(BASE_IRI)


def render_path(graph: Graph, path) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return short(path)
    if graph.value(path, RDF.first) is not None:
        return "/".join(render_path(graph, step) for step in Collection(graph, path))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + render_path(graph, inverse)
    raise AssertionError(f"path form not expected in these shapes: {path}")


def as_tuple(report: Graph, result) -> tuple[str, str | None, str, str, str]:
    shape = report.value(result, SH.sourceShape)
    assert isinstance(shape, URIRef) and shape.startswith(SHAPE_NS), f"unnamed shape {shape}"
    component = str(report.value(result, SH.sourceConstraintComponent))
    return (
        short(report.value(result, SH.focusNode)),
        render_path(report, report.value(result, SH.resultPath)),
        shape.removeprefix(SHAPE_NS),
        str(report.value(result, SH.resultSeverity)).removeprefix(str(SH)),
        component.removeprefix(str(SH)).removesuffix("ConstraintComponent"),
    )


def assert_messages_in_german_and_english(report: Graph, result) -> None:
    found = list(report.objects(result, SH.resultMessage))
    constraint = report.value(result, SH.sourceConstraint)
    if constraint is not None:
        # SPARQL-based results: pyshacl 0.40 drops the language tag of their
        # messages, so compare the texts with the constraint's own messages
        # (which carry no {?var} placeholders, so the texts are unchanged).
        declared = messages(shapes_graph(), constraint)
        assert sorted(m.language for m in declared) == ["de", "en"]
        assert sorted(map(str, found)) == sorted(map(str, declared)), as_tuple(report, result)
    else:
        languages = sorted(m.language for m in found)
        assert languages == ["de", "en"], f"messages in {languages}: {as_tuple(report, result)}"


def validate_files(*paths: Path) -> set[tuple[str, str | None, str, str, str]]:
    report, results = run_validation(parse(*paths))
    for result in results:
        assert_messages_in_german_and_english(report, result)
    found = [as_tuple(report, result) for result in results]
    assert len(found) == len(set(found)), f"duplicate results: {sorted(found)}"
    return set(found)


def fixture_names() -> list[str]:
    return sorted(path.stem for path in (FIXTURES / "invalid").glob("*.ttl"))


def constraint_shapes(shapes: Graph) -> set[URIRef]:
    """Shapes that can produce a result: targeted ones and their sh:property shapes.

    Helpers (values of sh:or, sh:xone, sh:not, sh:node, sh:qualifiedValueShape)
    are excluded: their failures surface as a result of the shape using them.
    """
    targeted = {shape for target in TARGETS for shape in shapes.subjects(target, None)}
    properties = {prop for shape in targeted for prop in shapes.objects(shape, SH.property)}
    return targeted | properties


def components_of(shapes: Graph, shape: URIRef) -> set[str]:
    return {
        COMPONENT_OF_PARAMETER[parameter]
        for parameter in set(shapes.predicates(shape, None))
        if parameter in COMPONENT_OF_PARAMETER
    }


def messages(graph: Graph, node) -> list[Literal]:
    return list(graph.objects(node, SH.message))


# ----------------------------------------------------------------------------- fixtures


def test_minimal_graph_conforms_without_any_result():
    assert validate_files(MINIMAL) == set()


@pytest.mark.parametrize(
    "name", sorted(p.stem for p in (FIXTURES / "valid").glob("*.ttl") if p != MINIMAL)
)
def test_valid_fixtures_produce_no_result(name: str):
    assert validate_files(MINIMAL, FIXTURES / "valid" / f"{name}.ttl") == set()


def test_every_broken_fixture_has_an_expectation_and_vice_versa():
    assert set(fixture_names()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_fixture_gives_exactly_the_expected_results(name: str):
    assert validate_files(MINIMAL, FIXTURES / "invalid" / f"{name}.ttl") == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_named_after_the_constraint_it_breaks(name: str):
    shape, _, constraint = name.partition(".")
    component = constraint.split("-")[0]
    assert any(
        result[2] == shape and result[4].lower() == component.lower() for result in EXPECTED[name]
    )


# ----------------------------------------------------------------------------- the shapes


def test_every_constraint_of_every_shape_is_broken_by_a_fixture():
    shapes = shapes_graph()
    declared = {
        (shape.removeprefix(SHAPE_NS), component)
        for shape in constraint_shapes(shapes)
        for component in components_of(shapes, shape)
    }
    broken = {(result[2], result[4]) for results in EXPECTED.values() for result in results}
    assert declared - broken == set(), "constraints without a broken fixture"
    assert broken - declared == set(), "expected results from constraints no shape declares"


def test_every_shape_is_named_in_the_shapes_namespace():
    shapes = shapes_graph()
    for shape in constraint_shapes(shapes):
        assert isinstance(shape, URIRef) and shape.startswith(SHAPE_NS), shape
    for shape in shapes.objects(None, SH.property):
        assert isinstance(shape, URIRef), "blank-node property shape"


def test_every_constraint_has_one_severity_and_a_message_in_german_and_english():
    shapes = shapes_graph()
    checked = 0
    for shape in constraint_shapes(shapes):
        components = components_of(shapes, shape)
        if not components:  # a node shape that only groups property shapes
            assert shapes.value(shape, SH.severity) is None, shape
            assert messages(shapes, shape) == [], shape
            continue
        severities = list(shapes.objects(shape, SH.severity))
        assert len(severities) == 1, f"{shape}: severity {severities}"
        assert severities[0] in (SH.Violation, SH.Warning, SH.Info), shape
        holders = list(shapes.objects(shape, SH.sparql)) if components == {"SPARQL"} else [shape]
        for holder in holders:
            languages = sorted(message.language for message in messages(shapes, holder))
            assert languages == ["de", "en"], f"{shape}: messages in {languages}"
            checked += 1
    assert checked > 0


def test_every_message_in_the_shapes_has_both_languages():
    shapes = shapes_graph()
    holders = set(shapes.subjects(SH.message, None))
    assert holders
    for holder in holders:
        languages = sorted(message.language for message in messages(shapes, holder))
        assert languages == ["de", "en"], f"{holder}: messages in {languages}"


def test_helper_shapes_carry_no_severity_and_no_message():
    shapes = shapes_graph()
    all_shapes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    for helper in all_shapes - constraint_shapes(shapes):
        assert shapes.value(helper, SH.severity) is None, helper
        assert messages(shapes, helper) == [], helper


def test_sparql_constraints_use_the_declared_prefixes():
    shapes = shapes_graph()
    queries = list(shapes.subjects(SH.select, None))
    assert queries
    for query in queries:
        assert shapes.value(query, SH.prefixes) == URIRef(SHAPES_IRI), query


def classes_without_a_node_shape(shapes: Graph, data: Graph) -> list[str]:
    """Classes the data uses that no node shape names in sh:targetClass: a shape of a
    superclass reaches their instances, but says nothing about what is particular to
    the class."""
    targeted = {
        cls
        for shape in shapes.subjects(RDF.type, SH.NodeShape)
        for cls in shapes.objects(shape, SH.targetClass)
    }
    return sorted(short(cls) for cls in set(data.objects(None, RDF.type)) - targeted)


def test_every_class_used_in_the_data_is_the_target_of_a_node_shape():
    assert classes_without_a_node_shape(shapes_graph(), load_data(project())) == []


def test_a_class_reached_only_through_its_superclass_is_found():
    data = Graph()
    data.add((ID["network/x"], RDF.type, URIRef(f"{BASE_IRI}ontology#Network")))
    data.add((ID["unit/x-y"], RDF.type, URIRef(f"{BASE_IRI}ontology#Department")))
    # ng:Network has NetworkShape; ng:Department only AdministrativeUnitShape.
    assert classes_without_a_node_shape(shapes_graph(), data) == ["ng:Department"]


# ----------------------------------------------------------------------------- the real data


@cache
def real_data_results() -> frozenset:
    report, results = run_validation(load_data(project()))
    return frozenset(as_tuple(report, result) for result in results)


def test_real_data_has_no_violation():
    violations = sorted(r for r in real_data_results() if r[3] == VIO)
    assert violations == []


def test_real_data_has_exactly_the_expected_warnings_and_infos():
    others = {r for r in real_data_results() if r[3] != VIO}
    assert sorted(others - EXPECTED_IN_REAL_DATA) == [], "unexpected"
    assert sorted(EXPECTED_IN_REAL_DATA - others) == [], "expected but not found"


# ----------------------------------------------------------------------------- in parallel


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_fixture_gives_exactly_the_expected_results_in_worker_processes(name: str):
    """netgraph.validation splits the shapes into groups validated by two processes
    and merges their reports; each fixture's results must come through unchanged."""
    data = parse(MINIMAL, FIXTURES / "invalid" / f"{name}.ttl")
    report = validate(ProjectGraphs(ontology_graph(), data, shapes_graph()), workers=2)
    (node,) = report.graph.subjects(RDF.type, SH.ValidationReport)
    found = [as_tuple(report.graph, result) for result in report.graph.objects(node, SH.result)]
    assert len(found) == len(set(found)) == len(report.results)
    assert set(found) == EXPECTED[name]
    violations = [result for result in found if result[3] == VIO]
    assert report.graph.value(node, SH.conforms) == Literal(not violations)
