"""Starting the programs the tests and the benchmarks need: found beside this interpreter, on a free port,
waited for, stopped.

Programs installed with the project (`oxigraph`, `uvicorn`, `kg`) live in the folder of `sys.executable`
(`.venv/bin`). `make test` runs `.venv/bin/python -m pytest` without that folder on `PATH`, so a bare name
would not be found: every program is looked up here, through the interpreter, never through `PATH`.

The one copy of these helpers: `bench/` puts this folder on its path to import this module, so it imports
nothing of the project or of the tests (the standard library and httpx only).
"""

import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

START_TIMEOUT_S = 180.0


def program(name: str) -> str:
    """The path of a program installed beside this interpreter; a clear failure when it is not there."""
    path = Path(sys.executable).parent / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{name} is not installed beside {sys.executable}: run `make setup` (pip install -e '.[test]')"
        )
    return str(path)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A process serving HTTP at `url`, with the file its output goes to."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    name: str = ""
    token: str | None = None

    def stop(self) -> None:
        """Stop the process by its id: SIGTERM, then SIGKILL after 15 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's output, for failure messages."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    @property
    def auth(self) -> dict[str, str]:
        """The header that authorises a write."""
        return {"Authorization": f"Bearer {self.token}"}


def start_server(
    command: list[str],
    *,
    port: int,
    probe: str,
    log: Path,
    name: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    token: str | None = None,
    timeout: float = START_TIMEOUT_S,
) -> Server:
    """Start `command` (which listens on `port`), its output to `log`, and wait until `probe` answers 200."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log, name, token)
    wait_until_up(server, server.url + probe, timeout)
    return server


def wait_until_up(server: Server, probe: str, timeout: float = START_TIMEOUT_S) -> None:
    """Poll `probe` until it answers 200; fail with the server's log if the process dies, if it refuses the probe
    (a 4xx answer: waiting would not change it) or if time runs out. A failed server is stopped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            status = httpx.get(probe, timeout=5).status_code
        except httpx.HTTPError:
            status = None
        if status == 200:
            return
        if status is not None and 400 <= status < 500:
            server.stop()
            raise RuntimeError(f"{server.name} answered HTTP {status} to {probe}:\n{server.log_tail()}")
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{server.name} did not answer within {timeout} s:\n{server.log_tail()}")
