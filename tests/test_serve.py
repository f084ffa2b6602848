"""`kg serve` as a service: stopped by SIGTERM or Ctrl-C with everything it started, a taken port reported
at once, a server that cannot start not restarted, and a locked store explained.

Real processes: `python -m kg.cli serve` in a session of its own (so that a Ctrl-C can be sent to its whole
process group, as a terminal does, without reaching pytest), its output in a file. Its processes are found
through /proc (psutil is not installed) and every wait polls for a condition until a deadline.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from helpers import copy_project
from processes import free_port

from kg.build import build
from kg.settings import PROJECT_DIR, Settings
from kg.store import EmbeddedStore

START_TIMEOUT_S = 180.0  # an in-memory store builds the graph at start (20-60 s on a loaded machine)
STOP_TIMEOUT_S = 30.0
PORT_CHECK_TIMEOUT_S = 20.0  # `kg serve` on a taken port: interpreter start-up and one bind


@dataclass
class Serving:
    """A started `kg serve`, its port, the file its output goes to, and the server processes seen under it."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    workers: list[tuple[int, str]] = field(default_factory=list)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def find_workers(self) -> list[tuple[int, str]]:
        """The processes seen under the supervisor so far (recorded: checked and cleaned up after it ends)."""
        found = [identity(pid) for pid in descendants(self.process.pid)]
        self.workers += [worker for worker in found if worker and worker not in self.workers]
        return self.workers

    def running_workers(self) -> list[tuple[int, str]]:
        return [worker for worker in self.workers if running(worker)]


def serve_environment(data_dir: Path, **settings: str) -> dict[str, str]:
    """This environment without the caller's KG_* settings, with the store in `data_dir`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("KG_")}
    return env | {"KG_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"} | settings


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail naming `what` when the deadline passes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout} s")
        time.sleep(0.1)


def proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first); None if no such pid."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2 :].split()


def identity(pid: int) -> tuple[int, str] | None:
    """A pid with its start time (a recycled pid has another one), if it runs (a zombie does not count)."""
    fields = proc_stat(pid)
    if fields is None or fields[0] in ("Z", "X"):
        return None
    return pid, fields[19]  # starttime, field 22 of stat


def running(process: tuple[int, str]) -> bool:
    return identity(process[0]) == process


def children(pid: int) -> list[int]:
    """The pids of a process's children, from every thread's list."""
    pids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread or process just ended
            pids += [int(child) for child in (task / "children").read_text().split()]
    return pids


def descendants(pid: int) -> list[int]:
    """Every process below `pid`."""
    found: list[int] = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


def group_members(pgid: int) -> list[int]:
    """The running processes of a process group."""
    members: list[int] = []
    for entry in Path("/proc").glob("[0-9]*"):
        fields = proc_stat(int(entry.name))
        if fields is not None and fields[0] not in ("Z", "X") and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def port_is_free(port: int) -> bool:
    """Whether 127.0.0.1:`port` can be bound and listened on, as uvicorn does."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen()
        except OSError:
            return False
    return True


def answers(serving: Serving) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{serving.port}/status", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store with the graph built once, so that each server starts in seconds."""
    folder = tmp_path_factory.mktemp("serve") / "store"
    store = EmbeddedStore(folder)
    try:
        build(Settings(data_dir=folder), store)
    finally:
        store.close()
    return folder


@pytest.fixture
def start_serve(tmp_path: Path) -> Iterator[Callable[..., Serving]]:
    """Starts `kg serve` on a free port; whatever of it still runs at the end is killed by its pid."""
    started: list[Serving] = []

    def start(data_dir: Path, port: int | None = None, **settings: str) -> Serving:
        port = port or free_port()
        log = tmp_path / f"serve-{port}.log"
        command = [sys.executable, "-m", "kg.cli", "serve", "--port", str(port)]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=PROJECT_DIR,
                env=serve_environment(data_dir, **settings),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(Serving(process, port, log))
        return started[-1]

    yield start
    for serving in started:
        if serving.process.poll() is None:
            serving.find_workers()
            serving.process.kill()
            serving.process.wait()
        for pid, _ in serving.running_workers():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def started_and_answering(start_serve: Callable[..., Serving], data_dir: Path) -> Serving:
    """A `kg serve` that answers on its port, with the worker the supervisor started."""
    serving = start_serve(data_dir)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not answers(serving):
        if serving.process.poll() is not None:
            pytest.fail(f"kg serve exited with {serving.process.returncode}:\n{serving.output()}")
        if time.monotonic() > deadline:
            pytest.fail(f"kg serve did not answer within {START_TIMEOUT_S} s:\n{serving.output()}")
        time.sleep(0.2)
    return serving


