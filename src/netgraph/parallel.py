"""Work spread over forked processes, one per core.

Validation and rendering are pure Python, so threads would share one core.
Forked workers inherit the (large) graphs instead of receiving them pickled,
and each task's answer comes back pickled, in the order of the tasks.
"""

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence

from netgraph.memory import return_free_memory

_SHARED: dict[str, tuple] = {}
"""What every task needs, handed to forked workers by inheritance instead of pickling."""


def in_processes(
    function: Callable, items: Sequence, workers: int | None, shared: tuple, fresh: bool = False
) -> list:
    """``[function(*shared, item) for item in items]``, spread over forked processes.

    Results come back in the order of ``items`` whichever worker finishes
    first; one item at a time, so a slow shape does not hold others back.
    ``fresh`` forks a new worker for each item: a worker's resident set only
    grows (freed memory mostly stays with the process), so one that rendered
    several dumps in turn held the largest of them on top of the others'
    leftovers. Not by default: a fork costs the parent's page tables, which for
    many small items (shape groups) is most of the time spent.
    """
    workers = min(workers or len(os.sched_getaffinity(0)), len(items))
    if workers <= 1:
        return [function(*shared, item) for item in items]
    _SHARED["arguments"] = shared
    # Frozen objects are left alone by the workers' cycle collector, which would
    # otherwise write to every inherited object and so copy the parent's pages.
    gc.freeze()
    return_free_memory()
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, maxtasksperchild=1 if fresh else None) as pool:
            return pool.map(_call, [(function, item) for item in items], chunksize=1)
    finally:
        gc.unfreeze()
        _SHARED.clear()


def _call(task: tuple[Callable, object]):
    function, item = task
    return function(*_SHARED["arguments"], item)
