"""`kg build`: compile the authored facts, seeds and ontology, check them, and load the store."""

from typing import Annotated

import typer

from kg.build import build
from kg.cli.common import (
    BUILD_STEPS,
    REASON_HELP,
    console,
    opened_store,
    print_counts,
    print_warnings,
    progress_steps,
    reports_errors,
)
from kg.settings import get_settings


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
    print_warnings(built.warnings)
    print_counts("Built", built.counts)
    print_counts("Triples per named graph", graph_counts)
    if built.consistency:
        console.print(built.consistency.text(), highlight=False)


def register(app: typer.Typer) -> None:
    """Add `build` to the `kg` command line."""
    app.command("build")(build_command)
