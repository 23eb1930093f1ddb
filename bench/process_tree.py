"""The memory of a process and all its descendants, for the benchmarks.

``netgraph validate`` and ``build`` fork workers, and ``serve`` an evaluation
process, so the resident set of the largest single process (``ru_maxrss``)
understates what they take. Summing RSS over the tree overstates it, since
forked processes share most pages; the proportional set size (PSS) counts a
shared page once, split between its sharers.
"""

import threading
from pathlib import Path


def tree_memory_kib(pid: int) -> tuple[int, int]:
    """RSS and PSS of ``pid`` and all its descendants, in KiB (0 once gone)."""
    rss, pss, stack, seen = 0, 0, [pid], set()
    while stack and len(seen) < 1000:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            fields = dict(
                line.split(":", 1)
                for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines()[1:]
            )
            rss += int(fields["Rss"].split()[0])
            pss += int(fields["Pss"].split()[0])
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError, KeyError):
            continue
    return rss, pss


class PeakSampler(threading.Thread):
    """The peak RSS and peak PSS of a process tree, sampled every ``interval`` s until stopped."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kib = pid, interval, (0, 0)
        self._stop_event = threading.Event()

    def sample(self) -> None:
        now = tree_memory_kib(self.pid)
        self.peak_kib = (max(self.peak_kib[0], now[0]), max(self.peak_kib[1], now[1]))

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self) -> tuple[int, int]:
        self.sample()
        self._stop_event.set()
        self.join(timeout=5)
        return self.peak_kib
