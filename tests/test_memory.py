"""netgraph.memory: glibc's allocator held to what the server is measured with."""

import subprocess
import sys

COUNT_ARENAS = """
import ctypes, sys, threading
from netgraph.memory import limit_malloc_arenas
if sys.argv[1] != "default":
    limit_malloc_arenas(int(sys.argv[1]))
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.fdopen.restype = ctypes.c_void_p
together = threading.Barrier(8)
def allocate():
    together.wait()  # all alive at once, so none inherits another's freed arena
    kept = [libc.malloc(4096) for _ in range(64)]
    together.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
stream = libc.fdopen(1, b"w")
libc.malloc_info(0, ctypes.c_void_p(stream))
libc.fflush(ctypes.c_void_p(stream))
"""


def arenas_after_eight_threads(setting: str) -> int:
    report = subprocess.run(
        [sys.executable, "-c", COUNT_ARENAS, setting], capture_output=True, text=True, check=True
    ).stdout
    return report.count("<heap nr=")


def test_the_server_allocates_from_at_most_the_arenas_it_is_given():
    assert arenas_after_eight_threads("default") > 2  # one per thread, up to 8 per core
    assert arenas_after_eight_threads("2") == 2
    assert arenas_after_eight_threads("1") == 1
