"""The wheel: built without setuptools warnings, it holds the templates, static files and logging config, and
works outside the checkout (installed in a fresh venv, `kg build` builds the graph and uvicorn serves pages).

The wheel is built with pip's build isolation: `[build-system]` asks for setuptools>=77 (`license` as an SPDX
expression), newer than the one `make setup` leaves in .venv, so `--no-build-isolation` would build with the
wrong backend. Isolation fetches setuptools from the index (a few seconds; the pip cache serves it afterwards).

The fresh venv borrows the dependencies already installed beside this interpreter through a `.pth` file holding
the path of their site-packages: a plain path line does not run the `.pth` hooks of that folder, so the editable
install of the checkout stays inactive and `kg` and `api` can only come from the wheel (checked).
"""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from processes import free_port, start_server

pytestmark = pytest.mark.slow

CHECKOUT = Path(__file__).resolve().parent.parent
DIST_DIR = CHECKOUT / "api" / "static" / "dist"
PACKAGES = ("kg", "api")
PROJECT_INPUTS = ("ontology", "seeds", "kg/data", "queries")  # what kg/settings.py reads from project_dir
STEP_TIMEOUT_S = 240.0
SERVER_TIMEOUT_S = 120.0
# A Python warning category in the backend's output (`SetuptoolsDeprecationWarning: ...`,
# `BuildBackendWarning: ...`); distutils' lowercase "warning: ... byte-compiling is disabled" is a notice.
WARNING = re.compile(r"\b[A-Za-z_]*Warning: ")


@dataclass
class Wheel:
    path: Path
    names: set[str]
    build_log: str


@dataclass
class Venv:
    """A fresh venv outside the checkout, with the wheel installed."""

    root: Path

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    def program(self, name: str) -> Path:
        return self.root / "bin" / name


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without anything that could import the checkout or carry its settings."""
    dropped = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("KG_")}
    return env | {"PYTHONNOUSERSITE": "1"} | settings


def run(command: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command to completion; its output, or a failure that shows it."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT_S,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{command} exited with {result.returncode}:\n{output[-6000:]}"
    return output


def copy_sources(target: Path) -> Path:
    """What the build reads (top-level files such as pyproject.toml and README.md, and the packages), copied
    so that setuptools writes build/ and *.egg-info there, not in a checkout someone else is working in."""
    target.mkdir()
    for path in CHECKOUT.iterdir():
        if path.is_file():
            shutil.copy2(path, target / path.name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for package in PACKAGES:
        shutil.copytree(CHECKOUT / package, target / package, ignore=ignore)
    return target


def site_packages(python: Path) -> Path:
    """The purelib folder of a venv's interpreter (where pip installs pure-Python wheels)."""
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(run([python, "-c", code], cwd=python.parent.parent).strip())


