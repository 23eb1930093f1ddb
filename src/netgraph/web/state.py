"""What the blueprints share: created once per application, kept in ``app.extensions``."""

from dataclasses import dataclass

from flask import current_app

from netgraph.named_queries import NamedQuery
from netgraph.web.engine import QueryEngine

EXTENSION = "netgraph"


@dataclass(frozen=True)
class Netgraph:
    engine: QueryEngine
    named_queries: tuple[NamedQuery, ...]


def current() -> Netgraph:
    """The state of the application handling the current request."""
    return current_app.extensions[EXTENSION]