def assert_stops_cleanly(serving: Serving, stop: Callable[[int], None], *, restarts: int = 0) -> None:
    """`stop(pid)` ends kg serve with 0, its server after a graceful shutdown, and frees the port."""
    pid = serving.process.pid
    # `kg serve` replaced itself by the supervisor: the pid a service manager signals is the one that stops.
    assert b"api.supervisor" in Path(f"/proc/{pid}/cmdline").read_bytes()
    assert serving.find_workers(), f"no server under the supervisor:\n{serving.output()}"
    stop(pid)
    try:
        code = serving.process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"kg serve still runs {STOP_TIMEOUT_S} s after the signal:\n{serving.output()}")
    output = serving.output()
    assert code == 0, output
    assert serving.running_workers() == [], output
    assert group_members(pid) == [], output
    assert port_is_free(serving.port), output
    # uvicorn skips the application's shutdown when forced (a second SIGINT): this line proves it was not.
    assert output.count("Application shutdown complete") == 1, output
    assert "Traceback" not in output
    assert output.count("starting it again") == restarts, output


@pytest.mark.slow
def test_sigterm_to_kg_serve_stops_the_supervisor_and_the_server(
    start_serve: Callable[..., Serving], built_store: Path
) -> None:
    serving = started_and_answering(start_serve, built_store)
    assert_stops_cleanly(serving, lambda pid: os.kill(pid, signal.SIGTERM))


@pytest.mark.slow
def test_sigint_to_kg_serve_alone_stops_everything(
    start_serve: Callable[..., Serving], built_store: Path
) -> None:
    serving = started_and_answering(start_serve, built_store)
    assert_stops_cleanly(serving, lambda pid: os.kill(pid, signal.SIGINT))


@pytest.mark.slow
def test_ctrl_c_stops_everything_once_without_forcing_the_server(
    start_serve: Callable[..., Serving], built_store: Path
) -> None:
    """A terminal sends SIGINT to the whole foreground process group: supervisor and server at once."""
    serving = started_and_answering(start_serve, built_store)
    assert_stops_cleanly(serving, lambda pid: os.killpg(pid, signal.SIGINT))


@pytest.mark.slow
def test_a_crashed_server_is_started_again_and_still_stops_cleanly(
    start_serve: Callable[..., Serving], built_store: Path
) -> None:
    """SIGKILL stands for the abort inside Oxigraph that the supervisor is there for."""
    serving = started_and_answering(start_serve, built_store)
    (crashed,) = serving.find_workers()
    os.kill(crashed[0], signal.SIGKILL)
    wait_for(lambda: not running(crashed) and answers(serving), START_TIMEOUT_S, "the server answers again")
    assert len(serving.find_workers()) == 2, serving.output()
    assert_stops_cleanly(serving, lambda pid: os.kill(pid, signal.SIGTERM), restarts=1)


@pytest.mark.slow
def test_a_second_stop_request_kills_a_server_still_building(
    start_serve: Callable[..., Serving], tmp_path: Path
) -> None:
    """uvicorn stops only after the app's start-up (the graph's build); a second request does not wait."""
    serving = start_serve(tmp_path / "store", KG_MEMORY="true")
    wait_for(lambda: "building it" in serving.output(), 60, "the server builds the graph")
    assert serving.find_workers(), serving.output()
    os.kill(serving.process.pid, signal.SIGTERM)
    # Signals of one kind merge while pending: the second is sent once the first was handled.
    wait_for(lambda: "SIGTERM: stopping the server" in serving.output(), 10, "the first request is handled")
    os.kill(serving.process.pid, signal.SIGTERM)
    try:
        code = serving.process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"kg serve still runs after two stop requests:\n{serving.output()}")
    output = serving.output()
    assert code == 0, output
    assert serving.running_workers() == [], output
    assert "Application startup complete" not in output  # killed during the build, not stopped after it


