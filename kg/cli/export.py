"""`kg export`: write the store, or one named graph, in an RDF syntax."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import FormatName, errors, opened_store, reports_errors
from kg.settings import get_settings

EXPORT_FORMAT = FormatName("graph")


@reports_errors
def export_command(
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            parser=EXPORT_FORMAT,
            metavar=EXPORT_FORMAT.metavar,
            help=f"The RDF syntax to write: a name, or as format= over HTTP an alias ({EXPORT_FORMAT.aliases}) "
            "or a media type (text/turtle, application/n-quads …), in any case.",
        ),
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
