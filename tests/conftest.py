"""Shared fixtures: settings pointing at temporary folders, and one built store for the session."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import copy_project, invoke

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


@pytest.fixture
def project_copy(project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the project's inputs, with the CLI's settings pointed at it and at a fresh, empty store."""
    copy = copy_project(project_dir, tmp_path / "project")
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
