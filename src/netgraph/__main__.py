"""``python -m netgraph``, for when the console script is not on PATH."""

from netgraph.cli import main

main(prog_name="netgraph")
