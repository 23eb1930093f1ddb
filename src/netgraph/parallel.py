"""Work spread over forked processes, one per core.

Validation and rendering are pure Python, so threads would share one core.
Forked workers inherit the (large) graphs instead of receiving them pickled,
and each task's answer comes back pickled, in the order of the tasks.
"""

import ctypes
import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence

_SHARED: dict[str, tuple] = {}
"""What every task needs, handed to forked workers by inheritance instead of pickling."""


def in_processes(function: Callable, items: Sequence, workers: int | None, shared: tuple) -> list:
    """``[function(*shared, item) for item in items]``, spread over forked processes.

    Results come back in the order of ``items`` whichever worker finishes
    first; one item at a time, so a slow shape does not hold others back.
    """
    workers = min(workers or len(os.sched_getaffinity(0)), len(items))
    if workers <= 1:
        return [function(*shared, item) for item in items]
    _SHARED["arguments"] = shared
    # Frozen objects are left alone by the workers' cycle collector, which would
    # otherwise write to every inherited object and so copy the parent's pages.
    gc.freeze()
    _return_free_memory()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_call, [(function, item) for item in items], chunksize=1)
    finally:
        gc.unfreeze()
        _SHARED.clear()


def _call(task: tuple[Callable, object]):
    function, item = task
    return function(*_SHARED["arguments"], item)


def _return_free_memory() -> None:
    """Give the C heap's free pages back to the system before forking.

    A forked worker's resident set starts as its parent's, pages that the parent
    freed but malloc kept included (at 1,000,000 triples, the graphs the build
    has just dropped). glibc only; elsewhere the pages stay.
    """
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    if trim is not None:
        trim(0)
