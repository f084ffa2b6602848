"""The real application in-process (FastAPI's TestClient) on a given store and settings: no lifespan, no build."""

from collections.abc import Iterator

from fastapi.testclient import TestClient

from api.deps import app_settings, app_store
from api.main import app
from kg.settings import Settings
from kg.store import Store


def client_for(store: Store, settings: Settings) -> Iterator[TestClient]:
    """A TestClient whose requests see `store` and `settings`; the overrides are removed afterwards."""
    app.dependency_overrides[app_store] = lambda: store
    app.dependency_overrides[app_settings] = lambda: settings
    try:
        yield TestClient(app)
    finally:
        app.dependency_overrides.pop(app_store, None)
        app.dependency_overrides.pop(app_settings, None)
