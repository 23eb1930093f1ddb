"""The XML catalog that maps imported ontology IRIs to local copies.

owl:imports name vocabularies by their web IRIs. netgraph must never fetch
them, so the Protégé/ODK-style catalog (``ontology/catalog-v001.xml``) is the
only way an import becomes a file; an IRI it does not list is an error rather
than a silent network request.
"""

import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers.expat import ErrorString

from netgraph.errors import InputError
from netgraph.project import Project


def read_catalog(project: Project) -> dict[str, Path]:
    """Map each ``<uri name=… uri=…/>`` entry to a file resolved against the catalog's folder."""
    path = project.catalog_file
    display = project.display(path)
    try:
        tree = ET.parse(path)
    except FileNotFoundError:
        raise InputError(f"{display}: catalog not found") from None
    except OSError as error:
        raise InputError(f"{display}: cannot read: {error.strerror}") from None
    except ET.ParseError as error:
        line, column = error.position
        reason = ErrorString(error.code)
        raise InputError(f"{display}:{line}:{column + 1}: {reason}") from None
    entries = {}
    for element in tree.iter():
        if element.tag.rpartition("}")[2] != "uri":
            continue
        name, uri = element.get("name"), element.get("uri")
        if not name or not uri:
            raise InputError(f"{display}: <uri> entry needs both name= and uri=")
        entries[name] = path.parent / uri
    return entries
