"""Keep the server up: run uvicorn in a child process and start it again when it dies.

Some queries end the whole process inside Oxigraph 0.5.13, where no thread, timeout or exception handler can
catch them: a sort panic on an ORDER BY over mixed literals aborts the process (tests/test_api_limits.py holds
one such query). This supervisor restarts the server after such a death (the on-disk store reopens in a
second or two), and gives up if the server dies more than `max_restarts` times within a minute.
Run: `python -m api.supervisor --host 127.0.0.1 --port 8000` (SIGTERM or Ctrl-C stops it and its child).
"""

import argparse
import logging
import signal
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from types import FrameType

log = logging.getLogger("api.supervisor")


def serve(host: str, port: int, *, max_restarts: int = 5) -> int:
    """Run `uvicorn api.main:app` until it stops cleanly or is stopped; return its exit code."""
    stopping = False
    child: subprocess.Popen[bytes] | None = None

    def forward(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    deaths: deque[float] = deque()
    # The access log's formatter is logging's own: uvicorn's copies every record to colour it (~5 % of the
    # CPU of a small query, measured).
    log_config = str(Path(__file__).parent / "logging.json")
    command = [
        sys.executable, "-m", "uvicorn", "api.main:app", "--host", host, "--port", str(port),
        "--log-config", log_config,
    ]  # fmt: skip
    while True:
        child = subprocess.Popen(command)
        code = child.wait()
        if stopping or code == 0:
            return code
        now = time.monotonic()
        deaths.append(now)
        while deaths and now - deaths[0] > 60:
            deaths.popleft()
        if len(deaths) > max_restarts:
            log.error("the server died %d times within a minute (last exit %s); giving up", len(deaths), code)
            return code or 1
        log.warning("the server exited with %s; starting it again", code)
        time.sleep(1)


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
