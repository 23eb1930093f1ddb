"""Default limits of the HTTP service, in one place for the app and the CLI.

The ``serve`` command shows them as its option defaults without importing
Flask, so this module imports nothing. Each is explained in docs/limits.md.
"""

QUERY_TIMEOUT_SECONDS = 10.0
WORKERS = 2
QUEUE_SIZE = 16
QUEUE_TIMEOUT_SECONDS = 10.0
WORKER_MEMORY_MB = 1024
MAX_ROWS = 10_000
MAX_BYTES = 16 * 1024 * 1024
MIN_BYTES = 4096
"""The least byte limit: what every format writes around the rows fits in it with room for
some (the largest, JSON-LD's context of the project prefixes, is 1.6 kB), so that a cut
answer shows something. An answer that does not fit even with no rows is refused."""
MAX_QUERY_LENGTH = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024
MAX_INCOMING = 500
"""Links to a resource through one predicate that its page and RDF description list;
more are cut, and marked."""
CACHE_MIB = 16
"""The answer cache's bound (docs/caching.md): hundreds of ordinary answers, a few of the
largest; it counts in the web process's memory (docs/performance.md)."""
MALLOC_ARENAS = 2
"""glibc malloc arenas in the server and its evaluation process (netgraph.memory)."""
