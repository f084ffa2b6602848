"""Read the analyst's YAML as the text they wrote: every scalar a string, every mapping with its line.

YAML 1.1 turns `2024-12-07` into a date (and `2024-13-45` into a traceback), `2024` into a number and `no` into
false. A facts file holds words, ids, dates written in EDTF and quotes, so the loader keeps every scalar as
written (only an empty value or `null` is nothing); the few fields that are numbers or yes/no are converted
where they are read (`whole_number`, `truth_value`), with a message naming the field. Aliases (`*name`) are
refused: no facts file needs them, and a few lines of them expand into gigabytes ("billion laughs").
"""

from pathlib import Path
from typing import Any

import yaml

from kg.errors import InputError
from kg.temporal import LINE_KEY

MAX_FACTS_BYTES = 2_000_000  # the largest facts file is about 60 KB; anything far bigger is not a facts file
_KEPT_TAGS = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"}
_TRUE, _FALSE = {"true", "yes", "on"}, {"false", "no", "off"}


class _TextLoader(yaml.SafeLoader):
    """A safe YAML loader that keeps scalars as text, remembers the line of every mapping, refuses aliases."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="an alias (*name) is not allowed in a facts file: write the value out",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.MarkedYAMLError(
                    problem="a key must be a plain word, not a list or a mapping",
                    problem_mark=key_node.start_mark,
                )
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag in _KEPT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path) -> Any:
    """Parse a facts file; anything unreadable is an `InputError` naming the file (and the line, when known).

    A UTF-8 byte order mark and Windows line endings are accepted: they are how some editors save.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FACTS_BYTES:
            raise InputError(
                f"{size:,} bytes is too large for a facts file (at most {MAX_FACTS_BYTES:,}): is it the right file?",
                file=str(path),
            )
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte {error.start}): save the file as UTF-8", file=str(path), line=line
        ) from error
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror or error}", file=str(path)) from error
    return parse_yaml(text, str(path))


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text (see `load_yaml`); `file` names it in messages."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        return yaml.load(text, Loader=_TextLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise InputError(
            f"YAML syntax error: {_explain(error, text)}", file=file, line=mark.line + 1 if mark else None
        ) from error
    except yaml.reader.ReaderError as error:  # a control character that YAML does not allow
        line = text[: error.position].count("\n") + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        message = f"character U+{code:04X} is not allowed in YAML: remove it"
        raise InputError(message, file=file, line=line) from error
    except yaml.YAMLError as error:
        raise InputError(f"YAML cannot read this file: {error}", file=file) from error
    except RecursionError as error:
        raise InputError("YAML nested too deeply to be a facts file", file=file) from error


def _explain(error: yaml.MarkedYAMLError, text: str) -> str:
    problem = str(error.problem or error.context or "unreadable")
    mark = error.problem_mark
    if "'\\t'" in problem or (mark is not None and text[mark.index : mark.index + 1] == "\t"):
        return "a tab in the indentation: indent with spaces"
    return problem


def whole_number(value: Any, what: str, *, file: str, line: int | None, least: int = 1) -> int | None:
    """A field that is a whole number (`occurrence: 2`), read from its text; None when absent.

    >>> whole_number("2", "occurrence", file="f", line=1)
    2
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text.lstrip("-").isdigit() or int(text) < least:
        raise InputError(
            f"'{what}' must be a whole number of {least} or more, got {value!r}", file=file, line=line
        )
    return int(text)


def truth_value(value: Any, what: str, *, file: str, line: int | None) -> bool | None:
    """A yes/no field (`true`, `false`, `yes`, `no`, `on`, `off`), read from its text; None when absent.

    >>> truth_value("No", "directed", file="f", line=1)
    False
    """
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise InputError(f"'{what}' must be true or false, got {value!r}", file=file, line=line)
