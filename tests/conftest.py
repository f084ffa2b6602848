"""Shared fixtures: settings pointing at temporary folders, and one built store for the session."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import copy_project, invoke

from kg.build import BuiltGraph, build
from kg.settings import PROJECT_DIR, Settings, get_settings
from kg.store import EmbeddedStore

# Real servers (uvicorn with the embedded store, oxigraph serve as a remote store) for the API tests.
pytest_plugins = ["api_fixtures", "browser_fixtures"]


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
