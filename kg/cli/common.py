"""What every `kg` command shares: the consoles, error reporting, the store, progress, tables, choices.

The command modules import this one and never each other or `kg.cli` itself, so there is no import cycle.
"""

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.errors import KGError, StoreUnavailable
from kg.formats import Kind, formats, named, names
from kg.ingest import IngestReport
from kg.settings import Settings
from kg.store import Store, open_store

console = Console(soft_wrap=True)  # lines are never folded: output is read by people and by scripts
errors = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])
BUILD_STEPS = 7
REASON_HELP = "Also check the ontology and data for consistency with HermiT (needs Java; ~10 s)."
FACTS_SUFFIXES = (".yaml", ".yml")


def choices(name: str, values: Iterable[str]) -> type[StrEnum]:
    """The values an option accepts, as an enum: Typer refuses any other value (exit 2) and lists them in --help.

    Its members are strings, so a command compares and looks them up as it would the plain value.

    >>> Format = choices("Format", ("table", "json"))
    >>> [str(member) for member in Format], Format("json") == "json"
    (['table', 'json'], True)
    """
    return StrEnum(name, {value: value for value in values})  # type: ignore[return-value]


class FormatName:
    """Parses `--format` as `format=` is parsed over HTTP (api/negotiation.py): a format of a kind in
    kg/formats.py by name, alias or media type, in any case. The command receives the format's name; any other
    value is refused (exit 2) with the names listed, as `choices` does.

    >>> FormatName("graph")("TTL"), FormatName("graph")("application/n-triples")
    ('turtle', 'ntriples')
    """

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.names = names(kind)

    def __call__(self, value: str) -> str:
        found = named(self.kind, value)
        if found is None:
            raise ValueError(f"{value!r} is not one of {', '.join(map(repr, self.names))}.")
        return found.name

    @property
    def metavar(self) -> str:
        return "|".join(self.names)

    @property
    def aliases(self) -> str:
        """The other names of the formats, for --help: `ttl, nt, nq, …`."""
        return ", ".join(alias for fmt in formats(self.kind) for alias in fmt.aliases)


def reports_errors(command: F) -> F:
    """Turn project errors into a readable message and the right exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KGError as error:
            # escaped: a message quotes the analyst's text, whose brackets are not markup
            errors.print(
                f"[bold red]error:[/] {escape(str(error))}", highlight=False, markup=True, soft_wrap=True
            )
            raise typer.Exit(error.exit_code) from error

    return wrapper  # type: ignore[return-value]


@contextmanager
def opened_store(settings: Settings) -> Iterator[Store]:
    """The configured store, closed afterwards; a locked on-disk store gets a clear message."""
    try:
        store = open_store(settings)
    except OSError as error:
        # The on-disk store admits one process: a running `kg serve` holds it until it stops.
        raise StoreUnavailable(
            f"cannot open the store at {settings.data_dir} ({error}); is `kg serve` running on it? Then "
            f"query it over HTTP (curl http://{settings.host}:{settings.port}/sparql "
            "--data-urlencode 'query=...'), or work beside it: `kg serve --memory` leaves the on-disk store "
            "free, and KG_MEMORY=true or another KG_DATA_DIR gives a command a store of its own"
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


def print_ingest_report(report: IngestReport) -> None:
    """What an ingest (or an import) changed: one summary line, then the new entities and the files written."""
    print_warnings(report.summary.warnings)
    console.print(ingest_summary_line(report), highlight=False)
    details = {"derived triples added": report.derived_added, "inferred triples added": report.inferred_added}
    console.print(" · ".join(f"{name} {count:,}" for name, count in details.items()), highlight=False)
    if report.summary.new_entities:
        console.print("New entities: " + ", ".join(report.summary.new_entities), highlight=False)
    console.print("Files: " + ", ".join(report.files), highlight=False)


def print_warnings(warnings: Iterable[str]) -> None:
    """What the compiler accepted but the analyst should know (a quote matched after folding punctuation)."""
    for warning in warnings:
        errors.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, markup=True, soft_wrap=True)


def ingest_summary_line(report: IngestReport) -> str:
    """`Ingested ID: new entities 1 · statements 3 · …`, events and quantities only when there are some."""
    summary = report.summary
    counts = {
        "new entities": len(summary.new_entities),
        "statements": summary.statements,
        "corroborations": summary.corroborations,
        "contradictions": summary.contradictions,
    }
    counts |= {name: n for name, n in (("events", summary.events), ("quantities", summary.quantities)) if n}
    return f"Ingested {summary.source_id}: " + " · ".join(f"{name} {n:,}" for name, n in counts.items())
