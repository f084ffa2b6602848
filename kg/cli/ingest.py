"""`kg ingest`, `kg retract` and `kg history`: add a source in one transaction, remove it exactly, list both."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kg.cli.common import (
    FACTS_SUFFIXES,
    console,
    opened_store,
    print_counts,
    print_ingest_report,
    reports_errors,
)
from kg.errors import InputError
from kg.history import history
from kg.ingest import ingest, retract
from kg.settings import get_settings


@reports_errors
def ingest_command(
    facts: Annotated[Path, typer.Argument(help="Facts of the new source (YAML, as in kg/data/sources/).")],
    text: Annotated[Path, typer.Argument(help="The source's text (UTF-8).")],
) -> None:
    """Add a new source: resolve names, verify quotes, validate the change, commit it in one transaction."""
    for path in (facts, text):
        if not path.is_file():
            raise InputError("file not found", file=str(path))
    if facts.suffix not in FACTS_SUFFIXES:
        swapped = " (the arguments look swapped)" if text.suffix in FACTS_SUFFIXES else ""
        raise InputError(
            f"the facts file comes first and is YAML{swapped}: kg ingest FACTS.yaml TEXT", file=str(facts)
        )
    with opened_store(get_settings()) as store:
        report = ingest(get_settings(), store, facts, text)
    print_ingest_report(report)


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


@reports_errors
def history_command() -> None:
    """List the recorded builds, ingests and retractions, oldest first."""
    with opened_store(get_settings()) as store:
        rows = history(store)
    table = Table("when", "what", "files")
    for row in rows:
        table.add_row(row["when"], row["label"], row.get("files", ""))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `ingest`, `retract` and `history` to the `kg` command line."""
    app.command("ingest")(ingest_command)
    app.command("retract")(retract_command)
    app.command("history")(history_command)
