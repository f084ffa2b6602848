"""One small error hierarchy, mapped to CLI exit codes and HTTP status codes here and only here."""

import re

MAX_DETAIL_CHARS = 240


class KGError(Exception):
    """Base of every error the project reports to a person."""

    exit_code = 2
    http_status = 400


class InputError(KGError):
    """A file or request the project cannot read: bad syntax, unknown id, quote not in its source."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        where = f"{file}:{line}: " if file and line else f"{file}: " if file else ""
        super().__init__(f"{where}{message}")
        self.file = file
        self.line = line


class QueryError(KGError):
    """A SPARQL query or update that cannot be parsed or is refused before it runs."""


class ValidationFailed(KGError):
    """Data that breaks a SHACL shape; carries the report."""

    exit_code = 1
    http_status = 422

    def __init__(self, text: str, turtle: str) -> None:
        super().__init__(text)
        self.text = text
        self.turtle = turtle


class QueryTimeout(KGError):
    """A query that ran past the time limit and was stopped."""

    http_status = 503


class StoreUnavailable(KGError):
    """The remote store could not be reached or answered with an error."""

    http_status = 502


def sparql_syntax_message(error: SyntaxError) -> str:
    """Oxigraph's parser message, phrased for a person: line, column, and a short list of what was expected.

    >>> sparql_syntax_message(SyntaxError("error at 1:25: expected one of lateral, service"))
    'SPARQL syntax error at line 1, column 25: expected one of lateral, service'
    """
    text = str(error)
    match = re.match(r"error at (\d+):(\d+): (.*)", text, re.DOTALL)
    if not match:
        return f"SPARQL syntax error: {text}"
    line, column, detail = match.groups()
    detail = " ".join(detail.split())
    if len(detail) > MAX_DETAIL_CHARS:
        detail = detail[:MAX_DETAIL_CHARS] + " …"
    return f"SPARQL syntax error at line {line}, column {column}: {detail}"
