"""`kg export`: write the store, or one named graph, in an RDF syntax."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import choices, errors, opened_store, reports_errors
from kg.formats import names
from kg.settings import get_settings

ExportFormat = choices("ExportFormat", names("graph"))


@reports_errors
def export_command(
    output_format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="The RDF syntax to write.")
    ] = "trig",
    graph: Annotated[str | None, typer.Option(help="IRI of one named graph.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = None,
) -> None:
    """Write the store (or one graph) as Turtle, N-Quads, TriG, JSON-LD, N-Triples or RDF/XML."""
    with opened_store(get_settings()) as store:
        data = store.export(output_format, graph)
    if output:
        output.write_bytes(data)
        errors.print(f"wrote {len(data):,} bytes to {output}")
    else:
        sys.stdout.buffer.write(data)


def register(app: typer.Typer) -> None:
    """Add `export` to the `kg` command line."""
    app.command("export")(export_command)
