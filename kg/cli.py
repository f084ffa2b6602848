"""The `kg` command line: build, validate, query, export, stats, serve.

Exit codes: 0 ok, 1 validation failed, 2 bad input or load error (see kg.errors).
"""

import functools
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.build import assemble, build
from kg.consistency import require_consistency
from kg.errors import InputError, KGError, StoreUnavailable
from kg.history import history
from kg.ingest import IngestReport, ingest, retract
from kg.rdfio import parse_turtle_files
from kg.settings import Settings, get_settings
from kg.store import RDF_FORMATS, Store, open_store
from kg.validate import load_shapes, validate
from kg.vocab import PREFIXES

app = typer.Typer(help="Build, check, query and serve the Syrian war knowledge graph.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])
BUILD_STEPS = 7
REASON_HELP = "Also check the ontology and data for consistency with HermiT (needs Java; ~10 s)."


def reports_errors(command: F) -> F:
    """Turn project errors into a readable message and the right exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KGError as error:
            errors.print(f"[bold red]error:[/] {error}", highlight=False, markup=True, soft_wrap=True)
            raise typer.Exit(error.exit_code) from error

    return wrapper  # type: ignore[return-value]


@contextmanager
def opened_store(settings: Settings) -> Iterator[Store]:
    """The configured store, closed afterwards; a locked on-disk store gets a clear message."""
    try:
        store = open_store(settings)
    except OSError as error:
        raise StoreUnavailable(
            f"cannot open the store at {settings.data_dir} ({error}); is `kg serve` running on it?"
        ) from error
    try:
        yield store
    finally:
        store.close()


@contextmanager
def progress_steps(total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar advanced by each named step."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        task = progress.add_task("starting", total=total)

        def step(description: str) -> None:
            progress.update(task, description=description, advance=1)

        yield step


def print_counts(title: str, counts: dict[str, int]) -> None:
    """A two-column table of counts."""
    table = Table(title=title, show_header=False)
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)


@app.command("build")
@reports_errors
def build_command(
    drop_enrichment: Annotated[
        bool,
        typer.Option("--drop-enrichment", help="Drop the facts fetched by `kg enrich` (kept by default)."),
    ] = False,
    reason: Annotated[bool, typer.Option("--reason", help=REASON_HELP)] = False,
) -> None:
    """Compile seeds, facts and ontology, check quotes and shapes, and load the store (idempotent)."""
    settings = get_settings()
    with opened_store(settings) as store, progress_steps(BUILD_STEPS + reason) as step:
        built = build(settings, store, step, keep_enrichment=not drop_enrichment, reason=reason)
        graph_counts = store.graph_counts()
    print_counts("Built", built.counts)
    print_counts("Triples per named graph", graph_counts)
    if built.consistency:
        console.print(built.consistency.text(), highlight=False)


@app.command("validate")
@reports_errors
def validate_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Turtle files to check (default: the authored facts).")
    ] = None,
    reason: Annotated[bool, typer.Option("--reason", help=REASON_HELP)] = False,
) -> None:
    """Check data against the SHACL shapes (and OWL consistency): exit 0 ok, 1 violations, 2 bad input."""
    settings = get_settings()
    if not files:
        with progress_steps(BUILD_STEPS + reason) as step:
            built = assemble(settings, step, reason=reason)  # ValidationFailed or Inconsistent: exit 1
        console.print("[green]Conforms:[/] the authored facts pass every shape.")
        if built.consistency:
            console.print(built.consistency.text(), highlight=False)
        return
    for path in files:
        if not path.exists():
            raise InputError("file not found", file=str(path))
    ontology = parse_turtle_files(sorted(settings.ontology_dir.glob("*.ttl")))
    data = parse_turtle_files(files)
    if reason:  # raises Inconsistent (exit 1) with what HermiT found
        console.print(require_consistency([ontology, data]).text(), highlight=False)
    report = validate(data, load_shapes(settings.shapes_dir), ontology)
    if not report.conforms:
        console.print(report.text, highlight=False, markup=False)
        raise typer.Exit(1)
    console.print(f"[green]Conforms:[/] {', '.join(map(str, files))}")


@app.command("query")
@reports_errors
def query_command(
    query: Annotated[str, typer.Argument(help="A SPARQL query, or the path of a .rq file.")],
    output: Annotated[str, typer.Option("--format", "-f", help="table, csv, tsv or json.")] = "table",
) -> None:
    """Run a SPARQL query over all graphs and print the answer."""
    media_types = {
        "csv": "text/csv",
        "tsv": "text/tab-separated-values",
        "json": "application/sparql-results+json",
    }
    if output not in (*media_types, "table"):
        raise InputError(f"unknown format '{output}' (table, csv, tsv or json)")
    path = Path(query)
    text = path.read_text(encoding="utf-8") if path.suffix == ".rq" and path.exists() else query
    with opened_store(get_settings()) as store:
        if output != "table":
            sys.stdout.write(store.query_bytes(text, media_types[output]).decode("utf-8"))
            return
        answer = json.loads(store.query_bytes(text))
    print_answer(answer)


def print_answer(answer: dict[str, Any]) -> None:
    """A SPARQL JSON answer as a table with prefixed names."""
    if "boolean" in answer:
        console.print("yes" if answer["boolean"] else "no")
        return
    names = answer["head"]["vars"]
    table = Table(*names, show_lines=False)
    for row in answer["results"]["bindings"]:
        table.add_row(*(shorten(row[name]) if name in row else "" for name in names))
    console.print(table)
    console.print(f"{len(answer['results']['bindings'])} rows")


def shorten(binding: dict[str, str]) -> str:
    """An IRI as prefix:name where a project prefix fits; literals as their text.

    >>> shorten({"type": "uri", "value": "https://w3id.org/syria-kg/id/russia"})
    'res:russia'
    """
    value = binding["value"]
    if binding["type"] == "uri":
        for prefix, namespace in PREFIXES.items():
            if value.startswith(str(namespace)):
                return f"{prefix}:{value[len(str(namespace)) :]}"
        return f"<{value}>"
    return value


@app.command("export")
@reports_errors
def export_command(
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"One of {', '.join(RDF_FORMATS)}.")
    ] = "trig",
    graph: Annotated[str | None, typer.Option(help="IRI of one named graph.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = None,
) -> None:
    """Write the store (or one graph) as Turtle, N-Quads, TriG, JSON-LD, N-Triples or RDF/XML."""
    if output_format not in RDF_FORMATS:
        raise InputError(f"unknown format '{output_format}' (one of {', '.join(RDF_FORMATS)})")
    with opened_store(get_settings()) as store:
        data = store.export(output_format, graph)
    if output:
        output.write_bytes(data)
        errors.print(f"wrote {len(data):,} bytes to {output}")
    else:
        sys.stdout.buffer.write(data)


STATS_QUERIES = {
    "Entities by type": """PREFIX kg: <https://w3id.org/syria-kg/ontology#>
SELECT ?key (COUNT(DISTINCT ?e) AS ?n) WHERE {
  GRAPH <https://w3id.org/syria-kg/graph/entities> { ?e a ?type }
  BIND (STRAFTER(STR(?type), "#") AS ?key)
} GROUP BY ?key ORDER BY DESC(?n) ?key""",
    "Statements by stance": """PREFIX kg: <https://w3id.org/syria-kg/ontology#>
SELECT ?key (COUNT(?s) AS ?n) WHERE { ?s a kg:Statement ; kg:stance ?stance BIND (STRAFTER(STR(?stance), "#") AS ?key) }
GROUP BY ?key ORDER BY DESC(?n)""",
    "Statements by relation type": """PREFIX kg: <https://w3id.org/syria-kg/ontology#>
SELECT ?key (COUNT(?s) AS ?n) WHERE { ?s a kg:Statement ; kg:relationType ?t BIND (STRAFTER(STR(?t), "relation-type/") AS ?key) }
GROUP BY ?key ORDER BY DESC(?n) ?key""",
}


@app.command("stats")
@reports_errors
def stats_command() -> None:
    """Counts of triples per graph, entities per type, statements per stance and relation type."""
    with opened_store(get_settings()) as store:
        print_counts("Triples per named graph", store.graph_counts())
        for title, sparql in STATS_QUERIES.items():
            rows = store.select(sparql)
            print_counts(title, {row["key"]["value"]: int(row["n"]["value"]) for row in rows})


@app.command("ingest")
@reports_errors
def ingest_command(
    facts: Annotated[Path, typer.Argument(help="Facts of the new source (YAML, as in kg/data/sources/).")],
    text: Annotated[Path, typer.Argument(help="The source's text (UTF-8).")],
) -> None:
    """Add a new source: resolve names, verify quotes, validate the change, commit it in one transaction."""
    for path in (facts, text):
        if not path.is_file():
            raise InputError("file not found", file=str(path))
    with opened_store(get_settings()) as store:
        report = ingest(get_settings(), store, facts, text)
    print_ingest_report(report)


def print_ingest_report(report: IngestReport) -> None:
    """What an ingest (or an import) changed."""
    summary = report.summary
    print_counts(
        f"Ingested {summary.source_id}",
        {
            "new entities": len(summary.new_entities),
            "statements": summary.statements,
            "corroborations": summary.corroborations,
            "contradictions": summary.contradictions,
            "events": summary.events,
            "quantities": summary.quantities,
            "derived triples added": report.derived_added,
            "inferred triples added": report.inferred_added,
        },
    )
    if summary.new_entities:
        console.print("New entities: " + ", ".join(summary.new_entities))
    console.print("Files: " + ", ".join(report.files))


@app.command("retract")
@reports_errors
def retract_command(source: Annotated[str, typer.Argument(help="Id of the source to remove.")]) -> None:
    """Remove a source and what was derived from it, leaving the rest exactly as it was."""
    with opened_store(get_settings()) as store:
        report = retract(get_settings(), store, source)
    print_counts(
        f"Retracted {source}",
        {
            "derived triples removed": report.derived_removed,
            "inferred triples removed": report.inferred_removed,
        },
    )
    console.print("Files removed: " + (", ".join(report.files) or "none"))


@app.command("history")
@reports_errors
def history_command() -> None:
    """List the recorded builds, ingests and retractions, oldest first."""
    with opened_store(get_settings()) as store:
        rows = history(store)
    table = Table("when", "what", "files")
    for row in rows:
        table.add_row(row["when"], row["label"], row.get("files", ""))
    console.print(table)


@app.command("serve")
@reports_errors
def serve_command(
    memory: Annotated[bool, typer.Option("--memory", help="Serve from memory (built at start).")] = False,
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the SPARQL endpoint and the graph browser (builds the graph first if the store is empty)."""
    settings = get_settings()
    environment = {**os.environ, **({"KG_MEMORY": "true"} if memory else {})}
    # The supervisor restarts the server if Oxigraph aborts the process (see api/supervisor.py); it runs as a
    # separate program so that kg never imports api.
    command = [sys.executable, "-m", "api.supervisor", "--host", host or settings.host]
    command += ["--port", str(port or settings.port)]
    raise typer.Exit(subprocess.call(command, env=environment))


# Commands of the other areas register themselves on the same app (their modules import this one).
from kg import cli_analytics, cli_growth, cli_linking  # noqa: E402

cli_analytics.register(app)
cli_growth.register(app)
cli_linking.register(app)

if __name__ == "__main__":
    app()
