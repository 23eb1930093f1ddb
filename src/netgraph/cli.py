"""The ``netgraph`` command.

Exit codes are a contract for CI: 0 means the data passes, 1 means validation
found results at or above the threshold (a build refuses to publish), 2 means
the command could not run as asked (bad usage, or input that cannot be
parsed). Input problems are reported as one ``error: path:line:col: message``
line, never as a traceback.
"""

import logging
import sys
from pathlib import Path

import click

from netgraph import limits
from netgraph.build import FAIL_ON, OWLRL_UP_TO, REASONERS, run_build
from netgraph.errors import InputError
from netgraph.loading import data_files, load_project
from netgraph.progress import Progress
from netgraph.project import find_project
from netgraph.query import RESULT_FORMATS, evaluate_query, format_result, query_engine
from netgraph.reports import FORMATS, render_report, summary_line
from netgraph.source_lines import SourceLines
from netgraph.validation import SEVERITIES, validate

LANGUAGES = ("en", "de")


class _Commands(click.Group):
    """Turns input errors into exit code 2 at the one place where the user is talked to."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:  # an option of ``netgraph`` itself
            _usage_error(error, info_name or "netgraph")
            raise click.exceptions.Exit(2) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            _usage_error(error, ctx.command_path)
        except InputError as error:
            click.echo(f"error: {error}", err=True)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            click.echo(f"error: {where}{error.strerror or error}", err=True)
        ctx.exit(2)


def _usage_error(error: click.UsageError, command: str) -> None:
    """Click would print the usage and a hint first: one line, like every other error."""
    where = error.ctx.command_path if error.ctx else command
    reason = error.format_message().rstrip(".")
    click.echo(f"error: {reason} (see '{where} --help')", err=True)


class _NoTraceback(logging.Formatter):
    # rdflib logs a traceback for every literal it cannot convert; the shapes
    # report such values properly, so library warnings stay one line each.
    def formatException(self, ei) -> str:
        return ""


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Build, validate and query the netgraph knowledge graph."""
    handler = logging.StreamHandler()
    handler.setFormatter(_NoTraceback("%(levelname)s: %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)


root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project root [default: $NETGRAPH_ROOT, else the checkout around the cwd].",
)


quiet_option = click.option(
    "--quiet", "-q", is_flag=True, help="No progress display on a terminal (stderr)."
)


@main.command("validate")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default=FAIL_ON,
    show_default=True,
    help="Least severe result that makes the exit code 1.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the shapes' messages (falls back to the other).",
)
@quiet_option
@root_option
def validate_command(fmt: str, fail_on: str, lang: str, quiet: bool, root: Path | None) -> None:
    """Check the data against the SHACL shapes."""
    project = find_project(root)
    progress = Progress.on(sys.stderr, quiet)
    with progress.stage("loading"):
        graphs = load_project(project)
    with progress.stage("validating", len(graphs.data)):
        report = validate(graphs)
    sources = SourceLines(project, data_files(project))
    click.echo(render_report(report, fmt, lang=lang, fail_on=fail_on, sources=sources), nl=False)
    sys.exit(1 if report.fails(fail_on) else 0)


@main.command("build")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder, replaced as a whole [default: ROOT/dist].",
)
@click.option(
    "--store/--no-store",
    "--oxigraph-store/--no-oxigraph-store",
    "store",
    default=True,
    show_default=True,
    envvar="NETGRAPH_OXIGRAPH_STORE",
    help="Also write DIR/oxigraph/, the dataset in Oxigraph's on-disk format, "
    "which `netgraph serve` opens without parsing (not covered by SHA256SUMS).",
)
@click.option(
    "--reasoner",
    type=click.Choice(REASONERS),
    default="auto",
    show_default=True,
    help="owlrl: the full OWL 2 RL closure; rules: the entailments the queries use, "
    "as SPARQL rules run by Oxigraph (faster, smaller inferred graph); "
    f"auto: owlrl up to {OWLRL_UP_TO:,} data triples, rules above.",
)
@quiet_option
@root_option
def build_command(
    out: Path | None, store: bool, reasoner: str, quiet: bool, root: Path | None
) -> None:
    """Validate, reason, and publish the dumps.

    Nothing is written when validation finds violations; the output folder is
    replaced as a whole, so it always holds one complete build.
    """
    project = find_project(root)
    out_dir = out or project.dist_dir
    progress = Progress.on(sys.stderr, quiet)
    outcome = run_build(project, out_dir, store=store, reasoner=reasoner, progress=progress)
    if not outcome.files:
        sources = SourceLines(project, data_files(project))
        report = render_report(outcome.report, "text", lang="en", fail_on=FAIL_ON, sources=sources)
        click.echo(report, err=True, nl=False)
        click.echo(f"build refused: {FAIL_ON} results; {out_dir} left unchanged", err=True)
        sys.exit(1)
    click.echo(f"validation: {summary_line(outcome.report)}", err=True)
    click.echo(
        f"wrote {out_dir}: {', '.join(outcome.files)} "
        f"({outcome.inferred_triples} inferred triples, "
        f"reasoning {outcome.reasoning_seconds:.2f} s)"
    )