@pytest.mark.slow
def test_the_server_does_not_outlive_a_killed_supervisor(
    start_serve: Callable[..., Serving], built_store: Path
) -> None:
    serving = started_and_answering(start_serve, built_store)
    assert serving.find_workers(), serving.output()
    serving.process.kill()
    serving.process.wait(STOP_TIMEOUT_S)
    wait_for(
        lambda: serving.running_workers() == [],
        STOP_TIMEOUT_S,
        "the server stops once its supervisor is killed",
    )
    wait_for(lambda: port_is_free(serving.port), STOP_TIMEOUT_S, "the port is free again")


def test_a_taken_port_is_reported_at_once_with_the_way_out(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "kg.cli", "serve", "--port", str(port)]
        environment = serve_environment(tmp_path / "store")
        started = time.monotonic()
        result = subprocess.run(
            command, cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=60
        )
        elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    assert elapsed < PORT_CHECK_TIMEOUT_S
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(port) in lines[0] and "in use" in lines[0]
    assert "--port" in lines[0] and "KG_PORT" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "store").exists()  # no server was started: it would have opened the store


@pytest.mark.parametrize("port", ["0", "70000"])
def test_a_port_out_of_range_is_refused(tmp_path: Path, port: str) -> None:
    command = [sys.executable, "-m", "kg.cli", "serve", "--port", port]
    environment = serve_environment(tmp_path / "store", KG_MEMORY="true")
    result = subprocess.run(
        command, cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert "1-65535" in result.stderr and "Traceback" not in result.stderr


def test_a_server_that_cannot_start_is_not_restarted(
    start_serve: Callable[..., Serving], tmp_path: Path
) -> None:
    """The store is held by another process: the server fails at start-up, every time; no restart loop."""
    folder = tmp_path / "locked"
    holder = EmbeddedStore(folder)
    try:
        serving = start_serve(folder)
        try:
            code = serving.process.wait(60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"kg serve still runs on a locked store:\n{serving.output()}")
    finally:
        holder.close()
    output = serving.output()
    assert code == 2, output
    assert "another `kg serve` or `kg` command holds it" in output and "KG_DATA_DIR" in output
    assert output.count("not starting it again") == 1, output
    assert "; starting it again" not in output
    assert "Traceback" not in output


def test_a_graph_that_cannot_be_built_ends_the_start_with_the_reason(
    start_serve: Callable[..., Serving], tmp_path: Path
) -> None:
    """Broken facts: one line naming the file, exit 2 as for `kg build`, no traceback, no restart."""
    project = copy_project(PROJECT_DIR, tmp_path / "project")
    facts = project / "kg/data/sources/000_d738c459d04f11ab.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("statements:", "statements: [", 1), "utf-8")
    serving = start_serve(tmp_path / "store", KG_PROJECT_DIR=str(project))
    try:
        code = serving.process.wait(START_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"kg serve still runs on a broken project:\n{serving.output()}")
    output = serving.output()
    assert code == 2, output
    assert "the graph cannot be built" in output and "000_d738c459d04f11ab.yaml" in output
    assert "Traceback" not in output


@pytest.mark.slow
def test_a_port_taken_during_the_build_ends_the_supervisor_with_the_hint(
    start_serve: Callable[..., Serving], tmp_path: Path
) -> None:
    """The port is free at the check, taken while the server builds the graph: exit 2, no restart loop."""
    serving = start_serve(tmp_path / "store", KG_MEMORY="true")
    # The server process starts after the supervisor checked the port; it listens only after the build.
    wait_for(lambda: "Started server process" in serving.output(), 60, "the server starts")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", serving.port))
        taken.listen()
        try:
            code = serving.process.wait(START_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"kg serve still runs on a taken port:\n{serving.output()}")
    output = serving.output()
    assert code == 2, output
    assert f"port {serving.port} on 127.0.0.1 is already in use" in output
    assert "starting it again" not in output


def test_a_store_held_by_kg_serve_names_the_ways_around_it(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    holder = EmbeddedStore(folder)  # as `kg serve` holds it
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kg.cli", "stats"],
            cwd=PROJECT_DIR,
            env=serve_environment(folder, COLUMNS="400"),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.close()
    assert result.returncode == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert "is `kg serve` running on it?" in message
    assert "/sparql" in message and "--memory" in message and "KG_DATA_DIR" in message
    assert "Traceback" not in message
