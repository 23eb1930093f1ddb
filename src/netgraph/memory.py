"""Tuning glibc's allocator for netgraph's large, long-lived processes.

Python hands large blocks (answers of megabytes, graphs' index tables) to the C
allocator, and glibc keeps freed memory for reuse rather than giving it back;
how much it keeps decides a process's resident set more than what it holds.
glibc only: elsewhere these do nothing.
"""

import ctypes

_M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter for the most arenas (malloc.h)."""


def _libc_function(name: str):
    try:
        return getattr(ctypes.CDLL(None), name, None)
    except OSError:
        return None


def return_free_memory() -> None:
    """Give the C heap's free pages back to the system.

    Before forking: a forked worker's resident set starts as its parent's, pages
    that the parent freed but malloc kept included (at 1,000,000 triples, the
    graphs the build has just dropped). Python's own objects live apart from
    that heap, so what one library frees is not reused by the next stage's
    objects unless it is given back.
    """
    trim = _libc_function("malloc_trim")
    if trim is not None:
        trim(0)


def limit_malloc_arenas(arenas: int) -> None:
    """At most ``arenas`` malloc arenas from now on, in this process and those it forks.

    glibc gives threads that allocate at once arenas of their own, up to eight
    per core, and memory freed in one arena serves only that arena. The web
    server's threads each pass large answers through, so each arena kept its
    own freed megabytes: at a million triples the web process peaked at 286 MiB,
    and at 196 MiB with two arenas, at the same latency (docs/performance.md).
    Call it before the threads start.
    """
    mallopt = _libc_function("mallopt")
    if mallopt is not None:
        mallopt(_M_ARENA_MAX, arenas)
