"""Shared fixtures: settings pointing at temporary folders, and one built store for the session."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import SEED, copy_project, invoke

from kg.build import BuiltGraph, build
from kg.settings import PROJECT_DIR, Settings, get_settings
from kg.store import EmbeddedStore

# Real servers (uvicorn with the embedded store, oxigraph serve as a remote store) for the API tests.
pytest_plugins = ["api_fixtures", "browser_fixtures"]

# CI (`.ci/run`) sets this: a skipped test fails the run, so no module can quietly stop being tested.
FAIL_ON_SKIP = "KG_TEST_FAIL_ON_SKIP"


def skipped_reports(config: pytest.Config) -> list[pytest.TestReport]:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return reporter.stats.get("skipped", []) if reporter else []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With KG_TEST_FAIL_ON_SKIP set, a run that skipped any test fails."""
    if os.environ.get(FAIL_ON_SKIP) and skipped_reports(session.config):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Say why a run with skipped tests failed under KG_TEST_FAIL_ON_SKIP."""
    skipped = skipped_reports(config)
    if os.environ.get(FAIL_ON_SKIP) and skipped:
        terminalreporter.write_sep(
            "=", f"FAILED: {len(skipped)} tests skipped while {FAIL_ON_SKIP} is set", red=True
        )


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT_DIR


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="session")
def built(settings: Settings) -> Iterator[tuple[EmbeddedStore, BuiltGraph]]:
    store = EmbeddedStore(None)
    yield store, build(settings, store)
    store.close()


@pytest.fixture(scope="session")
def store(built: tuple[EmbeddedStore, BuiltGraph]) -> EmbeddedStore:
    return built[0]


@pytest.fixture(scope="session")
def seed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project whose one source is the seed report: for tests whose expected answers (blocs, diffs,
    placements explained by its quotes) are the seed's alone."""
    return copy_project(PROJECT_DIR, tmp_path_factory.mktemp("seed") / "project", sources=(SEED,))


@pytest.fixture(scope="session")
def seed_store(seed_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """The seed-only project, built into an in-memory store once for the session."""
    store = EmbeddedStore(None)
    build(Settings(project_dir=seed_project, data_dir=tmp_path_factory.mktemp("seed-store")), store)
    yield store
    store.close()


@pytest.fixture
def project_copy(
    project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """A copy of the project's inputs, with the CLI's settings pointed at it and at a fresh, empty store.

    A test marked `seed_only` gets the seed report as its only source: tests of ingest, amend, retract and names
    whose fixtures build on the seed alone (their build then takes a third of the time)."""
    sources = (SEED,) if request.node.get_closest_marker("seed_only") else None
    copy = copy_project(project_dir, tmp_path / "project", sources=sources)
    monkeypatch.setenv("KG_PROJECT_DIR", str(copy))
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path / "store"))
    get_settings.cache_clear()
    yield copy
    get_settings.cache_clear()


@pytest.fixture
def project(project_copy: Path) -> Path:
    """`project_copy` with its store built (`kg build`)."""
    assert invoke("build")[0] == 0
    return project_copy
