"""Wall time and peak memory of ``netgraph build`` and ``netgraph validate``.

Runs each command as a fresh process (interpreter start included, as a user
or CI sees it) several times against the real project and prints a Markdown
table with the median wall time and the peak resident set size, next to the
targets the project holds itself to.

    .venv/bin/python bench/bench_cli.py [--root DIR] [--runs N]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = {"validate": 2.0, "build": 4.0}


def run_once(command: list[str], allowed_exit_codes: set[int]) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of one run; wait4 gives this child's own usage."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in allowed_exit_codes:
        sys.exit(f"{' '.join(command)} exited {process.returncode}:\n{stderr.decode()}")
    return seconds, usage.ru_maxrss


def bench(name: str, command: list[str], runs: int, allowed: set[int]) -> str:
    samples = [run_once(command, allowed) for _ in range(runs)]
    median = statistics.median(seconds for seconds, _ in samples)
    peak_mib = max(rss for _, rss in samples) / 1024
    target = TARGET_SECONDS[name]
    verdict = "ok" if median < target else "SLOW"
    cells = [f"`netgraph {name}`", runs, f"{median:.2f}", f"{peak_mib:.0f}", f"< {target:.0f}"]
    return "| " + " | ".join(map(str, [*cells, verdict])) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    netgraph = [sys.executable, "-m", "netgraph"]
    root = ["--root", str(args.root)]
    with tempfile.TemporaryDirectory() as scratch:
        out = ["--out", str(Path(scratch) / "dist")]
        rows = [
            bench("validate", [*netgraph, "validate", *root], args.runs, {0, 1}),
            bench("build", [*netgraph, "build", *root, *out], args.runs, {0}),
        ]
    print("| command | runs | median wall (s) | peak RSS (MiB) | target (s) | |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
