"""`kg coverage` (docs/coverage.md and the generated blocs section of docs/analytics.md) and `kg sample`."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import errors, opened_store, reports_errors
from kg.coverage import (
    DEFAULT_SAMPLE_SEED,
    DEFAULT_SAMPLE_SIZE,
    blocs_markdown,
    coverage_markdown,
    read_graph,
    sample_markdown,
    with_blocs_section,
)
from kg.errors import InputError
from kg.settings import get_settings

COVERAGE_DOC = Path("docs/coverage.md")
ANALYTICS_DOC = Path("docs/analytics.md")

SizeOption = Annotated[int, typer.Option("--size", "-n", min=1, help="How many statements to draw.")]
SeedOption = Annotated[
    int, typer.Option("--seed", help="Seed of the random draw: the same seed, the same sample.")
]


def register(app: typer.Typer) -> None:
    """Add `coverage` and `sample` to the `kg` command line."""
    app.command("coverage")(reports_errors(coverage_command))
    app.command("sample")(reports_errors(sample_command))


def generated_documents(project: Path) -> dict[Path, str]:
    """What docs/coverage.md and docs/analytics.md should hold for the built graph."""
    with opened_store(get_settings()) as store:
        coverage = coverage_markdown(store)
        blocs = blocs_markdown(store)
    analytics = with_blocs_section((project / ANALYTICS_DOC).read_text(encoding="utf-8"), blocs)
    return {COVERAGE_DOC: coverage, ANALYTICS_DOC: analytics}


def coverage_command(
    write: Annotated[
        bool, typer.Option("--write", help="Write the files instead of printing the coverage.")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when a committed file differs from what the graph gives.")
    ] = False,
) -> None:
    """Write docs/coverage.md (the 28 pairs of core actors, totals, a sample) and the blocs section of analytics.md.

    Without an option it prints docs/coverage.md as the built graph gives it.
    """
    if write and check:
        raise InputError("--write and --check exclude each other")
    project = get_settings().project_dir
    documents = generated_documents(project)
    if not (write or check):
        sys.stdout.write(documents[COVERAGE_DOC])
        return
    stale = [path for path, text in documents.items() if _read(project / path) != text]
    if check:
        for path in stale:
            errors.print(f"{path} differs from what the graph gives: run `kg coverage --write`")
        raise typer.Exit(1 if stale else 0)
    for path in stale:
        (project / path).write_text(documents[path], encoding="utf-8")
        errors.print(f"wrote {path}")


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def sample_command(size: SizeOption = DEFAULT_SAMPLE_SIZE, seed: SeedOption = DEFAULT_SAMPLE_SEED) -> None:
    """Print a random sample of statements for review: triple, stance, speaker, dates, sources, quote."""
    with opened_store(get_settings()) as store:
        sys.stdout.write(sample_markdown(read_graph(store), size, seed))
