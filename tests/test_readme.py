"""Every command README.md shows is run here as a newcomer would type it, in a scratch copy of the project.

README's `sh` blocks are run line by line with bash, in order, in a copy of the repository whose `.venv` is
this interpreter's environment; a `text` block right after one holds lines its output must contain. `make serve`
is started for real (without reinstalling what is installed) and stopped with Ctrl-C, as a person would; the
`curl` example is sent to it. `make test` is the one command not run here: it runs this suite (CI runs it, in a
clean environment, through `.ci/run`).
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from helpers import invoke
from processes import free_port

from kg.settings import PROJECT_DIR

README = PROJECT_DIR / "README.md"
NOT_RUN_HERE = {"make test": "it runs this very suite; CI runs it through .ci/run"}
SERVE = "make serve"
# The copy shares this interpreter's environment and the built front end: `-o` tells make they are up to date.
SERVE_WITHOUT_INSTALL = "make -o .venv/.installed -o api/static/dist/.built serve"
README_PORT = "127.0.0.1:8000"
START_TIMEOUT_S = 300
FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.MULTILINE | re.DOTALL)


@dataclass
class Block:
    """The commands of one `sh` block, and the lines its output must contain."""

    line: int
    commands: list[str]
    expected: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"README.md:{self.line}"


def readme_blocks() -> list[Block]:
    """The `sh` blocks of README.md in order, each with the `text` block that follows it, if any."""
    text = README.read_text(encoding="utf-8")
    blocks: list[Block] = []
    for match in FENCE.finditer(text):
        indent, language, body = match.groups()
        lines = [line.removeprefix(indent).rstrip() for line in body.splitlines()]
        if language == "sh":
            commands = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
            blocks.append(Block(text.count("\n", 0, match.start()) + 1, commands))
        elif language == "text" and blocks:
            blocks[-1].expected += [line.strip() for line in lines if line.strip()]
    return blocks


BLOCKS = readme_blocks()


def command_name(command: str) -> str:
    """The command without its trailing comment."""
    return command.split("#", 1)[0].strip()


@dataclass
class Scratch:
    """A copy of the project, the environment commands run with, and the `make serve` running in it."""

    folder: Path
    env: dict[str, str]
    serve_url: str


def copy_repository(target: Path) -> None:
    """The files git tracks, the built front end, and `.venv` pointing at this interpreter's environment."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_DIR, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        source = PROJECT_DIR / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    shutil.copytree(PROJECT_DIR / "api" / "static" / "dist", target / "api" / "static" / "dist")
    (target / ".venv").symlink_to(sys.prefix)


def clean_environment(folder: Path, store: Path) -> dict[str, str]:
    """This environment without KG_* settings or an outer make's flags, pointed at the copy."""
    drop = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_") and k not in drop}
    return env | {"KG_PROJECT_DIR": str(folder), "KG_DATA_DIR": str(store)}


def start_make_serve(folder: Path, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """`make serve` in its own process group (as in a terminal), waited for until the browser page answers."""
    log = (folder.parent / "make-serve.log").open("wb")
    process = subprocess.Popen(
        ["bash", "-c", SERVE_WITHOUT_INSTALL],
        cwd=folder,
        env=env | {"KG_PORT": str(port), "KG_DATA_DIR": str(folder.parent / "serve-store")},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    output = (folder.parent / "make-serve.log").read_text(errors="replace")[-3000:]
    pytest.fail(f"`make serve` did not answer within {START_TIMEOUT_S} s:\n{output}")


def stop_with_ctrl_c(process: subprocess.Popen[bytes]) -> None:
    """What Ctrl-C in the terminal does: SIGINT to the whole process group; everything must end."""
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("`make serve` did not stop within 60 s of Ctrl-C")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    root = tmp_path_factory.mktemp("readme")
    folder = root / "project"
    copy_repository(folder)
    env = clean_environment(folder, root / "store")
    port = free_port()
    server = start_make_serve(folder, env, port)
    try:
        yield Scratch(folder, env, f"http://127.0.0.1:{port}")
    finally:
        stop_with_ctrl_c(server)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=5)


@pytest.mark.slow
@pytest.mark.parametrize("block", BLOCKS, ids=str)
def test_readme_block_runs_as_shown(block: Block, scratch: Scratch) -> None:
    output = ""
    for command in block.commands:
        name = command_name(command)
        if name in NOT_RUN_HERE or name == SERVE:  # make serve: started by the fixture, answering now
            continue
        line = command.replace(README_PORT, scratch.serve_url.removeprefix("http://"))
        result = subprocess.run(
            ["bash", "-c", line], cwd=scratch.folder, env=scratch.env, capture_output=True, timeout=600
        )
        text = result.stdout.decode(errors="replace") + result.stderr.decode(errors="replace")
        assert result.returncode == 0, f"{block}: `{command}` exited {result.returncode}:\n{text[-3000:]}"
        assert "Traceback" not in text, f"{block}: `{command}` printed a traceback:\n{text}"
        output += text
    for expected in block.expected:
        assert expected in output, f"{block}: README shows {expected!r}; the commands printed:\n{output}"


def test_readme_runs_every_command_but_the_suite_itself() -> None:
    commands = {command_name(c) for block in BLOCKS for c in block.commands}
    assert {SERVE, "make test"} <= commands
    assert set(NOT_RUN_HERE) == {"make test"}
    assert any(c.startswith(".venv/bin/kg ingest") for c in commands)
    assert any(c.startswith("curl") and README_PORT in c for c in commands)


def documented_kg_commands() -> list[str]:
    """The subcommands named in README's command table (`| `kg build ...` | ...`)."""
    text = README.read_text(encoding="utf-8")
    return sorted(set(re.findall(r"`kg ([a-z][a-z-]*)", text)))


@pytest.mark.parametrize("command", documented_kg_commands())
def test_every_kg_command_named_in_readme_exists(command: str) -> None:
    code, output = invoke(command, "--help")
    assert code == 0, output
