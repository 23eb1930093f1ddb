"""Wall time and peak memory of ``netgraph build`` and ``netgraph validate``.

Runs each command as a fresh process (interpreter start included, as a user
or CI sees it) several times against the real project and prints a Markdown
table with the median wall time and two peaks of memory, next to the targets
the project holds itself to: the resident set of the largest single process
(``ru_maxrss``), and the proportional set size of the whole process tree
(the command and the workers it forks), sampled every ``--sample-every``
seconds (bench/process_tree.py).

    .venv/bin/python bench/bench_cli.py [--root DIR] [--runs N] [--sample-every S]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from process_tree import PeakSampler

TARGET_SECONDS = {"validate": 2.0, "build": 4.0}


def run_once(
    command: list[str], allowed_exit_codes: set[int], interval: float
) -> tuple[float, int, int]:
    """Seconds, peak RSS of the largest process and peak PSS of the tree (KiB) of one run.

    wait4 gives the largest RSS among the child and the descendants it waited for.
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = PeakSampler(process.pid, interval)
    sampler.start()
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    _, tree_pss = sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in allowed_exit_codes:
        sys.exit(f"{' '.join(command)} exited {process.returncode}:\n{stderr.decode()}")
    return seconds, usage.ru_maxrss, tree_pss


def bench(name: str, command: list[str], args: argparse.Namespace, allowed: set[int]) -> str:
    samples = [run_once(command, allowed, args.sample_every) for _ in range(args.runs)]
    median = statistics.median(seconds for seconds, _, _ in samples)
    rss_mib = max(rss for _, rss, _ in samples) / 1024
    pss_mib = max(pss for _, _, pss in samples) / 1024
    target = TARGET_SECONDS[name]
    verdict = "ok" if median < target else "SLOW"
    cells = [
        f"`netgraph {name}`",
        args.runs,
        f"{median:.2f}",
        f"{rss_mib:.0f}",
        f"{pss_mib:.0f}",
        f"< {target:.0f}",
    ]
    return "| " + " | ".join(map(str, [*cells, verdict])) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--sample-every",
        type=float,
        default=0.02,
        help="seconds between samples of the process tree's memory (each costs about 1 ms)",
    )
    args = parser.parse_args()
    netgraph = [sys.executable, "-m", "netgraph"]
    root = ["--root", str(args.root)]
    with tempfile.TemporaryDirectory() as scratch:
        out = ["--out", str(Path(scratch) / "dist")]
        rows = [
            bench("validate", [*netgraph, "validate", *root], args, {0, 1}),
            bench("build", [*netgraph, "build", *root, *out], args, {0}),
        ]
    print(
        "| command | runs | median wall (s) | peak RSS, largest process (MiB) "
        "| peak PSS, process tree (MiB) | target (s) | |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
