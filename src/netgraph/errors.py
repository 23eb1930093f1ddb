"""The one exception for input a person has to fix.

Anything wrong with the project's files (a Turtle syntax error, a missing
folder, an import the catalog does not know) is raised as InputError with a
message that already says where, so the CLI can print it as a single line and
exit 2 instead of showing a traceback that points into rdflib.
"""


class InputError(Exception):
    """Bad project input; the message starts with the location (``path:line:col:``)."""
