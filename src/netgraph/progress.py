"""What a long command is doing, for a person watching a terminal.

A build of a million triples runs for minutes; without a sign of life it
looks hung. The stages go to stderr, and only when stderr is a terminal and
``--quiet`` was not given: output captured by CI, pipes and tests stays
exactly what it was.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    """Stages with their size and elapsed time; silent without a stream."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream
        self._started = time.monotonic()

    @classmethod
    def on(cls, stream: TextIO, quiet: bool = False) -> "Progress":
        """Shown on ``stream`` only when it is a terminal and not ``quiet``."""
        return cls(None if quiet or not stream.isatty() else stream)

    @contextmanager
    def stage(self, name: str, triples: int | None = None) -> Iterator[None]:
        """Announce ``name`` while it runs; then say how long it took.

        The announcement stays on one line until the stage ends, which then
        completes it, so a failure's message starts on a line of its own.
        """
        if self._stream is None:
            yield
            return
        label = name if triples is None else f"{name} ({triples:,} triples)"
        began = time.monotonic()
        self._write(f"[{began - self._started:6.1f} s] {label} …")
        try:
            yield
        except BaseException:
            self._write("\n")
            raise
        self._write(f" {time.monotonic() - began:.1f} s\n")

    def _write(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()


SILENT = Progress(None)
