"""`kg validate`: check the authored facts, or given Turtle files, against the SHACL shapes."""

from pathlib import Path
from typing import Annotated

import typer

from kg.build import assemble
from kg.cli.common import BUILD_STEPS, FACTS_SUFFIXES, console, progress_steps, reports_errors
from kg.errors import InputError
from kg.rdfio import parse_turtle_files
from kg.settings import Settings, get_settings
from kg.validate import load_shapes, validate


@reports_errors
def validate_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Turtle files to check (default: the authored facts).")
    ] = None,
) -> None:
    """Check data against the SHACL shapes: exit 0 conforms, 1 violations, 2 unreadable input."""
    settings = get_settings()
    if not files:
        with progress_steps(BUILD_STEPS) as step:
            assemble(settings, step)  # raises ValidationFailed (exit 1) with the report
        console.print("[green]Conforms:[/] the authored facts pass every shape.")
        return
    for path in files:
        if not path.exists():
            raise InputError("file not found", file=str(path))
    facts_files = [path for path in files if path.suffix in FACTS_SUFFIXES]
    if facts_files:
        validate_facts_files(settings, facts_files, others=len(files) - len(facts_files))
        return
    ontology = parse_turtle_files(sorted(settings.ontology_dir.glob("*.ttl")))
    report = validate(parse_turtle_files(files), load_shapes(settings.shapes_dir), ontology)
    if not report.conforms:
        console.print(report.text, highlight=False, markup=False)
        raise typer.Exit(1)
    console.print(f"[green]Conforms:[/] {', '.join(map(str, files))}")


def validate_facts_files(settings: Settings, files: list[Path], *, others: int) -> None:
    """Facts files (YAML) are checked as what they are: the authored facts, compiled and validated together."""
    facts_dir = settings.facts_dir.resolve()
    outside = [path for path in files if not path.resolve().is_relative_to(facts_dir)]
    if outside or others:
        raise InputError(
            f"{(outside or files)[0]} is a facts file: give Turtle files, or run `kg validate` alone to check "
            f"the authored facts in {settings.facts_dir} together; a new source's facts are checked by "
            "`kg ingest FACTS.yaml TEXT`, which changes nothing when they fail"
        )
    with progress_steps(BUILD_STEPS) as step:
        assemble(settings, step)  # raises ValidationFailed (exit 1) with the report
    names = ", ".join(map(str, files))
    console.print(
        f"[green]Conforms:[/] {names}, checked with the other authored facts (they refer to each other)."
    )


def register(app: typer.Typer) -> None:
    """Add `validate` to the `kg` command line."""
    app.command("validate")(validate_command)
