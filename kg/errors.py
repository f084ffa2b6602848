"""One small error hierarchy, mapped to CLI exit codes and HTTP status codes here and only here."""

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
