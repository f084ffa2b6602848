"""README's table of `kg` commands and table of settings are generated (docs/readme_tables.py, `make docs`).

A command, an option or a setting added without rerunning `make docs` fails here, with the difference shown.
"""

import subprocess

from processes import program

from kg.settings import PROJECT_DIR


def test_readme_tables_are_what_the_generator_writes() -> None:
    check = [
        program("cog"),
        "--check",
        "--diff",
        "--check-fail-msg",
        "run `make docs`",
        "-I",
        "docs",
        "README.md",
    ]
    result = subprocess.run(check, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
