"""Repository and store in step: `kg ingest` and `kg retract` killed (SIGKILL) at every named step of their unit,
then recovered by the next command; the repository and the store agree, and a rebuild gives the same graph."""

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
from helpers import export_without_history, invoke
from processes import program

from kg.journal import CRASH_VARIABLE, JOURNAL_FOLDER, STEPS
from kg.settings import get_settings

# The fixtures below build on the seed's entities: the project copy keeps the seed as its only source.
pytestmark = pytest.mark.seed_only

FIXTURES = Path(__file__).parent / "data" / "ingest"
FACTS, TEXT = FIXTURES / "900_test_report.yaml", FIXTURES / "900_test_report.txt"
SOURCE = "900_test_report"
SOURCE_GRAPH = f"https://w3id.org/syria-kg/graph/source/{SOURCE}"


def kg(*args: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed `kg` in its own process (settings from this test's environment)."""
    env = {key: value for key, value in os.environ.items() if key != CRASH_VARIABLE}
    if crash_at is not None:
        env[CRASH_VARIABLE] = crash_at
    return subprocess.run([program("kg"), *args], env=env, capture_output=True, text=True, timeout=600)


def source_in_store() -> bool:
    code, output = invoke(
        "query",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SOURCE_GRAPH}> {{ ?s ?p ?o }} }}",
        "--format",
        "json",
    )
    assert code == 0, output
    return int(json.loads(output)["results"]["bindings"][0]["n"]["value"]) > 0


def in_step(project: Path) -> bool:
    """Whether the source is in; fails unless the store, the two files and the README row all say the same."""
    in_store = source_in_store()
    facts = (project / f"kg/data/sources/{SOURCE}.yaml").exists()
    text = (project / f"seeds/{SOURCE}.txt").exists()
    row = f"`{SOURCE}.txt`" in (project / "seeds/README.md").read_text(encoding="utf-8")
    assert in_store == facts == text == row, f"store {in_store}, facts {facts}, text {text}, row {row}"
    assert not list(project.rglob("*.partial")), "a temporary file was left behind"
    assert not list((project / JOURNAL_FOLDER).glob("*")), "the journal was left behind"
    return in_store


def recovered(project: Path) -> str:
    """Run `kg recover`; what it said."""
    done = kg("recover")
    assert done.returncode == 0, done.stderr
    assert "recovered: the interrupted" in done.stderr, done.stderr + done.stdout
    return done.stderr


def ingest_records(project: Path) -> int:
    history_file = project / "kg/data/history.jsonl"
    lines = history_file.read_text(encoding="utf-8").splitlines() if history_file.exists() else []
    return sum(1 for line in lines if json.loads(line)["kind"] == "ingest")


@pytest.mark.timeout(900)  # up to four `kg` processes and two builds, on a shared machine
@pytest.mark.parametrize("step", STEPS)
def test_ingest_then_retract_killed_at_a_step_are_recovered_in_step(
    project: Path, step: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = export_without_history()
    killed = kg("ingest", str(FACTS), str(TEXT), crash_at=step)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert list((project / JOURNAL_FOLDER).glob("*.json")), "no journal to recover from"
    said = recovered(project)
    ingested = in_step(project)
    # Before the store update nothing can have committed; once it returned, everything must be finished.
    expected = {"before-copy": False, "after-copy": False, "after-commit": True, "during-readme-update": True}
    assert ingested == expected.get(step, ingested)
    assert ("had committed" in said) == ingested
    assert ingest_records(project) == int(ingested)
    state = export_without_history()
    if not ingested:  # the repository is as it was, and so is the store it was built into
        assert state == before
        return
    assert_rebuild_gives(state, tmp_path / "rebuilt", monkeypatch)

    killed = kg("retract", SOURCE, crash_at=step)  # a retract killed at the same step, recovered in turn
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    said = recovered(project)
    still_in = in_step(project)
    assert ("had committed" in said) != still_in
    assert export_without_history() == (state if still_in else before)
    if still_in:
        code, output = invoke("retract", SOURCE)
        assert code == 0, output
        assert not in_step(project)
    assert export_without_history() == before


def assert_rebuild_gives(state: list[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build from the repository alone gives the same graph, and keeps the ingest records."""
    store_dir = os.environ["KG_DATA_DIR"]
    monkeypatch.setenv("KG_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    code, output = invoke("build")
    assert code == 0, output
    assert export_without_history() == state
    code, output = invoke("history", "--format", "json")
    assert code == 0, output
    assert [row["label"] for row in json.loads(output)].count(f"ingest {SOURCE}") == 1
    monkeypatch.setenv("KG_DATA_DIR", store_dir)
    get_settings.cache_clear()


def test_the_next_ingest_finishes_an_interrupted_one_and_says_so(project: Path) -> None:
    assert kg("ingest", str(FACTS), str(TEXT), crash_at="after-commit").returncode == -signal.SIGKILL
    again = kg("ingest", str(FACTS), str(TEXT))
    assert "recovered: the interrupted ingest of 900_test_report had committed" in again.stderr
    assert again.returncode == 2 and "already in the store" in again.stdout + again.stderr
    assert in_step(project)
    nothing = kg("recover")
    assert nothing.returncode == 0 and "Nothing to recover" in nothing.stdout
