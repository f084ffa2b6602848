"""FastAPI dependencies: the store and the settings the application opened at start (see api/main.py).

Coroutines on purpose: FastAPI runs a plain function dependency in its thread pool, a hop per request.
"""

from typing import Annotated

from fastapi import Depends, Request

from kg.settings import Settings
from kg.store import Store


async def app_store(request: Request) -> Store:
    """The one store of the process, opened by the lifespan."""
    return request.app.state.store


async def app_settings(request: Request) -> Settings:
    """The settings the application was started with."""
    return request.app.state.settings


StoreDep = Annotated[Store, Depends(app_store)]
SettingsDep = Annotated[Settings, Depends(app_settings)]
