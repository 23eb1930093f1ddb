"""The memory figures of bench/bench_scale.py: a process tree's RSS and PSS."""

import importlib.util
import os
import signal
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench_scale.py"


@pytest.fixture(scope="module")
def bench_scale():
    spec = importlib.util.spec_from_file_location("bench_scale", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path.remove(str(BENCH.parent))  # the module puts bench/ first for its own imports


def test_pages_a_forked_child_shares_count_twice_in_rss_and_once_in_pss(bench_scale):
    _shared = bytearray(os.urandom(64 << 20))  # resident in the parent, then shared by the fork
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: holds the shared pages until killed
        os.close(read)
        os.write(write, b"x")
        signal.pause()
        os._exit(0)
    try:
        os.close(write)
        assert os.read(read, 1) == b"x"
        child = bench_scale.tree_memory_kib(pid)  # the child alone
        tree = bench_scale.tree_memory_kib(os.getpid())  # this process and the child
        assert child[0] >= 60 << 10  # the child's RSS counts the 64 MiB it shares
        assert tree[0] - child[0] >= 60 << 10  # and so does this process's
        assert tree[0] - tree[1] >= 55 << 10  # PSS counts them once
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read)
    assert bench_scale.tree_memory_kib(pid) == (0, 0)  # gone
