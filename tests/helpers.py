"""Helpers shared by the CLI-level tests: run `kg` in-process, export the store, copy the project's inputs."""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.settings import PROJECT_DIR, get_settings

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


SEED = "000_d738c459d04f11ab"


def copy_project(project_dir: Path, target: Path, *, sources: tuple[str, ...] | None = None) -> Path:
    """A copy of the inputs a build reads (ontology, seeds, authored facts); with `sources`, only those sources
    (by file stem: a seed text and its facts) are kept, for tests whose expected answers are one report's."""
    for folder in PROJECT_INPUTS:
        shutil.copytree(project_dir / folder, target / folder)
    if sources is not None:
        for folder, suffix in (("seeds", ".txt"), ("kg/data/sources", ".yaml")):
            for path in (target / folder).glob(f"*{suffix}"):
                if path.stem not in sources:
                    path.unlink()
    return target


FOLLOW_UP_FIXTURES = PROJECT_DIR / "tests" / "data" / "ingest"
FOLLOW_UP_REPORTS = (
    "901_damascus_taken",
    "902_new_names_and_offers",
    "903_assad_in_moscow",
    "904_golan_buffer_zone",
)


@contextmanager
def project_with_follow_ups(root: Path) -> Iterator[Path]:
    """A copy of the project under `root`, built, with the four follow-up reports ingested in order; the `kg`
    command (`invoke`) works on it while the context lasts."""
    copy = copy_project(PROJECT_DIR, root / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_PROJECT_DIR", str(copy))
        patch.setenv("KG_DATA_DIR", str(root / "store"))
        get_settings.cache_clear()
        code, output = invoke("build")
        assert code == 0, output
        for report in FOLLOW_UP_REPORTS:
            facts, text = FOLLOW_UP_FIXTURES / f"{report}.yaml", FOLLOW_UP_FIXTURES / f"{report}.txt"
            code, output = invoke("ingest", str(facts), str(text))
            assert code == 0, f"{report}: {output}"
        yield copy
    get_settings.cache_clear()


# An event placed at an actor: the facts compile (assad-regime is an entity), but kg:place must be a kg:Place,
# which only the store knows the Assad regime is not: the SHACL check of the change reads its types.
EVENT_AT_AN_ACTOR = """
events:
  - id: test-clash-at-an-actor
    type: ArmedClash
    label: {en: Test clash placed at an actor}
    time: {at: 2024-12-07}
    place: assad-regime
    agents: [test-brigade]
    stance: reported
    by: syrian-observatory-for-human-rights
    quote: a new group, the Test Brigade, had joined the fighting near Hama
"""
