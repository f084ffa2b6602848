"""The `kg` command line: one module per command (or family of commands), all sharing `kg.cli.common`.

Exit codes: 0 ok, 1 validation failed, 2 bad input or load error (see kg.errors). `kg = "kg.cli:app"` is the
console script; `python -m kg.cli` runs the same app (`__main__.py`).
"""

import typer

from kg.cli import (
    analytics,
    build,
    coverage,
    export,
    growth,
    ingest,
    linking,
    mentions,
    query,
    serve,
    stats,
    validate,
)

app = typer.Typer(help="Build, check, query and serve the Syrian war knowledge graph.", no_args_is_help=True)

# In this order in `kg --help` and in README's table of commands.
for commands in (
    build,
    validate,
    query,
    export,
    stats,
    ingest,
    serve,
    analytics,
    coverage,
    growth,
    mentions,
    linking,
):
    commands.register(app)
