"""`kg import-acled` and `kg import-ucdp`: new sources from dataset exports (`kg mentions`: cli/mentions.py)."""

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import opened_store, print_ingest_report, reports_errors
from kg.importers import import_export
from kg.settings import get_settings

SOURCE_ID_OPTION = typer.Option("--id", help="Id of the new source (file name of seeds/<id>.csv).")
TITLE_OPTION = typer.Option(help="Title of the source (default: the dataset and the file name).")
DATE_OPTION = typer.Option(
    help="Date of the export, YYYY-MM-DD (default: the newest date in the file, which it cannot predate)."
)
URL_OPTION = typer.Option(help="Where the export was downloaded from.")


def run_import(
    dataset: str, csv_file: Path, source_id: str, title: str | None, date: str | None, url: str | None
) -> None:
    """Import one dataset export as a new source and print what changed."""
    settings = get_settings()
    with opened_store(settings) as store:
        report = import_export(settings, store, dataset, csv_file, source_id, title=title, date=date, url=url)
    print_ingest_report(report)


@reports_errors
def import_acled_command(
    csv_file: Annotated[Path, typer.Argument(help="An ACLED export (CSV with ACLED's header).")],
    source_id: Annotated[str, SOURCE_ID_OPTION],
    title: Annotated[str | None, TITLE_OPTION] = None,
    date: Annotated[str | None, DATE_OPTION] = None,
    url: Annotated[str | None, URL_OPTION] = None,
) -> None:
    """Import an ACLED export: one event and one death figure per row, all rows or none."""
    run_import("acled", csv_file, source_id, title, date, url)


@reports_errors
def import_ucdp_command(
    csv_file: Annotated[Path, typer.Argument(help="A UCDP GED export (CSV with GED's header).")],
    source_id: Annotated[str, SOURCE_ID_OPTION],
    title: Annotated[str | None, TITLE_OPTION] = None,
    date: Annotated[str | None, DATE_OPTION] = None,
    url: Annotated[str | None, URL_OPTION] = None,
) -> None:
    """Import a UCDP GED export: one event and one death figure per row, all rows or none."""
    run_import("ucdp", csv_file, source_id, title, date, url)


def register(app: typer.Typer) -> None:
    """Add `import-acled` and `import-ucdp` to the `kg` command line."""
    app.command("import-acled")(import_acled_command)
    app.command("import-ucdp")(import_ucdp_command)