@contextmanager
def served(venv: Venv, env: dict[str, str], cwd: Path) -> Iterator[str]:
    """The installed app under uvicorn (with the wheel's logging.json), answering at the URL yielded."""
    port = free_port()
    command = [venv.python, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--log-config", site_packages(venv.python) / "api" / "logging.json"]
    server = start_server(
        [str(part) for part in command],
        port=port,
        probe="/",
        log=cwd / "uvicorn.log",
        name="uvicorn (installed wheel)",
        env=env,
        cwd=cwd,
        timeout=SERVER_TIMEOUT_S,
    )
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Wheel:
    """A wheel built from the checkout's sources, its file names, and pip's verbose log of the build."""
    work = tmp_path_factory.mktemp("wheel")
    sources = copy_sources(work / "src")
    out = work / "dist"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-v"]
    log = run([*command, "--wheel-dir", out, sources], cwd=work)
    (path,) = out.glob("syria_kg-*.whl")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    return Wheel(path, names, log)


@pytest.fixture(scope="module")
def venv(wheel: Wheel, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A venv outside the checkout, the installed dependencies borrowed, the wheel installed in it."""
    venv = Venv(tmp_path_factory.mktemp("venv") / "env")
    work = venv.root.parent
    run([sys.executable, "-m", "venv", "--without-pip", venv.root], cwd=work)
    ours = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    (site_packages(venv.python) / "borrowed-dependencies.pth").write_text("".join(f"{p}\n" for p in ours))
    # pip is borrowed too; --ignore-installed: never touch the editable install of the checkout that it sees.
    install = ["-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed"]
    run([venv.python, *install, "--disable-pip-version-check", wheel.path], cwd=work)
    return venv


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's inputs, outside the checkout."""
    target = tmp_path_factory.mktemp("project")
    for folder in PROJECT_INPUTS:
        shutil.copytree(CHECKOUT / folder, target / folder)
    return target


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty working folder outside the checkout."""
    return tmp_path_factory.mktemp("cwd")


def test_clean_env_drops_what_could_import_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(CHECKOUT))
    monkeypatch.setenv("KG_PROJECT_DIR", str(CHECKOUT))
    env = clean_env(KG_DATA_DIR="/x")
    assert "PYTHONPATH" not in env and "KG_PROJECT_DIR" not in env and env["KG_DATA_DIR"] == "/x"


def test_wheel_is_built_without_setuptools_warnings(wheel: Wheel) -> None:
    warnings = [line.strip() for line in wheel.build_log.splitlines() if WARNING.search(line)]
    assert not warnings, "\n".join(warnings)


def test_wheel_holds_templates_static_files_and_logging_config(wheel: Wheel) -> None:
    templates = {p.relative_to(CHECKOUT).as_posix() for p in (CHECKOUT / "api" / "templates").glob("*.html")}
    assert templates, "no template in api/templates"
    assert templates <= wheel.names, sorted(templates - wheel.names)
    expected = {"api/static/site.css", "api/static/favicon.svg", "api/logging.json", "api/routers/browser.py"}
    assert expected <= wheel.names, sorted(expected - wheel.names)
    # Inputs are read from the project folder (KG_PROJECT_DIR), never from the package.
    assert not [name for name in wheel.names if name.startswith("kg/data/") or "__pycache__" in name]


def test_wheel_holds_the_front_end_bundle(wheel: Wheel) -> None:
    if not DIST_DIR.is_dir():
        pytest.skip("api/static/dist is absent: the front end is not built (`make setup` builds it)")
    bundle = {p.relative_to(CHECKOUT).as_posix() for p in DIST_DIR.rglob("*") if p.is_file()}
    bundle = {name for name in bundle if not Path(name).name.startswith(".")}  # .built is make's stamp
    assert "api/static/dist/app.js" in wheel.names
    assert bundle <= wheel.names, sorted(bundle - wheel.names)  # nested folders too (yasgui/, world/)


def test_the_venv_imports_the_installed_wheel(venv: Venv, elsewhere: Path) -> None:
    code = "import api.main, kg, api; print(kg.__file__); print(api.__file__)"
    files = run([venv.python, "-c", code], cwd=elsewhere).split()[-2:]
    installed = site_packages(venv.python).resolve()
    for file in files:
        assert Path(file).resolve().is_relative_to(installed), f"{file} is not from the wheel ({installed})"
    assert venv.program("kg").is_file()


def test_an_installed_kg_reads_the_project_in_its_working_folder(venv: Venv, project: Path) -> None:
    # -P: the working folder (which holds kg/data/) is not put on sys.path.
    code = "from kg.settings import Settings; print(Settings().project_dir)"
    output = run([venv.python, "-P", "-c", code], cwd=project)
    assert Path(output.split()[-1]).resolve() == project.resolve()


def test_installed_kg_builds_and_its_server_answers(
    venv: Venv, project: Path, elsewhere: Path, tmp_path: Path
) -> None:
    env = clean_env(KG_PROJECT_DIR=str(project), KG_DATA_DIR=str(tmp_path / "store"))
    run([venv.program("kg"), "build"], cwd=elsewhere, env=env)
    pages = {
        "/": "text/html",
        "/ontology": "text/html",
        "/query": "text/html",
        "/static/site.css": "text/css",
    }
    if DIST_DIR.is_dir():
        pages["/static/dist/app.js"] = "javascript"
    with served(venv, env, elsewhere) as base:
        for path, media_type in pages.items():
            response = httpx.get(base + path, timeout=30)
            assert response.status_code == 200, f"GET {path}: {response.status_code}"
            assert media_type in response.headers["content-type"], f"GET {path}: {response.headers}"