def _url_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A URL of the wrong kind is a usage error before anything starts: --store names a
    SPARQL endpoint (sparql+http://…), publish's URLs are plain http(s)."""
    if value is not None:
        from netgraph.remote_store import http_url, store_url

        try:
            (store_url if param.name == "store" else http_url)(value)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None
    return value


store_option = click.option(
    "--store",
    metavar="URL",
    callback=_url_option,
    help="Evaluate queries on this SPARQL store instead of the build: "
    "sparql+http://HOST:PORT/path or sparql+https://… (its query endpoint).",
)


@main.command("query")
@click.argument("query_file", metavar="FILE.rq|-", type=click.File("r", encoding="utf-8"))
@click.option(
    "--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True
)
@store_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds to wait for the --store.",
)
@root_option
def query_command(
    query_file, fmt: str, store: str | None, timeout: float, root: Path | None
) -> None:
    """Run a SPARQL query on the built dataset.

    The default graph is the union of ontology, data and inferences, and all
    project prefixes are declared. Evaluated by embedded Oxigraph when the
    build has its store (build --oxigraph-store), by the --store, else by
    rdflib; without a build, the dataset is loaded and reasoned in memory.
    """
    text = query_file.read()
    project = None if store else find_project(root)
    engine = query_engine(project, store=store, timeout=timeout)
    click.echo(format_result(evaluate_query(engine, text, query_file.name), fmt), nl=False)


