"""Keep the server up: run uvicorn in a child process and start it again when it dies.

Some queries end the whole process inside Oxigraph 0.5.13, where no thread, timeout or exception handler can
catch them: a sort panic on an ORDER BY over mixed literals aborts the process (tests/test_api_limits.py holds
one such query). This supervisor restarts the server after such a death (the on-disk store reopens in a
second or two), and gives up if the server dies more than `max_restarts` times within a minute.

It behaves as a service: SIGTERM or SIGINT (Ctrl-C) stops the server gracefully and exits 0, a second one
kills it; a taken port is reported at once (exit 2); only a server killed by a signal is restarted, one that
exits with a code is not (uvicorn exits 3 when it cannot start: the app's start-up failed or the port was
taken; 1 when the app cannot be imported; each would only repeat); the server dies with the supervisor, even
when that is killed by SIGKILL.
Run: `python -m api.supervisor --host 127.0.0.1 --port 8000` (`kg serve` replaces itself by this program).
"""

import argparse
import contextlib
import ctypes
import errno
import functools
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from types import FrameType

log = logging.getLogger("api.supervisor")
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
USAGE_ERROR = 2  # the CLI's exit code for bad input (kg.errors)


class PortUnavailable(Exception):
    """The host and port cannot be listened on; the message says what to do instead."""


def check_port(host: str, port: int) -> None:
    """Bind `host:port` as uvicorn does (asyncio's `create_server`), then let it go; raise PortUnavailable.

    uvicorn binds only after the lifespan built the graph (20-60 s): checking first reports a taken port
    at once.
    """
    if not 0 < port < 65536:  # the resolver would wrap 70000 round to 4464
        raise PortUnavailable(f"no port {port}: choose one of 1-65535 with `kg serve --port N` or KG_PORT")
    try:
        infos = set(socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE))
        with contextlib.ExitStack() as sockets:
            for family, kind, proto, _name, address in infos:
                sock = sockets.enter_context(socket.socket(family, kind, proto))
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                sock.bind(address)
    except OSError as error:
        raise PortUnavailable(unavailable_message(host, port, error)) from error


def unavailable_message(host: str, port: int, error: OSError) -> str:
    """One line: what is wrong with `host:port`, and how to choose another."""
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (another `kg serve`?); serve on another port with "
            "`kg serve --port N` or the KG_PORT setting (KG_PORT=N)"
        )
    return (
        f"cannot listen on {host}:{port} ({error.strerror or error}); choose another with "
        "`kg serve --host H --port N` or the KG_HOST and KG_PORT settings"
    )


def prepare_child(prctl: Callable[..., int] | None, parent: int) -> None:
    """In the child, before exec: ignore Ctrl-C until uvicorn takes over the signals, die with the supervisor.

    The supervisor forwards every stop as SIGTERM; a terminal's SIGINT during the import of the app would only
    print a traceback. PR_SET_PDEATHSIG has the kernel send SIGTERM when the supervisor dies, even by SIGKILL.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # kept across exec, until uvicorn sets its own handler
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the supervisor died before prctl: nobody would ever stop this child
            os._exit(1)


def signal_name(number: int) -> str:
    """SIGABRT for 6; a number without a name stays a number."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class Supervisor:
    """Runs the server in a child process, restarts it after a crash, stops it on request."""

    def __init__(self, host: str, port: int, *, max_restarts: int = 5) -> None:
        self.host, self.port, self.max_restarts = host, port, max_restarts
        self.stop_requests = 0
        self.child: subprocess.Popen[bytes] | None = None
        # The access log's formatter is logging's own: uvicorn's copies every record to colour it (~5 % of
        # the CPU of a small query, measured).
        log_config = str(Path(__file__).parent / "logging.json")
        self.command = [
            sys.executable, "-m", "uvicorn", "api.main:app", "--host", host, "--port", str(port),
            "--log-config", log_config,
        ]  # fmt: skip

    def request_stop(self, signum: int, _frame: FrameType | None) -> None:
        """SIGTERM or SIGINT: stop the server; never start it again."""
        self.stop_requests += 1
        self.signal_child()
        if self.stop_requests == 1:
            log.info("%s: stopping the server (another one kills it)", signal_name(signum))
        else:
            log.warning("%s again: killing the server", signal_name(signum))

    def signal_child(self) -> None:
        """SIGTERM for the first stop request, SIGKILL for the next ones (as a second Ctrl-C does in uvicorn).

        SIGTERM even for a SIGINT: after a Ctrl-C the child already has the terminal's SIGINT, and uvicorn
        force-quits on a second SIGINT, never on a SIGTERM.
        """
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM if self.stop_requests == 1 else signal.SIGKILL)

    def run(self) -> int:
        """Serve until stopped (0), or until the server cannot start or dies too often (its exit code)."""
        deaths: deque[float] = deque()
        while not self.stop_requests:
            if not self.port_available():
                return USAGE_ERROR
            code = self.run_child()
            if self.stop_requests or code == 0:
                return 0
            if not self.port_available():  # taken by another program while the server started
                return USAGE_ERROR
            if code > 0:  # the server's own exit, not a crash (see the docstring of this module)
                log.error("the server exited with %s; not starting it again", code)
                return code
            deaths.append(time.monotonic())
            while deaths[-1] - deaths[0] > 60:
                deaths.popleft()
            if len(deaths) > self.max_restarts:
                log.error("the server died %d times within a minute; giving up", len(deaths))
                return 1
            log.warning("the server was killed by %s; starting it again", signal_name(-code))
            time.sleep(1)
        return 0

    def port_available(self) -> bool:
        """Whether the server can listen on its port; if not, say why and how to choose another."""
        try:
            check_port(self.host, self.port)
        except PortUnavailable as error:
            log.error("%s", error)
            return False
        return True

    def run_child(self) -> int:
        """Start the server and wait for its end: its exit code (-N: killed by signal N)."""
        prctl = ctypes.CDLL(None).prctl if sys.platform == "linux" else None
        # preexec_fn is safe here: the supervisor runs a single thread.
        preexec = functools.partial(prepare_child, prctl, os.getpid())
        self.child = subprocess.Popen(self.command, preexec_fn=preexec)
        if self.stop_requests:  # a stop requested while it was being started
            self.signal_child()
        return self.child.wait()


def serve(host: str, port: int, *, max_restarts: int = 5) -> int:
    """Run `uvicorn api.main:app` until it stops cleanly or is stopped; return the exit code."""
    supervisor = Supervisor(host, port, max_restarts=max_restarts)
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    signal.signal(signal.SIGINT, supervisor.request_stop)
    return supervisor.run()


def main() -> None:
    """Command line: host and port, as uvicorn takes them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    sys.exit(serve(arguments.host, arguments.port))


if __name__ == "__main__":
    main()
