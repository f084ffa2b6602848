"""`kg ingest`, `kg retract`, `kg history` and `kg recover`: add a source in one transaction, remove it exactly,
list both, finish or undo one a crash interrupted."""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kg.cli.common import (
    FACTS_SUFFIXES,
    choices,
    console,
    opened_store,
    print_counts,
    print_ingest_report,
    reports_errors,
)
from kg.errors import InputError
from kg.history import history
from kg.ingest import ingest, retract
from kg.journal import recover
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


HistoryFormat = choices("HistoryFormat", ("table", "json"))


@reports_errors
def history_command(
    output: Annotated[
        HistoryFormat, typer.Option("--format", "-f", help="A table (ids wrap, never cut) or JSON.")
    ] = "table",  # type: ignore[assignment]
) -> None:
    """List the recorded builds, ingests, amends and retractions, oldest first, with the files each wrote."""
    with opened_store(get_settings()) as store:
        rows = history(store)
    if output == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    # A long id or path folds onto the next line rather than losing its end; a short label stays on one line.
    labels = [len(str(row["label"])) for row in rows]
    table = Table("when", "what", "files")
    for column in table.columns:
        column.overflow = "fold"
    table.columns[1].min_width = min(max(labels, default=4), max(10, console.width - 60))
    for row in rows:
        files = row["files"]
        assert isinstance(files, list)
        table.add_row(str(row["when"]), str(row["label"]), "\n".join(file["path"] for file in files))
    console.print(table)


@reports_errors
def recover_command() -> None:
    """Finish or undo an ingest, amend or retraction a crash interrupted (the next command does it too)."""
    with opened_store(get_settings()) as store:
        done = recover(get_settings(), store)
    if not done:
        console.print("Nothing to recover: the repository and the store are in step.")


def register(app: typer.Typer) -> None:
    """Add `ingest`, `retract`, `history` and `recover` to the `kg` command line."""
    app.command("ingest")(ingest_command)
    app.command("retract")(retract_command)
    app.command("history")(history_command)
    app.command("recover")(recover_command)
