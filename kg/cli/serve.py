"""`kg serve`: the SPARQL endpoint and the graph browser, run by api/supervisor.py in place of this process."""

import os
import subprocess
import sys
from typing import Annotated

import typer

from kg.cli.common import reports_errors
from kg.settings import get_settings


@reports_errors
def serve_command(
    memory: Annotated[bool, typer.Option("--memory", help="Serve from memory (built at start).")] = False,
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the SPARQL endpoint and the graph browser (builds the graph first if the store is empty)."""
    settings = get_settings()
    environment = {**os.environ, **({"KG_MEMORY": "true"} if memory else {})}
    # The supervisor restarts the server if Oxigraph aborts the process, reports a taken port (exit 2) and
    # stops the server on SIGTERM or Ctrl-C (see api/supervisor.py); it runs as a separate program so that kg
    # never imports api.
    command = [sys.executable, "-m", "api.supervisor", "--host", host or settings.host]
    command += ["--port", str(settings.port if port is None else port)]  # 0 is refused, not the default
    if os.name != "posix":  # no exec that keeps the process id
        raise typer.Exit(subprocess.call(command, env=environment))
    # It replaces this process: the pid a user or a service manager signals is the supervisor's.
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, command, environment)


def register(app: typer.Typer) -> None:
    """Add `serve` to the `kg` command line."""
    app.command("serve")(serve_command)
