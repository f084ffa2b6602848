"""The HTML shell shared by the page routers (browser, entity and ontology pages): the Jinja templates, the
built front-end bundle in `static/dist/`, and what every page template needs.
"""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

API_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = API_DIR / "templates"
STATIC_DIR = API_DIR / "static"
DIST_DIR = STATIC_DIR / "dist"

# Autoescape on for every template, whatever its file name: labels come from a graph anyone with the write token
# can change.
templates = Jinja2Templates(env=Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True))


def asset_version() -> str:
    """A token that changes whenever the built assets change, so browsers never keep a stale bundle."""
    stamps = [p.stat().st_mtime_ns for p in DIST_DIR.glob("*") if p.is_file()] if DIST_DIR.is_dir() else []
    return str(max(stamps, default=0))


def assets_built() -> bool:
    """True when `npm run build --prefix web` has written the bundles."""
    return (DIST_DIR / "app.js").is_file() and (DIST_DIR / "query.js").is_file()


def bundle_built(name: str) -> bool:
    """True when the front end's build wrote this bundle (a page must not ask for a script that is not there)."""
    return (DIST_DIR / name).is_file()


def page_context(request: Request, **extra: Any) -> dict[str, Any]:
    """What every page template needs."""
    return {"request": request, "v": asset_version(), "assets_built": assets_built(), **extra}
