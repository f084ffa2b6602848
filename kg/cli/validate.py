"""`kg validate`: check the authored facts, or given Turtle files, against the SHACL shapes."""

from pathlib import Path
from typing import Annotated

import typer

from kg.build import assemble
from kg.cli.common import (
    BUILD_STEPS,
    FACTS_SUFFIXES,
    REASON_HELP,
    console,
    print_warnings,
    progress_steps,
    reports_errors,
)
from kg.consistency import require_consistency
from kg.errors import InputError
from kg.note_audit import audit_notes
from kg.rdfio import parse_turtle_files
from kg.settings import Settings, get_settings
from kg.validate import load_shapes, validate


@reports_errors
def validate_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Turtle files to check (default: the authored facts).")
    ] = None,
    reason: Annotated[bool, typer.Option("--reason", help=REASON_HELP)] = False,
    notes: Annotated[
        bool, typer.Option("--notes", help="List the notes that state facts no structure carries instead.")
    ] = False,
) -> None:
    """Check data against the SHACL shapes (and OWL consistency), or notes: 0 ok, 1 violations, 2 bad input."""
    settings = get_settings()
    if notes:
        report_notes(settings, files or [])
        return
    if not files:
        check_authored_facts(settings, reason)
        console.print("[green]Conforms:[/] the authored facts pass every shape.")
        return
    for path in files:
        if not path.exists():
            raise InputError("file not found", file=str(path))
    facts_files = [path for path in files if path.suffix in FACTS_SUFFIXES]
    if facts_files:
        validate_facts_files(settings, facts_files, others=len(files) - len(facts_files), reason=reason)
        return
    ontology = parse_turtle_files(sorted(settings.ontology_dir.glob("*.ttl")))
    data = parse_turtle_files(files)
    if reason:  # raises Inconsistent (exit 1) with what HermiT found
        console.print(require_consistency([ontology, data]).text(), highlight=False)
    report = validate(data, load_shapes(settings.shapes_dir), ontology)
    if not report.conforms:
        console.print(report.text, highlight=False, markup=False)
        raise typer.Exit(1)
    console.print(f"[green]Conforms:[/] {', '.join(map(str, files))}")


def report_notes(settings: Settings, files: list[Path]) -> None:
    """Print the notes of the authored facts (and of `files`, facts files of new sources) that state facts."""
    for path in files:
        if not path.is_file() or path.suffix not in FACTS_SUFFIXES:
            raise InputError("--notes reads facts files (.yaml)", file=str(path))
    outside = [path for path in files if not path.resolve().is_relative_to(settings.facts_dir.resolve())]
    findings = audit_notes(settings.facts_dir, outside)
    for finding in findings:
        console.print(str(finding), highlight=False, markup=False)
    if findings:
        console.print(
            f"[yellow]{len(findings)} finding(s)[/]: move each fact into a statement, event or quantity."
        )
        raise typer.Exit(1)
    console.print("[green]No note states a fact[/] that the structure does not carry.")


def check_authored_facts(settings: Settings, reason: bool) -> None:
    """Compile and check the authored facts; ValidationFailed or Inconsistent (exit 1) with the report."""
    with progress_steps(BUILD_STEPS + reason) as step:
        built = assemble(settings, step, reason=reason)
    print_warnings(built.warnings)
    if built.consistency:
        console.print(built.consistency.text(), highlight=False)


def validate_facts_files(settings: Settings, files: list[Path], *, others: int, reason: bool) -> None:
    """Facts files (YAML) are checked as what they are: the authored facts, compiled and validated together."""
    facts_dir = settings.facts_dir.resolve()
    outside = [path for path in files if not path.resolve().is_relative_to(facts_dir)]
    if outside or others:
        raise InputError(
            f"{(outside or files)[0]} is a facts file: give Turtle files, or run `kg validate` alone to check "
            f"the authored facts in {settings.facts_dir} together; a new source's facts are checked by "
            "`kg ingest FACTS.yaml TEXT`, which changes nothing when they fail"
        )
    check_authored_facts(settings, reason)
    names = ", ".join(map(str, files))
    console.print(
        f"[green]Conforms:[/] {names}, checked with the other authored facts (they refer to each other)."
    )


def register(app: typer.Typer) -> None:
    """Add `validate` to the `kg` command line."""
    app.command("validate")(validate_command)
