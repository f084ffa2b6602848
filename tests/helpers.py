"""Helpers shared by the CLI-level tests: run `kg` in-process, export the store, copy the project's inputs."""

import shutil
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()
PROJECT_INPUTS = ("ontology", "seeds", "kg/data")


def invoke(*args: str) -> tuple[int, str]:
    """Run a `kg` command in this process; its exit code and output."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def export_without_history() -> list[str]:
    """Every quad of the store, sorted, but the history graph (each build or ingest records itself there)."""
    code, output = invoke("export", "--format", "nquads")
    assert code == 0, output
    return sorted(line for line in output.splitlines() if "graph/history" not in line)


def copy_project(project_dir: Path, target: Path) -> Path:
    """A copy of the inputs a build reads (ontology, seeds, authored facts)."""
    for folder in PROJECT_INPUTS:
        shutil.copytree(project_dir / folder, target / folder)
    return target