@main.command("publish")
@click.option(
    "--to",
    "update_url",
    required=True,
    metavar="URL",
    callback=_url_option,
    help="The store's SPARQL Update endpoint (Oxigraph server: http://HOST:PORT/update).",
)
@click.option(
    "--graph-store",
    metavar="URL",
    callback=_url_option,
    help="Its Graph Store HTTP Protocol endpoint (Oxigraph server: http://HOST:PORT/store): "
    "one PUT per graph instead of updates.",
)
@click.option(
    "--dist",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the build to publish [default: ROOT/dist].",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds each request to the store may take.",
)
@click.option(
    "--in-place",
    is_flag=True,
    help="Load straight into the published graphs instead of staging them and switching "
    "in one update: faster, and less of the store's memory, for large builds, but queries "
    "meanwhile, or a failure, can see graphs of two builds.",
)
@root_option
def publish_command(
    update_url: str,
    graph_store: str | None,
    dist: Path | None,
    timeout: float,
    in_place: bool,
    root: Path | None,
) -> None:
    """Load the built named graphs into a SPARQL 1.1 store, replacing them there.

    The graphs are loaded under staging names and switched in one update request, so
    queries never see half a publish and a failed one changes nothing (unless
    --in-place). Exit code 1 when the store is unreachable or refuses; publishing
    again gives the same store content.
    """
    from netgraph.publishing import describe, publish
    from netgraph.remote_store import StoreError

    try:
        dist = dist or find_project(root).dist_dir
        published = publish(dist, update_url, graph_store, timeout, in_place)
    except StoreError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    click.echo(describe(published))


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port."
)
@click.option(
    "--dist",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the build to serve, built there first if it has none [default: ROOT/dist].",
)
@click.option(
    "--load", "load", is_flag=True, help="Serve the RDF FILES given instead of the build."
)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@root_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=limits.QUERY_TIMEOUT_SECONDS,
    show_default=True,
    help="Seconds a query may run before it is stopped (504).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=limits.WORKERS,
    show_default=True,
    help="Query slots (threads of the evaluation process): queries evaluated at once.",
)
@click.option(
    "--queue-size",
    type=click.IntRange(0, 1000),
    default=limits.QUEUE_SIZE,
    show_default=True,
    help="Queries that may wait for a query slot; more get 503.",
)
@click.option(
    "--queue-timeout",
    type=click.FloatRange(min=0),
    default=limits.QUEUE_TIMEOUT_SECONDS,
    show_default=True,
    help="Seconds a query waits for a query slot before 503.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=limits.MAX_ROWS,
    show_default=True,
    help="Rows (or triples) in an answer; more are cut, and marked.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=limits.MIN_BYTES),
    default=limits.MAX_BYTES,
    show_default=True,
    help="Bytes in an answer; more are cut, and marked.",
)
@click.option(
    "--max-query-length",
    type=click.IntRange(min=1),
    default=limits.MAX_QUERY_LENGTH,
    show_default=True,
    help="Characters in a query; longer is 413.",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=limits.MAX_BODY_BYTES,
    show_default=True,
    help="Bytes in a request body; larger is 413.",
)
@click.option(
    "--max-incoming",
    type=click.IntRange(min=1),
    default=limits.MAX_INCOMING,
    show_default=True,
    help="Links to a resource through one predicate that its description lists; more are "
    "cut, and marked.",
)
@click.option(
    "--engine",
    type=click.Choice(["oxigraph", "rdflib"]),
    default="oxigraph",
    show_default=True,
    envvar="NETGRAPH_ENGINE",
    help="SPARQL engine: embedded Oxigraph, or rdflib (for comparison) [env: NETGRAPH_ENGINE].",
)
@store_option
@click.option(
    "--worker-memory",
    type=click.IntRange(min=0),
    default=limits.WORKER_MEMORY_MB,
    show_default=True,
    help="MiB of memory the evaluation process may add per query slot (0: no limit).",
)
@click.option(
    "--cache-size",
    type=click.IntRange(min=0),
    default=limits.CACHE_MIB,
    show_default=True,
    envvar="NETGRAPH_CACHE_SIZE",
    help="MiB of answers kept in memory for repeated requests (0: none).",
)
@click.option(
    "--cache-max-age",
    type=click.IntRange(min=0),
    default=300,
    show_default=True,
    help="Seconds clients and proxies may reuse an answer (Cache-Control max-age).",
)
def serve_command(
    host: str,
    port: int,
    dist: Path | None,
    load: bool,
    files: tuple[Path, ...],
    root: Path | None,
    **limit_options,
) -> None:
    """Serve the dataset over the SPARQL 1.1 Protocol, with a query page, until Ctrl+C.

    The default graph is the union of the named graphs (ontology, data,
    inferred). With --load FILE…, TriG and N-Quads files keep their graph
    names and other RDF files go into the default graph. With --store URL,
    queries are evaluated by that SPARQL store (filled by `netgraph publish`);
    pages and labels still come from the build.
    """
    if files and not load:
        raise click.UsageError("files to serve need --load: netgraph serve --load FILE…")
    if load and not files:
        raise click.UsageError("--load needs at least one RDF file")
    if load and dist:
        raise click.UsageError("--load and --dist exclude each other")
    if load and limit_options["store"]:
        raise click.UsageError("--load and --store exclude each other")
    from netgraph.web.server import serve  # Flask is imported for this command only

    keys = {
        "timeout": "NETGRAPH_QUERY_TIMEOUT",
        "workers": "NETGRAPH_WORKERS",
        "queue_size": "NETGRAPH_QUEUE_SIZE",
        "queue_timeout": "NETGRAPH_QUEUE_TIMEOUT",
        "max_rows": "NETGRAPH_MAX_ROWS",
        "max_bytes": "NETGRAPH_MAX_BYTES",
        "max_query_length": "NETGRAPH_MAX_QUERY_LENGTH",
        "max_body": "MAX_CONTENT_LENGTH",
        "max_incoming": "NETGRAPH_MAX_INCOMING",
        "worker_memory": "NETGRAPH_WORKER_MEMORY_MB",
        "cache_size": "NETGRAPH_CACHE_BYTES",
        "cache_max_age": "NETGRAPH_CACHE_MAX_AGE",
        "engine": "NETGRAPH_ENGINE",
        "store": "NETGRAPH_STORE",
    }
    config = {keys[name]: value for name, value in limit_options.items()}
    config["NETGRAPH_CACHE_BYTES"] *= 1024 * 1024  # --cache-size is in MiB
    serve(
        host=host, port=port, root=root, dist=dist, load=files, announce=click.echo, limits=config
    )
