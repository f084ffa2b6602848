"""README's table of `kg` commands and table of settings, generated from the Typer app and `kg/settings.py`.

README.md calls these functions between cog markers; `make docs` rewrites the tables (`cog -r -I docs
README.md`) and tests/test_readme_tables.py fails when README differs from what they produce. The commands are
read from the app's declarations (signatures and their `typer.Option`/`typer.Argument`), not from Typer's help
output, so the tables do not change with Typer's version.
"""

import inspect
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from typer.models import ArgumentInfo, CommandInfo, OptionInfo

from kg.cli import app
from kg.settings import PROJECT_DIR, Settings

MIB = 1024 * 1024


def command_table() -> str:
    """One row per `kg` command, in the app's order: its synopsis and the first paragraph of its help."""
    rows = ["| command | does |", "|---|---|"]
    for command in app.registered_commands:
        rows.append(f"| `{cell(synopsis(command))}` | {cell(first_paragraph(command))} |")
    return "\n".join(rows) + "\n"


def settings_table() -> str:
    """One row per setting, in the order of `kg/settings.py`: its variable, default and description."""
    undescribed = [name for name, field in Settings.model_fields.items() if not field.description]
    if undescribed:
        raise ValueError(f"settings without a description in kg/settings.py: {', '.join(undescribed)}")
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        variable = f"{Settings.model_config['env_prefix']}{name.upper()}"
        rows.append(f"| `{variable}` | {cell(default_text(name, field))} | {cell(field.description or '')} |")
    return "\n".join(rows) + "\n"


# -------------------------------------------------------------------------------------------------- commands


def synopsis(command: CommandInfo) -> str:
    """`kg NAME ARGUMENTS [--option VALUE] ...`: required parts bare, optional ones in brackets.

    >>> from kg.cli.query import register
    >>> import typer
    >>> one = typer.Typer()
    >>> register(one)
    >>> synopsis(one.registered_commands[0])
    'kg query QUERY [--format table|json|xml|csv|tsv]'
    """
    parts = [f"kg {command.name}"]
    parameters = inspect.signature(command.callback).parameters.values()  # follows functools.wraps
    parts += [usage(parameter) for parameter in parameters if not isinstance(declared(parameter), OptionInfo)]
    parts += [usage(parameter) for parameter in parameters if isinstance(declared(parameter), OptionInfo)]
    return " ".join(parts)


def usage(parameter: inspect.Parameter) -> str:
    """How one argument or option is written on the command line."""
    info = declared(parameter)
    kind = value_type(parameter.annotation)
    repeated = typing.get_origin(kind) is list
    if repeated:
        kind = typing.get_args(kind)[0]
    required = parameter.default is inspect.Parameter.empty
    if isinstance(info, OptionInfo):
        name = next((decl for decl in declarations(info) if decl.startswith("--")), None)
        name = name or "--" + parameter.name.replace("_", "-")
        text = name if kind is bool else f"{name} {placeholder(info, kind, name)}"
    else:
        text = placeholder(info, kind, parameter.name)
    if repeated:
        text += " ..."
    return text if required else f"[{text}]"


def placeholder(info: OptionInfo | ArgumentInfo, kind: Any, name: str) -> str:
    """The value's name: the declared metavar, the choices, FILE for an option's path, or the name in capitals.

    >>> placeholder(OptionInfo(), Path, "--output"), placeholder(OptionInfo(), str, "--graph")
    ('FILE', 'GRAPH')
    """
    if info.metavar:
        return info.metavar
    if isinstance(kind, type) and issubclass(kind, Enum):
        return "|".join(str(member.value) for member in kind)
    if isinstance(info, OptionInfo) and kind is Path:
        return "FILE"
    return name.lstrip("-").replace("-", "_").upper()


def declarations(info: OptionInfo) -> list[str]:
    """An option's names; in `Annotated[..., typer.Option("--name", "-n")]` Typer reads the first from `default`."""
    first = [info.default] if isinstance(info.default, str) and info.default.startswith("-") else []
    return first + list(info.param_decls or ())


def declared(parameter: inspect.Parameter) -> OptionInfo | ArgumentInfo:
    """The `typer.Option`/`typer.Argument` in a parameter's `Annotated` type (none: a default makes an option)."""
    for extra in getattr(parameter.annotation, "__metadata__", ()):
        if isinstance(extra, OptionInfo | ArgumentInfo):
            return extra
    return ArgumentInfo() if parameter.default is inspect.Parameter.empty else OptionInfo()


def value_type(annotation: Any) -> Any:
    """The type of the value, without `Annotated` and without `| None`.

    >>> value_type(typing.Annotated[list[Path] | None, "help"])
    list[pathlib.Path]
    """
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kinds = [kind for kind in typing.get_args(annotation) if kind is not type(None)]
        annotation = kinds[0] if len(kinds) == 1 else annotation
    return annotation


def first_paragraph(command: CommandInfo) -> str:
    """The command's help as Typer shows it (its docstring), up to the first blank line, on one line."""
    help_text = command.help or inspect.getdoc(command.callback) or ""
    return " ".join(help_text.split("\n\n")[0].split())


# -------------------------------------------------------------------------------------------------- settings


def default_text(name: str, field: FieldInfo) -> str:
    """A setting's default as it would be written in the environment.

    >>> default_text("max_body_bytes", Settings.model_fields["max_body_bytes"])
    '`10485760` (10 MiB)'
    >>> default_text("data_dir", Settings.model_fields["data_dir"])
    '`var/store`'
    """
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if isinstance(value, Path):
        if value == PROJECT_DIR:
            return "the repository"
        return f"`{value.relative_to(PROJECT_DIR) if value.is_relative_to(PROJECT_DIR) else value}`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list):
        return "`[" + ", ".join(f'"{item}"' for item in value) + "]`"
    if isinstance(value, float):
        return f"`{value:g}`"
    if isinstance(value, int) and name.endswith("_bytes"):
        return f"`{value}` ({size(value)})"
    return f"`{value}`"


def size(count: int) -> str:
    """A byte count in MiB or KiB.

    >>> size(64 * 1024), size(10 * 1024 * 1024)
    ('64 KiB', '10 MiB')
    """
    return f"{count // MIB} MiB" if count >= MIB else f"{count // 1024} KiB"


def cell(text: str) -> str:
    """Text for a Markdown table cell: a `|` would end the cell, even inside backticks."""
    return text.replace("|", "\\|")


if __name__ == "__main__":
    print(command_table())
    print(settings_table())
